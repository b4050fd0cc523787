//! The blueprint stream, seen from the one public origin: authenticate, check ownership and the
//! rate limit, then hand the request to the stream worker (service binding), whose Durable
//! Object runs the generation. Its `text/event-stream` answer is relayed as it arrives.

use crate::router::{Access, Call, Route};
use domain::platform::auth::Session;
use domain::contracts::blueprints::{DraftPreview, KeptDraft, VersionList};
use domain::blueprint::document::Blueprint;
use domain::blueprint::fallback::fallback_blueprint;
use domain::blueprint::markdown::render_markdown;
use domain::blueprint::generation::{Source, StartCommand, Transition, FALLBACK_MODEL, FALLBACK_PROVIDER};
use domain::platform::ids::{BlueprintId, VersionNumber};
use domain::blueprint::quality;
use domain::blueprint::readiness::generation_inputs;
use domain::platform::rate_limit::GENERATE_BLUEPRINT;
use domain::{AppError, ErrorKind};
use edge::db::{audit, blueprints, stored_json};
use edge::hop::Hop;
use edge::{clock, rate_limit, OrInternal, RequestContext};
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Post, "/api/generate-blueprint", Access::Session(|call, session| Box::pin(generate(call, session)))),
    // The viewer token in the query string authorises it (checked by the handler).
    Route::new(Method::Get, "/api/generate-blueprint/:id/events", Access::Public(|call| Box::pin(events(call)))),
    Route::new(Method::Get, "/api/blueprints/:id/versions", Access::Session(|call, session| Box::pin(versions(call, session)))),
    Route::new(Method::Get, "/api/blueprints/:id/versions/:version", Access::Session(|call, session| Box::pin(version(call, session)))),
    Route::new(Method::Post, "/api/blueprints/:id/keep-draft", Access::Session(|call, session| Box::pin(keep_draft(call, session)))),
    Route::new(Method::Get, "/api/blueprints/:id/draft", Access::Session(|call, session| Box::pin(draft(call, session)))),
];

const STREAM: &str = "STREAM";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Start {
    blueprint_id: String,
    #[serde(default)]
    regenerate: bool,
}

/// `POST /api/generate-blueprint {blueprintId, regenerate?}` → the event stream. The response
/// carries `x-viewer-token`, the short-lived right to reconnect to this blueprint's stream.
async fn generate(mut call: Call, session: Session) -> Result<Response, AppError> {
    let raw = call.body(4 * 1024).await?;
    let (env, scope, context) = (&call.env, &session.scope, &call.context);
    let start: Start = domain::platform::input::parse_json(&raw)?;
    let id = BlueprintId::parse(&start.blueprint_id)?;
    blueprints::get(env, scope, &id).await?;
    rate_limit::hit(env, &call.req, "generate_blueprint", &scope.user, GENERATE_BLUEPRINT).await?;
    let keys = call.settings.token_keys()?;
    let viewer = keys.issue_viewer(scope, &id, clock::now()).map_err(|_| AppError::internal())?;
    let idempotency_key = call.header("idempotency-key").map(|key| key.trim().to_string());
    if idempotency_key.as_ref().is_some_and(|key| key.is_empty() || key.len() > 200) {
        return Err(AppError::invalid_field("Idempotency-Key", "must be 1 to 200 characters"));
    }
    let command = StartCommand { tenant_id: scope.tenant.clone(), user_id: scope.user.clone(), regenerate: start.regenerate, idempotency_key };
    let path = format!("/generations/{id}/start");
    let response = Hop::new(STREAM, Method::Post, &path, context).json(&command)?.send(env).await?;
    let response = relay(response, context).await?;
    let headers = response.headers().clone();
    let _ = headers.set("x-viewer-token", &viewer);
    Ok(response.with_headers(headers))
}

/// `GET /api/generate-blueprint/:id/events?token=…` with `Last-Event-ID`: what the client
/// missed, then the live rest. Authorised by the viewer token alone (an `EventSource` cannot
/// send headers), which names the user and this blueprint.
async fn events(call: Call) -> Result<Response, AppError> {
    let (env, context) = (&call.env, &call.context);
    let id: BlueprintId = call.param("id")?;
    let token = call.query()?.into_iter().find(|(key, _)| key == "token").map(|(_, value)| value);
    let keys = call.settings.token_keys()?;
    let viewer = token
        .as_deref()
        .and_then(|token| keys.verify_viewer(token, &id, clock::now()).ok())
        .ok_or_else(|| AppError::new(ErrorKind::Unauthorized, "A valid viewer token for this blueprint is required"))?;
    // A token outlives a deleted blueprint; what it named is gone, so it replays nothing.
    blueprints::get(env, &viewer, &id).await?;
    let path = format!("/generations/{id}/events");
    let mut hop = Hop::new(STREAM, Method::Get, &path, context).header("x-user-id", viewer.user.as_str());
    if let Some(last_event_id) = call.header("last-event-id") {
        hop = hop.header("last-event-id", &last_event_id);
    }
    relay(hop.send(env).await?, context).await
}

