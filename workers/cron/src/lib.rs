//! Scheduled jobs. Each run takes the job's lock (a Durable Object lease with a TTL), claims its
//! slot in `job_runs` (at most one successful run per slot), runs, and records the outcome.
//!
//! Besides Cloudflare's cron triggers, the same schedule can be run on demand through
//! `POST /internal/run`, reachable only over the api worker's `CRON` service binding (this
//! worker has no public route): that is how an admin runs a job now, and how local
//! development and the tests fire the schedule (wrangler dev never does).

mod jobs;
mod lock;

use domain::contracts::admin::{JobOutcome, ScheduleRun};
use domain::jobs::schedule::{jobs_for_cron, RunRequest};
use domain::{AppError, Timestamp};
use edge::{body, clock, respond, RequestContext};
use serde_json::json;
use worker::{event, Context, Env, Method, Request, Response, ScheduleContext, ScheduledEvent};

pub use lock::JobLock;

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let context = RequestContext::new(None);
    run_schedule(&env, &context, &event.cron(), Timestamp::from_millis(event.schedule() as i64), "cron").await;
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let context = RequestContext::new(req.headers().get("x-request-id").ok().flatten());
    let outcome = match (req.method(), req.path().as_str()) {
        (Method::Post, "/internal/run") => run_on_demand(&mut req, &env, &context).await,
        (_, "/internal/run") => Err(AppError::method_not_allowed(&["POST"])),
        _ => Err(AppError::new(domain::ErrorKind::NotFound, "No such endpoint")),
    };
    Ok(outcome.unwrap_or_else(|error| respond::error(&error, &context.request_id)))
}

async fn run_on_demand(req: &mut Request, env: &Env, context: &RequestContext) -> Result<Response, AppError> {
    let raw = body::read_limited(req, 4 * 1024).await?;
    let request = RunRequest::parse(&raw, clock::now())?;
    let scheduled_at = request.scheduled_time.unwrap_or_else(clock::now);
    let outcomes = run_schedule(env, context, &request.cron, scheduled_at, "manual").await;
    respond::json(200, &ScheduleRun { cron: request.cron, scheduled_time: scheduled_at.to_iso8601(), jobs: outcomes })
}

async fn run_schedule(env: &Env, context: &RequestContext, cron: &str, scheduled_at: Timestamp, trigger: &str) -> Vec<JobOutcome> {
    let jobs = jobs_for_cron(cron);
    if jobs.is_empty() {
        context.log("warn", "cron.unknown_schedule", &json!({ "cron": cron }));
    }
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        outcomes.push(jobs::run(env, context, *job, scheduled_at, trigger).await);
    }
    outcomes
}
