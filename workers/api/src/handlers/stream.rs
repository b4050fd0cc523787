//! The blueprint stream, seen from the one public origin: authenticate, check ownership and the
//! rate limit, then hand the request to the stream worker (service binding), whose Durable
//! Object runs the generation. Its `text/event-stream` answer is relayed as it arrives.

use domain::auth::Principal;
use domain::blueprints::BlueprintId;
use domain::course;
use domain::generation::{Source, Status, Transition, FALLBACK_MODEL, FALLBACK_PROVIDER};
use domain::quality;
use domain::readiness::generation_inputs;
use domain::rate_limit::GENERATE_BLUEPRINT;
use domain::{AppError, ErrorKind};
use edge::db::{audit, blueprints, stored_json};
use edge::{body, clock, config, rate_limit, OrInternal, RequestContext};
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Headers, Method, Request, RequestInit, Response};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Start {
    blueprint_id: String,
    #[serde(default)]
    regenerate: bool,
}

/// `POST /api/generate-blueprint {blueprintId, regenerate?}` → the event stream. The response
/// carries `x-viewer-token`, the short-lived right to reconnect to this blueprint's stream.
pub async fn generate(mut req: Request, env: &Env, principal: &Principal, context: &RequestContext) -> Result<Response, AppError> {
    let raw = body::read_limited(&mut req, 4 * 1024).await?;
    let start: Start = domain::input::parse_json(&raw)?;
    let id = BlueprintId::parse(&start.blueprint_id)?;
    blueprints::get(env, &principal.user_id, &id).await?;
    rate_limit::hit(env, &req, "generate_blueprint", &principal.user_id, GENERATE_BLUEPRINT).await?;
    let keys = config::token_keys(env)?;
    let viewer = keys.issue_viewer(&principal.user_id, id.as_str(), clock::now()).map_err(|_| AppError::internal())?;
    let idempotency_key = req.headers().get("idempotency-key").ok().flatten().map(|key| key.trim().to_string());
    if idempotency_key.as_ref().is_some_and(|key| key.is_empty() || key.len() > 200) {
        return Err(AppError::invalid_field("Idempotency-Key", "must be 1 to 200 characters"));
    }
    let command = json!({ "userId": principal.user_id, "regenerate": start.regenerate, "idempotencyKey": idempotency_key }).to_string();
    let headers = internal_headers(context, None);
    let _ = headers.set("content-type", "application/json");
    let response = forward(env, &format!("/generations/{}/start", id.as_str()), Method::Post, headers, Some(command)).await?;
    let response = relay(response, context).await?;
    let headers = response.headers().clone();
    let _ = headers.set("x-viewer-token", &viewer);
    Ok(response.with_headers(headers))
}

/// `GET /api/generate-blueprint/:id/events?token=…` with `Last-Event-ID`: what the client
/// missed, then the live rest. Authorised by the viewer token alone (an `EventSource` cannot
/// send headers), which names the user and this blueprint.
pub async fn events(req: Request, env: &Env, id: &str, context: &RequestContext) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    let url = req.url().or_internal("url")?;
    let token = url.query_pairs().find(|(key, _)| key == "token").map(|(_, value)| value.into_owned());
    let keys = config::token_keys(env)?;
    let user_id = token
        .as_deref()
        .and_then(|token| keys.verify_viewer(token, id.as_str(), clock::now()).ok())
        .ok_or_else(|| AppError::new(ErrorKind::Unauthorized, "A valid viewer token for this blueprint is required"))?;
    // A token outlives a deleted blueprint; what it named is gone, so it replays nothing.
    blueprints::get(env, &user_id, &id).await?;
    let last_event_id = req.headers().get("last-event-id").ok().flatten();
    let headers = internal_headers(context, last_event_id.as_deref());
    let _ = headers.set("x-user-id", &user_id);
    let response = forward(env, &format!("/generations/{}/events", id.as_str()), Method::Get, headers, None).await?;
    relay(response, context).await
}

/// Clears a deleted blueprint's generation object (its event log holds the generated text).
pub async fn forget_generation(env: &Env, id: &BlueprintId, context: &RequestContext) -> Result<(), AppError> {
    let response = forward(env, &format!("/generations/{}", id.as_str()), Method::Delete, internal_headers(context, None), None).await?;
    match response.status_code() {
        204 => Ok(()),
        status => Err(AppError::internal().caused_by("stream.forget", format!("answered {status}"))),
    }
}

/// `GET /api/blueprints/:id/versions`.
pub async fn versions(env: &Env, principal: &Principal, id: &str) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    blueprints::get(env, &principal.user_id, &id).await?;
    let versions = blueprints::versions(env, &principal.user_id, &id).await?;
    edge::respond::json(200, &json!({ "versions": versions }))
}

