//! The blueprint stream: how long an event takes from the model's token to the client through
//! the stack, against reading the fake model directly with the same token schedule; then many
//! generations at once, every event accounted for, with workerd's memory sampled.

use crate::crud::{ready_user, ready_users, script_questions};
use crate::http::{read_ndjson_directly, Session, TimedEvent};
use crate::procs::{self, Group, RssSampler};
use crate::stats::{exact_percentile, latency_row, ms, percentile, round2, row};
use crate::Sizes;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::Barrier;
use std::time::Instant;

const SECTION: &str = "stream";

pub use e2e::fixtures::blueprint_document;

pub fn start_body(id: &str) -> Vec<u8> {
    json!({ "blueprintId": id }).to_string().into_bytes()
}

/// Generates the blueprint now (the fake answers `document` for `tag`) and answers the events;
/// an error unless the stream ends with `complete`.
pub fn generate(stack: &Stack, session: &Session, tag: &str, id: &str, document: &Value) -> Result<Vec<TimedEvent>, String> {
    stack.llm.script(tag, vec![Behaviour::Reply { content: document.to_string(), chunks: 8, delay_ms: 0 }]);
    let stream = session.read_events(&stack.base_url, "POST", "/api/generate-blueprint", &[], Some(start_body(id)))?;
    match stream.events.last() {
        Some(last) if stream.status == 200 && last.event == "complete" => Ok(stream.events),
        _ => Err(format!(
            "generation did not complete (status {}): {:?}, {}",
            stream.status,
            stream.events.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(),
            stream.broken.as_deref().unwrap_or("closed by the server")
        )),
    }
}

/// The latest piece the model sent at or before `at` (the one that caused an event then).
fn latest_piece_before(pieces: &[Instant], at: Instant) -> Option<Instant> {
    pieces.iter().rev().find(|p| **p <= at).copied()
}

