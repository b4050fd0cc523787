//! Blueprint resources: create, list (paginated), read, delete. Owner-scoped throughout.

use crate::router::{Access, Call, Route};
use domain::platform::auth::{Scope, Session};
use domain::blueprint::resource::{parse_new_title, parse_page, parse_rename};
use domain::contracts::blueprints::{DynamicSaveAnswer, Progress, StaticSaveAnswer};
use domain::platform::ids::BlueprintId;
use domain::platform::input::DEFAULT_BODY_LIMIT;
use domain::blueprint::answers;
use domain::blueprint::questions::DynamicQuestion;
use domain::blueprint::static_answers;
use domain::AppError;
use edge::db::blueprints::AnswerColumn;
use edge::db::{audit, blueprints};
use crate::question_sets;
use edge::{clock, random, respond, OrInternal};
use serde_json::json;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Get, "/api/blueprints", Access::Session(|call, session| Box::pin(list(call, session)))),
    Route::new(Method::Post, "/api/blueprints", Access::Session(|call, session| Box::pin(create(call, session)))),
    // Seed 000's read path is singular; the plural one is its REST twin.
    Route::new(Method::Get, "/api/blueprint/:id", Access::Session(|call, session| Box::pin(get(call, session)))),
    Route::new(Method::Get, "/api/blueprints/:id", Access::Session(|call, session| Box::pin(get(call, session)))),
    Route::new(Method::Patch, "/api/blueprints/:id", Access::Session(|call, session| Box::pin(rename(call, session)))),
    Route::new(Method::Delete, "/api/blueprints/:id", Access::Session(|call, session| Box::pin(delete(call, session)))),
    Route::new(Method::Patch, "/api/blueprints/:id/static-answers", Access::Session(|call, session| Box::pin(patch_static_answers(call, session)))),
    Route::new(Method::Patch, "/api/blueprints/:id/dynamic-answers", Access::Session(|call, session| Box::pin(patch_dynamic_answers(call, session)))),
];

async fn create(mut call: Call, session: Session) -> Result<Response, AppError> {
    let raw = call.body(DEFAULT_BODY_LIMIT).await?;
    let title = parse_new_title(&raw)?;
    let id = random::id(BlueprintId::from_random);
    let blueprint = blueprints::create(&call.env, &session.scope, &id, &title, clock::now()).await?;
    record(&call, &session.scope, "blueprint.create", &id).await;
    respond::json(201, &blueprint.to_record()?)
}

async fn list(call: Call, session: Session) -> Result<Response, AppError> {
    let pairs = call.query()?;
    let page = parse_page(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    respond::json(200, &blueprints::list(&call.env, &session.scope, &page).await?)
}

async fn get(call: Call, session: Session) -> Result<Response, AppError> {
    let id: BlueprintId = call.param("id")?;
    let blueprint = blueprints::get(&call.env, &session.scope, &id).await?;
    respond::json(200, &blueprint.to_record()?)
}

/// `PATCH /api/blueprints/:id {title}`: a new working title (the course's own title, which the
/// model writes, is the blueprint's `title` field and unaffected).
async fn rename(mut call: Call, session: Session) -> Result<Response, AppError> {
    let id: BlueprintId = call.param("id")?;
    let raw = call.body(DEFAULT_BODY_LIMIT).await?;
    let title = parse_rename(&raw)?;
    let renamed = blueprints::rename(&call.env, &session.scope, &id, &title).await?.ok_or_else(|| AppError::not_found("Blueprint"))?;
    record(&call, &session.scope, "blueprint.rename", &id).await;
    respond::json(200, &renamed.to_record()?)
}

async fn delete(call: Call, session: Session) -> Result<Response, AppError> {
    let (env, context) = (&call.env, &call.context);
    let id: BlueprintId = call.param("id")?;
    match blueprints::delete(env, &session.scope, &id).await? {
        blueprints::Deleted::Yes => {}
        blueprints::Deleted::Missing => return Err(AppError::not_found("Blueprint")),
        blueprints::Deleted::KeptForSyllabus => return Err(AppError::conflict("This blueprint has a syllabus: it is kept for the courses built from it")),
    }
    // Delete means gone: the rows went with the blueprint (cascade); its export files and the
    // generation object's event log go too. Either failing is logged, not answered: the
    // blueprint is deleted and nothing reaches them any more (export downloads need their
    // rows; the events endpoint checks the blueprint exists).
    if let Err(error) = super::exports::delete_files(env, &id).await {
        context.log("warn", "blueprint.delete_exports_failed", &json!({ "blueprintId": id.as_str(), "cause": error.cause }));
    }
    if let Err(error) = super::stream::forget_generation(env, &id, context).await {
        context.log("warn", "blueprint.forget_generation_failed", &json!({ "blueprintId": id.as_str(), "cause": error.cause }));
    }
    record(&call, &session.scope, "blueprint.delete", &id).await;
    Ok(Response::empty().or_internal("response")?.with_status(204))
}

/// Autosave of the five static questions: merges the fields sent, answers the saved answers,
/// whether they are complete (and what is missing), and `updated_at`.
async fn patch_static_answers(mut call: Call, session: Session) -> Result<Response, AppError> {
    let id: BlueprintId = call.param("id")?;
    let raw = call.body(DEFAULT_BODY_LIMIT).await?;
    let patch = static_answers::parse_patch(&raw)?;
    let saved = blueprints::merge_answers(&call.env, &session.scope, &id, AnswerColumn::Static, &patch, None).await?;
    let answers: serde_json::Value = serde_json::from_str(&saved.answers).or_internal("static_answers.decode")?;
    let missing: Vec<String> = match static_answers::complete(&answers) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| e.field).collect(),
    };
    let static_answers = serde_json::from_value(answers).or_internal("static_answers.decode")?;
    respond::json(200, &StaticSaveAnswer { static_answers, complete: missing.is_empty(), missing, updated_at: saved.updated_at })
}

