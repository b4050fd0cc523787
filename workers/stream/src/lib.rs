//! The SSE blueprint stream. Reached only through the api worker's service binding (it has no
//! public route); each blueprint's generation lives in its own Durable Object.

mod generation;

use domain::AppError;
use edge::context::log_line;
use edge::{respond, RequestContext};
use serde_json::json;
use worker::{event, Context, Env, Method, Request, Response, Result};

pub use generation::BlueprintGeneration;

const GENERATIONS: &str = "GENERATIONS";

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let inherited = req.headers().get("x-request-id").ok().flatten();
    let context = RequestContext::new(inherited);
    let path = req.path();
    let response = match route(&req, &env).await {
        Ok(response) => response,
        Err(error) => respond::error(&error, &context.request_id),
    };
    log_line("info", "stream.request", &json!({ "path": path, "status": response.status_code(), "ms": context.elapsed_ms() }));
    Ok(response)
}

async fn route(req: &Request, env: &Env) -> std::result::Result<Response, AppError> {
    match (req.method(), req.path().as_str()) {
        (Method::Get, "/internal/diagnostics") => diagnostics(env).await,
        (_, "/internal/diagnostics") => Err(AppError::method_not_allowed(&["GET"])),
        _ => Err(AppError::new(domain::ErrorKind::NotFound, "No such endpoint")),
    }
}

/// Proves the worker runs and reaches its Durable Object namespace (whose state persists).
async fn diagnostics(env: &Env) -> std::result::Result<Response, AppError> {
    let object: serde_json::Value = edge::durable::call(env, GENERATIONS, "diagnostics", &json!({ "op": "ping" })).await?;
    respond::json(200, &json!({ "status": "ok", "worker": "stream", "durableObject": object }))
}
