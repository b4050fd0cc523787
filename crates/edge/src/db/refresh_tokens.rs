//! Refresh-token families: issue, rotate (once), revoke.

use super::{all, database, first, run, statement, text};
use domain::platform::ids::UserId;
use domain::{AppError, Timestamp};
use serde::Deserialize;
use worker::Env;

pub struct Issue<'a> {
    pub id: &'a str,
    pub user_id: &'a UserId,
    pub family_id: &'a str,
    pub token_hash: &'a str,
    pub expires_at: Timestamp,
}

pub async fn issue(env: &Env, token: &Issue<'_>) -> Result<(), AppError> {
    let db = database(env)?;
    run(
        statement(
            &db,
            "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[text(token.id), text(token.user_id.as_str()), text(token.family_id), text(token.token_hash), text(&token.expires_at.to_iso8601())],
        )?,
        "refresh_tokens.issue",
    )
    .await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct Rotated {
    pub user_id: UserId,
    pub family_id: String,
}

pub enum Rotation {
    /// The token was live and is now used up; issue its successor in the same family.
    Rotated(Rotated),
    /// The token had already been rotated or revoked: its family is now revoked.
    Reused,
    /// Unknown or expired.
    Invalid,
}

/// Marks the token used, exactly once: the guarded UPDATE wins for one caller only, so two
/// concurrent refreshes with the same token cannot both succeed.
pub async fn rotate(env: &Env, token_hash: &str, now: Timestamp) -> Result<Rotation, AppError> {
    let db = database(env)?;
    let now_text = now.to_iso8601();
    let claimed: Option<Rotated> = first(
        statement(
            &db,
            "UPDATE refresh_tokens SET rotated_at = ?2 \
             WHERE token_hash = ?1 AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > ?2 \
             RETURNING user_id, family_id",
            &[text(token_hash), text(&now_text)],
        )?,
        "refresh_tokens.rotate",
    )
    .await?;
    if let Some(rotated) = claimed {
        return Ok(Rotation::Rotated(rotated));
    }
    #[derive(Deserialize)]
    struct Known {
        family_id: String,
        used: i64,
    }
    let known: Option<Known> = first(
        statement(
            &db,
            "SELECT family_id, (rotated_at IS NOT NULL OR revoked_at IS NOT NULL) AS used FROM refresh_tokens WHERE token_hash = ?1",
            &[text(token_hash)],
        )?,
        "refresh_tokens.lookup",
    )
    .await?;
    match known {
        Some(known) if known.used != 0 => {
            revoke_family(env, &known.family_id, now).await?;
            Ok(Rotation::Reused)
        }
        _ => Ok(Rotation::Invalid),
    }
}

pub async fn revoke_family(env: &Env, family_id: &str, now: Timestamp) -> Result<usize, AppError> {
    let db = database(env)?;
    run(
        statement(
            &db,
            "UPDATE refresh_tokens SET revoked_at = ?2 WHERE family_id = ?1 AND revoked_at IS NULL",
            &[text(family_id), text(&now.to_iso8601())],
        )?,
        "refresh_tokens.revoke_family",
    )
    .await
}

/// Logout: revokes the family an access token names, if it is the caller's.
pub async fn revoke_family_of(env: &Env, family_id: &str, user_id: &UserId, now: Timestamp) -> Result<usize, AppError> {
    let db = database(env)?;
    run(
        statement(
            &db,
            "UPDATE refresh_tokens SET revoked_at = ?3 WHERE family_id = ?1 AND user_id = ?2 AND revoked_at IS NULL",
            &[text(family_id), text(user_id.as_str()), text(&now.to_iso8601())],
        )?,
        "refresh_tokens.revoke_family_of",
    )
    .await
}

/// Logout: revokes the family the presented token belongs to, if it is the caller's.
pub async fn revoke_by_token(env: &Env, token_hash: &str, user_id: &UserId, now: Timestamp) -> Result<(), AppError> {
    #[derive(Deserialize)]
    struct Family {
        family_id: String,
    }
    let db = database(env)?;
    let families: Vec<Family> = all(
        statement(&db, "SELECT family_id FROM refresh_tokens WHERE token_hash = ?1 AND user_id = ?2", &[text(token_hash), text(user_id.as_str())])?,
        "refresh_tokens.family_of",
    )
    .await?;
    for family in families {
        revoke_family(env, &family.family_id, now).await?;
    }
    Ok(())
}

/// Retention: deletes tokens that expired before `cutoff`.
pub async fn delete_expired_before(env: &Env, cutoff: Timestamp) -> Result<usize, AppError> {
    let db = database(env)?;
    run(
        statement(&db, "DELETE FROM refresh_tokens WHERE expires_at < ?1", &[text(&cutoff.to_iso8601())])?,
        "refresh_tokens.prune",
    )
    .await
}
