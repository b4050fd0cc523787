//! The admin control plane's operational endpoints: wiring diagnostics and job runs.

use domain::platform::auth::Principal;
use domain::jobs::schedule::RunRequest;
use domain::jobs::messages::QueueMessage;
use domain::AppError;
use edge::db::{audit, job_runs};
use edge::{body, clock, random, respond, OrInternal, RequestContext};
use serde_json::{json, Value};
use worker::{Env, Headers, Method, Request, RequestInit, Response};

pub const QUEUE_PROBE_JOB: &str = "queue_probe";

/// Checks each binding the api depends on and reports what answered.
pub async fn diagnostics(env: &Env, context: &RequestContext) -> Result<Response, AppError> {
    let database = match edge::db::database(env) {
        Ok(db) => db.prepare("SELECT COUNT(*) AS n FROM users").first::<Value>(None).await.map(|_| "ok").unwrap_or("failing"),
        Err(_) => "missing",
    };
    let stream = stream_diagnostics(env, context).await.unwrap_or_else(|error| json!({ "status": "failing", "error": error }));
    respond::json(200, &json!({ "database": database, "stream": stream }))
}

/// Asks the stream worker, over the service binding, to report on itself and its Durable Object.
async fn stream_diagnostics(env: &Env, context: &RequestContext) -> Result<Value, String> {
    let stream = env.service("STREAM").map_err(|e| e.to_string())?;
    let headers = Headers::new();
    let _ = headers.set("x-request-id", &context.request_id);
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let mut response = stream
        .fetch("https://stream.internal/internal/diagnostics", Some(init))
        .await
        .map_err(|e| e.to_string())?;
    if response.status_code() != 200 {
        return Err(format!("stream answered {}", response.status_code()));
    }
    response.json::<Value>().await.map_err(|e| e.to_string())
}

/// Sends a probe through the regeneration queue; the consumer records it as a job run
/// (`queue_probe`, run key = the probe id) that `GET /api/admin/job-runs` shows.
pub async fn queue_probe(env: &Env, principal: &Principal, context: &RequestContext) -> Result<Response, AppError> {
    let probe_id = random::uuid_v4();
    let queue = env.queue("REGENERATION_QUEUE").or_internal("queue.binding")?;
    queue.send(QueueMessage::Probe { probe_id: probe_id.clone() }).await.or_internal("queue.send")?;
    audit::record(env, audit::Entry::by(principal, &context.request_id, "diagnostics.queue_probe", "queue", Some(&probe_id)), clock::now()).await;
    respond::json(202, &json!({ "probeId": probe_id, "job": QUEUE_PROBE_JOB }))
}

/// `?job=<name>&limit=<1..200>`: the newest runs first.
pub async fn job_runs(req: Request, env: &Env) -> Result<Response, AppError> {
    let url = req.url().or_internal("url")?;
    let mut job = None;
    let mut limit = 50u32;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "job" => {
                let valid = !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
                if !valid {
                    return Err(AppError::invalid_field("job", "must be a job name like recover_stale_generations"));
                }
                job = Some(value.to_string());
            }
            "limit" => {
                limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=200).contains(n))
                    .ok_or_else(|| AppError::invalid_field("limit", "must be an integer from 1 to 200"))?;
            }
            _ => {}
        }
    }
    let runs = job_runs::recent(env, job.as_deref(), limit).await?;
    respond::json(200, &json!({ "jobRuns": runs }))
}

/// Runs a schedule's jobs now, in the cron worker (over the `CRON` service binding), with the
/// same lock and once-per-slot rule as the scheduled runs. `principal` is `None` for the local
/// scheduler (authenticated by `CRON_TRIGGER_TOKEN`).
pub async fn run_cron(mut req: Request, env: &Env, principal: Option<&Principal>, context: &RequestContext) -> Result<Response, AppError> {
    let raw = body::read_limited(&mut req, 4 * 1024).await?;
    let request = RunRequest::parse(&raw, clock::now())?;
    let cron = env.service("CRON").or_internal("cron.binding")?;
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json");
    let _ = headers.set("x-request-id", &context.request_id);
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(String::from_utf8_lossy(&raw).into_owned().into()));
    let mut response = cron.fetch("https://cron.internal/internal/run", Some(init)).await.or_internal("cron.fetch")?;
    let status = response.status_code();
    let result: Value = response.json().await.or_internal("cron.decode")?;
    if status != 200 {
        return Err::<Response, String>(format!("cron answered {status}: {result}")).or_internal("cron.run");
    }
    audit::record(
        env,
        audit::Entry {
            actor_id: principal.map(|p| p.user_id.as_str()),
            actor_kind: if principal.is_some() { "admin" } else { "system" },
            action: "jobs.run_manual",
            entity_type: "schedule",
            entity_id: Some(&request.cron),
            tenant_id: principal.map(|p| p.tenant_id.as_str()),
            request_id: Some(&context.request_id),
            metadata: json!({ "jobs": result["jobs"] }),
        },
        clock::now(),
    )
    .await;
    respond::json(200, &result)
}
