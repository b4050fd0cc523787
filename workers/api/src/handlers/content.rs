//! Content of an approved syllabus (issue 18, seed 002 phases 7.1–7.5): generation jobs that
//! the queue consumer runs (never a request), each slot's versions, and their review. Structure
//! comes only from the approved syllabus; nothing is approved but by a reviewer or an admin
//! (four eyes, as for syllabi); approved versions are immutable (409 here, a trigger in D1).
//! Drafts are seen by their author and the tenant's reviewers and admins; another tenant's
//! anything is not found.

use crate::router::{Access, Call, Route};
use domain::contracts::curriculum::{SyllabusContent, UpdateContent};
use domain::curriculum::content::{review_content, validate_content, ContentKind};
use domain::curriculum::jobs::{parse_instructions, select_slots, slot_context};
use domain::curriculum::syllabus::Slot;
use domain::curriculum::review::{check_reviewer, content_visible_to, parse_review_note, visible_to, SelfApproval, SyllabusStatus};
use domain::platform::auth::Scope;
use domain::platform::error::FieldError;
use domain::platform::ids::{ContentItemId, GenerationJobId, SyllabusId};
use domain::platform::input::parse_json;
use domain::platform::rate_limit::GENERATION_JOBS;
use domain::AppError;
use edge::db::content::{self, Change, NewVersion, Row};
use edge::db::content_jobs::{self, Created, JobRequest};
use edge::db::{audit, syllabi};
use edge::session::Member;
use edge::{clock, content_queue, rate_limit, respond};
use serde_json::json;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Post, "/api/syllabi/:id/generation-jobs", Access::Member(|call, member| Box::pin(start_job(call, member)))),
    Route::new(Method::Get, "/api/generation-jobs/:id", Access::Member(|call, member| Box::pin(get_job(call, member)))),
    Route::new(Method::Get, "/api/syllabi/:id/content", Access::Member(|call, member| Box::pin(syllabus_content(call, member)))),
    Route::new(Method::Get, "/api/content/:id", Access::Member(|call, member| Box::pin(get_item(call, member)))),
    Route::new(Method::Put, "/api/content/:id", Access::Member(|call, member| Box::pin(edit_item(call, member)))),
    Route::new(Method::Post, "/api/content/:id/approve", Access::Member(|call, member| Box::pin(approve_item(call, member)))),
    Route::new(Method::Post, "/api/content/:id/reject", Access::Member(|call, member| Box::pin(reject_item(call, member)))),
    Route::new(Method::Post, "/api/content/:id/revise", Access::Member(|call, member| Box::pin(revise_item(call, member)))),
    Route::new(Method::Post, "/api/content/:id/regenerate", Access::Member(|call, member| Box::pin(regenerate_item(call, member)))),
];

const JOB_BODY_LIMIT: usize = 64 * 1024;
const CONTENT_BODY_LIMIT: usize = 512 * 1024;
const NOTE_BODY_LIMIT: usize = 16 * 1024;
const IDEMPOTENCY_KEY_MAX: usize = 200;

/// The syllabus, if the caller may see it (its author, the tenant's reviewers and admins).
async fn visible_syllabus(call: &Call, scope: &Scope) -> Result<syllabi::Row, AppError> {
    let id: SyllabusId = call.param("id")?;
    syllabi::find(&call.env, scope, &id)
        .await?
        .filter(|row| visible_to(scope.role, row.is_authored_by(scope)))
        .ok_or_else(|| AppError::not_found("Syllabus"))
}

/// `POST /api/syllabi/:id/generation-jobs {kinds?, slots?}`: 202 the job; its first items are
/// on the queue. An approved syllabus only (409). `Idempotency-Key`: the same key again answers
/// the same job. 5 per minute per user (429 + `Retry-After`).
async fn start_job(mut call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let row = visible_syllabus(&call, &scope).await?;
    if row.status()? != SyllabusStatus::Approved {
        return Err(AppError::conflict("Content is generated only from an approved syllabus"));
    }
    let key = match call.header("idempotency-key") {
        Some(key) if key.trim().is_empty() || key.len() > IDEMPOTENCY_KEY_MAX => return Err(FieldError::new("Idempotency-Key", format!("must be 1 to {IDEMPOTENCY_KEY_MAX} characters")).into()),
        key => key,
    };
    let slots = select_slots(&call.body(JOB_BODY_LIMIT).await?, &row.syllabus()?)?;
    let request = JobRequest { idempotency_key: key.as_deref(), instructions: None };
    run_job(&call, &scope, &row.id, &slots, &request).await
}

