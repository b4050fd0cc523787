//! Blueprint resources: create, list (paginated), read, delete. Owner-scoped throughout.

use domain::platform::auth::Principal;
use domain::blueprint::resource::{parse_new_title, parse_page, parse_rename, BlueprintId};
use domain::platform::input::DEFAULT_BODY_LIMIT;
use domain::blueprint::answers;
use domain::blueprint::questions::DynamicQuestion;
use domain::blueprint::static_answers;
use domain::AppError;
use edge::db::blueprints::AnswerColumn;
use edge::db::{audit, blueprints};
use crate::question_sets;
use edge::{body, clock, random, respond, OrInternal, RequestContext};
use serde_json::json;
use worker::{Env, Request, Response};

pub async fn create(mut req: Request, env: &Env, principal: &Principal, context: &RequestContext) -> Result<Response, AppError> {
    let raw = body::read_limited(&mut req, DEFAULT_BODY_LIMIT).await?;
    let title = parse_new_title(&raw)?;
    let id = random::uuid_v4();
    let blueprint = blueprints::create(env, &principal.user_id, &id, &title, clock::now()).await?;
    record(env, principal, context, "blueprint.create", &id).await;
    respond::json(201, &blueprint.to_json()?)
}

pub async fn list(req: Request, env: &Env, principal: &Principal) -> Result<Response, AppError> {
    let url = req.url().or_internal("url")?;
    let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let page = parse_page(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let (items, next_cursor) = blueprints::list(env, &principal.user_id, &page).await?;
    respond::json(200, &json!({ "blueprints": items, "nextCursor": next_cursor }))
}

pub async fn get(env: &Env, principal: &Principal, id: &str) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    let blueprint = blueprints::get(env, &principal.user_id, &id).await?;
    respond::json(200, &blueprint.to_json()?)
}

/// `PATCH /api/blueprints/:id {title}`: a new working title (the course's own title, which the
/// model writes, is the blueprint's `title` field and unaffected).
pub async fn rename(mut req: Request, env: &Env, principal: &Principal, id: &str, context: &RequestContext) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    let raw = body::read_limited(&mut req, DEFAULT_BODY_LIMIT).await?;
    let title = parse_rename(&raw)?;
    let renamed = blueprints::rename(env, &principal.user_id, &id, &title).await?.ok_or_else(|| AppError::not_found("Blueprint"))?;
    record(env, principal, context, "blueprint.rename", id.as_str()).await;
    respond::json(200, &renamed.to_json()?)
}

pub async fn delete(env: &Env, principal: &Principal, id: &str, context: &RequestContext) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    if !blueprints::delete(env, &principal.user_id, &id).await? {
        return Err(AppError::not_found("Blueprint"));
    }
    // Delete means gone: the rows went with the blueprint (cascade); its export files and the
    // generation object's event log go too. Either failing is logged, not answered: the
    // blueprint is deleted and nothing reaches them any more (export downloads need their
    // rows; the events endpoint checks the blueprint exists).
    if let Err(error) = super::exports::delete_files(env, id.as_str()).await {
        context.log("warn", "blueprint.delete_exports_failed", &json!({ "blueprintId": id.as_str(), "cause": error.cause }));
    }
    if let Err(error) = super::stream::forget_generation(env, &id, context).await {
        context.log("warn", "blueprint.forget_generation_failed", &json!({ "blueprintId": id.as_str(), "cause": error.cause }));
    }
    record(env, principal, context, "blueprint.delete", id.as_str()).await;
    Ok(Response::empty().or_internal("response")?.with_status(204))
}

/// Autosave of the five static questions: merges the fields sent, answers the saved answers,
/// whether they are complete (and what is missing), and `updated_at`.
pub async fn patch_static_answers(mut req: Request, env: &Env, principal: &Principal, id: &str) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    let raw = body::read_limited(&mut req, DEFAULT_BODY_LIMIT).await?;
    let patch = static_answers::parse_patch(&raw)?;
    let saved = blueprints::merge_answers(env, &principal.user_id, &id, AnswerColumn::Static, &patch, None).await?;
    let answers: serde_json::Value = serde_json::from_str(&saved.answers).or_internal("static_answers.decode")?;
    let missing: Vec<String> = match static_answers::complete(&answers) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| e.field).collect(),
    };
    respond::json(200, &json!({ "static_answers": answers, "complete": missing.is_empty(), "missing": missing, "updated_at": saved.updated_at }))
}

/// Autosave of dynamic answers: `{answers: {questionId: value}, questionSet?}`, each value
/// checked against its question's type (409 when `questionSet` names questions since replaced);
/// answers the saved answers, progress over the required questions, and what is still missing.
pub async fn patch_dynamic_answers(mut req: Request, env: &Env, principal: &Principal, id: &str) -> Result<Response, AppError> {
    #[derive(serde::Deserialize)]
    struct Body {
        answers: serde_json::Map<String, serde_json::Value>,
        #[serde(default, rename = "questionSet")]
        question_set: Option<String>,
    }
    let id = BlueprintId::parse(id)?;
    let raw = body::read_limited(&mut req, DEFAULT_BODY_LIMIT).await?;
    let body: Body = domain::platform::input::parse_json(&raw)?;
    // A set this isolate already knows needs no read: the guarded write checks it is still the
    // blueprint's (and the owner, and that no generation runs) in the same statement.
    let set = match body.question_set.as_deref().and_then(|name| question_sets::get(&principal.user_id, id.as_str(), name)) {
        Some(set) => set,
        None => {
            let blueprint = blueprints::get(env, &principal.user_id, &id).await?;
            let questions: Vec<DynamicQuestion> = serde_json::from_str(&blueprint.dynamic_questions).or_internal("dynamic_questions.decode")?;
            if questions.is_empty() {
                return Err(AppError::conflict("This blueprint has no dynamic questions yet; generate them first"));
            }
            answers::check_question_set(body.question_set.as_deref(), &blueprint.dynamic_questions)?;
            let name = answers::question_set_id(&blueprint.dynamic_questions);
            question_sets::remember(&principal.user_id, id.as_str(), &name, question_sets::QuestionSet { stored: blueprint.dynamic_questions, questions })
        }
    };
    let questions = &set.questions;
    let patch = answers::validate_dynamic_answers(questions, &body.answers)?;
    let saved = blueprints::merge_answers(env, &principal.user_id, &id, AnswerColumn::Dynamic, &serde_json::Value::Object(patch), Some(&set.stored)).await?;
    let stored: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&saved.answers).or_internal("dynamic_answers.decode")?;
    let (answered, total) = answers::progress(questions, &stored);
    respond::json(
        200,
        &json!({
            "dynamic_answers": stored,
            "progress": { "answered": answered, "total": total },
            "missing": answers::missing_required(questions, &stored),
            "complete": answered == total,
            "updated_at": saved.updated_at,
        }),
    )
}

async fn record(env: &Env, principal: &Principal, context: &RequestContext, action: &str, id: &str) {
    audit::record(env, audit::Entry::by(principal, &context.request_id, action, "blueprint", Some(id)), clock::now()).await;
}
