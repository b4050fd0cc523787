use domain::AppError;
use edge::respond;
use serde_json::json;
use worker::{Env, Response};

/// Liveness, without auth: answers as long as the worker runs.
pub async fn health(_env: &Env) -> Result<Response, AppError> {
    respond::json(200, &json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}
