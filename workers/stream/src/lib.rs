//! The SSE blueprint stream. Reached only through the api worker's service binding (it has no
//! public route; the api has authenticated the user and checked ownership and rate limits);
//! each blueprint's generation lives in its own Durable Object.

mod generation;
mod settings;
mod model_gate;

use domain::AppError;
use edge::{respond, OrInternal, RequestContext};
use serde_json::json;
use worker::{event, Context, Env, Headers, Method, Request, RequestInit, Response, Result};

pub use generation::BlueprintGeneration;
pub use model_gate::ModelGate;

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
    let response = match route(req, &env).await {
        Ok(response) => response,
        Err(error) => respond::error(&error, &context.request_id),
    };
    // Gate commands (several a second while requests wait for a model slot) are bookkeeping:
    // only their failures are logged.
    if !(path == edge::gate::SERVICE_PATH && response.status_code() == 200) {
        context.log("info", "stream.request", &json!({ "path": path, "status": response.status_code(), "ms": context.elapsed_ms() }));
    }
    Ok(response)
}

async fn route(req: Request, env: &Env) -> std::result::Result<Response, AppError> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["internal", "diagnostics"]) => diagnostics(env).await,
        // The api's question hub takes its model slots here (`edge::gate`).
        (Method::Post, ["internal", "gate"]) => to_gate(req, env).await,
        (Method::Post, ["generations", id, "start"]) => {
            let headers = forwarded_headers(&req, &[("x-blueprint-id", id)]);
            let body = req.clone().or_internal("request.clone")?.text().await.or_internal("request.body")?;
            to_object(env, id, "/start", Method::Post, headers, Some(body)).await
        }
        (Method::Get, ["generations", id, "events"]) => {
            let headers = forwarded_headers(&req, &[]);
            to_object(env, id, "/events", Method::Get, headers, None).await
        }
        (Method::Delete, ["generations", id]) => {
            let headers = forwarded_headers(&req, &[]);
            to_object(env, id, "/forget", Method::Post, headers, None).await
        }
        _ => Err(AppError::new(domain::ErrorKind::NotFound, "No such endpoint")),
    }
}

fn forwarded_headers(req: &Request, extra: &[(&str, &str)]) -> Headers {
    let headers = Headers::new();
    for name in ["content-type", "last-event-id", "x-user-id", "x-request-id"] {
        if let Ok(Some(value)) = req.headers().get(name) {
            let _ = headers.set(name, &value);
        }
    }
    for (name, value) in extra {
        let _ = headers.set(name, value);
    }
    headers
}

/// The blueprint's own object answers (an SSE stream, or a JSON error).
async fn to_object(env: &Env, blueprint_id: &str, path: &str, method: Method, headers: Headers, body: Option<String>) -> std::result::Result<Response, AppError> {
    let stub = env.durable_object(GENERATIONS).or_internal("generations.binding")?.get_by_name(blueprint_id).or_internal("generations.stub")?;
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers).with_body(body.map(Into::into));
    let request = Request::new_with_init(&format!("https://generation.internal{path}"), &init).or_internal("generations.request")?;
    stub.fetch_with_request(request).await.or_internal("generations.fetch")
}

/// Hands a gate command from the api to the model gate and its reply back.
async fn to_gate(mut req: Request, env: &Env) -> std::result::Result<Response, AppError> {
    let body = req.bytes().await.or_internal("gate.body")?;
    let command: domain::llm::gate::GateCommand = domain::platform::input::parse_json(&body)?;
    let reply = edge::gate::send(env, edge::gate::Route::Object, &command).await?;
    respond::json(200, &reply)
}

/// Proves the worker runs and reaches its Durable Object namespace (whose state persists).
async fn diagnostics(env: &Env) -> std::result::Result<Response, AppError> {
    let mut answer = to_object(env, "diagnostics", "/ping", Method::Post, Headers::new(), None).await?;
    let object: serde_json::Value = answer.json().await.or_internal("generations.ping")?;
    respond::json(200, &json!({ "status": "ok", "worker": "stream", "durableObject": object }))
}
