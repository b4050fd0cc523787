//! Reading a published course package from R2, parsed once per isolate: packages are immutable
//! and named by their hash, so a parsed copy never goes stale, and every lesson a learner opens
//! would otherwise fetch and parse the whole course again.

use crate::fail::OrInternal;
use domain::delivery::package::CoursePackage;
use domain::AppError;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use worker::Env;

const BUCKET: &str = "OUTPUTS";
/// Parsed packages kept per isolate (a few MB at most each); past this the cache starts over.
const CAPACITY: usize = 32;

thread_local! {
    static PARSED: RefCell<HashMap<String, Rc<CoursePackage>>> = RefCell::new(HashMap::new());
}

/// The package stored under `key` (whose content hash is `sha256`).
pub async fn load(env: &Env, key: &str, sha256: &str) -> Result<Rc<CoursePackage>, AppError> {
    if let Some(found) = PARSED.with(|parsed| parsed.borrow().get(sha256).cloned()) {
        return Ok(found);
    }
    let bucket = env.bucket(BUCKET).or_internal("r2.binding")?;
    let object = bucket.get(key).execute().await.or_internal("r2.get")?.ok_or_else(|| AppError::internal().caused_by("packages.load", "object missing"))?;
    let bytes = object.body().ok_or_else(|| AppError::internal().caused_by("packages.load", "no body"))?.bytes().await.or_internal("r2.read")?;
    let package: Rc<CoursePackage> = Rc::new(serde_json::from_slice(&bytes).map_err(|error| AppError::internal().caused_by("packages.parse", error))?);
    PARSED.with(|parsed| {
        let mut parsed = parsed.borrow_mut();
        if parsed.len() >= CAPACITY {
            parsed.clear();
        }
        parsed.insert(sha256.to_string(), Rc::clone(&package));
    });
    Ok(package)
}
