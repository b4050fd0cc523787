//! Running one job: lock, claim the slot, execute, record, release.

use domain::contracts::admin::JobOutcome;
use domain::jobs::schedule::{acting_time, Job, RunStatus, LockCommand, LockReply, AUDIT_RETENTION_DAYS, EXPIRED_SESSION_GRACE_SECS, STALE_GENERATION_SECS};
use domain::{AppError, Timestamp};
use edge::context::RequestContext;
use edge::db::{audit, blueprints, job_runs, refresh_tokens};
use edge::{clock, durable, random};
use serde_json::{json, Value};
use worker::Env;

const LOCKS: &str = "JOB_LOCKS";

/// What became of one job in one trigger.
/// `trigger` is `cron` (Cloudflare's scheduler) or `manual` (an admin or the local scheduler).
pub async fn run(env: &Env, context: &RequestContext, job: Job, scheduled_at: Timestamp, trigger: &str) -> JobOutcome {
    let run_key = job.run_key(scheduled_at);
    match run_locked(env, context, job, &run_key, scheduled_at, trigger).await {
        Ok((status, reason)) => JobOutcome { job: job.name().into(), run_key, status: status.into(), reason },
        Err(error) => {
            context.log("error", "cron.job_not_recorded", &json!({ "job": job.name(), "error": error.message, "cause": error.cause }));
            JobOutcome { job: job.name().into(), run_key, status: "error".into(), reason: Some(error.message) }
        }
    }
}

type Status = (&'static str, Option<String>);

async fn run_locked(env: &Env, context: &RequestContext, job: Job, run_key: &str, scheduled_at: Timestamp, trigger: &str) -> Result<Status, AppError> {
    let owner = random::uuid_v4();
    let lock: LockReply = durable::call(env, LOCKS, job.name(), &LockCommand::Acquire { owner: owner.clone(), ttl_secs: job.lock_ttl_secs() }).await?;
    if !lock.granted {
        return skip(env, job, run_key, trigger, "locked by another run").await;
    }
    let status = claim_and_execute(env, context, job, run_key, scheduled_at, &owner, trigger).await;
    let released: Result<LockReply, AppError> = durable::call(env, LOCKS, job.name(), &LockCommand::Release { owner }).await;
    if released.is_err() {
        context.log("warn", "cron.lock_release_failed", &json!({ "job": job.name() }));
    }
    status
}

async fn skip(env: &Env, job: Job, run_key: &str, trigger: &str, reason: &str) -> Result<Status, AppError> {
    job_runs::record_skip(env, &random::uuid_v4(), job.name(), run_key, trigger, clock::now(), reason).await?;
    Ok((RunStatus::Skipped.as_str(), Some(reason.to_string())))
}

async fn claim_and_execute(env: &Env, context: &RequestContext, job: Job, run_key: &str, scheduled_at: Timestamp, run_id: &str, trigger: &str) -> Result<Status, AppError> {
    let started_at = clock::now();
    let claimed = job_runs::start(env, &job_runs::Start { id: run_id, job_name: job.name(), run_key, trigger, started_at }).await?;
    if !claimed {
        return skip(env, job, run_key, trigger, "already ran for this slot").await;
    }
    let result = execute(env, job, scheduled_at).await;
    let finished_at = clock::now();
    let duration = finished_at.millis() - started_at.millis();
    let (succeeded, details, error) = match &result {
        Ok(details) => (true, details.clone(), None),
        Err(error) => (false, json!({}), Some(error.message.clone())),
    };
    job_runs::finish(env, run_id, succeeded, finished_at, duration, &details, error.as_deref()).await?;
    audit::record(
        env,
        audit::Entry {
            actor_id: None,
            actor_kind: "system",
            action: "job.run",
            entity_type: "job",
            entity_id: Some(job.name()),
            tenant_id: None,
            request_id: Some(&context.request_id),
            metadata: json!({ "runId": run_id, "runKey": run_key, "trigger": trigger, "succeeded": succeeded, "durationMs": duration }),
        },
        finished_at,
    )
    .await;
    let cause = result.as_ref().err().and_then(|e| e.cause.as_deref());
    context.log("info", "cron.job_finished", &json!({ "job": job.name(), "runKey": run_key, "succeeded": succeeded, "ms": duration, "cause": cause }));
    Ok((RunStatus::finished(succeeded).as_str(), if succeeded { None } else { error }))
}

async fn execute(env: &Env, job: Job, scheduled_at: Timestamp) -> Result<Value, AppError> {
    let scheduled_at = acting_time(scheduled_at, clock::now());
    match job {
        Job::RecoverStaleGenerations => {
            let cutoff = scheduled_at.minus_seconds(STALE_GENERATION_SECS);
            let recovered = blueprints::fail_stale_generations(env, cutoff).await?;
            // Content job items whose consumer died (lease ran out) or whose message was lost
            // go back to pending; their jobs are pumped again.
            let jobs = edge::db::content_jobs::recover_stale(env, scheduled_at).await?;
            let mut requeued = 0;
            for job in &jobs {
                requeued += edge::content_queue::pump(env, job, clock::now()).await?;
            }
            Ok(json!({ "recovered": recovered, "cutoff": cutoff.to_iso8601(), "contentJobsResumed": jobs.len(), "contentItemsQueued": requeued }))
        }
        Job::PruneExpiredSessions => {
            let cutoff = scheduled_at.minus_seconds(EXPIRED_SESSION_GRACE_SECS);
            let deleted = refresh_tokens::delete_expired_before(env, cutoff).await?;
            Ok(json!({ "deletedRefreshTokens": deleted, "cutoff": cutoff.to_iso8601() }))
        }
        Job::PruneAuditLog => {
            let cutoff = scheduled_at.minus_seconds(AUDIT_RETENTION_DAYS * 24 * 3600);
            let deleted = audit::delete_before(env, cutoff).await?;
            Ok(json!({ "deletedAuditEntries": deleted, "cutoff": cutoff.to_iso8601() }))
        }
    }
}
