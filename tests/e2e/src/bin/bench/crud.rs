//! The wizard's CRUD traffic under load, the same requests against the floor worker, and the
//! sequential probes that split one request's cost (routing, JWT, D1).

use crate::http::Session;
use crate::procs::{self, Errors, Group};
use crate::stats::{latency_row, ms_since, object, round2};
use crate::Sizes;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECTION: &str = "crud";

/// A signed-in user whose blueprint has complete static answers and dynamic questions, so every
/// request of the mix is a real, accepted autosave or read.
pub struct User {
    pub session: Session,
    pub blueprint_id: String,
    /// The dynamic questions' set, sent with each answer as the web UI does.
    pub question_set: String,
}

/// What one user's requests are about: an id (its blueprint; a course, for learners) and a
/// detail (the blueprint's question set; nothing for learners).
#[derive(Clone)]
pub struct Target {
    pub id: String,
    pub detail: String,
}

/// Static answers that make a blueprint ready for questions; `context` carries the fake
/// model's script tag.
pub fn static_answers(context: &str) -> Value {
    json!({
        "audience": "Frontline sales reps", "goals": ["Explain pricing", "Handle objections"],
        "constraints": { "time": "4 weeks", "modality": "blended" }, "context": context
    })
}

/// Signs up a user and prepares a blueprint up to its dynamic answers (the fake model answers
/// the questions for `tag`, which must be scripted).
pub fn ready_user(stack: &Stack, label: &str, tag: &str) -> Result<User, String> {
    let base = stack.base_url.as_str();
    let session = Session::sign_up(base, label)?;
    let created = session.post(base, "/api/blueprints", &json!({ "title": format!("Bench {label}") }))?.expect(201, "create blueprint")?;
    let id = created["id"].as_str().ok_or("a created blueprint without an id")?.to_string();
    session.patch(base, &format!("/api/blueprints/{id}/static-answers"), &static_answers(&format!("B2B SaaS ({tag}, {label})")))?.expect(200, "static answers")?;
    let questions = session.post(base, "/api/generate-dynamic-questions", &json!({ "blueprintId": id }))?.expect(200, "dynamic questions")?;
    let question_set = questions["questionSet"].as_str().ok_or("questions without a questionSet")?.to_string();
    session.patch(base, &format!("/api/blueprints/{id}/dynamic-answers"), &json!({ "answers": { "dq_001": "Salesforce" }, "questionSet": question_set }))?.expect(200, "dynamic answers")?;
    Ok(User { session, blueprint_id: id, question_set })
}

pub fn script_questions(stack: &Stack, tag: &str) {
    let questions = json!({ "questions": [{ "section": "Context", "type": "short_text", "label": "Which CRM do reps use?" }] });
    stack.llm.script(tag, vec![Behaviour::reply(questions.to_string())]);
}

/// `count` ready users, prepared by a few threads (sign-up's Argon2 dominates; more threads
/// than cores would only queue in workerd).
pub fn ready_users(stack: &Stack, count: usize, label: &str, tag: &str) -> Result<Vec<User>, String> {
    script_questions(stack, tag);
    let results = Arc::new(Mutex::new(Vec::new()));
    let next = Arc::new(Mutex::new(0usize));
    std::thread::scope(|scope| {
        for _ in 0..4.min(count.max(1)) {
            let (results, next) = (Arc::clone(&results), Arc::clone(&next));
            scope.spawn(move || loop {
                let index = {
                    let mut next = next.lock().unwrap_or_else(|p| p.into_inner());
                    if *next >= count {
                        return;
                    }
                    *next += 1;
                    *next - 1
                };
                let user = ready_user(stack, &format!("{label}-{index}"), tag);
                results.lock().unwrap_or_else(|p| p.into_inner()).push((index, user));
            });
        }
    });
    let mut results = std::mem::take(&mut *results.lock().unwrap_or_else(|p| p.into_inner()));
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, user)| user).collect()
}

/// The kinds of request in the wizard's mix, in the order each user cycles through them.
pub const MIX: [&str; 5] = ["PATCH static-answers (audience)", "PATCH static-answers (constraints)", "PATCH dynamic-answers", "GET /api/blueprint/:id", "GET /api/blueprints?limit=20"];

