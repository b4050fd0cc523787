//! `job_runs`: one row per attempt of a scheduled job or a queue probe.

use super::{all, database, first, int, opt_text, run, statement, text};
use domain::contracts::admin::JobRun;
use domain::jobs::schedule::RunStatus;
use domain::{AppError, Timestamp};
use worker::Env;

pub struct Start<'a> {
    pub id: &'a str,
    pub job_name: &'a str,
    pub run_key: &'a str,
    pub trigger: &'a str,
    pub started_at: Timestamp,
}

/// Records a running attempt for the slot. `false` when the slot already has a running or
/// succeeded run (the unique partial index refuses the insert): the job is idempotent per slot.
pub async fn start(env: &Env, run_start: &Start<'_>) -> Result<bool, AppError> {
    let db = database(env)?;
    let changed = run(
        statement(
            &db,
            "INSERT INTO job_runs (id, job_name, run_key, status, trigger, started_at) VALUES (?1, ?2, ?3, ?6, ?4, ?5) \
             ON CONFLICT DO NOTHING",
            &[text(run_start.id), text(run_start.job_name), text(run_start.run_key), text(run_start.trigger), text(&run_start.started_at.to_iso8601()), text(RunStatus::Running.as_str())],
        )?,
        "job_runs.start",
    )
    .await?;
    Ok(changed == 1)
}

pub async fn finish(env: &Env, id: &str, succeeded: bool, finished_at: Timestamp, duration_ms: i64, details: &serde_json::Value, error: Option<&str>) -> Result<(), AppError> {
    let db = database(env)?;
    run(
        statement(
            &db,
            "UPDATE job_runs SET status = ?2, finished_at = ?3, duration_ms = ?4, details = ?5, error = ?6 WHERE id = ?1",
            &[
                text(id),
                text(RunStatus::finished(succeeded).as_str()),
                text(&finished_at.to_iso8601()),
                int(duration_ms.max(0)),
                text(&details.to_string()),
                opt_text(error),
            ],
        )?,
        "job_runs.finish",
    )
    .await?;
    Ok(())
}

/// A run that did not execute (lock held, slot already done), recorded for the operator.
pub async fn record_skip(env: &Env, id: &str, job_name: &str, run_key: &str, trigger: &str, at: Timestamp, reason: &str) -> Result<(), AppError> {
    let db = database(env)?;
    run(
        statement(
            &db,
            "INSERT INTO job_runs (id, job_name, run_key, status, trigger, started_at, finished_at, duration_ms, details) \
             VALUES (?1, ?2, ?3, ?7, ?4, ?5, ?5, 0, json_object('reason', ?6))",
            &[text(id), text(job_name), text(run_key), text(trigger), text(&at.to_iso8601()), text(reason), text(RunStatus::Skipped.as_str())],
        )?,
        "job_runs.skip",
    )
    .await?;
    Ok(())
}

/// The newest runs, optionally of one job.
pub async fn recent(env: &Env, job_name: Option<&str>, limit: u32) -> Result<Vec<JobRun>, AppError> {
    let db = database(env)?;
    all(
        statement(
            &db,
            "SELECT id, job_name AS jobName, run_key AS runKey, status, trigger, started_at AS startedAt, finished_at AS finishedAt, duration_ms AS durationMs, details, error FROM job_runs \
             WHERE (?1 IS NULL OR job_name = ?1) ORDER BY started_at DESC, id DESC LIMIT ?2",
            &[opt_text(job_name), int(i64::from(limit))],
        )?,
        "job_runs.recent",
    )
    .await
}

pub async fn find(env: &Env, job_name: &str, run_key: &str) -> Result<Option<JobRun>, AppError> {
    let db = database(env)?;
    first(
        statement(
            &db,
            "SELECT id, job_name AS jobName, run_key AS runKey, status, trigger, started_at AS startedAt, finished_at AS finishedAt, duration_ms AS durationMs, details, error FROM job_runs \
             WHERE job_name = ?1 AND run_key = ?2 ORDER BY started_at DESC LIMIT 1",
            &[text(job_name), text(run_key)],
        )?,
        "job_runs.find",
    )
    .await
}
