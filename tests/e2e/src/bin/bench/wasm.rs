//! Each worker's wasm, raw and gzipped, and what takes the space: `twiggy top` (installed by
//! `scripts/install-tools.sh bench`) lists every item with its shallow size; items are grouped
//! by the crate their symbol names (the name section is still in the wasm: wasm-opt is off).

use crate::stats::{round2, row};
use e2e::stack::worker_dir;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::Command;

const SECTION: &str = "wasm";
pub const WORKERS: [&str; 5] = ["api", "stream", "cron", "queue-consumer", "floor"];

/// The crates `jsonwebtoken`'s `rust_crypto` feature links for RSA, ECDSA and EdDSA although
/// we only sign and verify HS256.
const UNUSED_JWT_ALGORITHMS: [&str; 17] =
    ["p384", "p256", "rsa", "num_bigint_dig", "curve25519_dalek", "ed25519_dalek", "der", "primeorder", "pkcs8", "pkcs1", "spki", "sec1", "ecdsa", "elliptic_curve", "crypto_bigint", "signature", "num_integer"];

pub fn sizes_and_breakdown() -> Vec<Value> {
    let twiggy = Command::new("twiggy").arg("--version").output().is_ok_and(|o| o.status.success());
    let mut rows = Vec::new();
    for worker in WORKERS {
        let path = worker_dir(worker).join("build/index_bg.wasm");
        let raw = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let gzipped = Command::new("gzip").args(["-9", "-c"]).arg(&path).output().map(|o| o.stdout.len()).unwrap_or(0);
        let mut figures = json!({ "raw_bytes": raw, "gzip_bytes": gzipped, "target_gzip_bytes": 1_048_576 });
        if twiggy {
            match breakdown(&path) {
                Ok(breakdown) => {
                    if let (Some(figures), Value::Object(more)) = (figures.as_object_mut(), breakdown) {
                        figures.extend(more);
                    }
                }
                Err(error) => figures["breakdown_error"] = json!(error),
            }
        } else {
            figures["breakdown_error"] = json!("twiggy is not installed (`bash scripts/install-tools.sh bench` installs it)");
        }
        rows.push(row(SECTION, &format!("wasm: {worker}"), figures));
    }
    rows
}

fn breakdown(path: &std::path::Path) -> Result<Value, String> {
    let output = Command::new("twiggy").args(["top", "-f", "json"]).arg(path).output().map_err(|e| format!("twiggy: {e}"))?;
    if !output.status.success() {
        return Err(format!("twiggy failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let items: Vec<Value> = serde_json::from_slice(&output.stdout).map_err(|e| format!("twiggy output: {e}"))?;
    let total: u64 = items.iter().filter_map(|i| i["shallow_size"].as_u64()).sum();
    let mut by_crate: BTreeMap<String, u64> = BTreeMap::new();
    for item in &items {
        let name = item["name"].as_str().unwrap_or_default();
        *by_crate.entry(crate_of(name)).or_insert(0) += item["shallow_size"].as_u64().unwrap_or(0);
    }
    let share = |bytes: u64| round2(bytes as f64 * 100.0 / total.max(1) as f64);
    let mut crates: Vec<(String, u64)> = by_crate.into_iter().collect();
    crates.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    let top_crates: Vec<Value> = crates.iter().take(12).map(|(name, bytes)| json!({ "crate": name, "bytes": bytes, "percent": share(*bytes) })).collect();
    let top_items: Vec<Value> = items
        .iter()
        .filter(|i| !crate_of(i["name"].as_str().unwrap_or_default()).starts_with('('))
        .take(5)
        .map(|i| json!({ "item": shorten(i["name"].as_str().unwrap_or_default()), "bytes": i["shallow_size"] }))
        .collect();
    let unused_jwt: u64 = crates.iter().filter(|(name, _)| UNUSED_JWT_ALGORITHMS.contains(&name.as_str())).map(|(_, bytes)| bytes).sum();
    let mut figures = json!({ "twiggy_total_bytes": total, "top_crates": top_crates, "top_items": top_items });
    if unused_jwt > 0 {
        figures["unused_jwt_algorithm_crates_bytes"] = json!(unused_jwt);
        figures["unused_jwt_algorithm_crates_percent"] = json!(share(unused_jwt));
    }
    Ok(figures)
}

/// Item names without their hash suffix, cut to a readable length.
fn shorten(name: &str) -> String {
    let name = match name.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => head,
        _ => name,
    };
    if name.chars().count() > 90 { format!("{}…", name.chars().take(90).collect::<String>()) } else { name.to_string() }
}

/// The crate an item's code comes from, by its (demangled) symbol name. Trait impls count for
/// the implementing type's crate; `<T as Trait>` (a generic type) for the trait's;
/// `drop_in_place<X>` for X's. Sections and unnamed items are grouped in parentheses.
pub fn crate_of(name: &str) -> String {
    if name.starts_with("data segment") {
        return "(data segments: constants, strings, tables)".into();
    }
    if name.contains("\" subsection") {
        return "(name section: symbol names)".into();
    }
    if name.starts_with("custom section") {
        return "(other custom sections)".into();
    }
    if name.starts_with("__wbg") || name.starts_with("__wbindgen") || name.starts_with("__externref") {
        return "wasm_bindgen".into();
    }
    let mut rest = name;
    loop {
        let mut next = rest.trim_start_matches(['<', '&', '*', '(', '[', ' ']);
        for prefix in ["mut ", "dyn ", "impl ", "const "] {
            next = next.strip_prefix(prefix).unwrap_or(next);
        }
        if let Some((head, tail)) = next.split_once(" as ") {
            if !head.contains("::") {
                next = tail;
            }
        }
        if let Some(position) = next.find("::ptr::drop_in_place<") {
            if next[..position].starts_with("core") {
                next = &next[position + "::ptr::drop_in_place<".len()..];
            }
        }
        if next == rest {
            break;
        }
        rest = next;
    }
    let ident_end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let (ident, after) = rest.split_at(ident_end);
    // Symbols carry the crate's disambiguator in brackets: `core[c5930c85a12de822]::…`.
    let after = match after.strip_prefix('[') {
        Some(inner) => inner.split_once(']').map_or(after, |(_, tail)| tail),
        None => after,
    };
    if !ident.is_empty() && after.starts_with("::") {
        ident.to_string()
    } else {
        "(other: exports, imports, tables, intrinsics)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::crate_of;

    #[test]
    fn items_are_attributed_to_the_crate_of_their_code() {
        assert_eq!(crate_of("api_worker::routes::dispatch::{{closure}}::h0dd95b0a6f01a194"), "api_worker");
        assert_eq!(crate_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_map::hd3d7"), "serde_json");
        assert_eq!(crate_of("<T as pkcs8::traits::DecodePrivateKey>::from_pkcs8_der::h1"), "pkcs8");
        assert_eq!(crate_of("core[c5930c85a12de822]::fmt::float::float_to_decimal::h1"), "core");
        assert_eq!(crate_of("core::ptr::drop_in_place<worker::request::Request>::h1"), "worker");
        assert_eq!(crate_of("data segment \".rodata\""), "(data segments: constants, strings, tables)");
        assert_eq!(crate_of("\"function names\" subsection"), "(name section: symbol names)");
        assert_eq!(crate_of("llmhub_fetch"), "(other: exports, imports, tables, intrinsics)");
    }
}