/// Creates the job (or finds it by its idempotency key), queues its first items, answers 202.
async fn run_job(call: &Call, scope: &Scope, syllabus: &SyllabusId, slots: &[Slot], request: &JobRequest<'_>) -> Result<Response, AppError> {
    rate_limit::hit(&call.env, &call.req, "generation_jobs", &scope.user, GENERATION_JOBS).await?;
    let now = clock::now();
    let job = match content_jobs::create(&call.env, scope, syllabus, slots, request, now).await? {
        Created::New(job) => {
            let metadata = json!({ "syllabusId": syllabus.as_str(), "items": slots.len(), "instructions": request.instructions });
            let entry = audit::Entry::by(scope, &call.context.request_id, "GENERATION_JOB_CREATED", "generation_job", Some(job.as_str())).with_metadata(metadata);
            audit::record(&call.env, entry, now).await;
            job
        }
        Created::Existing(job) => job,
    };
    content_queue::pump(&call.env, &job, now).await?;
    let (answer, _) = content_jobs::get(&call.env, scope, &job).await?.ok_or_else(|| AppError::not_found("Generation job"))?;
    respond::json(202, &answer)
}

/// A job, for whoever started it and the tenant's reviewers and admins.
async fn get_job(call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope();
    let id: GenerationJobId = call.param("id")?;
    let (job, requested_by) = content_jobs::get(&call.env, scope, &id).await?.ok_or_else(|| AppError::not_found("Generation job"))?;
    if !visible_to(scope.role, requested_by == scope.user) {
        return Err(AppError::not_found("Generation job"));
    }
    respond::json(200, &job)
}

/// Every slot of the syllabus in course order, with its newest and its approved version.
async fn syllabus_content(call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope();
    let row = visible_syllabus(&call, scope).await?;
    let order: Vec<(String, ContentKind)> = row.syllabus()?.slots().into_iter().map(|slot| (slot.id, ContentKind::from(slot.kind))).collect();
    let slots = content::slots(&call.env, scope, &row.id, &order).await?;
    respond::json(200, &SyllabusContent { slots })
}

/// A version the caller may see: approved content is the tenant's; a draft or a rejected one
/// only its author's and the reviewers'.
async fn visible_item(call: &Call, scope: &Scope) -> Result<Row, AppError> {
    let id: ContentItemId = call.param("id")?;
    let row = content::find(&call.env, scope, &id).await?.ok_or_else(|| AppError::not_found("Content item"))?;
    if content_visible_to(row.status()?, scope.role, row.is_authored_by(scope)) { Ok(row) } else { Err(AppError::not_found("Content item")) }
}

async fn record_of(call: &Call, scope: &Scope, row: &Row) -> Result<Response, AppError> {
    let history = content::history(&call.env, scope, &row.syllabus_id, &row.slot).await?;
    let mut visible = Vec::with_capacity(history.len());
    for version in history {
        if content_visible_to(version.status()?, scope.role, version.is_authored_by(scope)) {
            visible.push(version);
        }
    }
    respond::json(200, &row.to_record(&visible)?)
}

async fn get_item(call: Call, member: Member) -> Result<Response, AppError> {
    let row = visible_item(&call, member.scope()).await?;
    record_of(&call, member.scope(), &row).await
}

/// `PUT /api/content/:id {content}`: a draft, by its author or a reviewer; validated for its
/// kind (every wrong field named under `content.`) and reviewed again.
async fn edit_item(mut call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let row = visible_item(&call, &scope).await?;
    row.status()?.check_draft("edited")?;
    let update: UpdateContent = parse_json(&call.body(CONTENT_BODY_LIMIT).await?)?;
    let document = validate_content(row.kind, &update.content)
        .map_err(|errors| AppError::invalid_fields(errors.into_iter().map(|e| FieldError::new(format!("content.{}", e.field), e.message)).collect()))?;
    let syllabus = syllabi::find(&call.env, &scope, &row.syllabus_id).await?.ok_or_else(|| AppError::not_found("Syllabus"))?.syllabus()?;
    let slot = syllabus.find_slot(&row.slot).and_then(|slot| slot_context(&syllabus, &slot)).ok_or_else(|| AppError::internal().caused_by("content.slot", &row.slot))?;
    let findings = review_content(&document, &slot);
    let value = document.to_value();
    let changed = apply(&call, &scope, &row, &Change::Edit { document: &value, findings: &findings }, "edited").await?;
    audit_item(&call, &scope, "CONTENT_EDITED", &changed, json!({ "version": changed.version })).await;
    record_of(&call, &scope, &changed).await
}

