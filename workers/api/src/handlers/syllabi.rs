//! Syllabi (issue 18, seed 002 phase 6): derived from a completed blueprint version by the model
//! chain (through the model gate) or, when no model answers usably, the curated split; edited
//! and submitted by their author; approved or sent back by the tenant's reviewers and admins
//! (never by the author, except an admin, marked in the audit). Approved is final: the API
//! answers 409 and a D1 trigger refuses any write. Another tenant's syllabus, and a colleague's
//! draft to a plain user, are not found.

use crate::router::{Access, Call, Route};
use domain::blueprint::document::read_stored;
use domain::blueprint::generation::Source;
use domain::contracts::curriculum::{SyllabusList, UpdateSyllabus};
use domain::curriculum::review::{check_author, check_reviewer, parse_review_note, visible_to, SelfApproval, SyllabusStatus, SyllabusTransition};
use domain::curriculum::syllabus::{canonical_sha256, curated_syllabus, read_syllabus, syllabus_prompt, validate_syllabus};
use domain::platform::auth::{Scope, Session};
use domain::platform::error::FieldError;
use domain::platform::ids::{BlueprintId, SyllabusId, VersionNumber};
use domain::platform::input::parse_json;
use domain::AppError;
use edge::db::syllabi::{self, Change, Created, NewSyllabus, Row};
use edge::db::{audit, blueprints};
use edge::gate::{self, Route as GateRoute};
use edge::session::Member;
use edge::{clock, llm, random, respond};
use serde_json::json;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Post, "/api/blueprints/:id/versions/:version/syllabus", Access::Session(|call, session| Box::pin(create(call, session)))),
    Route::new(Method::Get, "/api/syllabi", Access::Member(|call, member| Box::pin(list(call, member)))),
    Route::new(Method::Get, "/api/syllabi/:id", Access::Member(|call, member| Box::pin(get(call, member)))),
    Route::new(Method::Put, "/api/syllabi/:id", Access::Member(|call, member| Box::pin(edit(call, member)))),
    Route::new(Method::Post, "/api/syllabi/:id/submit", Access::Member(|call, member| Box::pin(submit(call, member)))),
    Route::new(Method::Post, "/api/syllabi/:id/approve", Access::Member(|call, member| Box::pin(approve(call, member)))),
    Route::new(Method::Post, "/api/syllabi/:id/reject", Access::Member(|call, member| Box::pin(reject(call, member)))),
];

/// A syllabus document: 30 modules of 12 lessons, every text at its cap, fits well within.
const SYLLABUS_BODY_LIMIT: usize = 1024 * 1024;
const NOTE_BODY_LIMIT: usize = 16 * 1024;
/// How long a request waits for a model slot before it is answered 503.
const MAX_GATE_WAIT_MS: i64 = 45_000;
/// The most syllabi one list answers (a reviewer's queue, a designer's own).
const LIST_LIMIT: u32 = 200;
const FALLBACK_WARNING: &str = "The AI model is unavailable right now; this syllabus is a standard split of the blueprint's modules. Edit it before submitting.";

/// `POST /api/blueprints/:id/versions/:version/syllabus` (the blueprint's owner): 201 the new
/// draft; 404 for a version that does not exist (not completed) or is not the caller's; 409 with
/// the existing syllabus id when the version has one.
async fn create(call: Call, session: Session) -> Result<Response, AppError> {
    let (env, scope) = (&call.env, &session.scope);
    let blueprint_id: BlueprintId = call.param("id")?;
    let version: VersionNumber = call.param("version")?;
    let stored = blueprints::version(env, scope, &blueprint_id, version).await?;
    if let Some(existing) = syllabi::of_version(env, scope, &blueprint_id, version).await? {
        return Err(exists(&existing));
    }
    let blueprint = read_stored(&stored.blueprint_json)?;
    let slot = gate::acquire(env, GateRoute::Service, &scope.user, MAX_GATE_WAIT_MS, |_| {}).await?;
    let outcome = llm::generate(env, &call.context.request_id, &syllabus_prompt(&blueprint), |raw| read_syllabus(raw, &blueprint)).await;
    slot.release().await;
    let (syllabus, source, warning) = match outcome {
        Ok(generated) => (generated.value, Source::Model, None),
        Err(attempts) => {
            call.context.log("warn", "syllabus.fallback", &json!({ "blueprintId": blueprint_id.as_str(), "attempts": attempts.len() }));
            (curated_syllabus(&blueprint), Source::Fallback, Some(FALLBACK_WARNING))
        }
    };
    let id = random::id(SyllabusId::from_random);
    let new = NewSyllabus { id: &id, blueprint_id: &blueprint_id, version, source, warning, syllabus: &syllabus };
    let row = match syllabi::create(env, scope, &new, clock::now()).await? {
        Created::Row(row) => row,
        Created::Exists(existing) => return Err(exists(&existing)),
    };
    record(&call, scope, "SYLLABUS_CREATED", &row.id, json!({ "blueprintId": blueprint_id.as_str(), "version": version.get(), "source": source })).await;
    respond::json(201, &row.to_record()?)
}

fn exists(existing: &SyllabusId) -> AppError {
    AppError::conflict("This blueprint version has a syllabus already").with_details(json!({ "syllabusId": existing.as_str() }))
}

