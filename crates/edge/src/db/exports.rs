//! The `exports` aggregate: one row per blueprint version and format, scoped by the caller's
//! user (its blueprint carries the tenant).

use super::{database, first, int, statement, text};
use domain::platform::auth::Scope;
use domain::platform::ids::{BlueprintId, ExportId};
use domain::AppError;
use serde::{Deserialize, Serialize};
use worker::Env;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Export {
    pub id: ExportId,
    pub blueprint_id: BlueprintId,
    pub version: i64,
    pub format: String,
    pub variant: String,
    pub r2_key: String,
    pub filename: String,
    pub content_type: String,
    pub bytes: i64,
    pub sha256: String,
}

const COLUMNS: &str = "id, blueprint_id, version, format, variant, r2_key, filename, content_type, bytes, sha256";

pub async fn find(env: &Env, scope: &Scope, blueprint_id: &BlueprintId, version: i64, format: &str, variant: &str) -> Result<Option<Export>, AppError> {
    let db = database(env)?;
    first(
        statement(
            &db,
            &format!("SELECT {COLUMNS} FROM exports WHERE blueprint_id = ?1 AND user_id = ?2 AND version = ?3 AND format = ?4 AND variant = ?5"),
            &[text(blueprint_id.as_str()), text(scope.user.as_str()), int(version), text(format), text(variant)],
        )?,
        "exports.find",
    )
    .await
}

pub async fn get(env: &Env, scope: &Scope, export_id: &ExportId) -> Result<Export, AppError> {
    let db = database(env)?;
    first(statement(&db, &format!("SELECT {COLUMNS} FROM exports WHERE id = ?1 AND user_id = ?2"), &[text(export_id.as_str()), text(scope.user.as_str())])?, "exports.get")
        .await?
        .ok_or_else(|| AppError::not_found("Export"))
}

/// Records the export; when a concurrent request recorded the same one first, answers that row.
pub async fn record(env: &Env, scope: &Scope, export: &Export) -> Result<Export, AppError> {
    let db = database(env)?;
    super::run(
        statement(
            &db,
            "INSERT INTO exports (id, blueprint_id, user_id, version, format, variant, r2_key, filename, content_type, bytes, sha256) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?11, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (blueprint_id, version, format, variant) DO NOTHING",
            &[
                text(export.id.as_str()),
                text(export.blueprint_id.as_str()),
                text(scope.user.as_str()),
                int(export.version),
                text(&export.format),
                text(&export.r2_key),
                text(&export.filename),
                text(&export.content_type),
                int(export.bytes),
                text(&export.sha256),
                text(&export.variant),
            ],
        )?,
        "exports.record",
    )
    .await?;
    find(env, scope, &export.blueprint_id, export.version, &export.format, &export.variant).await?.ok_or_else(AppError::internal)
}
