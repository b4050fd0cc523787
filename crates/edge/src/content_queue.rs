//! Sends a content generation job's next items to the queue (the one pipeline: api, consumer
//! and cron all pump through here). Which items go is decided by one guarded statement
//! (`db::content_jobs::queue_next`: at most `MAX_IN_FLIGHT` in flight per job); an item marked
//! queued whose message is lost is queued again by the stale-work recovery.

use crate::db::content_jobs;
use crate::fail::OrInternal;
use domain::jobs::messages::QueueMessage;
use domain::platform::ids::GenerationJobId;
use domain::{AppError, Timestamp};
use worker::Env;

pub const BINDING: &str = "REGENERATION_QUEUE";

/// Queues the job's next items while it has free places; answers how many went.
pub async fn pump(env: &Env, job: &GenerationJobId, now: Timestamp) -> Result<usize, AppError> {
    let items = content_jobs::queue_next(env, job, now).await?;
    if items.is_empty() {
        return Ok(0);
    }
    let queue = env.queue(BINDING).or_internal("queue.binding")?;
    for item in &items {
        queue.send(QueueMessage::GenerateItem { job_id: job.clone(), item_id: item.clone() }).await.or_internal("queue.send")?;
    }
    Ok(items.len())
}