/// Autosave of dynamic answers: `{answers: {questionId: value}, questionSet?}`, each value
/// checked against its question's type (409 when `questionSet` names questions since replaced);
/// answers the saved answers, progress over the required questions, and what is still missing.
async fn patch_dynamic_answers(mut call: Call, session: Session) -> Result<Response, AppError> {
    #[derive(serde::Deserialize)]
    struct Body {
        answers: serde_json::Map<String, serde_json::Value>,
        #[serde(default, rename = "questionSet")]
        question_set: Option<String>,
    }
    let id: BlueprintId = call.param("id")?;
    let raw = call.body(DEFAULT_BODY_LIMIT).await?;
    let body: Body = domain::platform::input::parse_json(&raw)?;
    let (env, scope) = (&call.env, &session.scope);
    // A set this isolate already knows needs no read: the guarded write checks it is still the
    // blueprint's (and the owner, and that no generation runs) in the same statement.
    let set = match body.question_set.as_deref().and_then(|name| question_sets::get(&scope.user, &id, name)) {
        Some(set) => set,
        None => {
            let blueprint = blueprints::get(env, scope, &id).await?;
            let questions: Vec<DynamicQuestion> = serde_json::from_str(&blueprint.dynamic_questions).or_internal("dynamic_questions.decode")?;
            if questions.is_empty() {
                return Err(AppError::conflict("This blueprint has no dynamic questions yet; generate them first"));
            }
            answers::check_question_set(body.question_set.as_deref(), &blueprint.dynamic_questions)?;
            let name = answers::question_set_id(&blueprint.dynamic_questions);
            question_sets::remember(&scope.user, &id, &name, question_sets::QuestionSet { stored: blueprint.dynamic_questions, questions })
        }
    };
    let questions = &set.questions;
    let patch = answers::validate_dynamic_answers(questions, &body.answers)?;
    let saved = blueprints::merge_answers(env, scope, &id, AnswerColumn::Dynamic, &serde_json::Value::Object(patch), Some(&set.stored)).await?;
    let stored: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&saved.answers).or_internal("dynamic_answers.decode")?;
    let (answered, total) = answers::progress(questions, &stored);
    let missing = answers::missing_required(questions, &stored);
    let dynamic_answers = serde_json::from_value(serde_json::Value::Object(stored)).or_internal("dynamic_answers.decode")?;
    let progress = Progress { answered: u32::try_from(answered).unwrap_or(u32::MAX), total: u32::try_from(total).unwrap_or(u32::MAX) };
    respond::json(200, &DynamicSaveAnswer { dynamic_answers, progress, missing, complete: answered == total, updated_at: saved.updated_at })
}

async fn record(call: &Call, scope: &Scope, action: &str, id: &BlueprintId) {
    audit::record(&call.env, audit::Entry::by(scope, &call.context.request_id, action, "blueprint", Some(id.as_str())), clock::now()).await;
}
