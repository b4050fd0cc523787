//! The admin control plane's operational endpoints: wiring diagnostics and job runs.

use crate::router::{Access, Call, Route};
use domain::contracts::admin::{Diagnostics, JobRunList, QueueProbe, ScheduleRun};
use domain::platform::auth::Session;
use domain::jobs::schedule::RunRequest;
use domain::jobs::messages::QueueMessage;
use domain::AppError;
use edge::db::{audit, job_runs};
use edge::hop::Hop;
use edge::{clock, random, respond, OrInternal, RequestContext};
use serde_json::{json, Value};
use worker::{Env, Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Get, "/api/admin/diagnostics", Access::PlatformAdmin(|call, _| Box::pin(diagnostics(call)))),
    Route::new(Method::Post, "/api/admin/diagnostics/queue-probe", Access::PlatformAdmin(|call, session| Box::pin(queue_probe(call, session)))),
    Route::new(Method::Get, "/api/admin/job-runs", Access::PlatformAdmin(|call, _| Box::pin(job_runs(call)))),
    Route::new(Method::Post, "/api/admin/cron/run", Access::PlatformAdminOrScheduler(|call, session| Box::pin(run_cron(call, session)))),
];

pub const QUEUE_PROBE_JOB: &str = "queue_probe";

/// Checks each binding the api depends on and reports what answered.
async fn diagnostics(call: Call) -> Result<Response, AppError> {
    let (env, context) = (&call.env, &call.context);
    let database = match edge::db::database(env) {
        Ok(db) => db.prepare("SELECT COUNT(*) AS n FROM users").first::<Value>(None).await.map(|_| "ok").unwrap_or("failing"),
        Err(_) => "missing",
    };
    let stream = stream_diagnostics(env, context).await.unwrap_or_else(|error| json!({ "status": "failing", "error": error }));
    respond::json(200, &Diagnostics { database: database.into(), stream })
}

/// Asks the stream worker, over the service binding, to report on itself and its Durable Object.
async fn stream_diagnostics(env: &Env, context: &RequestContext) -> Result<Value, String> {
    let hop = Hop::new("STREAM", Method::Get, "/internal/diagnostics", context);
    let mut response = hop.send(env).await.map_err(|error| error.cause.unwrap_or(error.message))?;
    if response.status_code() != 200 {
        return Err(format!("stream answered {}", response.status_code()));
    }
    response.json::<Value>().await.map_err(|e| e.to_string())
}

/// Sends a probe through the regeneration queue; the consumer records it as a job run
/// (`queue_probe`, run key = the probe id) that `GET /api/admin/job-runs` shows.
async fn queue_probe(call: Call, session: Session) -> Result<Response, AppError> {
    let (env, context) = (&call.env, &call.context);
    let probe_id = random::uuid_v4();
    let queue = env.queue(edge::content_queue::BINDING).or_internal("queue.binding")?;
    queue.send(QueueMessage::Probe { probe_id: probe_id.clone() }).await.or_internal("queue.send")?;
    audit::record(env, audit::Entry::by(&session.scope, &context.request_id, "diagnostics.queue_probe", "queue", Some(&probe_id)), clock::now()).await;
    respond::json(202, &QueueProbe { probe_id, job: QUEUE_PROBE_JOB.into() })
}

/// `?job=<name>&limit=<1..200>`: the newest runs first.
async fn job_runs(call: Call) -> Result<Response, AppError> {
    let mut job = None;
    let mut limit = 50u32;
    for (key, value) in call.query()? {
        match key.as_str() {
            "job" => {
                let valid = !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
                if !valid {
                    return Err(AppError::invalid_field("job", "must be a job name like recover_stale_generations"));
                }
                job = Some(value);
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
    let runs = job_runs::recent(&call.env, job.as_deref(), limit).await?;
    respond::json(200, &JobRunList { job_runs: runs })
}

/// Runs a schedule's jobs now, in the cron worker (over the `CRON` service binding), with the
/// same lock and once-per-slot rule as the scheduled runs. `session` is `None` for the local
/// scheduler (authenticated by `CRON_TRIGGER_TOKEN`).
async fn run_cron(mut call: Call, session: Option<Session>) -> Result<Response, AppError> {
    let raw = call.body(4 * 1024).await?;
    let (env, context) = (&call.env, &call.context);
    let scope = session.as_ref().map(|session| &session.scope);
    let request = RunRequest::parse(&raw, clock::now())?;
    // The body as sent: the cron worker parses it with the same rule (`RunRequest::parse`).
    let hop = Hop::new("CRON", Method::Post, "/internal/run", context).raw_json(String::from_utf8_lossy(&raw).into_owned());
    let mut response = hop.send(env).await?;
    let status = response.status_code();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        return Err::<Response, String>(format!("cron answered {status}: {text}")).or_internal("cron.run");
    }
    let result: ScheduleRun = response.json().await.or_internal("cron.decode")?;
    audit::record(
        env,
        audit::Entry {
            actor_id: scope.map(|scope| scope.user.as_str()),
            actor_kind: if scope.is_some() { "admin" } else { "system" },
            action: "jobs.run_manual",
            entity_type: "schedule",
            entity_id: Some(&request.cron),
            tenant_id: scope.map(|scope| scope.tenant.as_str()),
            request_id: Some(&context.request_id),
            metadata: json!({ "jobs": result.jobs }),
        },
        clock::now(),
    )
    .await;
    respond::json(200, &result)
}
