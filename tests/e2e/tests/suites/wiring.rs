//! The four workers wired together: api → stream (service binding) → Durable Object, api →
//! queue → consumer → D1, cron's scheduled handler → job lock (Durable Object) → D1.

use domain::Timestamp;
use e2e::stack::Stack;
use serde_json::Value;
use std::time::{Duration, Instant};

/// `days` days ago, `offset_secs` into its 5-minute slot (a run now may backfill the last week,
/// never name a future slot; each test takes its own day so their slots never meet).
fn days_ago(days: i64, offset_secs: i64) -> Timestamp {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    Timestamp::from_millis(now).minus_seconds(days * 86_400).floor_to(300).plus_seconds(offset_secs)
}

pub fn tests() -> Vec<super::Test> {
    vec![
        ("wiring::api_reaches_stream_and_its_durable_object", api_reaches_stream_and_its_durable_object),
        ("wiring::a_message_the_api_enqueues_is_consumed", a_message_the_api_enqueues_is_consumed),
        ("wiring::the_scheduled_event_itself_runs_the_jobs", the_scheduled_event_itself_runs_the_jobs),
    ]
}

/// These run schedules for past slots and set the scene in D1 from outside the stack, so they
/// must not run beside other tests.
pub fn exclusive() -> Vec<super::Test> {
    vec![
        ("wiring::a_scheduled_run_records_a_job_run_once_per_slot", a_scheduled_run_records_a_job_run_once_per_slot),
        ("wiring::running_a_schedule_now_is_for_admins_and_the_scheduler", running_a_schedule_now_is_for_admins_and_the_scheduler),
        ("wiring::cron_recovers_generations_stuck_in_generating", cron_recovers_generations_stuck_in_generating),
        ("wiring::audit_entries_are_kept_400_days_then_pruned", audit_entries_are_kept_400_days_then_pruned),
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
        // The consumer records the run as `running` first, then finishes it: wait for the end.
        if let Some(run) = runs.iter().find(|run| run["runKey"] == probe_id.as_str() && run["status"] != "running") {
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
    // 100 s into a slot two days ago.
    let time = days_ago(2, 100);
    let time_ms = time.millis();
    let slot = time.floor_to(300).to_iso8601();
    let outcome = stack.trigger_cron("*/5 * * * *", time_ms).unwrap();
    assert_eq!(outcome["jobs"][0]["status"], "succeeded", "{outcome}");
    let runs: Vec<Value> = job_runs(&mut admin, "recover_stale_generations").into_iter().filter(|r| r["runKey"] == slot).collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["status"], "succeeded");
    assert!(runs[0]["durationMs"].as_i64().is_some());
    // The same slot again (a retried trigger): recorded as skipped, not run twice.
    let again = stack.trigger_cron("*/5 * * * *", time_ms + 30_000).unwrap();
    assert_eq!(again["jobs"][0]["status"], "skipped", "{again}");
    let runs: Vec<Value> = job_runs(&mut admin, "recover_stale_generations").into_iter().filter(|r| r["runKey"] == slot).collect();
    let succeeded = runs.iter().filter(|r| r["status"] == "succeeded").count();
    let skipped = runs.iter().filter(|r| r["status"] == "skipped").count();
    assert_eq!((succeeded, skipped), (1, 1), "{runs:?}");
    // The daily job runs on its own schedule.
    stack.trigger_cron("17 3 * * *", time_ms).unwrap();
    let daily = job_runs(&mut admin, "prune_expired_sessions");
    let day = time.floor_to(86_400).to_iso8601();
    assert!(daily.iter().any(|r| r["runKey"] == day && r["status"] == "succeeded"), "{daily:?}");
}

fn cron_recovers_generations_stuck_in_generating(stack: &Stack) {
    let mut client = e2e::client::Client::new(&stack.base_url);
    client.sign_up("stuck");
    let mut create = |title: &str| {
        let reply = client.post("/api/blueprints", &serde_json::json!({ "title": title }));
        assert_eq!(reply.status, 201, "{}", reply.text());
        reply.json()["id"].as_str().unwrap().to_string()
    };
    let (stuck, running) = (create("Stuck"), create("Running"));
    // No API moves a blueprint into `generating` yet (the stream does): set the scene in D1.
    // One generation's worker died an hour before the scheduled time; one is still running.
    let time = days_ago(3, 0);
    let (hour_before, two_minutes_before) = (time.minus_seconds(3600).to_iso8601(), time.minus_seconds(120).to_iso8601());
    stack
        .d1_execute(&format!(
            "UPDATE blueprint_generator SET status = 'generating', updated_at = CASE id WHEN '{stuck}' THEN '{hour_before}' ELSE '{two_minutes_before}' END WHERE id IN ('{stuck}', '{running}')"
        ))
        .unwrap();
    let outcome = stack.trigger_cron("*/5 * * * *", time.millis()).unwrap();
    assert_eq!(outcome["scheduledTime"], time.to_iso8601());
    assert_eq!(outcome["jobs"][0]["status"], "succeeded", "{outcome}");
    assert_eq!(client.get(&format!("/api/blueprint/{stuck}")).json()["status"], "error", "the owner can start again");
    assert_eq!(client.get(&format!("/api/blueprint/{running}")).json()["status"], "generating");
}

fn running_a_schedule_now_is_for_admins_and_the_scheduler(stack: &Stack) {
    let mut user = e2e::client::Client::new(&stack.base_url);
    user.sign_up("cron-user");
    let time = days_ago(4, 0);
    let daily = serde_json::json!({ "cron": "17 3 * * *", "scheduledTime": time.millis() });
    user.post("/api/admin/cron/run", &daily).expect_error(403);
    let mut stranger = e2e::client::Client::new(&stack.base_url);
    stranger.origin = None;
    let wrong = stranger.send("POST", "/api/admin/cron/run", &[("authorization", "Bearer not-the-scheduler-token-not-the-token"), ("content-type", "application/json")], Some(daily.to_string().into_bytes()));
    wrong.expect_error(401);
    let mut admin = super::admin(stack);
    let body = admin.post("/api/admin/cron/run", &serde_json::json!({ "cron": "* * * * *" })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "cron", "{body}");
    // An admin backfills the daily job of four days ago; it is recorded as a manual run.
    let reply = admin.post("/api/admin/cron/run", &daily);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["jobs"][0]["job"], "prune_expired_sessions");
    let runs = job_runs(&mut admin, "prune_expired_sessions");
    let day = time.floor_to(86_400).to_iso8601();
    assert!(runs.iter().any(|r| r["runKey"] == day && r["trigger"] == "manual" && r["status"] == "succeeded"), "{runs:?}");
    // The attack: a slot in the future acted as if that day had come (every session pruned,
    // every running generation given up), once per future slot. Refused, nothing touched.
    for days_ahead in [1, 30, 27_000] {
        let future = serde_json::json!({ "cron": "17 3 * * *", "scheduledTime": days_ago(-days_ahead, 0).millis() });
        let refused = admin.post("/api/admin/cron/run", &future).expect_error(400);
        assert_eq!(refused["details"][0]["field"], "scheduledTime", "{refused}");
    }
    let refreshed = user.post_empty("/api/auth/refresh");
    assert_eq!(refreshed.status, 200, "the user's session survives: {}", refreshed.text());
}

