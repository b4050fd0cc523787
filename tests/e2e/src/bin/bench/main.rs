//! `make bench`: measures the running stack, never asserts a timing. Starts the real stack
//! through the e2e harness (fresh state, fake LLM) plus the floor worker (a static 200 in the
//! same runtime), then measures:
//! 1. each worker's wasm, raw and gzipped, and the crates that take the space (twiggy);
//! 2. login cost (Argon2id as configured);
//! 3. the wizard's CRUD mix from N signed-in users: against the floor worker, `GET /api/health`,
//!    the api (closed loop and paced), with CPU per request by process;
//! 4. sequential probes that split one request's cost (routing, JWT, D1 read, D1 write);
//! 5. `generate-questions` cache hits and de-duplication;
//! 6. the stream: token → client latency through the stack vs. directly from the model, then
//!    many generations at once with every event accounted for and workerd's peak memory;
//! 7. growth: the list, the dashboard and exports as data grows.
//!
//! Writes bench/results.json and docs/BENCHMARKS.md (keeping its hand-written part).
//! BENCH_ONLY=crud,profile (any of wasm, login, crud, profile, cache, stream, growth) runs only
//! those sections and writes under target/bench-smoke/, like the smoke. BENCH_REPORT_ONLY=1
//! rewrites docs/BENCHMARKS.md from bench/results.json without measuring.
//! BENCH_USERS (default 50) and BENCH_SECONDS (default 20) size the load. BENCH_SMOKE=1 runs
//! every part with tiny sizes, writes under target/bench-smoke/ instead, and fails if anything
//! errs or loses an event (never on a timing): `make test` runs it so the bench cannot rot.

mod content;
mod crud;
mod growth;
mod http;
mod learn;
mod login_cache;
mod procs;
mod report;
mod stats;
mod streaming;
mod wasm;

use e2e::stack::{repo_root, Stack};
use serde_json::{json, Value};
use std::process::ExitCode;

/// How big each part runs.
pub struct Sizes {
    pub smoke: bool,
    pub users: usize,
    pub seconds: u64,
    /// The paced CRUD run: each user sends one request this often (an autosaving person).
    pub paced_interval_ms: u64,
    pub probe_requests: usize,
    pub login_samples: usize,
    pub dedup_requests: usize,
    pub cache_requests: usize,
    pub relay_runs: usize,
    pub relay_chunks: usize,
    /// Longer than the stream's 250 ms progress throttle, so every piece can cause an event at
    /// once and each event is timed against the piece that caused it.
    pub relay_delay_ms: u64,
    pub concurrent_streams: usize,
    pub concurrent_chunks: usize,
    pub concurrent_delay_ms: u64,
    pub blueprint_counts: Vec<usize>,
    pub version_counts: Vec<usize>,
    pub module_counts: Vec<usize>,
    pub growth_samples: usize,
    pub export_copies: usize,
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

impl Sizes {
    fn from_env() -> Sizes {
        let smoke = std::env::var("BENCH_SMOKE").is_ok_and(|v| !v.is_empty() && v != "0");
        let sizes = if smoke {
            Sizes {
                smoke,
                users: 2,
                seconds: 2,
                paced_interval_ms: 200,
                probe_requests: 5,
                login_samples: 2,
                dedup_requests: 3,
                cache_requests: 3,
                relay_runs: 1,
                relay_chunks: 4,
                relay_delay_ms: 300,
                concurrent_streams: 3,
                concurrent_chunks: 4,
                concurrent_delay_ms: 50,
                blueprint_counts: vec![10],
                version_counts: vec![1, 3],
                module_counts: vec![5],
                growth_samples: 3,
                export_copies: 1,
            }
        } else {
            Sizes {
                smoke,
                users: 50,
                seconds: 20,
                paced_interval_ms: 1000,
                probe_requests: 200,
                login_samples: 20,
                dedup_requests: 10,
                cache_requests: 80,
                relay_runs: 3,
                relay_chunks: 16,
                relay_delay_ms: 300,
                concurrent_streams: 100,
                concurrent_chunks: 10,
                concurrent_delay_ms: 200,
                blueprint_counts: vec![10, 1000, 10_000],
                version_counts: vec![1, 20, 100],
                // Up to `domain::blueprint::document::MAX_MODULES` (30): a longer blueprint is refused.
                module_counts: vec![5, 15, 30],
                growth_samples: 30,
                export_copies: 5,
            }
        };
        Sizes { users: env_number("BENCH_USERS").unwrap_or(sizes.users), seconds: env_number("BENCH_SECONDS").unwrap_or(sizes.seconds), ..sizes }
    }