/// Clears a deleted blueprint's generation object (its event log holds the generated text).
pub async fn forget_generation(env: &Env, id: &BlueprintId, context: &RequestContext) -> Result<(), AppError> {
    let path = format!("/generations/{id}");
    let response = Hop::new(STREAM, Method::Delete, &path, context).send(env).await?;
    match response.status_code() {
        204 => Ok(()),
        status => Err(AppError::internal().caused_by("stream.forget", format!("answered {status}"))),
    }
}

/// `GET /api/blueprints/:id/versions`.
async fn versions(call: Call, session: Session) -> Result<Response, AppError> {
    let id: BlueprintId = call.param("id")?;
    blueprints::get(&call.env, &session.scope, &id).await?;
    let versions = blueprints::versions(&call.env, &session.scope, &id).await?;
    edge::respond::json(200, &VersionList { versions })
}

/// `POST /api/blueprints/:id/keep-draft`: after a generation that produced nothing usable (no
/// model reachable, or only unusable answers), saves the curated draft built from the stored
/// answers as the next version, marked `source: "fallback"`. The draft is rebuilt here from
/// what is stored — never taken from the client — so it is exactly what the stream showed.
async fn keep_draft(call: Call, session: Session) -> Result<Response, AppError> {
    let (env, scope, context) = (&call.env, &session.scope, &call.context);
    let id: BlueprintId = call.param("id")?;
    let blueprint = blueprints::get(env, scope, &id).await?;
    Transition::KeepDraft.allowed_from(blueprint.status)?;
    let CuratedDraft { draft, markdown, review } = curated_draft(&blueprint)?;
    let document = serde_json::to_value(&draft).or_internal("keep_draft.json")?;
    let quality = serde_json::to_value(&review).or_internal("keep_draft.quality")?;
    let kpis = serde_json::to_value(domain::blueprint::kpis::kpis(&draft)).or_internal("keep_draft.kpis")?;
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
    let Some(version) = blueprints::complete_generation(env, scope, &id, Transition::KeepDraft, &completion).await? else {
        // Lost a race (a generation started, or the draft was kept by another tab): say why.
        let now = blueprints::get(env, scope, &id).await?;
        return Err(Transition::KeepDraft.refusal(now.status));
    };
    let entry = audit::Entry::by(scope, &context.request_id, "blueprint.keep_draft", "blueprint", Some(id.as_str()));
    audit::record(env, entry, clock::now()).await;
    let version = VersionNumber::new(version).ok_or_else(AppError::internal)?;
    edge::respond::json(201, &KeptDraft { saved_blueprint_id: id, version, source: Source::Fallback, blueprint: draft, markdown, quality: review })
}

/// The curated draft of a blueprint: built from its stored answers, the same draft a failed
/// generation's `error` event carried (deterministic), with its review.
struct CuratedDraft {
    draft: Blueprint,
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
    let draft = fallback_blueprint(&inputs.answers);
    let markdown = render_markdown(&draft);
    let review = quality::review(&draft, Some(&inputs.answers));
    Ok(CuratedDraft { draft, markdown, review })
}

/// `GET /api/blueprints/:id/draft`: the curated draft, shown (not saved) — e.g. when someone
/// comes back to a blueprint whose last generation failed and may keep it. 400 names the
/// answers still missing.
async fn draft(call: Call, session: Session) -> Result<Response, AppError> {
    let id: BlueprintId = call.param("id")?;
    let blueprint = blueprints::get(&call.env, &session.scope, &id).await?;
    let CuratedDraft { draft, markdown, review } = curated_draft(&blueprint)?;
    edge::respond::json(200, &DraftPreview { blueprint: draft, markdown, quality: review, source: Source::Fallback })
}

/// `GET /api/blueprints/:id/versions/:version`: the read-only snapshot.
async fn version(call: Call, session: Session) -> Result<Response, AppError> {
    let id: BlueprintId = call.param("id")?;
    let number: VersionNumber = call.param("version")?;
    let row = blueprints::version(&call.env, &session.scope, &id, number).await?;
    edge::respond::json(200, &row.to_snapshot(&id)?)
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