/// Time from the model's token to the client, through the stack and directly.
pub fn relay(stack: &Stack, sizes: &Sizes) -> Result<Vec<Value>, String> {
    let (mut first_progress, mut through_stack, mut direct, mut complete_after_last, mut request_to_first) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut progress_events = 0;
    let behaviour = Behaviour::Reply { content: blueprint_document("Relay timing", 6).to_string(), chunks: sizes.relay_chunks, delay_ms: sizes.relay_delay_ms };
    for _ in 0..sizes.relay_runs {
        let tag = e2e::unique("bench-relay");
        script_questions(stack, &tag);
        let user = ready_user(stack, "bench-relay", &tag)?;
        let already = stack.llm.piece_times(&tag).len();
        stack.llm.script(&tag, vec![behaviour.clone()]);
        let requested = Instant::now();
        let stream = user.session.read_events(&stack.base_url, "POST", "/api/generate-blueprint", &[], Some(start_body(&user.blueprint_id)))?;
        if stream.events.last().map(|e| e.event.as_str()) != Some("complete") {
            let events: Vec<&String> = stream.events.iter().map(|e| &e.event).collect();
            return Err(format!("the relay run did not complete: {events:?}, {}", stream.broken.as_deref().unwrap_or("closed by the server")));
        }
        let pieces: Vec<Instant> = stack.llm.piece_times(&tag).into_iter().skip(already).collect();
        let mut first = true;
        for event in stream.events.iter().filter(|e| e.event == "progress") {
            let Some(piece) = latest_piece_before(&pieces, event.at) else { continue };
            let latency = ms(event.at.saturating_duration_since(piece));
            if first {
                first_progress.push(latency);
                request_to_first.push(ms(event.at.saturating_duration_since(requested)));
                first = false;
            }
            through_stack.push(latency);
            progress_events += 1;
        }
        if let (Some(complete), Some(last)) = (stream.events.last(), pieces.last()) {
            complete_after_last.push(ms(complete.at.saturating_duration_since(*last)));
        }
        // The baseline: the same schedule read straight from the fake model.
        let direct_tag = e2e::unique("bench-direct");
        stack.llm.script(&direct_tag, vec![behaviour.clone()]);
        let request = json!({ "model": "qwen3:30b-a3b", "stream": true, "messages": [{ "role": "user", "content": direct_tag }] });
        let arrivals = read_ndjson_directly(&format!("{}/api/chat", stack.llm.ollama_url()), &request)?;
        for (arrival, piece) in arrivals.iter().zip(stack.llm.piece_times(&direct_tag)) {
            direct.push(ms(arrival.saturating_duration_since(piece)));
        }
    }
    let schedule = format!("{} pieces, {} ms apart", sizes.relay_chunks, sizes.relay_delay_ms);
    let (stack_p50, stack_p95) = (exact_percentile(&through_stack, 50.0), exact_percentile(&through_stack, 95.0));
    let (direct_p50, direct_p95) = (exact_percentile(&direct, 50.0), exact_percentile(&direct, 95.0));
    let ratio = |a: f64, b: f64| if b > 0.0 { (a / b).round() } else { 0.0 };
    Ok(vec![
        latency_row(SECTION, "first progress after the model's first parseable token", &first_progress, 0, None, json!({ "target_ms": 100, "schedule": schedule, "runs": sizes.relay_runs })),
        latency_row(SECTION, "first progress after the request (auth, Durable Object, alarm, D1 read, model call)", &request_to_first, 0, None, json!({})),
        latency_row(SECTION, "per event: model token → client, through the stack", &through_stack, 0, None, json!({ "progress_events": progress_events })),
        latency_row(SECTION, "per event: model token → client, reading the fake model directly", &direct, 0, None, json!({ "p50_us": (direct_p50 * 1000.0).round(), "p95_us": (direct_p95 * 1000.0).round() })),
        row(
            SECTION,
            "relay overhead per event (through the stack − direct)",
            json!({ "p50_ms": round2(stack_p50 - direct_p50), "p95_ms": round2(stack_p95 - direct_p95), "ratio_p50": ratio(stack_p50, direct_p50), "ratio_p95": ratio(stack_p95, direct_p95), "target_p95_ms": 5 }),
        ),
        latency_row(SECTION, "complete after the model's last piece (validate, render, save to D1)", &complete_after_last, 0, None, json!({})),
    ])
}

/// What one client saw, checked against the Durable Object's own event log.
#[derive(Default)]
struct Accounting {
    received: usize,
    logged: usize,
    dropped: usize,
    duplicated: usize,
    out_of_order: usize,
    without_id: usize,
    completed: bool,
}

fn account(live: &[TimedEvent], log: &[TimedEvent]) -> Accounting {
    let ids: Vec<u64> = live.iter().filter_map(|e| e.id).collect();
    let mut seen = BTreeSet::new();
    let duplicated = ids.iter().filter(|id| !seen.insert(**id)).count();
    let out_of_order = ids.windows(2).filter(|w| w[1] <= w[0]).count();
    let logged: HashMap<u64, &str> = log.iter().filter_map(|e| e.id.map(|id| (id, e.event.as_str()))).collect();
    // Dropped: in the log but never received live, or received under another event name.
    let dropped = logged.iter().filter(|(id, name)| live.iter().find(|e| e.id == Some(**id)).is_none_or(|e| e.event != **name)).count();
    Accounting {
        received: live.len(),
        logged: logged.len(),
        dropped,
        duplicated,
        out_of_order,
        without_id: live.len() - ids.len(),
        completed: live.last().is_some_and(|e| e.event == "complete"),
    }
}

