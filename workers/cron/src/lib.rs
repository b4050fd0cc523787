//! Scheduled jobs. Each run takes the job's lock (a Durable Object lease with a TTL), claims its
//! slot in `job_runs` (at most one successful run per slot), runs, and records the outcome.

mod jobs;
mod lock;

use domain::jobs::jobs_for_cron;
use domain::Timestamp;
use edge::context::log_line;
use serde_json::json;
use worker::{event, Env, ScheduleContext, ScheduledEvent};

pub use lock::JobLock;

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    edge::RequestContext::new(None);
    let cron = event.cron();
    let scheduled_at = Timestamp::from_millis(event.schedule() as i64);
    let jobs = jobs_for_cron(&cron);
    if jobs.is_empty() {
        log_line("warn", "cron.unknown_schedule", &json!({ "cron": cron }));
    }
    for job in jobs {
        jobs::run(&env, *job, scheduled_at).await;
    }
}
