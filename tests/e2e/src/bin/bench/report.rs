//! bench/results.json (every row with the command, the machine and the date) and
//! docs/BENCHMARKS.md: generated tables, plus the hand-written analysis between the markers,
//! carried over from the existing file on every run.

use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

pub const HAND_WRITTEN_START: &str = "<!-- hand-written: start (make bench keeps this part) -->";
pub const HAND_WRITTEN_END: &str = "<!-- hand-written: end -->";

pub struct Context {
    pub command: String,
    pub date: String,
    pub cores: usize,
    pub memory_kib: u64,
}

impl Context {
    pub fn now(command: String) -> Context {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
        let memory_kib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| m.lines().find_map(|l| l.strip_prefix("MemTotal:")).and_then(|v| v.split_whitespace().next()).and_then(|v| v.parse().ok()))
            .unwrap_or(0);
        let date = std::process::Command::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%SZ"]).output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
        Context { command, date, cores, memory_kib }
    }
}

pub fn write_results(path: &Path, context: &Context, rows: &[Value]) -> Result<(), String> {
    let machine = json!({ "cores": context.cores, "memory_kib": context.memory_kib });
    let rows: Vec<Value> = rows
        .iter()
        .map(|row| {
            let mut row = row.clone();
            row["command"] = json!(context.command);
            row["machine"] = machine.clone();
            row["date"] = json!(context.date);
            row
        })
        .collect();
    let results = json!({ "command": context.command, "date": context.date, "machine": machine, "rows": rows });
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(path, serde_json::to_string_pretty(&results).map_err(|e| e.to_string())? + "\n").map_err(|e| format!("{}: {e}", path.display()))
}

/// The hand-written part of an existing report (with its markers), or a placeholder.
fn hand_written(existing: Option<String>) -> String {
    existing
        .and_then(|text| {
            let start = text.find(HAND_WRITTEN_START)?;
            let end = text[start..].find(HAND_WRITTEN_END)? + start + HAND_WRITTEN_END.len();
            Some(text[start..end].to_string())
        })
        .unwrap_or_else(|| format!("{HAND_WRITTEN_START}\n## What dominates (hand-written)\n\nNot written yet.\n{HAND_WRITTEN_END}"))
}

fn f(value: &Value) -> String {
    match value {
        Value::Null => "–".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if n.is_f64() { format!("{x:.2}") } else { group(n.as_i64().unwrap_or(0)) }
        }
        Value::Object(map) => format!("({})", map.iter().map(|(k, v)| format!("{k} {}", f(v))).collect::<Vec<_>>().join("; ")),
        other => other.to_string(),
    }
}

/// A step's cost per added unit (often a small fraction of a millisecond).
fn marginal(step: &Value) -> String {
    let number = |key: &str| step[key].as_f64();
    match (number("from"), number("to"), number("p50_from_ms"), number("p50_to_ms")) {
        (Some(from), Some(to), Some(t1), Some(t2)) if to > from => format!("{:.4}", (t2 - t1) / (to - from)),
        _ => "–".into(),
    }
}

/// "blueprints" → "blueprint" (per one unit).
fn unit(value: &Value) -> String {
    let unit = value.as_str().unwrap_or("unit");
    unit.strip_suffix('s').unwrap_or(unit).to_string()
}

/// 1234567 → 1 234 567 (readable sizes).
fn group(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn in_section<'a>(rows: &'a [Value], section: &str) -> Vec<&'a Value> {
    rows.iter().filter(|r| r["section"] == section).collect()
}

fn latency_table(out: &mut String, rows: &[&Value], with_throughput: bool) {
    let _ = writeln!(out, "| measurement | requests | errors | p50 ms | p95 ms | p99 ms |{}", if with_throughput { " req/s |" } else { "" });
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: |{}", if with_throughput { " ---: |" } else { "" });
    for row in rows.iter().filter(|r| r.get("p50_ms").is_some()) {
        let _ = write!(out, "| {} | {} | {} | {} | {} | {} |", f(&row["name"]), f(&row["requests"]), f(&row["errors"]), f(&row["p50_ms"]), f(&row["p95_ms"]), f(&row["p99_ms"]));
        if with_throughput {
            let _ = write!(out, " {} |", f(&row["throughput_rps"]));
        }
        out.push('\n');
    }
}

