//! The public entry point: the web UI (static assets), auth, and every REST endpoint. It is the
//! only origin the browser talks to.

mod handlers;
mod llm_hub;
mod question_sets;
mod rate_limiter;
mod router;
mod settings;

use domain::platform::http::{is_local_host, OriginPolicy, RequestFacts};
use domain::AppError;
use edge::{respond, session, RequestContext};
use serde_json::json;
use worker::{event, Context, Env, Method, Request, Response, Result};

pub use llm_hub::LlmHub;
pub use rate_limiter::RateLimiter;

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let context = RequestContext::new(None);
    let url = req.url()?;
    let host = url.host_str().unwrap_or_default().to_string();
    let local = is_local_host(&host);
    let method = req.method();
    let path = url.path().to_string();
    let origin = req.headers().get("origin").ok().flatten();
    let policy = origin_policy(&settings::Settings::of(&env), &url);

    let outcome = handle(req, &env, &context, &policy).await;
    let mut response = match outcome {
        Ok(response) => response,
        Err(error) => respond::error(&error, &context.request_id),
    };
    if path.starts_with("/api/") {
        if let Some(allowed) = policy.cors_origin(origin.as_deref()) {
            let headers = response.headers_mut();
            let _ = headers.set("access-control-allow-origin", allowed);
            let _ = headers.set("access-control-allow-credentials", "true");
            let _ = headers.set("vary", "Origin");
        }
    }
    let response = respond::finish(response, &context.request_id, local);
    context.log(
        "info",
        "request",
        &json!({ "method": method.to_string(), "path": path, "status": response.status_code(), "ms": context.elapsed_ms() }),
    );
    Ok(response)
}

/// This deployment's own origin: `PUBLIC_ORIGIN` when set (behind a custom domain), else the
/// request's.
fn origin_policy(settings: &settings::Settings, url: &worker::Url) -> OriginPolicy {
    let own = settings.public_origin.clone().unwrap_or_else(|| url.origin().ascii_serialization());
    OriginPolicy::new(&own, &settings.cors_allowlist)
}

async fn handle(req: Request, env: &Env, context: &RequestContext, policy: &OriginPolicy) -> std::result::Result<Response, AppError> {
    let path = req.path();
    if !path.starts_with("/api/") && path != "/api" {
        return handlers::assets::serve(req, env, &context.request_id).await;
    }
    let origin = req.headers().get("origin").ok().flatten();
    if req.method() == Method::Options {
        return preflight(policy, origin.as_deref());
    }
    let credentials = session::credentials(&req);
    let referer = req.headers().get("referer").ok().flatten();
    policy.check_state_change(&RequestFacts {
        method: req.method().as_ref(),
        origin: origin.as_deref(),
        referer: referer.as_deref(),
        has_cookie: credentials.has_cookie,
        has_bearer: credentials.bearer.is_some(),
    })?;
    router::dispatch(req, env.clone(), context).await
}

/// CORS preflight: answered only for allowlisted origins.
fn preflight(policy: &OriginPolicy, origin: Option<&str>) -> std::result::Result<Response, AppError> {
    let allowed = policy.cors_origin(origin).ok_or_else(|| AppError::forbidden("Origin not allowed"))?;
    let response = Response::empty().map_err(|_| AppError::internal())?.with_status(204);
    let headers = worker::Headers::new();
    let _ = headers.set("access-control-allow-origin", allowed);
    let _ = headers.set("access-control-allow-credentials", "true");
    let _ = headers.set("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE");
    let _ = headers.set("access-control-allow-headers", "content-type, authorization, idempotency-key, last-event-id");
    let _ = headers.set("access-control-max-age", "600");
    let _ = headers.set("vary", "Origin");
    Ok(response.with_headers(headers))
}
