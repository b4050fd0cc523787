//! `make bench` (first slice): measures the running stack, never asserts. Starts the real stack
//! through the e2e harness (fresh state, fake LLM), then measures:
//! 1. each worker's wasm, raw and gzipped;
//! 2. the wizard's CRUD mix (autosave PATCHes, GET blueprint, GET list) from N concurrent
//!    signed-in users for a fixed time: p50/p95/p99, throughput, errors;
//! 3. the runtime's floor under the same load: `GET /api/health` (no auth, no D1) — a stand-in
//!    for a static 200 until a dedicated floor worker exists;
//! 4. `generate-questions` cache hits (p50/p95) and model calls for identical concurrent requests;
//! 5. the cost of one login (Argon2id 19 MiB, t = 2) as seen by a client.
//! Writes bench/results.json and docs/BENCHMARKS.md.
//!
//! BENCH_USERS (default 50) and BENCH_SECONDS (default 20) size the load.

use e2e::client::Client;
use e2e::fake_llm::Behaviour;
use e2e::stack::{repo_root, Stack};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn main() {
    let users: usize = std::env::var("BENCH_USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let seconds: u64 = std::env::var("BENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let stack = Stack::start().unwrap_or_else(|e| panic!("could not start the stack: {e}"));
    let mut rows = Vec::new();
    rows.extend(wasm_sizes());
    rows.push(login_cost(&stack));
    rows.push(crud_mix(&stack, users, seconds));
    rows.push(floor(&stack, users, seconds));
    rows.extend(cache_and_dedup(&stack));
    write_report(&rows, users, seconds);
    drop(stack);
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    (sorted[index.min(sorted.len() - 1)] * 100.0).round() / 100.0
}

/// `elapsed` is the wall time of a concurrent run (for throughput); `None` for sequential probes.
fn summary(name: &str, mut samples: Vec<f64>, errors: usize, elapsed: Option<Duration>, extra: Value) -> Value {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let mut row = json!({
        "name": name,
        "requests": samples.len() + errors,
        "errors": errors,
        "p50_ms": percentile(&samples, 50.0),
        "p95_ms": percentile(&samples, 95.0),
        "p99_ms": percentile(&samples, 99.0),
    });
    if let Some(elapsed) = elapsed {
        row["throughput_rps"] = json!(((samples.len() as f64 / elapsed.as_secs_f64()) * 10.0).round() / 10.0);
    }
    if let (Some(row), Some(extra)) = (row.as_object_mut(), extra.as_object()) {
        row.extend(extra.clone());
    }
    println!("{row}");
    row
}

fn wasm_sizes() -> Vec<Value> {
    let root = repo_root();
    ["api", "stream", "cron", "queue-consumer"]
        .iter()
        .map(|worker| {
            let path = root.join(format!("workers/{worker}/build/index_bg.wasm"));
            let bytes = std::fs::read(&path).unwrap_or_default();
            let gzipped = std::process::Command::new("gzip").args(["-9", "-c"]).arg(&path).output().map(|o| o.stdout.len()).unwrap_or(0);
            let row = json!({ "name": format!("wasm size: {worker}"), "raw_bytes": bytes.len(), "gzip_bytes": gzipped, "target_gzip_bytes": 1_048_576 });
            println!("{row}");
            row
        })
        .collect()
}

fn login_cost(stack: &Stack) -> Value {
    let mut client = Client::new(&stack.base_url);
    let signed = client.sign_up("bench-login");
    let mut samples = Vec::new();
    for _ in 0..20 {
        let mut fresh = Client::new(&stack.base_url);
        let started = Instant::now();
        let reply = fresh.post("/api/auth/login", &json!({ "email": signed.email, "password": signed.password }));
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(reply.status, 200);
    }
    summary("login (Argon2id m=19456 KiB, t=2, p=1), sequential", samples, 0, None, json!({}))
}

/// One user's share of the wizard's traffic: autosave of a static field, of a dynamic answer
/// (refused: no questions yet — still a validated round trip), the blueprint, the list.
fn crud_mix(stack: &Stack, users: usize, seconds: u64) -> Value {
    let clients: Vec<(Client, String)> = (0..users)
        .map(|i| {
            let mut client = Client::new(&stack.base_url);
            client.sign_up(&format!("bench-{i}"));
            let id = client.post("/api/blueprints", &json!({ "title": format!("Bench {i}") })).json()["id"].as_str().unwrap_or_default().to_string();
            (client, id)
        })
        .collect();
    let samples = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(0usize));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let handles: Vec<_> = clients
        .into_iter()
        .map(|(mut client, id)| {
            let (samples, errors) = (Arc::clone(&samples), Arc::clone(&errors));
            std::thread::spawn(move || {
                let mut step = 0usize;
                while Instant::now() < deadline {
                    let began = Instant::now();
                    let status = match step % 4 {
                        0 => client.send("PATCH", &format!("/api/blueprints/{id}/static-answers"), &[("content-type", "application/json")], Some(json!({ "audience": format!("Audience {step}") }).to_string().into_bytes())).status,
                        1 => client.send("PATCH", &format!("/api/blueprints/{id}/static-answers"), &[("content-type", "application/json")], Some(json!({ "constraints": { "time": format!("{} hours", step % 9 + 1) } }).to_string().into_bytes())).status,
                        2 => client.get(&format!("/api/blueprint/{id}")).status,
                        _ => client.get("/api/blueprints?limit=20").status,
                    };
                    let ms = began.elapsed().as_secs_f64() * 1000.0;
                    if status == 200 {
                        samples.lock().unwrap_or_else(|p| p.into_inner()).push(ms);
                    } else {
                        *errors.lock().unwrap_or_else(|p| p.into_inner()) += 1;
                    }
                    step += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        let _ = handle.join();
    }
    let samples = std::mem::take(&mut *samples.lock().unwrap_or_else(|p| p.into_inner()));
    let errors = *errors.lock().unwrap_or_else(|p| p.into_inner());
    summary(&format!("CRUD mix, {users} concurrent users, {seconds} s"), samples, errors, Some(started.elapsed()), json!({ "target_p95_ms": 10 }))
}

fn floor(stack: &Stack, users: usize, seconds: u64) -> Value {
    let samples = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let handles: Vec<_> = (0..users)
        .map(|_| {
            let (samples, base) = (Arc::clone(&samples), stack.base_url.clone());
            std::thread::spawn(move || {
                let mut client = Client::new(&base);
                while Instant::now() < deadline {
                    let began = Instant::now();
                    let _ = client.get("/api/health");
                    samples.lock().unwrap_or_else(|p| p.into_inner()).push(began.elapsed().as_secs_f64() * 1000.0);
                }
            })
        })
        .collect();
    for handle in handles {
        let _ = handle.join();
    }
    let samples = std::mem::take(&mut *samples.lock().unwrap_or_else(|p| p.into_inner()));
    summary(&format!("floor: GET /api/health, {users} concurrent clients, {seconds} s"), samples, 0, Some(started.elapsed()), json!({}))
}

fn cache_and_dedup(stack: &Stack) -> Vec<Value> {
    let tag = e2e::unique("bench-cache");
    let questions = json!({ "questions": [{ "section": "S", "type": "short_text", "label": "Which CRM do reps use?" }] });
    stack.llm.script(&tag, vec![Behaviour::Reply { content: questions.to_string(), chunks: 1, delay_ms: 800 }]);
    let mut client = Client::new(&stack.base_url);
    client.sign_up("bench-cache");
    let input = json!({ "type": "new", "audience": "Sales reps", "goals": ["Explain pricing"], "constraints": { "time": "4 weeks" }, "context": format!("Pricing ({tag})") });
    // Identical concurrent requests: one model call.
    let cookie = format!("bp_access={}", client.cookie("bp_access").unwrap_or_default());
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let (base, cookie, body) = (stack.base_url.clone(), cookie.clone(), input.to_string());
            std::thread::spawn(move || Client::new(&base).send("POST", "/api/generate-questions", &[("content-type", "application/json"), ("cookie", &cookie)], Some(body.into_bytes())).status)
        })
        .collect();
    let ok = handles.into_iter().filter_map(|h| h.join().ok()).filter(|s| *s == 200).count();
    let calls = stack.llm.received(&tag).iter().filter(|c| c.path == "/api/chat").count();
    let dedup = json!({ "name": "generate-questions: 10 identical concurrent requests", "ok": ok, "model_calls": calls, "target_model_calls": 1 });
    println!("{dedup}");
    // 80 more: with the 10 above, under the 100 per 10 minutes limit.
    let (mut samples, mut errors) = (Vec::new(), 0);
    for _ in 0..80 {
        let began = Instant::now();
        let reply = client.post("/api/generate-questions", &input);
        match reply.status {
            200 => samples.push(began.elapsed().as_secs_f64() * 1000.0),
            _ => errors += 1,
        }
    }
    vec![dedup, summary("generate-questions cache hit, sequential", samples, errors, None, json!({ "target_p95_ms": 10 }))]
}

fn write_report(rows: &[Value], users: usize, seconds: u64) {
    let root = repo_root();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let memory = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| m.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())).unwrap_or_default();
    let date = std::process::Command::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%SZ"]).output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    let command = format!("BENCH_USERS={users} BENCH_SECONDS={seconds} make bench");
    let results = json!({ "date": date, "machine": { "cores": cores, "memory_kib": memory }, "command": command, "rows": rows });
    let _ = std::fs::create_dir_all(root.join("bench"));
    let _ = std::fs::write(root.join("bench/results.json"), serde_json::to_string_pretty(&results).unwrap_or_default());
    let mut markdown = format!("# Benchmarks\n\nGenerated by `{command}` on {date} ({cores} cores, {memory} KiB memory) against `wrangler dev` and the fake LLM on loopback, fresh state. Figures measure; no test asserts them. Raw numbers: `bench/results.json`.\n\n| measurement | figures |\n| --- | --- |\n");
    for row in rows {
        let name = row["name"].as_str().unwrap_or_default();
        let figures: Vec<String> = row.as_object().map(|o| o.iter().filter(|(k, _)| *k != "name").map(|(k, v)| format!("{k} {v}")).collect()).unwrap_or_default();
        markdown.push_str(&format!("| {name} | {} |\n", figures.join(", ")));
    }
    markdown.push_str("\nNot yet measured (issue 8): a dedicated static-200 floor worker (the floor above still runs the api's routing and headers), streaming relay overhead and 100 concurrent streams, growth curves, per-crate wasm breakdown.\n");
    let _ = std::fs::write(root.join("docs/BENCHMARKS.md"), markdown);
}
