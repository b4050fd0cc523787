//! The `blueprint_generator` aggregate.

use super::{database, run, statement, text};
use domain::{AppError, Timestamp};
use worker::Env;

/// Moves generations that have not progressed since `cutoff` to `error`, so their owners can
/// start again. Answers how many were recovered.
pub async fn fail_stale_generations(env: &Env, cutoff: Timestamp) -> Result<usize, AppError> {
    let db = database(env)?;
    run(
        statement(
            &db,
            "UPDATE blueprint_generator SET status = 'error' WHERE status = 'generating' AND updated_at < ?1",
            &[text(&cutoff.to_iso8601())],
        )?,
        "blueprints.fail_stale",
    )
    .await
}
