//! Course content generation (issue 18): items written per minute by the queue consumer with the
//! fake model, one at a time and three at a time (a job's in-flight bound), and the workers'
//! CPU per item. The fake model's answers are unusable, so every item takes the whole chain
//! (each tier asked once) and then the curated item: the pipeline's own cost, not a model's.

use crate::crud::{ready_user, script_questions};
use crate::http::Session;
use crate::procs::{self, Group};
use crate::stats::{ms_since, round2, row};
use crate::streaming::start_body;
use crate::Sizes;
use e2e::fake_llm::Behaviour;
use e2e::stack::{Stack, BOOTSTRAP_TOKEN};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const SECTION: &str = "content";
/// Generation jobs one user may start per minute (`domain::platform::rate_limit::GENERATION_JOBS`).
const JOBS_PER_USER: usize = 5;

fn tagged_course(tag: &str, modules: usize) -> Value {
    let modules: Vec<Value> = (1..=modules)
        .map(|i| json!({ "title": format!("Module {i} {tag}"), "durationMinutes": 40, "objectives": [format!("Explain tier {i} {tag}")], "activities": ["Role-play"], "assessments": ["Quiz"] }))
        .collect();
    json!({ "title": format!("Course {tag}"), "overview": "A short course on pricing tiers for new sales reps.", "learningObjectives": ["Explain the pricing tiers"], "modules": modules, "timeline": null, "resources": null })
}

/// A platform admin (so its tenant's admin, who may approve its own syllabus) with an approved
/// syllabus of `modules` modules: the admin's session and the syllabus id.
pub fn approved_syllabus(stack: &Stack, label: &str, modules: usize) -> Result<(Session, String), String> {
    let base = stack.base_url.as_str();
    let tag = e2e::unique(label);
    script_questions(stack, &tag);
    let user = ready_user(stack, label, &tag)?;
    user.session.post(base, "/api/admin/bootstrap", &json!({ "token": BOOTSTRAP_TOKEN }))?.expect(200, "bootstrap")?;
    stack.llm.script(&tag, vec![Behaviour::reply(tagged_course(&tag, modules).to_string())]);
    let stream = user.session.read_events(base, "POST", "/api/generate-blueprint", &[], Some(start_body(&user.blueprint_id)))?;
    if stream.events.last().map(|e| e.event.as_str()) != Some("complete") {
        return Err("the course did not generate".into());
    }
    stack.llm.script(&tag, vec![Behaviour::reply("{}")]);
    let syllabus = user.session.post(base, &format!("/api/blueprints/{}/versions/1/syllabus", user.blueprint_id), &json!({}))?.expect(201, "syllabus")?;
    let id = syllabus["id"].as_str().ok_or("a syllabus without an id")?.to_string();
    user.session.post(base, &format!("/api/syllabi/{id}/submit"), &json!({}))?.expect(200, "submit")?;
    user.session.post(base, &format!("/api/syllabi/{id}/approve"), &json!({}))?.expect(200, "approve")?;
    Ok((user.session, id))
}

/// Starts a job and waits until every item is final: the items that completed one way or another.
pub fn run_job(base: &str, session: &Session, syllabus: &str, body: &Value) -> Result<Value, String> {
    let job = session.post(base, &format!("/api/syllabi/{syllabus}/generation-jobs"), body)?.expect(202, "job")?;
    let id = job["jobId"].as_str().ok_or("a job without an id")?.to_string();
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let status = session.get(base, &format!("/api/generation-jobs/{id}"))?.expect(200, "job status")?;
        if status["status"] == "completed" {
            return Ok(status);
        }
        if Instant::now() > deadline {
            return Err(format!("job {id} did not finish: {status}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn throughput(stack: &Stack, sizes: &Sizes, workers: Group) -> Result<Vec<Value>, String> {
    let base = stack.base_url.as_str();
    let modules = if sizes.smoke { 1 } else { 5 };
    let mut rows = Vec::new();
    for parallelism in [1usize, 3] {
        let (session, syllabus) = approved_syllabus(stack, &format!("bench-content-p{parallelism}"), modules)?;
        let slots: Vec<String> = (1..=modules).flat_map(|m| [format!("m{m}.l1"), format!("m{m}.l1.quiz"), format!("m{m}.project")]).collect();
        let processes = workers.members();
        let before = procs::cpu_snapshot(&processes);
        let started = Instant::now();
        let mut failed = 0;
        let mut items = 0;
        if parallelism == 1 {
            // One item at a time: one-slot jobs back to back, a fresh admin of the same tenant
            // every JOBS_PER_USER jobs (the per-user job limit).
            let mut current = session;
            for (index, slot) in slots.iter().enumerate() {
                if index > 0 && index % JOBS_PER_USER == 0 {
                    current = Session::sign_up(base, "bench-content-more")?;
                    current.post(base, "/api/admin/bootstrap", &json!({ "token": BOOTSTRAP_TOKEN }))?.expect(200, "bootstrap")?;
                }
                let done = run_job(base, &current, &syllabus, &json!({ "slots": [slot] }))?;
                items += done["items"].as_array().map_or(0, Vec::len);
                failed += done["counts"]["failed"].as_u64().unwrap_or(0) as usize;
            }
        } else {
            let done = run_job(base, &session, &syllabus, &json!({}))?;
            items += done["items"].as_array().map_or(0, Vec::len);
            failed += done["counts"]["failed"].as_u64().unwrap_or(0) as usize;
        }
        let elapsed = started.elapsed();
        let cpu = procs::cpu_use(&before, &procs::cpu_snapshot(&processes), items, elapsed, &Default::default());
        let workers_cpu = cpu.iter().filter(|(role, _)| role.contains("workers")).map(|(_, (per_item, _))| *per_item).sum::<f64>();
        rows.push(row(
            SECTION,
            &format!("content items, {parallelism} at a time"),
            json!({
                "items": items,
                "failed": failed,
                "elapsed_ms": round2(ms_since(started)),
                "items_per_minute": round2(items as f64 * 60_000.0 / ms_since(started).max(1.0)),
                "workers_cpu_ms_per_item": round2(workers_cpu),
            }),
        ));
    }
    Ok(rows)
}