/// Any other figures of a row, as `key value` pairs.
fn figures(row: &Value, skip: &[&str]) -> String {
    row.as_object()
        .map(|o| o.iter().filter(|(k, _)| !["section", "name", "command", "machine", "date"].contains(&k.as_str()) && !skip.contains(&k.as_str())).map(|(k, v)| format!("{k} {}", f(v))).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

pub fn markdown(context: &Context, rows: &[Value], existing: Option<String>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Generated by `{}` on {} ({} cores, {} KiB memory) against `wrangler dev` (the real workerd) and the fake LLM on loopback, fresh state. \
         Figures measure; no test asserts them. Raw numbers, each row with its command, machine and date: `bench/results.json`. \
         The load generator is the bench binary itself (`tests/e2e/src/bin/bench/`, blocking `ureq` clients, one thread and connection per user) \
         rather than `oha`: the mix needs signed-in users with their own blueprints, cursors and event streams. It shares the machine's cores with the stack; its CPU share is in the CPU rows.\n",
        context.command, context.date, context.cores, group(context.memory_kib as i64)
    );

    targets(&mut out, rows);

    let _ = writeln!(out, "## Wasm size\n\n| worker | raw bytes | gzip bytes | target gzip | largest crates (shallow bytes, % of raw) |\n| --- | ---: | ---: | ---: | --- |");
    for row in in_section(rows, "wasm") {
        let crates = row["top_crates"].as_array().map(|cs| cs.iter().take(8).map(|c| format!("{} {} ({}%)", f(&c["crate"]), f(&c["bytes"]), f(&c["percent"]))).collect::<Vec<_>>().join("; "));
        let crates = crates.unwrap_or_else(|| f(&row["breakdown_error"]));
        let _ = writeln!(out, "| {} | {} | {} | {} | {} |", f(&row["name"]).trim_start_matches("wasm: "), f(&row["raw_bytes"]), f(&row["gzip_bytes"]), f(&row["target_gzip_bytes"]), crates);
    }
    let unused: Vec<String> = in_section(rows, "wasm")
        .iter()
        .filter(|r| r.get("unused_jwt_algorithm_crates_bytes").is_some())
        .map(|r| format!("{} {} bytes ({}% of raw)", f(&r["name"]).trim_start_matches("wasm: "), f(&r["unused_jwt_algorithm_crates_bytes"]), f(&r["unused_jwt_algorithm_crates_percent"])))
        .collect();
    let _ = writeln!(
        out,
        "\nBy crate: `twiggy top` items grouped by the crate in their symbol names (shallow sizes; generic code counts for the crate that instantiated the type). \
         Parenthesised groups are not code of one crate: the data segment (string constants, tables) and the name section (symbol names; wasm-opt or a strip would remove it). \
         RSA/ECDSA/EdDSA crates that `jsonwebtoken`'s `rust_crypto` feature links although only HS256 is used: {}.\n",
        if unused.is_empty() { "none found".to_string() } else { unused.join("; ") }
    );
    for row in in_section(rows, "wasm").iter().filter(|r| r.get("top_items").is_some()) {
        let items = row["top_items"].as_array().map(|is| is.iter().map(|i| format!("`{}` {}", f(&i["item"]), f(&i["bytes"]))).collect::<Vec<_>>().join("; ")).unwrap_or_default();
        let _ = writeln!(out, "- largest items, {}: {items}", f(&row["name"]).trim_start_matches("wasm: "));
    }

    let _ = writeln!(out, "\n## CRUD under load, against the floor\n");
    latency_table(&mut out, &in_section(rows, "crud"), true);
    for row in in_section(rows, "crud") {
        if let Some(ratio) = row.get("ratio_over_floor") {
            let _ = writeln!(out, "\nRatio over the floor worker (same users, same requests): p50 ×{}, p95 ×{}, throughput ÷{}. Target: p95 ≤ {} ms.", f(&ratio["p50"]), f(&ratio["p95"]), f(&ratio["throughput"]), f(&row["target_p95_ms"]));
        }
    }
    let _ = writeln!(out, "\nCPU by process (from /proc): milliseconds per request beyond each process's idle use, and in brackets the percent of one core it kept busy (the machine has {} cores, so {}% is all of it; the load generator is this bench):\n", context.cores, context.cores * 100);
    for row in in_section(rows, "crud") {
        if let Some(cpu) = row["cpu_ms_per_request"].as_object() {
            let parts: Vec<String> = cpu.iter().map(|(k, v)| format!("{k} {} ({}%)", f(v), f(&row["cpu_percent_of_a_core"][k]))).collect();
            let _ = writeln!(out, "- {}: {}", f(&row["name"]), parts.join("; "));
        }
    }
    for row in in_section(rows, "crud").iter().filter(|r| r.get("p50_ms").is_none()) {
        let _ = writeln!(out, "- {}: {}", f(&row["name"]), figures(row, &[]));
    }
    let _ = writeln!(out, "\nBy request kind (p50 / p95 ms):\n");
    for row in in_section(rows, "crud") {
        if let Some(kinds) = row["by_request"].as_object() {
            let parts: Vec<String> = kinds.iter().map(|(k, v)| format!("{k} {} / {}", f(&v["p50_ms"]), f(&v["p95_ms"]))).collect();
            let _ = writeln!(out, "- {}: {}", f(&row["name"]), parts.join("; "));
        }
    }

    let _ = writeln!(out, "\n## Where one request's time goes (sequential, one client)\n");
    latency_table(&mut out, &in_section(rows, "profile"), false);
    let _ = writeln!(out, "\nCPU milliseconds per request by process (idle included; sequential requests leave the machine mostly idle):\n");
    for row in in_section(rows, "profile") {
        if let Some(cpu) = row["cpu_ms_per_request"].as_object() {
            let parts: Vec<String> = cpu.iter().map(|(k, v)| format!("{k} {}", f(v))).collect();
            let _ = writeln!(out, "- {}: {}", f(&row["name"]).trim_start_matches("sequential: "), parts.join("; "));
        }
    }
    for row in in_section(rows, "profile").iter().filter(|r| r.get("p50_ms").is_none()) {
        let _ = writeln!(out, "\n{}: {}.", f(&row["name"]), figures(row, &["error_examples"]));
    }

    let _ = writeln!(out, "\n## Login, cache and de-duplication\n");
    let mut login_cache = in_section(rows, "login");
    login_cache.extend(in_section(rows, "cache"));
    latency_table(&mut out, &login_cache, false);
    for row in login_cache.iter().filter(|r| r.get("p50_ms").is_none()) {
        let _ = writeln!(out, "\n{}: {}.", f(&row["name"]), figures(row, &[]));
    }

    let _ = writeln!(out, "\n## Streaming\n");
    let stream = in_section(rows, "stream");
    latency_table(&mut out, &stream, false);
    for row in stream.iter().filter(|r| r.get("p50_ms").is_none() || r.get("ratio_p50").is_some()) {
        let _ = writeln!(out, "\n{}: {}.", f(&row["name"]), figures(row, &["failure_examples"]));
    }

    let _ = writeln!(out, "\n## Growth\n");
    let growth = in_section(rows, "growth");
    latency_table(&mut out, &growth, false);
    let _ = writeln!(out, "\nSizes of exports: {}.", growth.iter().filter(|r| r.get("format").is_some()).map(|r| format!("{} {} bytes", f(&r["name"]).trim_start_matches("export "), f(&r["bytes"]))).collect::<Vec<_>>().join("; "));
    let _ = writeln!(out, "\nCurves (p50 ms at each size; between two sizes the exponent k of t ∝ nᵏ, 1 = linear, and what each added unit cost; ⚠ marks a step worse than linear, k > 1.1):\n");
    for row in growth.iter().filter(|r| r.get("steps").is_some()) {
        let points = row["points"].as_array().map(|ps| ps.iter().map(|p| format!("{} → {} ms", f(&p[0]), f(&p[1]))).collect::<Vec<_>>().join(", ")).unwrap_or_default();
        let steps = row["steps"]
            .as_array()
            .map(|ss| {
                ss.iter()
                    .map(|s| format!("{}→{}: k {}, {} ms per {}{}", f(&s["from"]), f(&s["to"]), f(&s["exponent"]), marginal(s), unit(&row["unit"]), if s["worse_than_linear"] == true { " ⚠" } else { "" }))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let _ = writeln!(out, "- {}: {points}; {steps}", f(&row["name"]).trim_start_matches("curve: "));
    }
    let failed: Vec<&Value> = rows.iter().filter(|r| r.get("error").is_some()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n## Sections that failed\n");
        for row in failed {
            let _ = writeln!(out, "- {}: {}", f(&row["section"]), f(&row["error"]));
        }
    }
    let _ = writeln!(out, "\n{}", hand_written(existing));
    out
}

/// Where this run stands against each target of the issue.
fn targets(out: &mut String, rows: &[Value]) {
    let find = |prefix: &str| rows.iter().find(|r| r["name"].as_str().is_some_and(|n| n.starts_with(prefix)));
    let mark = |met: Option<bool>| match met {
        Some(true) => "met",
        Some(false) => "missed",
        None => "not measured",
    };
    let mut lines: Vec<(String, String, &str)> = Vec::new();
    let wasm: Vec<&Value> = in_section(rows, "wasm").into_iter().filter(|r| !r["name"].as_str().unwrap_or_default().ends_with("floor")).collect();
    let largest = wasm.iter().filter_map(|r| r["gzip_bytes"].as_u64()).max();
    lines.push(("each worker ≤ 1 MiB gzipped".into(), largest.map_or("–".into(), |b| format!("largest {} bytes", group(b as i64))), mark(largest.map(|b| b <= 1_048_576))));
    for kind in ["closed loop", "every"] {
        let row = rows.iter().find(|r| r["name"].as_str().is_some_and(|n| n.starts_with("CRUD mix,") && n.contains(kind)));
        let p95 = row.and_then(|r| r["p95_ms"].as_f64());
        let target = format!("CRUD p95 ≤ 10 ms: {}", row.map_or(kind.to_string(), |r| f(&r["name"])));
        lines.push((target, p95.map_or("–".into(), |v| format!("p95 {v:.2} ms")), mark(p95.map(|v| v <= 10.0))));
    }
    let first = find("first progress after the model's first parseable token").and_then(|r| r["p95_ms"].as_f64());
    lines.push(("first progress ≤ 100 ms after the first parseable token".into(), first.map_or("–".into(), |v| format!("p95 {v:.2} ms")), mark(first.map(|v| v <= 100.0))));
    let relay = find("relay overhead per event").and_then(|r| r["p95_ms"].as_f64());
    lines.push(("relay overhead ≤ 5 ms p95 per event".into(), relay.map_or("–".into(), |v| format!("p95 {v:.2} ms")), mark(relay.map(|v| v <= 5.0))));
    let streams = rows.iter().find(|r| r.get("streams").is_some());
    let lost = streams.map(|r| ["dropped", "duplicated", "out_of_order"].iter().filter_map(|k| r[*k].as_u64()).sum::<u64>() + r["streams"].as_u64().unwrap_or(0) - r["completed"].as_u64().unwrap_or(0));
    lines.push((
        "concurrent streams (100 in the full run), zero lost events".into(),
        streams.map_or("–".into(), |r| format!("{} streams, {} completed, {} lost/duplicated/out of order", f(&r["streams"]), f(&r["completed"]), lost.unwrap_or(0))),
        mark(lost.map(|l| l == 0)),
    ));
    let hit = find("generate-questions cache hit").and_then(|r| r["p95_ms"].as_f64());
    lines.push(("cache hit ≤ 10 ms p95".into(), hit.map_or("–".into(), |v| format!("p95 {v:.2} ms")), mark(hit.map(|v| v <= 10.0))));
    let calls = rows.iter().find(|r| r.get("model_calls").is_some()).and_then(|r| r["model_calls"].as_u64());
    lines.push(("identical concurrent requests: one model call".into(), calls.map_or("–".into(), |c| format!("{c} model call(s)")), mark(calls.map(|c| c == 1))));
    let curves: Vec<&Value> = rows.iter().filter(|r| r.get("steps").is_some()).collect();
    let worse: Vec<String> = curves
        .iter()
        .flat_map(|r| r["steps"].as_array().cloned().unwrap_or_default().into_iter().filter(|s| s["worse_than_linear"] == true).map(move |s| format!("{} {}→{}", f(&r["name"]).trim_start_matches("curve: "), f(&s["from"]), f(&s["to"]))))
        .collect();
    lines.push((
        "growth linear or better".into(),
        if worse.is_empty() { format!("{} curves, no step worse than linear", curves.len()) } else { format!("worse than linear: {}", worse.join("; ")) },
        mark((!curves.is_empty()).then_some(worse.is_empty())),
    ));
    let _ = writeln!(out, "## Against the targets\n\n| target | this run | |\n| --- | --- | --- |");
    for (target, measured, verdict) in lines {
        let _ = writeln!(out, "| {target} | {measured} | {verdict} |");
    }
    out.push('\n');
}
