//! Seed 000's question generation: `POST /api/generate-questions` (stateless, from a
//! GenerationInput) and `POST /api/generate-dynamic-questions` (for a blueprint, persisted).
//! Both go through the LLM hub (cache, de-dup, gate) and never fail because a provider did:
//! the curated fallback answers with `source: "fallback"` and a warning.

use crate::llm_hub::{HubReply, QuestionsAnswer, QuestionsRequest, BINDING, INSTANCE};
use crate::router::{Access, Call, Route};
use domain::platform::auth::{Scope, Session};
use domain::contracts::blueprints::{self as contracts, GeneratedQuestions, QuestionSource};
use domain::platform::ids::BlueprintId;
use domain::platform::rate_limit::{GENERATE_DYNAMIC_QUESTIONS, GENERATE_QUESTIONS};
use domain::blueprint::static_answers::{self, parse_generation_input, StaticAnswers};
use domain::{AppError, FieldError};
use edge::db::{audit, blueprints};
use edge::{clock, durable, rate_limit, respond, OrInternal, RequestContext};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{Env, Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Post, "/api/generate-questions", Access::Session(|call, session| Box::pin(generate_questions(call, session)))),
    Route::new(Method::Post, "/api/generate-dynamic-questions", Access::Session(|call, session| Box::pin(generate_dynamic_questions(call, session)))),
];

const BODY_LIMIT: usize = 16 * 1024;

async fn generate_questions(mut call: Call, session: Session) -> Result<Response, AppError> {
    rate_limit::hit(&call.env, &call.req, "generate_questions", &session.scope.user, GENERATE_QUESTIONS).await?;
    let raw = call.body(BODY_LIMIT).await?;
    let answers = parse_generation_input(&raw)?;
    let answer = ask_hub(&call.env, &session.scope, &call.context, answers).await?;
    let source = question_source(&answer.source)?;
    respond::json(200, &GeneratedQuestions { dynamic_questions: answer.questions, cached: answer.cached, source, warning: answer.warning })
}

async fn generate_dynamic_questions(mut call: Call, session: Session) -> Result<Response, AppError> {
    rate_limit::hit(&call.env, &call.req, "generate_dynamic_questions", &session.scope.user, GENERATE_DYNAMIC_QUESTIONS).await?;
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        blueprint_id: String,
    }
    let raw = call.body(BODY_LIMIT).await?;
    let body: Body = domain::platform::input::parse_json(&raw)?;
    let id = BlueprintId::parse(&body.blueprint_id)?;
    let (env, scope, context) = (&call.env, &session.scope, &call.context);
    let blueprint = blueprints::get(env, scope, &id).await?;
    if let Some(refusal) = blueprint.status.edit_refusal() {
        return Err(refusal);
    }
    let stored: Value = serde_json::from_str(&blueprint.static_answers).or_internal("static_answers.decode")?;
    let answers = static_answers::complete(&stored).map_err(|missing| {
        let fields: Vec<FieldError> = missing.into_iter().map(|e| FieldError::new(format!("static_answers.{}", e.field), e.message)).collect();
        let mut error = AppError::invalid_fields(fields);
        error.message = format!("Static answers are incomplete: {}", error.message.trim_start_matches("Invalid input: "));
        error
    })?;
    let answer = ask_hub(env, scope, context, answers).await?;
    let questions = serde_json::to_value(&answer.questions).or_internal("questions.encode")?;
    let raw_record = json!({ "source": answer.source, "model": answer.model, "cached": answer.cached, "ms": answer.ms, "at": clock::now().to_iso8601(), "attempts": answer.attempts });
    if !blueprints::save_dynamic_questions(env, scope, &id, &questions, &raw_record).await? {
        return Err(AppError::conflict("A generation started for this blueprint meanwhile; try again when it finishes"));
    }
    let metadata = json!({ "source": answer.source, "model": answer.model, "cached": answer.cached, "questions": answer.questions.len() });
    let entry = audit::Entry::by(scope, &context.request_id, "blueprint.dynamic_questions_generated", "blueprint", Some(id.as_str()));
    audit::record(env, entry.with_metadata(metadata), clock::now()).await;
    let question_set = domain::blueprint::answers::question_set_id(&questions.to_string());
    let source = question_source(&answer.source)?;
    respond::json(
        200,
        &contracts::QuestionsAnswer { blueprint_id: id, dynamic_questions: answer.questions, question_set, source, cached: answer.cached, warning: answer.warning },
    )
}

fn question_source(raw: &str) -> Result<QuestionSource, AppError> {
    QuestionSource::parse(raw).ok_or_else(|| AppError::internal().caused_by("questions.source", raw))
}

async fn ask_hub(env: &Env, scope: &Scope, context: &RequestContext, answers: StaticAnswers) -> Result<QuestionsAnswer, AppError> {
    let request = QuestionsRequest { user_id: scope.user.clone(), answers, request_id: context.request_id.clone() };
    match durable::call(env, BINDING, INSTANCE, &request).await? {
        HubReply::Answered(answer) => Ok(answer),
        // No model slot in time: the gate's 429/503 with its Retry-After.
        HubReply::Refused { refused } => Err(refused.refusal().unwrap_or_else(AppError::internal)),
    }
}