    fn command(&self) -> String {
        if self.smoke { "BENCH_SMOKE=1 make bench-smoke".to_string() } else { format!("BENCH_USERS={} BENCH_SECONDS={} make bench", self.users, self.seconds) }
    }
}

/// A section's rows, or one row saying why it failed (the other sections still run).
fn section(name: &str, outcome: Result<Vec<Value>, String>) -> Vec<Value> {
    match outcome {
        Ok(rows) => rows,
        Err(error) => {
            eprintln!("bench: {name} failed: {error}");
            vec![json!({ "section": name, "name": format!("{name}: failed"), "error": error })]
        }
    }
}

fn measure(stack: &Stack, sizes: &Sizes) -> Vec<Value> {
    let floor_url = stack.side_url("floor").unwrap_or_default().to_string();
    let port = |url: &str| url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse::<u16>().ok());
    let groups = stack.process_groups();
    // An unknown group (no process group has id -1) has no members: CPU and memory figures then read 0.
    let group = |label: &str, url: &str| procs::Group { id: groups.iter().find(|(l, _)| l == label).map_or(-1, |(_, id)| *id), port: port(url) };
    let targets = crud::Targets { api: &stack.base_url, floor: &floor_url, api_group: group("main", &stack.base_url), floor_group: group("floor", &floor_url) };
    let roles: Vec<String> = targets.api_group.members().into_iter().map(|p| p.role).collect();
    eprintln!("bench: the stack's processes: {}", roles.join(", "));

    // BENCH_ONLY=profile,stream (say) runs only those sections: for working on the bench.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|s| s.trim() == name);
    let mut rows = Vec::new();
    if wanted("wasm") {
        rows.extend(wasm::sizes_and_breakdown());
    }
    if wanted("login") {
        rows.extend(section("login", login_cache::login_cost(stack, sizes)));
    }
    if wanted("crud") {
        rows.extend(section("crud", crud::under_load(stack, sizes, &targets)));
    }
    if wanted("profile") {
        rows.extend(section("profile", crud::probes(stack, sizes, &targets)));
    }
    if wanted("cache") {
        rows.extend(section("cache", login_cache::cache_and_dedup(stack, sizes)));
    }
    if wanted("stream") {
        rows.extend(section("stream", streaming::relay(stack, sizes)));
        rows.extend(section("stream", streaming::concurrent(stack, sizes, targets.api_group)));
    }
    if wanted("learn") {
        rows.extend(section("learn", learn::under_load(stack, sizes, targets.api_group)));
        rows.extend(section("learn", learn::package_build(sizes)));
    }
    if wanted("content") {
        rows.extend(section("content", content::throughput(stack, sizes, targets.api_group)));
    }
    // Last: seeding writes to the database from a second process while nothing else runs.
    if wanted("growth") {
        rows.extend(section("growth", growth::list(stack, sizes)));
        rows.extend(section("growth", growth::dashboard(stack, sizes)));
        rows.extend(section("growth", growth::exports(stack, sizes)));
    }
    rows
}

/// The smoke's only assertions: everything completed, nothing erred, no event was lost.
fn smoke_problems(rows: &[Value]) -> Vec<String> {
    let counted = ["errors", "failed", "dropped", "duplicated", "out_of_order", "without_id"];
    let mut problems = Vec::new();
    for row in rows {
        let name = row["name"].as_str().unwrap_or_default();
        if let Some(error) = row.get("error") {
            problems.push(format!("{name}: {error}"));
        }
        for field in counted {
            if row[field].as_u64().is_some_and(|n| n > 0) {
                problems.push(format!("{name}: {field} = {} {}", row[field], row.get("error_examples").or(row.get("failure_examples")).map(Value::to_string).unwrap_or_default()));
            }
        }
        if let (Some(streams), Some(completed)) = (row["streams"].as_u64(), row["completed"].as_u64()) {
            if completed != streams {
                problems.push(format!("{name}: {completed} of {streams} streams completed"));
            }
        }
        if row["model_calls"].as_u64().is_some_and(|calls| calls != 1) {
            problems.push(format!("{name}: {} model calls for identical requests", row["model_calls"]));
        }
    }
    problems
}