/// `sizes.concurrent_streams` generations at once, one per blueprint and user.
pub fn concurrent(stack: &Stack, sizes: &Sizes, group: Group) -> Result<Vec<Value>, String> {
    let n = sizes.concurrent_streams;
    let tag = e2e::unique("bench-many");
    let users = ready_users(stack, n, "bench-many", &tag)?;
    let schedule = format!("{} pieces, {} ms apart", sizes.concurrent_chunks, sizes.concurrent_delay_ms);
    stack.llm.script(&tag, vec![Behaviour::Reply { content: blueprint_document("Many at once", 4).to_string(), chunks: sizes.concurrent_chunks, delay_ms: sizes.concurrent_delay_ms }]);
    let (_, idle_rss) = procs::workerd_rss(group);
    let sampler = RssSampler::start(group);
    let barrier = Barrier::new(n);
    let started = Instant::now();
    let outcomes: Vec<Result<(crate::http::TimedStream, Instant), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = users
            .iter()
            .map(|user| {
                // A new connection each: a hundred clients arriving at once.
                let (barrier, base, session) = (&barrier, stack.base_url.as_str(), user.session.fork());
                scope.spawn(move || {
                    barrier.wait();
                    let began = Instant::now();
                    session.read_events(base, "POST", "/api/generate-blueprint", &[], Some(start_body(&user.blueprint_id))).map(|s| (s, began))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("client thread failed".into()))).collect()
    });
    let wall = started.elapsed();
    let (peaks, peak_sum) = sampler.finish();
    let mut totals = Accounting::default();
    let (mut failures, mut to_complete, mut completed) = (Vec::new(), Vec::new(), 0);
    for (user, outcome) in users.iter().zip(outcomes) {
        let (stream, began) = match outcome {
            Ok(ok) => ok,
            Err(error) => {
                failures.push(error);
                continue;
            }
        };
        // The Durable Object's log is the truth: replay it all (Last-Event-ID 0) and compare.
        let token = stream.header("x-viewer-token").unwrap_or_default().to_string();
        let path = format!("/api/generate-blueprint/{}/events?token={token}", user.blueprint_id);
        let log = match user.session.read_events(&stack.base_url, "GET", &path, &[("last-event-id", "0")], None) {
            Ok(replay) if replay.status == 200 => replay.events,
            Ok(replay) => {
                failures.push(format!("replay answered {}", replay.status));
                Vec::new()
            }
            Err(error) => {
                failures.push(error);
                Vec::new()
            }
        };
        if let Some(error) = &stream.broken {
            failures.push(format!("stream of {} broke: {error}", user.blueprint_id));
        }
        let accounting = account(&stream.events, &log);
        if accounting.completed {
            completed += 1;
            if let Some(last) = stream.events.last() {
                to_complete.push(ms(last.at.saturating_duration_since(began)));
            }
        }
        totals.received += accounting.received;
        totals.logged += accounting.logged;
        totals.dropped += accounting.dropped;
        totals.duplicated += accounting.duplicated;
        totals.out_of_order += accounting.out_of_order;
        totals.without_id += accounting.without_id;
    }
    let peaks: serde_json::Map<String, Value> = peaks.into_iter().map(|(role, kib)| (role, json!(kib))).collect();
    Ok(vec![
        row(
            SECTION,
            &format!("{n} concurrent generations ({n} blueprints, {n} users)"),
            json!({
                "streams": n, "completed": completed, "failed": failures.len(), "failure_examples": failures.iter().take(3).collect::<Vec<_>>(),
                "events_received": totals.received, "events_logged": totals.logged,
                "dropped": totals.dropped, "duplicated": totals.duplicated, "out_of_order": totals.out_of_order, "without_id": totals.without_id,
                "target_lost_events": 0, "schedule": schedule, "wall_ms": round2(ms(wall)),
                "time_to_complete_p50_ms": percentile(&to_complete, 50.0), "time_to_complete_p95_ms": percentile(&to_complete, 95.0),
            }),
        ),
        row(
            SECTION,
            &format!("workerd memory (RSS) during {n} concurrent generations"),
            json!({ "idle_kib": idle_rss, "peak_kib": peak_sum, "peak_by_process_kib": peaks, "sampled_every_ms": 100 }),
        ),
    ])
}