fn the_scheduled_event_itself_runs_the_jobs(stack: &Stack) {
    // 2031-01-02T03:06:40Z, as Cloudflare's scheduler would deliver it.
    let rows = stack.fire_scheduled_event("*/5 * * * *", 1_925_089_600_000).unwrap();
    let results = rows[0]["results"].as_array().cloned().unwrap_or_default();
    // The harness fires the event until one answers 200; on a loaded machine an attempt that
    // timed out on its side still ran. Each firing of the slot is recorded; it runs once.
    let ran: Vec<&Value> = results.iter().filter(|row| row["status"] != "skipped").collect();
    assert_eq!(ran.len(), 1, "{rows}");
    assert_eq!(ran[0]["job_name"], "recover_stale_generations");
    assert_eq!(ran[0]["run_key"], "2031-01-02T03:05:00.000Z");
    assert_eq!(ran[0]["status"], "succeeded");
    assert_eq!(ran[0]["trigger"], "cron");
    assert!(results.iter().all(|row| row["job_name"] == "recover_stale_generations" && row["run_key"] == "2031-01-02T03:05:00.000Z"), "{rows}");
}

/// The audit trail had no retention. Now the daily job deletes entries older than 400 days,
/// and the database itself refuses deleting a younger one (from any job, handler or console).
fn audit_entries_are_kept_400_days_then_pruned(stack: &Stack) {
    let old = Timestamp::from_millis(days_ago(401, 0).millis()).to_iso8601();
    let kept = Timestamp::from_millis(days_ago(399, 0).millis()).to_iso8601();
    let (old_id, kept_id) = (e2e::unique("audit-old"), e2e::unique("audit-kept"));
    stack
        .d1_execute(&format!(
            "INSERT INTO audit_log (id, actor_kind, action, entity_type, created_at) VALUES ('{old_id}', 'system', 'test.old', 'test', '{old}'), ('{kept_id}', 'system', 'test.kept', 'test', '{kept}')"
        ))
        .unwrap();
    let refused = stack.d1_execute(&format!("DELETE FROM audit_log WHERE id = '{kept_id}'")).unwrap_err();
    assert!(refused.contains("kept for 400 days"), "{refused}");
    let outcome = stack.trigger_cron("17 3 * * *", days_ago(0, 0).millis()).unwrap();
    let pruning = outcome["jobs"].as_array().unwrap().iter().find(|j| j["job"] == "prune_audit_log").cloned().unwrap_or_default();
    assert_eq!(pruning["status"], "succeeded", "{outcome}");
    let left = stack.d1_execute(&format!("SELECT id FROM audit_log WHERE id IN ('{old_id}', '{kept_id}')")).unwrap();
    let ids: Vec<&str> = left[0]["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [kept_id.as_str()], "the 401-day-old entry is pruned, the 399-day-old one kept");
}