/// wrangler reloads its workers (a new workerd) a moment after its first "Ready", and a reload
/// stalls requests for most of a second: wait until every reload has finished and the log has
/// been quiet for a few seconds, so no measurement straddles one.
fn wait_until_settled(stack: &Stack, label: &str) {
    let log = stack.state_dir.join(format!("{label}.log"));
    let started = std::time::Instant::now();
    let (mut last, mut changed) = ((0, 0), std::time::Instant::now());
    while started.elapsed() < std::time::Duration::from_secs(30) {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let counts = (text.matches("Reloading local server").count(), text.matches("Local server updated and ready").count());
        if counts != last {
            (last, changed) = (counts, std::time::Instant::now());
        }
        if counts.0 == counts.1 && changed.elapsed() > std::time::Duration::from_secs(4) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    eprintln!("bench: {label} settled after {} reload(s), {:.1} s", last.1, started.elapsed().as_secs_f64());
}

/// BENCH_REPORT_ONLY=1: docs/BENCHMARKS.md again from bench/results.json, without running
/// anything (after a change to the report's layout or its hand-written part).
fn report_only() -> ExitCode {
    let root = repo_root();
    let results = std::fs::read_to_string(root.join("bench/results.json")).ok().and_then(|t| serde_json::from_str::<Value>(&t).ok());
    let Some(results) = results else {
        eprintln!("bench: no readable bench/results.json");
        return ExitCode::FAILURE;
    };
    let context = report::Context {
        command: results["command"].as_str().unwrap_or_default().to_string(),
        date: results["date"].as_str().unwrap_or_default().to_string(),
        cores: results["machine"]["cores"].as_u64().unwrap_or(0) as usize,
        memory_kib: results["machine"]["memory_kib"].as_u64().unwrap_or(0),
    };
    let rows = results["rows"].as_array().cloned().unwrap_or_default();
    let path = root.join("docs/BENCHMARKS.md");
    let existing = std::fs::read_to_string(&path).ok();
    match std::fs::write(&path, report::markdown(&context, &rows, existing)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench: {}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    if std::env::var("BENCH_REPORT_ONLY").is_ok_and(|v| !v.is_empty() && v != "0") {
        return report_only();
    }
    let sizes = Sizes::from_env();
    let started = std::time::Instant::now();
    let stack = match Stack::start_with(&["floor"]) {
        Ok(stack) => stack,
        Err(error) => {
            eprintln!("bench: could not start the stack: {error}");
            return ExitCode::FAILURE;
        }
    };
    wait_until_settled(&stack, "main");
    let rows = measure(&stack, &sizes);
    drop(stack);
    let context = report::Context::now(sizes.command());
    let root = repo_root();
    let partial = std::env::var("BENCH_ONLY").is_ok_and(|v| !v.is_empty());
    let (results, markdown) = if sizes.smoke || partial {
        (root.join("target/bench-smoke/results.json"), root.join("target/bench-smoke/BENCHMARKS.md"))
    } else {
        (root.join("bench/results.json"), root.join("docs/BENCHMARKS.md"))
    };
    if let Err(error) = report::write_results(&results, &context, &rows) {
        eprintln!("bench: {error}");
        return ExitCode::FAILURE;
    }
    // The hand-written analysis lives in docs/BENCHMARKS.md; the smoke's copy carries it too.
    let existing = std::fs::read_to_string(root.join("docs/BENCHMARKS.md")).ok();
    if let Err(error) = std::fs::write(&markdown, report::markdown(&context, &rows, existing)) {
        eprintln!("bench: {}: {error}", markdown.display());
        return ExitCode::FAILURE;
    }
    eprintln!("bench: wrote {} and {} in {:.0} s", results.display(), markdown.display(), started.elapsed().as_secs_f64());
    if sizes.smoke {
        let problems = smoke_problems(&rows);
        if !problems.is_empty() {
            eprintln!("bench smoke: FAILED\n{}", problems.join("\n"));
            return ExitCode::FAILURE;
        }
        eprintln!("bench smoke: every part completed, 0 errors, 0 lost events");
    } else if rows.iter().any(|r| r.get("error").is_some()) {
        // The report is written (with the failures in it); the exit status says it is partial.
        eprintln!("bench: some sections failed; see the report's last section");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
