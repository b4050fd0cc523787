//! The append-only audit trail. Writing it never blocks or fails the audited action.

use super::{database, opt_text, run, statement, text};
use crate::context::log_event;
use domain::platform::auth::Scope;
use domain::Timestamp;
use worker::Env;

pub struct Entry<'a> {
    pub actor_id: Option<&'a str>,
    pub actor_kind: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<&'a str>,
    pub tenant_id: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub metadata: serde_json::Value,
}

impl<'a> Entry<'a> {
    /// An action a signed-in user (or admin) took while serving request `request_id`.
    pub fn by(scope: &'a Scope, request_id: &'a str, action: &'a str, entity_type: &'a str, entity_id: Option<&'a str>) -> Self {
        Entry {
            actor_id: Some(scope.user.as_str()),
            actor_kind: if scope.is_admin() { "admin" } else { "user" },
            action,
            entity_type,
            entity_id,
            tenant_id: Some(scope.tenant.as_str()),
            request_id: Some(request_id),
            metadata: serde_json::json!({}),
        }
    }

    pub fn with_metadata(mut self, metadata: serde_json::Value) -> Self {
        self.metadata = metadata;
        self
    }
}

/// Records the entry; a failure is logged and swallowed (seed 002: audit must never block).
pub async fn record(env: &Env, entry: Entry<'_>, at: Timestamp) {
    let outcome = async {
        let db = database(env)?;
        run(
            statement(
                &db,
                "INSERT INTO audit_log (id, actor_id, actor_kind, action, entity_type, entity_id, tenant_id, request_id, metadata, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                &[
                    text(&crate::random::uuid_v4()),
                    opt_text(entry.actor_id),
                    text(entry.actor_kind),
                    text(entry.action),
                    text(entry.entity_type),
                    opt_text(entry.entity_id),
                    opt_text(entry.tenant_id),
                    opt_text(entry.request_id),
                    text(&entry.metadata.to_string()),
                    text(&at.to_iso8601()),
                ],
            )?,
            "audit.record",
        )
        .await
    }
    .await;
    if let Err(error) = outcome {
        log_event(entry.request_id.unwrap_or_default(), "warn", "audit.dropped", &serde_json::json!({ "action": entry.action, "cause": error.cause }));
    }
}

/// Deletes the entries written before `cutoff` (the retention job). The database refuses to
/// delete entries younger than the retention period, whatever the cutoff asked for.
pub async fn delete_before(env: &Env, cutoff: Timestamp) -> Result<usize, domain::AppError> {
    let db = database(env)?;
    run(statement(&db, "DELETE FROM audit_log WHERE created_at < ?1", &[text(&cutoff.to_iso8601())])?, "audit.prune").await
}
