//! Learner events from browsers (issue 19, seed 002 phases 10.1 and 10.2): write-only, no
//! reads and no business logic. A batch is parsed event by event (`domain::analytics::events`):
//! what only a browser knows is kept, facts the server records itself are refused by name, and
//! so is an event about a course the caller cannot see. The learner is the session's.

use crate::router::{Access, Call, Route};
use domain::analytics::events::{parse_batch, Rejected, MAX_BATCH_BYTES};
use domain::contracts::analytics::EventsAnswer;
use domain::platform::auth::Session;
use domain::platform::ids::SyllabusId;
use domain::platform::rate_limit::ANALYTICS_BATCHES;
use domain::AppError;
use edge::db::{analytics, courses, learning};
use edge::{clock, rate_limit, respond};
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[Route::new(Method::Post, "/api/analytics/event", Access::Session(|call, session| Box::pin(ingest(call, session))))];

/// 202 `{accepted, rejected: [{index, error}]}`; 400 for a body that is no batch; 413 past
/// 64 KiB; 429 past the per-user rate.
async fn ingest(mut call: Call, session: Session) -> Result<Response, AppError> {
    let scope = &session.scope;
    let body = call.body(MAX_BATCH_BYTES).await?;
    rate_limit::hit(&call.env, &call.req, "analytics_events", &scope.user, ANALYTICS_BATCHES).await?;
    let now = clock::now();
    let batch = parse_batch(&body, now)?;
    let mut rejected = batch.rejected;
    // Each course once: published in the caller's tenant, or one they are enrolled in.
    let mut seen: Vec<(SyllabusId, bool)> = Vec::new();
    let mut kept = Vec::with_capacity(batch.accepted.len());
    for (index, event) in batch.accepted {
        let visible = match seen.iter().find(|(course, _)| *course == event.course) {
            Some((_, visible)) => *visible,
            None => {
                let visible = courses::published_version(&call.env, scope, &event.course, None).await?.is_some() || learning::find(&call.env, scope, &event.course).await?.is_some();
                seen.push((event.course.clone(), visible));
                visible
            }
        };
        if visible {
            kept.push(event);
        } else {
            rejected.push(Rejected { index, error: "courseId: not a course you can see".to_string() });
        }
    }
    if !kept.is_empty() {
        analytics::insert_client_events(&call.env, scope, &kept, now).await?;
    }
    rejected.sort_by_key(|r| r.index);
    respond::json(202, &EventsAnswer { accepted: kept.len(), rejected })
}
