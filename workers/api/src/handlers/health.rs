use crate::router::{Access, Call, Route};
use domain::contracts::admin::Health;
use domain::AppError;
use edge::respond;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[Route::new(Method::Get, "/api/health", Access::Public(|call| Box::pin(health(call))))];

/// Liveness, without auth: answers as long as the worker runs.
async fn health(_call: Call) -> Result<Response, AppError> {
    respond::json(200, &Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() })
}