/// `GET /api/syllabi?status=`: the caller's own; a reviewer's or admin's, the tenant's.
async fn list(call: Call, member: Member) -> Result<Response, AppError> {
    let mut status = None;
    for (key, value) in call.query()? {
        if key == "status" && !value.is_empty() {
            status = Some(SyllabusStatus::parse_filter(&value).map_err(AppError::from)?);
        }
    }
    let scope = member.scope();
    let syllabi = syllabi::list(&call.env, scope, scope.role.reviews(), status, LIST_LIMIT).await?;
    respond::json(200, &SyllabusList { syllabi })
}

async fn get(call: Call, member: Member) -> Result<Response, AppError> {
    let row = visible(&call, member.scope()).await?;
    respond::json(200, &row.to_record()?)
}

/// The syllabus, if the caller may see it: 404 otherwise, exactly as for a missing one.
async fn visible(call: &Call, scope: &Scope) -> Result<Row, AppError> {
    let id: SyllabusId = call.param("id")?;
    syllabi::find(&call.env, scope, &id)
        .await?
        .filter(|row| visible_to(scope.role, row.is_authored_by(scope)))
        .ok_or_else(|| AppError::not_found("Syllabus"))
}

/// `PUT /api/syllabi/:id {syllabus}` (the author, a draft): validated against its blueprint
/// version, every wrong field named.
async fn edit(mut call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let row = visible(&call, &scope).await?;
    check_author(row.is_authored_by(&scope))?;
    SyllabusTransition::Edit.allowed_from(row.status()?)?;
    let raw = call.body(SYLLABUS_BODY_LIMIT).await?;
    let update: UpdateSyllabus = parse_json(&raw)?;
    let stored = blueprints::version(&call.env, &scope, &row.blueprint_id, row.version).await?;
    let blueprint = read_stored(&stored.blueprint_json)?;
    let syllabus = validate_syllabus(&update.syllabus, &blueprint).map_err(|errors| AppError::invalid_fields(prefixed(errors)))?;
    let changed = transition(&call, &scope, &row, &Change::Edit { syllabus: &syllabus }).await?;
    respond::json(200, &changed.to_record()?)
}

/// The validator names fields inside the document; the body holds it under `syllabus`.
fn prefixed(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors.into_iter().map(|error| FieldError::new(format!("syllabus.{}", error.field), error.message)).collect()
}

async fn submit(call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope();
    let row = visible(&call, scope).await?;
    check_author(row.is_authored_by(scope))?;
    SyllabusTransition::Submit.allowed_from(row.status()?)?;
    let changed = transition(&call, scope, &row, &Change::Submit).await?;
    record(&call, scope, "SYLLABUS_SUBMITTED", &changed.id, json!({})).await;
    respond::json(200, &changed.to_record()?)
}

/// `{note?}`: the approval records who, when, the note and the SHA-256 of the canonical JSON of
/// exactly what was read.
async fn approve(mut call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let row = visible(&call, &scope).await?;
    let self_approval = check_reviewer(scope.role, row.is_authored_by(&scope))?;
    SyllabusTransition::Approve.allowed_from(row.status()?)?;
    let note = parse_review_note(&call.body(NOTE_BODY_LIMIT).await?, false)?;
    let sha256 = canonical_sha256(&row.syllabus()?);
    let change = Change::Approve { reviewer: &scope.user, note: note.as_deref(), sha256: &sha256 };
    let changed = transition(&call, &scope, &row, &change).await?;
    record(&call, &scope, "SYLLABUS_APPROVED", &changed.id, json!({ "note": note, "sha256": sha256, "selfApproval": self_approval == SelfApproval::Yes })).await;
    respond::json(200, &changed.to_record()?)
}

/// `{note}` (required): back to draft, with what to change.
async fn reject(mut call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let row = visible(&call, &scope).await?;
    let self_review = check_reviewer(scope.role, row.is_authored_by(&scope))?;
    SyllabusTransition::Reject.allowed_from(row.status()?)?;
    let note = parse_review_note(&call.body(NOTE_BODY_LIMIT).await?, true)?.unwrap_or_default();
    let changed = transition(&call, &scope, &row, &Change::Reject { note: &note }).await?;
    record(&call, &scope, "SYLLABUS_REJECTED", &changed.id, json!({ "note": note, "selfReview": self_review == SelfApproval::Yes })).await;
    respond::json(200, &changed.to_record()?)
}

/// Applies a change to the row as read; when the guard refuses (someone changed it meanwhile),
/// answers the refusal for the status found now, or a plain 409 when that status would allow it.
async fn transition(call: &Call, scope: &Scope, row: &Row, change: &Change<'_>) -> Result<Row, AppError> {
    if let Some(changed) = syllabi::apply(&call.env, scope, &row.id, &row.updated_at, change, clock::now()).await? {
        return Ok(changed);
    }
    let now = syllabi::find(&call.env, scope, &row.id).await?.ok_or_else(|| AppError::not_found("Syllabus"))?;
    change.transition().allowed_from(now.status()?)?;
    Err(AppError::conflict("The syllabus changed meanwhile; reload it and try again"))
}

async fn record(call: &Call, scope: &Scope, action: &str, id: &SyllabusId, metadata: serde_json::Value) {
    let entry = audit::Entry::by(scope, &call.context.request_id, action, "syllabus", Some(id.as_str())).with_metadata(metadata);
    audit::record(&call.env, entry, clock::now()).await;
}