/// `POST /api/blueprints/:id/keep-draft`: after a generation that produced nothing usable (no
/// model reachable, or only unusable answers), saves the curated draft built from the stored
/// answers as the next version, marked `source: "fallback"`. The draft is rebuilt here from
/// what is stored — never taken from the client — so it is exactly what the stream showed.
pub async fn keep_draft(env: &Env, principal: &Principal, id: &str, context: &RequestContext) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    let blueprint = blueprints::get(env, &principal.user_id, &id).await?;
    Transition::KeepDraft.allowed_from(Status::parse(&blueprint.status)?)?;
    let CuratedDraft { draft, markdown, review } = curated_draft(&blueprint)?;
    let document = serde_json::to_value(&draft).or_internal("keep_draft.json")?;
    let quality = serde_json::to_value(&review).or_internal("keep_draft.quality")?;
    let kpis = serde_json::to_value(domain::kpis::kpis(&draft)).or_internal("keep_draft.kpis")?;
    let completion = blueprints::Completion {
        blueprint_json: &document,
        markdown: &markdown,
        version_id: &edge::random::uuid_v4(),
        provider: FALLBACK_PROVIDER,
        model: FALLBACK_MODEL,
        timings: &json!({}),
        quality: &quality,
        kpis: &kpis,
    };
    let Some(version) = blueprints::complete_generation(env, &principal.user_id, id.as_str(), Transition::KeepDraft, &completion).await? else {
        // Lost a race (a generation started, or the draft was kept by another tab): say why.
        let now = blueprints::get(env, &principal.user_id, &id).await?;
        return Err(Transition::KeepDraft.refusal(Status::parse(&now.status)?));
    };
    let entry = audit::Entry::by(principal, &context.request_id, "blueprint.keep_draft", "blueprint", Some(id.as_str()));
    audit::record(env, entry, clock::now()).await;
    edge::respond::json(
        201,
        &json!({ "savedBlueprintId": id.as_str(), "version": version, "source": Source::Fallback, "blueprint": document, "markdown": markdown, "quality": review }),
    )
}

/// The curated draft of a blueprint: built from its stored answers, the same draft a failed
/// generation's `error` event carried (deterministic), with its review.
struct CuratedDraft {
    draft: course::Blueprint,
    markdown: String,
    review: quality::QualityReview,
}

fn curated_draft(blueprint: &blueprints::Blueprint) -> Result<CuratedDraft, AppError> {
    let inputs = generation_inputs(
        &stored_json(&blueprint.static_answers, "static_answers")?,
        &stored_json(&blueprint.dynamic_questions, "dynamic_questions")?,
        &stored_json(&blueprint.dynamic_answers, "dynamic_answers")?,
    )
    .map_err(AppError::invalid_fields)?;
    let draft = course::fallback_blueprint(&inputs.answers);
    let markdown = course::render_markdown(&draft);
    let review = quality::review(&draft, Some(&inputs.answers));
    Ok(CuratedDraft { draft, markdown, review })
}

/// `GET /api/blueprints/:id/draft`: the curated draft, shown (not saved) — e.g. when someone
/// comes back to a blueprint whose last generation failed and may keep it. 400 names the
/// answers still missing.
pub async fn draft(env: &Env, principal: &Principal, id: &str) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    let blueprint = blueprints::get(env, &principal.user_id, &id).await?;
    let CuratedDraft { draft, markdown, review } = curated_draft(&blueprint)?;
    edge::respond::json(200, &json!({ "blueprint": draft, "markdown": markdown, "quality": review, "source": Source::Fallback }))
}

/// `GET /api/blueprints/:id/versions/:version`: the read-only snapshot.
pub async fn version(env: &Env, principal: &Principal, id: &str, version: &str) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    let number = version.parse::<i64>().ok().filter(|v| *v >= 1).ok_or_else(|| AppError::not_found("Version"))?;
    let row = blueprints::version(env, &principal.user_id, &id, number).await?;
    edge::respond::json(200, &row.to_json(id.as_str())?)
}

fn internal_headers(context: &RequestContext, last_event_id: Option<&str>) -> Headers {
    let headers = Headers::new();
    let _ = headers.set("x-request-id", &context.request_id);
    if let Some(last) = last_event_id {
        let _ = headers.set("last-event-id", last);
    }
    headers
}

async fn forward(env: &Env, path: &str, method: Method, headers: Headers, body: Option<String>) -> Result<Response, AppError> {
    let stream = env.service("STREAM").or_internal("stream.binding")?;
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers).with_body(body.map(Into::into));
    stream.fetch(format!("https://stream.internal{path}"), Some(init)).await.or_internal("stream.fetch")
}

/// A stream passes through untouched, and so does a refusal: the stream worker speaks the one
/// error shape (`{error, details?, requestId}`, with this request's id, which it inherited).
/// Anything else (the worker failed outright) is logged and answered as an internal error.
async fn relay(response: Response, context: &RequestContext) -> Result<Response, AppError> {
    let status = response.status_code();
    let json = response.headers().get("content-type").ok().flatten().is_some_and(|kind| kind.starts_with("application/json"));
    if status == 200 || ((400..500).contains(&status) || status == 503) && json {
        return Ok(response);
    }
    context.log("error", "stream.failed", &json!({ "status": status }));
    Err(AppError::internal())
}
