//! The route table: path and method to handler, with 404 and 405 (and `Allow`) as JSON.

use crate::handlers::{admin, auth, health};
use domain::AppError;
use edge::{config, session, RequestContext};
use worker::{Env, Method, Request, Response};

pub enum Route {
    Health,
    Signup,
    Login,
    Refresh,
    Logout,
    Me,
    AdminDiagnostics,
    AdminQueueProbe,
    AdminJobRuns,
}

enum Access {
    Public,
    Session,
    Admin,
}

impl Route {
    fn access(&self) -> Access {
        match self {
            Route::Health | Route::Signup | Route::Login | Route::Refresh => Access::Public,
            Route::Logout | Route::Me => Access::Session,
            Route::AdminDiagnostics | Route::AdminQueueProbe | Route::AdminJobRuns => Access::Admin,
        }
    }
}

const GET: &[&str] = &["GET"];
const POST: &[&str] = &["POST"];

pub fn resolve(method: &Method, path: &str) -> Result<Route, AppError> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(2).collect();
    let only = |allowed: &'static [&'static str], wanted: Method, route: Route| {
        if *method == wanted { Ok(route) } else { Err(AppError::method_not_allowed(allowed)) }
    };
    match segments.as_slice() {
        ["health"] => only(GET, Method::Get, Route::Health),
        ["auth", "signup"] => only(POST, Method::Post, Route::Signup),
        ["auth", "login"] => only(POST, Method::Post, Route::Login),
        ["auth", "refresh"] => only(POST, Method::Post, Route::Refresh),
        ["auth", "logout"] => only(POST, Method::Post, Route::Logout),
        ["auth", "me"] => only(GET, Method::Get, Route::Me),
        ["admin", "diagnostics"] => only(GET, Method::Get, Route::AdminDiagnostics),
        ["admin", "diagnostics", "queue-probe"] => only(POST, Method::Post, Route::AdminQueueProbe),
        ["admin", "job-runs"] => only(GET, Method::Get, Route::AdminJobRuns),
        _ => Err(AppError::new(domain::ErrorKind::NotFound, "No such endpoint")),
    }
}

pub async fn dispatch(route: Route, req: Request, env: &Env, context: &RequestContext) -> Result<Response, AppError> {
    let principal = match route.access() {
        Access::Public => None,
        Access::Session | Access::Admin => {
            let keys = config::token_keys(env)?;
            let principal = session::authenticate(&req, &keys)?;
            if matches!(route.access(), Access::Admin) {
                session::require_admin(&principal)?;
            }
            Some(principal)
        }
    };
    match (route, principal) {
        (Route::Health, _) => health::health(env).await,
        (Route::Signup, _) => auth::signup(req, env, context).await,
        (Route::Login, _) => auth::login(req, env, context).await,
        (Route::Refresh, _) => auth::refresh(req, env, context).await,
        (Route::Logout, Some(principal)) => auth::logout(req, env, &principal, context).await,
        (Route::Me, Some(principal)) => auth::me(env, &principal).await,
        (Route::AdminDiagnostics, Some(_)) => admin::diagnostics(env, context).await,
        (Route::AdminQueueProbe, Some(principal)) => admin::queue_probe(env, &principal, context).await,
        (Route::AdminJobRuns, Some(_)) => admin::job_runs(req, env).await,
        _ => Err(AppError::unauthorized()),
    }
}
