//! The four workers wired together: api → stream (service binding) → Durable Object, api →
//! queue → consumer → D1, cron's scheduled handler → job lock (Durable Object) → D1.

use e2e::stack::Stack;
use serde_json::Value;
use std::time::{Duration, Instant};

pub fn tests() -> Vec<(&'static str, fn(&Stack))> {
    vec![
        ("wiring::api_reaches_stream_and_its_durable_object", api_reaches_stream_and_its_durable_object),
        ("wiring::a_message_the_api_enqueues_is_consumed", a_message_the_api_enqueues_is_consumed),
        ("wiring::a_scheduled_run_records_a_job_run_once_per_slot", a_scheduled_run_records_a_job_run_once_per_slot),
        ("wiring::cron_recovers_generations_stuck_in_generating", cron_recovers_generations_stuck_in_generating),
    ]
}

fn api_reaches_stream_and_its_durable_object(stack: &Stack) {
    let mut admin = super::admin(stack);
    let first = admin.get("/api/admin/diagnostics");
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.json();
    assert_eq!(first["database"], "ok", "{first}");
    assert_eq!(first["stream"]["worker"], "stream", "{first}");
    assert_eq!(first["stream"]["durableObject"]["class"], "BlueprintGeneration", "{first}");
    let second = admin.get("/api/admin/diagnostics").json();
    let pings = |v: &Value| v["stream"]["durableObject"]["pings"].as_i64().unwrap();
    assert!(pings(&second) > pings(&first), "the object's storage persists between calls: {first} {second}");
}

fn job_runs(admin: &mut e2e::client::Client, job: &str) -> Vec<Value> {
    let reply = admin.get(&format!("/api/admin/job-runs?job={job}&limit=200"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["jobRuns"].as_array().unwrap().clone()
}

fn a_message_the_api_enqueues_is_consumed(stack: &Stack) {
    let mut admin = super::admin(stack);
    let reply = admin.post_empty("/api/admin/diagnostics/queue-probe");
    assert_eq!(reply.status, 202, "{}", reply.text());
    let probe_id = reply.json()["probeId"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let runs = job_runs(&mut admin, "queue_probe");
        if let Some(run) = runs.iter().find(|run| run["runKey"] == probe_id.as_str()) {
            assert_eq!(run["status"], "succeeded", "{run}");
            assert_eq!(run["trigger"], "queue", "{run}");
            return;
        }
        assert!(Instant::now() < deadline, "probe {probe_id} was never consumed; runs: {runs:?}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn a_scheduled_run_records_a_job_run_once_per_slot(stack: &Stack) {
    let mut admin = super::admin(stack);
    // 2031-01-02T03:06:40Z lies in the 03:05 slot.
    let time_ms = 1_925_089_600_000;
    let slot = "2031-01-02T03:05:00.000Z";
    stack.trigger_cron("*/5 * * * *", time_ms).unwrap();
    let runs: Vec<Value> = job_runs(&mut admin, "recover_stale_generations").into_iter().filter(|r| r["runKey"] == slot).collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["status"], "succeeded");
    assert!(runs[0]["durationMs"].as_i64().is_some());
    // The same slot again (a retried trigger): recorded as skipped, not run twice.
    stack.trigger_cron("*/5 * * * *", time_ms + 30_000).unwrap();
    let runs: Vec<Value> = job_runs(&mut admin, "recover_stale_generations").into_iter().filter(|r| r["runKey"] == slot).collect();
    let succeeded = runs.iter().filter(|r| r["status"] == "succeeded").count();
    let skipped = runs.iter().filter(|r| r["status"] == "skipped").count();
    assert_eq!((succeeded, skipped), (1, 1), "{runs:?}");
    // The daily job runs on its own schedule.
    stack.trigger_cron("17 3 * * *", time_ms).unwrap();
    let daily = job_runs(&mut admin, "prune_expired_sessions");
    assert!(daily.iter().any(|r| r["runKey"] == "2031-01-02T00:00:00.000Z" && r["status"] == "succeeded"), "{daily:?}");
}

fn cron_recovers_generations_stuck_in_generating(stack: &Stack) {
    let mut client = e2e::client::Client::new(&stack.base_url);
    let signed = client.sign_up("stuck");
    let stuck = e2e::unique("bp");
    let fresh = e2e::unique("bp");
    // A generation whose worker died an hour before the scheduled time, and one still running.
    stack
        .d1_execute(&format!(
            "INSERT INTO blueprint_generator (id, user_id, status, updated_at) VALUES \
             ('{stuck}', '{}', 'generating', '2032-05-05T09:00:00.000Z'), ('{fresh}', '{}', 'generating', '2032-05-05T09:58:00.000Z')",
            signed.user_id, signed.user_id
        ))
        .unwrap();
    // 2032-05-05T10:00:00Z.
    stack.trigger_cron("*/5 * * * *", 1_967_364_000_000).unwrap();
    let rows = stack.d1_execute(&format!("SELECT id, status FROM blueprint_generator WHERE id IN ('{stuck}', '{fresh}') ORDER BY id = '{stuck}' DESC")).unwrap();
    let results = &rows[0]["results"];
    assert_eq!(results[0]["id"], stuck.as_str());
    assert_eq!(results[0]["status"], "error", "{rows}");
    assert_eq!(results[1]["status"], "generating", "{rows}");
}
