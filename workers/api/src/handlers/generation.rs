//! Seed 000's question generation: `POST /api/generate-questions` (stateless, from a
//! GenerationInput) and `POST /api/generate-dynamic-questions` (for a blueprint, persisted).
//! Both go through the LLM hub (cache, de-dup, gate) and never fail because a provider did:
//! the curated fallback answers with `source: "fallback"` and a warning.

use crate::llm_hub::{HubReply, QuestionsAnswer, QuestionsRequest, BINDING, INSTANCE};
use domain::auth::Principal;
use domain::blueprints::BlueprintId;
use domain::generation::Status;
use domain::rate_limit::{GENERATE_DYNAMIC_QUESTIONS, GENERATE_QUESTIONS};
use domain::static_answers::{self, parse_generation_input, StaticAnswers};
use domain::{AppError, FieldError};
use edge::db::{audit, blueprints};
use edge::{body, clock, durable, rate_limit, respond, OrInternal, RequestContext};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{Env, Request, Response};

const BODY_LIMIT: usize = 16 * 1024;

pub async fn generate_questions(mut req: Request, env: &Env, principal: &Principal, context: &RequestContext) -> Result<Response, AppError> {
    rate_limit::hit(env, &req, "generate_questions", &principal.user_id, GENERATE_QUESTIONS).await?;
    let raw = body::read_limited(&mut req, BODY_LIMIT).await?;
    let answers = parse_generation_input(&raw)?;
    let answer = ask_hub(env, principal, context, answers).await?;
    respond::json(200, &json!({ "dynamicQuestions": answer.questions, "cached": answer.cached, "source": answer.source, "warning": answer.warning }))
}

pub async fn generate_dynamic_questions(mut req: Request, env: &Env, principal: &Principal, context: &RequestContext) -> Result<Response, AppError> {
    rate_limit::hit(env, &req, "generate_dynamic_questions", &principal.user_id, GENERATE_DYNAMIC_QUESTIONS).await?;
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        blueprint_id: String,
    }
    let raw = body::read_limited(&mut req, BODY_LIMIT).await?;
    let body: Body = domain::input::parse_json(&raw)?;
    let id = BlueprintId::parse(&body.blueprint_id)?;
    let blueprint = blueprints::get(env, &principal.user_id, &id).await?;
    if let Some(refusal) = Status::parse(&blueprint.status)?.edit_refusal() {
        return Err(refusal);
    }
    let stored: Value = serde_json::from_str(&blueprint.static_answers).or_internal("static_answers.decode")?;
    let answers = static_answers::complete(&stored).map_err(|missing| {
        let fields: Vec<FieldError> = missing.into_iter().map(|e| FieldError::new(format!("static_answers.{}", e.field), e.message)).collect();
        let mut error = AppError::invalid_fields(fields);
        error.message = format!("Static answers are incomplete: {}", error.message.trim_start_matches("Invalid input: "));
        error
    })?;
    let answer = ask_hub(env, principal, context, answers).await?;
    let questions = serde_json::to_value(&answer.questions).or_internal("questions.encode")?;
    let raw_record = json!({ "source": answer.source, "model": answer.model, "cached": answer.cached, "ms": answer.ms, "at": clock::now().to_iso8601(), "attempts": answer.attempts });
    if !blueprints::save_dynamic_questions(env, &principal.user_id, &id, &questions, &raw_record).await? {
        return Err(AppError::conflict("A generation started for this blueprint meanwhile; try again when it finishes"));
    }
    let metadata = json!({ "source": answer.source, "model": answer.model, "cached": answer.cached, "questions": answer.questions.len() });
    let entry = audit::Entry::by(principal, &context.request_id, "blueprint.dynamic_questions_generated", "blueprint", Some(id.as_str()));
    audit::record(env, entry.with_metadata(metadata), clock::now()).await;
    let question_set = domain::answers::question_set_id(&questions.to_string());
    respond::json(200, &json!({ "blueprintId": id.as_str(), "dynamicQuestions": questions, "questionSet": question_set, "source": answer.source, "cached": answer.cached, "warning": answer.warning }))
}

async fn ask_hub(env: &Env, principal: &Principal, context: &RequestContext, answers: StaticAnswers) -> Result<QuestionsAnswer, AppError> {
    let request = QuestionsRequest { user_id: principal.user_id.clone(), answers, request_id: context.request_id.clone() };
    match durable::call(env, BINDING, INSTANCE, &request).await? {
        HubReply::Answered(answer) => Ok(answer),
        // No model slot in time: the gate's 429/503 with its Retry-After.
        HubReply::Refused { refused } => Err(refused.refusal().unwrap_or_else(AppError::internal)),
    }
}