async fn approve_item(mut call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let row = visible_item(&call, &scope).await?;
    let self_approval = check_reviewer(scope.role, row.is_authored_by(&scope))?;
    row.status()?.check_draft("approved")?;
    let note = parse_review_note(&call.body(NOTE_BODY_LIMIT).await?, false)?;
    let sha256 = domain::blueprint::exports::sha256_hex(row.document.as_bytes());
    let changed = apply(&call, &scope, &row, &Change::Approve { reviewer: &scope.user, note: note.as_deref(), sha256: &sha256 }, "approved").await?;
    audit_item(&call, &scope, "CONTENT_APPROVED", &changed, json!({ "note": note, "sha256": sha256, "selfApproval": self_approval == SelfApproval::Yes })).await;
    record_of(&call, &scope, &changed).await
}

async fn reject_item(mut call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let row = visible_item(&call, &scope).await?;
    let self_review = check_reviewer(scope.role, row.is_authored_by(&scope))?;
    row.status()?.check_draft("rejected")?;
    let note = parse_review_note(&call.body(NOTE_BODY_LIMIT).await?, true)?.unwrap_or_default();
    let changed = apply(&call, &scope, &row, &Change::Reject { note: &note }, "rejected").await?;
    audit_item(&call, &scope, "CONTENT_REJECTED", &changed, json!({ "note": note, "selfReview": self_review == SelfApproval::Yes })).await;
    record_of(&call, &scope, &changed).await
}

/// `POST /api/content/:id/revise`: 201 a new draft version of the slot, a copy of this one, by
/// the caller (who, as its author, does not approve it unless an admin).
async fn revise_item(call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let row = visible_item(&call, &scope).await?;
    let (document, findings) = (row.document()?, row.findings()?);
    let new = NewVersion { tenant: &scope.tenant, syllabus: &row.syllabus_id, slot: &row.slot, kind: row.kind, source: "edit", document: &document, findings: &findings, author: &scope.user, job_item: None };
    let id = content::insert_version(&call.env, &new, clock::now()).await?;
    let revised = content::find(&call.env, &scope, &id).await?.ok_or_else(|| AppError::internal().caused_by("content.revise", "new version missing"))?;
    audit_item(&call, &scope, "CONTENT_CREATED", &revised, json!({ "revisionOf": row.id.as_str(), "version": revised.version })).await;
    let history = content::history(&call.env, &scope, &revised.syllabus_id, &revised.slot).await?;
    respond::json(201, &revised.to_record(&history)?)
}

/// `POST /api/content/:id/regenerate {instructions?}`: 202 a one-item job for this slot, the
/// instructions told to the writer; the existing versions stay.
async fn regenerate_item(mut call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let row = visible_item(&call, &scope).await?;
    let instructions = parse_instructions(&call.body(NOTE_BODY_LIMIT).await?)?;
    let syllabus = syllabi::find(&call.env, &scope, &row.syllabus_id).await?.ok_or_else(|| AppError::not_found("Syllabus"))?;
    let slot = syllabus.syllabus()?.find_slot(&row.slot).ok_or_else(|| AppError::internal().caused_by("content.slot", &row.slot))?;
    let request = JobRequest { idempotency_key: None, instructions: instructions.as_deref() };
    run_job(&call, &scope, &syllabus.id, &[slot], &request).await
}

/// The guarded change; when it lost a race, the refusal for the status found now.
async fn apply(call: &Call, scope: &Scope, row: &Row, change: &Change<'_>, action: &str) -> Result<Row, AppError> {
    if let Some(changed) = content::apply(&call.env, scope, &row.id, &row.updated_at, change, clock::now()).await? {
        return Ok(changed);
    }
    let now = content::find(&call.env, scope, &row.id).await?.ok_or_else(|| AppError::not_found("Content item"))?;
    now.status()?.check_draft(action)?;
    Err(AppError::conflict("The item changed meanwhile; reload it and try again"))
}

async fn audit_item(call: &Call, scope: &Scope, action: &str, row: &Row, metadata: serde_json::Value) {
    let entry = audit::Entry::by(scope, &call.context.request_id, action, "content_item", Some(row.id.as_str())).with_metadata(metadata);
    audit::record(&call.env, entry, clock::now()).await;
}
