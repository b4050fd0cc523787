//! How latency grows with data: the blueprint list (first and a deep page) with more
//! blueprints, the dashboard with more versions, exports with more modules.
//!
//! Data is seeded with SQL from a second process (`wrangler d1 execute`), which is fine only
//! because this stack is the bench's own and nothing else writes meanwhile (two writers on the
//! local SQLite file make one fail with SQLITE_BUSY).

use crate::crud::{ready_user, script_questions};
use crate::http::Session;
use crate::stats::{growth_exponent, latency_row, ms_since, percentile, row, WORSE_THAN_LINEAR};
use crate::streaming::{blueprint_document, generate};
use crate::Sizes;
use e2e::stack::Stack;
use serde_json::{json, Value};
use std::time::Instant;

const SECTION: &str = "growth";

/// A fresh lowercase UUID-shaped id (v4 layout), so seeded rows look like the api's own.
pub fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ seed;
    let mut next = || {
        // splitmix64: well-spread bits from a counter.
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (a, b) = (next(), next());
    format!("{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff, b >> 52, b & 0xffff_ffff_ffff)
}

/// SQL through the local D1 from a second process, retried: a write still finishing in the
/// stack (an audit line, say) can hold the lock for a moment.
fn seed(stack: &Stack, sql: &str) -> Result<(), String> {
    let mut last = String::new();
    for attempt in 0..5 {
        match stack.d1_execute(sql) {
            Ok(_) => return Ok(()),
            Err(error) => last = error,
        }
        std::thread::sleep(std::time::Duration::from_millis(300 * (attempt + 1)));
    }
    Err(format!("seeding failed: {last}"))
}

fn user_id(stack: &Stack, session: &Session) -> Result<String, String> {
    let me = session.get(&stack.base_url, "/api/auth/me")?.expect(200, "me")?;
    me["user"]["id"].as_str().map(str::to_string).ok_or_else(|| format!("no user id in {me}"))
}

/// Times `samples` GETs of `path`; answers the latencies and the last body's size.
fn time_gets(stack: &Stack, session: &Session, path: &str, samples: usize, errors: &mut Vec<String>) -> (Vec<f64>, usize) {
    let (mut latencies, mut bytes) = (Vec::new(), 0);
    for _ in 0..samples {
        let began = Instant::now();
        match session.get(&stack.base_url, path) {
            Ok(reply) if reply.status == 200 => {
                latencies.push(ms_since(began));
                bytes = reply.body.len();
            }
            Ok(reply) => errors.push(format!("GET {path}: {} {}", reply.status, String::from_utf8_lossy(&reply.body))),
            Err(error) => errors.push(error),
        }
    }
    (latencies, bytes)
}

/// A curve's steps: each (size, p50) against the previous, with the exponent and a flag when
/// it grows worse than linearly.
fn curve(name: &str, unit: &str, points: &[(usize, f64)]) -> Value {
    let steps: Vec<Value> = points
        .windows(2)
        .map(|w| {
            let exponent = growth_exponent(w[0].0 as f64, w[0].1, w[1].0 as f64, w[1].1);
            // What each added unit cost over this step (a fixed part hides growth in k alone).
            let marginal = (w[1].1 - w[0].1) / (w[1].0 - w[0].0).max(1) as f64;
            json!({
                "from": w[0].0, "to": w[1].0, "p50_from_ms": w[0].1, "p50_to_ms": w[1].1,
                "exponent": exponent, "marginal_ms_per_unit": (marginal * 10_000.0).round() / 10_000.0,
                "worse_than_linear": exponent.is_some_and(|k| k > WORSE_THAN_LINEAR),
            })
        })
        .collect();
    row(SECTION, &format!("curve: {name}"), json!({ "unit": unit, "points": points.iter().map(|(n, t)| json!([n, t])).collect::<Vec<_>>(), "steps": steps }))
}

/// GET /api/blueprints at each size: the first page, and a page 90 % deep reached by cursor.
pub fn list(stack: &Stack, sizes: &Sizes) -> Result<Vec<Value>, String> {
    let session = Session::sign_up(&stack.base_url, "bench-growth-list")?;
    let owner = user_id(stack, &session)?;
    let (mut rows, mut first_points, mut deep_points, mut errors) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut seeded = 0usize;
    for &count in &sizes.blueprint_counts {
        if count > seeded {
            // Creation times one second apart, in the order a user would have made them.
            let sql = format!(
                "INSERT INTO blueprint_generator (id, user_id, title, created_at, updated_at) \
                 WITH RECURSIVE n(i) AS (SELECT {seeded} UNION ALL SELECT i + 1 FROM n WHERE i < {last}) \
                 SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), \
                 '{owner}', 'Seeded blueprint ' || i, \
                 strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01T00:00:00', '+' || i || ' seconds'), \
                 strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01T00:00:00', '+' || i || ' seconds') FROM n",
                last = count - 1
            );
            seed(stack, &sql)?;
            seeded = count;
        }
        let (first, _) = time_gets(stack, &session, "/api/blueprints", sizes.growth_samples, &mut errors);
        // Walk to 90 % depth with the largest pages, as a client paging through would.
        let depth = count * 9 / 10;
        let (mut skipped, mut cursor) = (0usize, None::<String>);
        while skipped < depth {
            let limit = (depth - skipped).min(100);
            let path = match &cursor {
                Some(c) => format!("/api/blueprints?limit={limit}&cursor={c}"),
                None => format!("/api/blueprints?limit={limit}"),
            };
            let page = session.get(&stack.base_url, &path)?.expect(200, "list page")?;
            skipped += page["blueprints"].as_array().map_or(0, Vec::len);
            match page["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        let deep_path = cursor.map_or_else(|| "/api/blueprints".to_string(), |c| format!("/api/blueprints?cursor={c}"));
        let (deep, _) = time_gets(stack, &session, &deep_path, sizes.growth_samples, &mut errors);
        rows.push(latency_row(SECTION, &format!("GET /api/blueprints, first page, {count} blueprints"), &first, 0, None, json!({ "blueprints": count })));
        rows.push(latency_row(SECTION, &format!("GET /api/blueprints, page at item {depth} by cursor, {count} blueprints"), &deep, 0, None, json!({ "blueprints": count, "depth": depth })));
        first_points.push((count, percentile(&first, 50.0)));
        deep_points.push((count, percentile(&deep, 50.0)));
    }
    rows.push(curve("GET /api/blueprints first page by blueprints of one user", "blueprints", &first_points));
    rows.push(curve("GET /api/blueprints 90 % deep page by blueprints of one user", "blueprints", &deep_points));
    if !errors.is_empty() {
        rows.push(row(SECTION, "list growth: failed requests", json!({ "errors": errors.len(), "error_examples": errors.iter().take(3).collect::<Vec<_>>() })));
    }
    Ok(rows)
}

/// Copies version 1 of blueprint `id` as versions `from..=to` (immutable rows: inserts only).
fn clone_versions(stack: &Stack, id: &str, from: usize, to: usize) -> Result<(), String> {
    let sql = format!(
        "INSERT INTO blueprint_versions (id, blueprint_id, user_id, version, static_answers, dynamic_questions, dynamic_answers, blueprint_json, blueprint_markdown, provider, model, timings, quality, kpis) \
         WITH RECURSIVE n(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM n WHERE i < {to}) \
         SELECT lower(hex(randomblob(16))), blueprint_id, user_id, i, static_answers, dynamic_questions, dynamic_answers, blueprint_json, blueprint_markdown, provider, model, timings, quality, kpis \
         FROM blueprint_versions, n WHERE blueprint_id = '{id}' AND version = 1; \
         UPDATE blueprint_generator SET version = {to} WHERE id = '{id}'"
    );
    seed(stack, &sql)
}

/// The dashboard (KPIs and quality of every version) at each number of versions.
pub fn dashboard(stack: &Stack, sizes: &Sizes) -> Result<Vec<Value>, String> {
    let tag = e2e::unique("bench-growth-dash");
    script_questions(stack, &tag);
    let user = ready_user(stack, "bench-growth-dash", &tag)?;
    generate(stack, &user.session, &tag, &user.blueprint_id, &blueprint_document("Dashboard growth", 6))?;
    let (mut rows, mut points, mut errors, mut versions) = (Vec::new(), Vec::new(), Vec::new(), 1usize);
    let path = format!("/api/blueprints/{}/dashboard", user.blueprint_id);
    for &count in &sizes.version_counts {
        if count > versions {
            clone_versions(stack, &user.blueprint_id, versions + 1, count)?;
            versions = count;
        }
        let (latencies, bytes) = time_gets(stack, &user.session, &path, sizes.growth_samples, &mut errors);
        rows.push(latency_row(SECTION, &format!("GET dashboard, {count} version{} (6 modules each)", if count == 1 { "" } else { "s" }), &latencies, 0, None, json!({ "versions": count, "response_bytes": bytes })));
        points.push((count, percentile(&latencies, 50.0)));
    }
    rows.push(curve("dashboard by versions of one blueprint", "versions", &points));
    if !errors.is_empty() {
        rows.push(row(SECTION, "dashboard growth: failed requests", json!({ "errors": errors.len(), "error_examples": errors.iter().take(3).collect::<Vec<_>>() })));
    }
    Ok(rows)
}

/// Copies blueprint `source` (its row and version 1) under a new id, for more export samples:
/// PDF and SCORM builds are limited per blueprint, and each export is built once per version.
fn clone_blueprint(stack: &Stack, source: &str) -> Result<String, String> {
    let (id, version_id) = (uuid_like(), uuid_like());
    let sql = format!(
        "INSERT INTO blueprint_generator (id, user_id, title, version, static_answers, dynamic_questions, dynamic_questions_raw, dynamic_answers, blueprint_json, blueprint_markdown, status, created_at, updated_at) \
         SELECT '{id}', user_id, title, version, static_answers, dynamic_questions, dynamic_questions_raw, dynamic_answers, blueprint_json, blueprint_markdown, status, created_at, updated_at FROM blueprint_generator WHERE id = '{source}'; \
         INSERT INTO blueprint_versions (id, blueprint_id, user_id, version, static_answers, dynamic_questions, dynamic_answers, blueprint_json, blueprint_markdown, provider, model, timings, quality, kpis) \
         SELECT '{version_id}', '{id}', user_id, version, static_answers, dynamic_questions, dynamic_answers, blueprint_json, blueprint_markdown, provider, model, timings, quality FROM blueprint_versions WHERE blueprint_id = '{source}' AND version = 1"
    );
    seed(stack, &sql)?;
    Ok(id)
}

pub const EXPORT_FORMATS: [&str; 3] = ["markdown", "pdf", "scorm"];

/// Export builds (first export of a version: render, R2 put, D1 row) at each module count.
pub fn exports(stack: &Stack, sizes: &Sizes) -> Result<Vec<Value>, String> {
    let mut rows = Vec::new();
    let mut points: Vec<Vec<(usize, f64)>> = vec![Vec::new(); EXPORT_FORMATS.len()];
    for &modules in &sizes.module_counts {
        let tag = e2e::unique("bench-growth-export");
        script_questions(stack, &tag);
        let user = ready_user(stack, "bench-growth-export", &tag)?;
        generate(stack, &user.session, &tag, &user.blueprint_id, &blueprint_document("Export growth", modules))?;
        let mut blueprints = vec![user.blueprint_id.clone()];
        for _ in 1..sizes.export_copies {
            blueprints.push(clone_blueprint(stack, &user.blueprint_id)?);
        }
        for (index, format) in EXPORT_FORMATS.iter().enumerate() {
            let (mut latencies, mut bytes, mut errors) = (Vec::new(), 0u64, Vec::new());
            for id in &blueprints {
                let began = Instant::now();
                match user.session.post(&stack.base_url, &format!("/api/blueprints/{id}/exports"), &json!({ "format": format })) {
                    Ok(reply) if reply.status == 201 => {
                        latencies.push(ms_since(began));
                        bytes = reply.json().ok().and_then(|b| b["bytes"].as_u64()).unwrap_or(0);
                    }
                    Ok(reply) => errors.push(format!("{format}: {} {}", reply.status, String::from_utf8_lossy(&reply.body))),
                    Err(error) => errors.push(error),
                }
            }
            let mut extra = json!({ "modules": modules, "format": format, "bytes": bytes, "samples": latencies.len() });
            if !errors.is_empty() {
                extra["error_examples"] = json!(errors.iter().take(3).collect::<Vec<_>>());
            }
            rows.push(latency_row(SECTION, &format!("export {format}, {modules} modules"), &latencies, errors.len(), None, extra));
            points[index].push((modules, percentile(&latencies, 50.0)));
        }
    }
    for (format, points) in EXPORT_FORMATS.iter().zip(&points) {
        rows.push(curve(&format!("export {format} by modules"), "modules", points));
    }
    Ok(rows)
}