/// One request to send: method, path, body.
pub type Request = (&'static str, String, Option<Vec<u8>>);

/// Step `step` of the mix for blueprint `id`.
fn mix_request(step: usize, target: &Target) -> Request {
    let (id, set) = (&target.id, &target.detail);
    let body = |value: Value| Some(value.to_string().into_bytes());
    match step % MIX.len() {
        0 => ("PATCH", format!("/api/blueprints/{id}/static-answers"), body(json!({ "audience": format!("Frontline sales reps, cohort {step}") }))),
        1 => ("PATCH", format!("/api/blueprints/{id}/static-answers"), body(json!({ "constraints": { "time": format!("{} weeks", step % 9 + 1), "modality": "blended" } }))),
        2 => ("PATCH", format!("/api/blueprints/{id}/dynamic-answers"), body(json!({ "answers": { "dq_001": format!("Salesforce, org {step}") }, "questionSet": set }))),
        3 => ("GET", format!("/api/blueprint/{id}"), None),
        _ => ("GET", "/api/blueprints?limit=20".to_string(), None),
    }
}

/// What one load run measured: latency per request kind, errors, wall time, CPU per request.
pub struct LoadRun {
    pub by_kind: Vec<Vec<f64>>,
    pub errors: Errors,
    pub elapsed: Duration,
    pub cpu_ms_per_request: Value,
    pub cpu_percent_of_a_core: Value,
}

impl LoadRun {
    pub fn all(&self) -> Vec<f64> {
        self.by_kind.iter().flatten().copied().collect()
    }
}

/// How each simulated user paces its requests.
#[derive(Clone, Copy)]
pub enum Pacing {
    /// The next request as soon as the previous answers (saturates the stack: a capacity test).
    Closed,
    /// One request every this many ms per user (a person autosaving), or at once if late.
    Every(u64),
}

/// Every user runs the mix against `base` for `seconds`, each on its own connection.
/// `request` picks what step `n` of a user sends.
pub fn run_load(users: &[(Session, Target)], base: &str, seconds: u64, pacing: Pacing, (group, idle): (Group, &BTreeMap<String, f64>), kinds: usize, request: fn(usize, &Target) -> Request) -> LoadRun {
    let processes = group.members();
    let processes = processes.as_slice();
    let samples: Arc<Mutex<Vec<Vec<f64>>>> = Arc::new(Mutex::new(vec![Vec::new(); kinds]));
    let errors = Errors::default();
    let cpu_before = procs::cpu_snapshot(processes);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let count = users.len().max(1);
    std::thread::scope(|scope| {
        for (index, (session, id)) in users.iter().enumerate() {
            let (samples, errors, session) = (Arc::clone(&samples), errors.clone(), session.fork());
            scope.spawn(move || {
                let mut mine: Vec<Vec<f64>> = vec![Vec::new(); kinds];
                // Staggered starts, so paced users do not all fire on the same tick.
                let interval = match pacing {
                    Pacing::Closed => Duration::ZERO,
                    Pacing::Every(ms) => Duration::from_millis(ms),
                };
                let mut next_at = started + interval.mul_f64(index as f64 / count as f64);
                let mut step = index; // users start at different points of the mix
                while Instant::now() < deadline {
                    if let Some(wait) = next_at.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    next_at += interval;
                    let (method, path, body) = request(step, id);
                    let began = Instant::now();
                    match session.send(base, method, &path, &[], body) {
                        Ok(reply) if (200..300).contains(&reply.status) => mine[step % kinds].push(ms_since(began)),
                        Ok(reply) => errors.record(format!("{method} {path}: {} {}", reply.status, String::from_utf8_lossy(&reply.body))),
                        Err(error) => errors.record(error),
                    }
                    step += 1;
                }
                let mut all = samples.lock().unwrap_or_else(|p| p.into_inner());
                for (kind, values) in mine.into_iter().enumerate() {
                    all[kind].extend(values);
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let by_kind = std::mem::take(&mut *samples.lock().unwrap_or_else(|p| p.into_inner()));
    let requests = by_kind.iter().map(Vec::len).sum::<usize>() + errors.count();
    let cpu = procs::cpu_use(&cpu_before, &procs::cpu_snapshot(processes), requests, elapsed, idle);
    let cpu_ms_per_request = object(cpu.iter().map(|(role, (per_request, _))| (role.clone(), json!(per_request))));
    let cpu_percent_of_a_core = object(cpu.into_iter().map(|(role, (_, percent))| (role, json!(percent))));
    LoadRun { by_kind, errors, elapsed, cpu_ms_per_request, cpu_percent_of_a_core }
}

fn health_request(_step: usize, _target: &Target) -> Request {
    ("GET", "/api/health".to_string(), None)
}

pub fn load_row(section: &str, name: &str, run: &LoadRun, kinds: &[&str], extra: Value) -> Value {
    let mut extra = extra;
    if kinds.len() > 1 {
        extra["by_request"] = object(kinds.iter().zip(&run.by_kind).map(|(kind, samples)| {
            (kind.to_string(), json!({ "p50_ms": crate::stats::percentile(samples, 50.0), "p95_ms": crate::stats::percentile(samples, 95.0), "requests": samples.len() }))
        }));
    }
    extra["cpu_ms_per_request"] = run.cpu_ms_per_request.clone();
    extra["cpu_percent_of_a_core"] = run.cpu_percent_of_a_core.clone();
    if run.errors.count() > 0 {
        extra["error_examples"] = json!(run.errors.examples());
    }
    latency_row(section, name, &run.all(), run.errors.count(), Some(run.elapsed), extra)
}

pub struct Targets<'a> {
    pub api: &'a str,
    pub floor: &'a str,
    pub api_group: Group,
    pub floor_group: Group,
}

/// The CRUD mix (closed loop, then paced), the same mix against the floor worker, and
/// `GET /api/health`, each from `sizes.users` users for `sizes.seconds`.
pub fn under_load(stack: &Stack, sizes: &Sizes, targets: &Targets) -> Result<Vec<Value>, String> {
    let tag = e2e::unique("bench-crud");
    let users = ready_users(stack, sizes.users, "bench-crud", &tag)?;
    let pairs: Vec<(Session, Target)> = users.iter().map(|u| (u.session.clone(), Target { id: u.blueprint_id.clone(), detail: u.question_set.clone() })).collect();
    let (n, s) = (sizes.users, sizes.seconds);
    let mut rows = Vec::new();
    // What each process burns with no traffic, so that per-request CPU counts only the requests.
    let window = Duration::from_secs(if sizes.smoke { 1 } else { 3 });
    let (api_idle, floor_idle) = (procs::idle_use(targets.api_group, window), procs::idle_use(targets.floor_group, window));
    rows.push(crate::stats::row(SECTION, "idle CPU, percent of one core, no traffic", json!({ "api stack": api_idle, "floor": floor_idle, "window_s": window.as_secs() })));
    let (api, floor_target) = ((targets.api_group, &api_idle), (targets.floor_group, &floor_idle));

    let floor = run_load(&pairs, targets.floor, s, Pacing::Closed, floor_target, MIX.len(), mix_request);
    rows.push(load_row(SECTION, &format!("floor worker (static 200): the CRUD mix, {n} users, closed loop, {s} s"), &floor, &MIX, json!({})));
    let health = run_load(&pairs, targets.api, s, Pacing::Closed, api, 1, health_request);
    rows.push(load_row(SECTION, &format!("GET /api/health, {n} clients, closed loop, {s} s"), &health, &["GET /api/health"], json!({})));
    let crud = run_load(&pairs, targets.api, s, Pacing::Closed, api, MIX.len(), mix_request);
    let ratio = |a: f64, b: f64| if b > 0.0 { round2(a / b) } else { 0.0 };
    let (crud_all, floor_all) = (crud.all(), floor.all());
    let over_floor = json!({
        "p50": ratio(crate::stats::percentile(&crud_all, 50.0), crate::stats::percentile(&floor_all, 50.0)),
        "p95": ratio(crate::stats::percentile(&crud_all, 95.0), crate::stats::percentile(&floor_all, 95.0)),
        "throughput": ratio(floor_all.len() as f64 / floor.elapsed.as_secs_f64(), crud_all.len() as f64 / crud.elapsed.as_secs_f64()),
    });
    rows.push(load_row(SECTION, &format!("CRUD mix, {n} users, closed loop, {s} s"), &crud, &MIX, json!({ "target_p95_ms": 10, "ratio_over_floor": over_floor })));
    let every = sizes.paced_interval_ms;
    let paced = run_load(&pairs, targets.api, s, Pacing::Every(every), api, MIX.len(), mix_request);
    rows.push(load_row(SECTION, &format!("CRUD mix, {n} users, one request every {every} ms each, {s} s"), &paced, &MIX, json!({ "target_p95_ms": 10 })));
    Ok(rows)
}

/// One request at a time through layers that add one cost each, with the same session and
/// blueprint: each probe runs as a block (so the CPU its requests cost can be read per process),
/// and the blocks run twice in turn (so drift hits all alike).
pub fn probes(stack: &Stack, sizes: &Sizes, targets: &Targets) -> Result<Vec<Value>, String> {
    let tag = e2e::unique("bench-probe");
    script_questions(stack, &tag);
    let user = ready_user(stack, "bench-probe", &tag)?;
    let (api, floor) = (targets.api, targets.floor);
    let anonymous = Session::anonymous(api);
    let id = user.blueprint_id.clone();
    type Probe<'a> = (&'a str, &'a Session, &'a str, &'a str, String, Option<Value>, u16, Group);
    let (a, f) = (targets.api_group, targets.floor_group);
    let probes: Vec<Probe> = vec![
        ("floor worker: static 200", &user.session, floor, "GET", format!("/api/blueprint/{id}"), None, 200, f),
        ("GET /api/health: routing, security headers, log line (no auth, no D1)", &anonymous, api, "GET", "/api/health".into(), None, 200, a),
        ("GET /api/blueprint/not-a-uuid without a session: 401 (no token to verify)", &anonymous, api, "GET", "/api/blueprint/not-a-uuid".into(), None, 401, a),
        ("GET /api/blueprint/not-a-uuid with a session: JWT verified, 404 before D1", &user.session, api, "GET", "/api/blueprint/not-a-uuid".into(), None, 404, a),
        ("GET /api/blueprint/:id: JWT + one D1 read", &user.session, api, "GET", format!("/api/blueprint/{id}"), None, 200, a),
        ("GET /api/blueprints?limit=20: JWT + one D1 list", &user.session, api, "GET", "/api/blueprints?limit=20".into(), None, 200, a),
        ("PATCH static-answers: JWT + one D1 write (UPDATE … json_patch … RETURNING)", &user.session, api, "PATCH", format!("/api/blueprints/{id}/static-answers"), Some(json!({ "audience": "Frontline sales reps" })), 200, a),
    ];
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); probes.len()];
    let mut cpu: Vec<BTreeMap<String, f64>> = vec![BTreeMap::new(); probes.len()];
    let errors = Errors::default();
    let half = sizes.probe_requests.div_ceil(2);
    for _ in 0..2 {
        for (index, (name, session, base, method, path, body, expected, group)) in probes.iter().enumerate() {
            let processes = group.members();
            let before = procs::cpu_snapshot(&processes);
            let began_block = Instant::now();
            for _ in 0..half {
                let began = Instant::now();
                match session.send(base, method, path, &[], body.as_ref().map(|b| b.to_string().into_bytes())) {
                    Ok(reply) if reply.status == *expected => samples[index].push(ms_since(began)),
                    Ok(reply) => errors.record(format!("{name}: {} {}", reply.status, String::from_utf8_lossy(&reply.body))),
                    Err(error) => errors.record(format!("{name}: {error}")),
                }
            }
            // Gross CPU (idle included) per request, summed over both blocks, halved below.
            for (role, (per_request, _)) in procs::cpu_use(&before, &procs::cpu_snapshot(&processes), half, began_block.elapsed(), &BTreeMap::new()) {
                *cpu[index].entry(role).or_insert(0.0) += per_request / 2.0;
            }
        }
    }
    let p50 = |index: usize| crate::stats::percentile(&samples[index], 50.0);
    let mut rows: Vec<Value> = probes
        .iter()
        .zip(samples.iter().zip(&cpu))
        .map(|((name, ..), (samples, cpu))| {
            let cpu = object(cpu.iter().map(|(role, ms)| (role.clone(), json!(round2(*ms)))));
            latency_row("profile", &format!("sequential: {name}"), samples, 0, None, json!({ "cpu_ms_per_request": cpu }))
        })
        .collect();
    rows.push(crate::stats::row(
        "profile",
        "sequential costs by difference of medians (ms)",
        json!({
            "runtime floor (wrangler proxy + workerd + wasm-bindgen)": p50(0),
            "api routing, headers, log over the floor": round2(p50(1) - p50(0)),
            "session check (cookie, JWT HS256 verify, claims)": round2(p50(3) - p50(2)),
            "one D1 read (local wrangler)": round2(p50(4) - p50(3)),
            "one D1 write over one D1 read": round2(p50(6) - p50(4)),
            "errors": errors.count(),
            "error_examples": errors.examples(),
        }),
    ));
    Ok(rows)
}
