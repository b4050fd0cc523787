//! D1 access, one module per aggregate. Every query that touches user data is scoped by the
//! authenticated user here, so a row that belongs to someone else reads as missing.

pub mod analytics;
pub mod audit;
pub mod blueprints;
pub mod content;
pub mod content_jobs;
pub mod courses;
pub mod exports;
pub mod job_runs;
pub mod learning;
pub mod refresh_tokens;
pub mod syllabi;
pub mod tenants;
pub mod users;

use crate::fail::OrInternal;
use domain::AppError;
use serde::de::DeserializeOwned;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

pub const BINDING: &str = "DB";

/// A JSON column as stored. The columns are checked `json_valid` by the database, so text that
/// does not parse is corruption: one way to meet it — a logged 500 naming the column — never a
/// silent `{}` or `null` passed on as if it were the data.
pub fn stored_json(text: &str, column: &str) -> Result<serde_json::Value, AppError> {
    stored(text, column)
}

/// A JSON column decoded into its type; a column that does not decode is a logged 500.
pub fn stored<T: DeserializeOwned>(text: &str, column: &str) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(|error| AppError::internal().caused_by(&format!("stored_json.{column}"), error))
}

pub fn database(env: &Env) -> Result<D1Database, AppError> {
    env.d1(BINDING).or_internal("d1.binding")
}

pub fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

pub fn int(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

pub fn opt_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

pub fn statement(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<D1PreparedStatement, AppError> {
    db.prepare(sql).bind(args).or_internal("d1.bind")
}

pub async fn first<T: DeserializeOwned>(statement: D1PreparedStatement, what: &str) -> Result<Option<T>, AppError> {
    retry_busy(|| statement.first::<T>(None)).await.or_internal(what)
}

pub async fn all<T: DeserializeOwned>(statement: D1PreparedStatement, what: &str) -> Result<Vec<T>, AppError> {
    retry_busy(|| statement.all()).await.or_internal(what)?.results::<T>().or_internal(what)
}

/// Runs a write and answers how many rows it changed.
pub async fn run(statement: D1PreparedStatement, what: &str) -> Result<usize, AppError> {
    let result = retry_busy(|| statement.run()).await.or_internal(what)?;
    Ok(result.meta().ok().flatten().and_then(|meta| meta.changes).unwrap_or(0))
}

/// Runs statements atomically (one D1 transaction).
pub async fn batch(db: &D1Database, statements: Vec<D1PreparedStatement>, what: &str) -> Result<(), AppError> {
    retry_busy(|| db.batch(statements.clone())).await.or_internal(what).map(|_| ())
}

/// "database is locked" means the statement did not run (another writer held the file: locally
/// the cron process shares the database with the main one), so running it again is safe.
/// Other errors are returned at once: their statement may have run.
async fn retry_busy<T, F, Fut>(mut attempt: F) -> worker::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = worker::Result<T>>,
{
    const BACKOFF_MS: [u64; 4] = [20, 60, 150, 400];
    for delay in BACKOFF_MS {
        match attempt().await {
            Err(error) if is_busy(&error) => worker::Delay::from(std::time::Duration::from_millis(delay)).await,
            outcome => return outcome,
        }
    }
    attempt().await
}

fn is_busy(error: &worker::Error) -> bool {
    let text = error.to_string();
    text.contains("SQLITE_BUSY") || text.contains("database is locked")
}
