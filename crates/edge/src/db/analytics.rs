//! The `analytics_events` table: events a browser reported (accepted by the api's ingest) and
//! facts the server records as they happen. Recording a fact never fails the request that
//! caused it: a failure is logged, like an audit entry's.

use super::{batch, database, opt_text, statement, text, int};
use crate::context::RequestContext;
use domain::analytics::events::{Event, EventType};
use domain::platform::auth::Scope;
use domain::platform::ids::SyllabusId;
use domain::{AppError, Timestamp};
use serde_json::{json, Value};
use worker::Env;

/// Stores a browser's accepted events in one transaction.
pub async fn insert_client_events(env: &Env, scope: &Scope, events: &[Event], now: Timestamp) -> Result<(), AppError> {
    let db = database(env)?;
    let statements = events
        .iter()
        .map(|event| insert(&db, scope, event.kind, "client", &event.course, event.lesson_idx, event.slot.as_deref(), event.occurred_at, &event.metadata, now))
        .collect::<Result<Vec<_>, AppError>>()?;
    batch(&db, statements, "analytics.insert_client_events").await
}

#[allow(clippy::too_many_arguments)]
fn insert(db: &worker::D1Database, scope: &Scope, kind: EventType, source: &str, course: &SyllabusId, lesson_idx: Option<u32>, slot: Option<&str>, occurred_at: Timestamp, metadata: &Value, now: Timestamp) -> Result<worker::D1PreparedStatement, AppError> {
    statement(
        db,
        "INSERT INTO analytics_events (id, tenant_id, user_id, course_id, type, source, lesson_idx, slot, occurred_at, received_at, metadata) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        &[
            text(&crate::random::uuid_v4()),
            text(scope.tenant.as_str()),
            text(scope.user.as_str()),
            text(course.as_str()),
            text(kind.as_str()),
            text(source),
            lesson_idx.map_or(worker::wasm_bindgen::JsValue::NULL, |idx| int(i64::from(idx))),
            opt_text(slot),
            text(&occurred_at.to_iso8601()),
            text(&now.to_iso8601()),
            text(&metadata.to_string()),
        ],
    )
}

/// A fact the server knows, as it happens.
pub struct Fact<'a> {
    pub kind: EventType,
    pub course: &'a SyllabusId,
    pub lesson_idx: Option<u32>,
    pub slot: Option<&'a str>,
    pub metadata: Value,
}

/// Records `fact` for the caller; a failure is logged and swallowed.
pub async fn record_fact(env: &Env, scope: &Scope, context: &RequestContext, fact: Fact<'_>, now: Timestamp) {
    let outcome = async {
        let db = database(env)?;
        let statement = insert(&db, scope, fact.kind, "server", fact.course, fact.lesson_idx, fact.slot, now, &fact.metadata, now)?;
        batch(&db, vec![statement], "analytics.record_fact").await
    }
    .await;
    if let Err(error) = outcome {
        context.log("warn", "analytics.fact_not_recorded", &json!({ "type": fact.kind.as_str(), "cause": error.cause }));
    }
}
