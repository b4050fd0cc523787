//! The route table: path and method to handler, with 404 and 405 (and `Allow`) as JSON.

use crate::handlers::{admin, auth, blueprints, dashboard, exports, generation, health, stream};
use domain::auth::tokens::matches_machine_token;
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
    AdminCronRun,
    ListBlueprints,
    CreateBlueprint,
    GetBlueprint(String),
    DeleteBlueprint(String),
    RenameBlueprint(String),
    PatchStaticAnswers(String),
    PatchDynamicAnswers(String),
    GenerateQuestions,
    GenerateDynamicQuestions,
    GenerateBlueprint,
    GenerationEvents(String),
    Versions(String),
    KeepDraft(String),
    Version(String, String),
    CreateExport(String),
    DownloadExport(String),
    Dashboard(String),
    Compare(String),
}

enum Access {
    Public,
    Session,
    Admin,
    /// An admin, or the local scheduler presenting `CRON_TRIGGER_TOKEN` as a Bearer token.
    AdminOrScheduler,
}

impl Route {
    fn access(&self) -> Access {
        match self {
            Route::Health | Route::Signup | Route::Login | Route::Refresh => Access::Public,
            Route::Logout
            | Route::Me
            | Route::ListBlueprints
            | Route::CreateBlueprint
            | Route::GetBlueprint(_)
            | Route::DeleteBlueprint(_)
            | Route::RenameBlueprint(_)
            | Route::PatchStaticAnswers(_)
            | Route::PatchDynamicAnswers(_)
            | Route::GenerateQuestions
            | Route::GenerateDynamicQuestions
            | Route::GenerateBlueprint
            | Route::Versions(_)
            | Route::KeepDraft(_)
            | Route::Version(_, _)
            | Route::CreateExport(_)
            | Route::DownloadExport(_)
            | Route::Dashboard(_)
            | Route::Compare(_) => Access::Session,
            // The viewer token in the query string authorises it (checked by the handler).
            Route::GenerationEvents(_) => Access::Public,
            Route::AdminDiagnostics | Route::AdminQueueProbe | Route::AdminJobRuns => Access::Admin,
            Route::AdminCronRun => Access::AdminOrScheduler,
        }
    }
}

const GET: &[&str] = &["GET"];
const POST: &[&str] = &["POST"];
const PATCH: &[&str] = &["PATCH"];
const GET_POST: &[&str] = &["GET", "POST"];
const GET_PATCH_DELETE: &[&str] = &["GET", "PATCH", "DELETE"];

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
        ["admin", "cron", "run"] => only(POST, Method::Post, Route::AdminCronRun),
        ["generate-questions"] => only(POST, Method::Post, Route::GenerateQuestions),
        ["generate-dynamic-questions"] => only(POST, Method::Post, Route::GenerateDynamicQuestions),
        ["generate-blueprint"] => only(POST, Method::Post, Route::GenerateBlueprint),
        ["generate-blueprint", id, "events"] => only(GET, Method::Get, Route::GenerationEvents(id.to_string())),
        ["blueprints", id, "dashboard"] => only(GET, Method::Get, Route::Dashboard(id.to_string())),
        ["blueprints", id, "compare"] => only(GET, Method::Get, Route::Compare(id.to_string())),
        ["blueprints", id, "exports"] => only(POST, Method::Post, Route::CreateExport(id.to_string())),
        ["exports", id, "download"] => only(GET, Method::Get, Route::DownloadExport(id.to_string())),
        ["blueprints", id, "versions"] => only(GET, Method::Get, Route::Versions(id.to_string())),
        ["blueprints", id, "keep-draft"] => only(POST, Method::Post, Route::KeepDraft(id.to_string())),
        ["blueprints", id, "versions", version] => only(GET, Method::Get, Route::Version(id.to_string(), version.to_string())),
        ["blueprints"] => match method {
            Method::Get => Ok(Route::ListBlueprints),
            Method::Post => Ok(Route::CreateBlueprint),
            _ => Err(AppError::method_not_allowed(GET_POST)),
        },
        ["blueprints", id, "static-answers"] => only(PATCH, Method::Patch, Route::PatchStaticAnswers(id.to_string())),
        ["blueprints", id, "dynamic-answers"] => only(PATCH, Method::Patch, Route::PatchDynamicAnswers(id.to_string())),
        // Seed 000's read path is singular; the plural one is its REST twin.
        ["blueprint", id] => only(GET, Method::Get, Route::GetBlueprint(id.to_string())),
        ["blueprints", id] => match method {
            Method::Get => Ok(Route::GetBlueprint(id.to_string())),
            Method::Patch => Ok(Route::RenameBlueprint(id.to_string())),
            Method::Delete => Ok(Route::DeleteBlueprint(id.to_string())),
            _ => Err(AppError::method_not_allowed(GET_PATCH_DELETE)),
        },
        _ => Err(AppError::new(domain::ErrorKind::NotFound, "No such endpoint")),
    }
}

pub async fn dispatch(route: Route, req: Request, env: &Env, context: &RequestContext) -> Result<Response, AppError> {
    let principal = match route.access() {
        Access::Public => None,
        Access::AdminOrScheduler if presents_scheduler_token(&req, env) => None,
        Access::Session | Access::Admin | Access::AdminOrScheduler => {
            let keys = config::token_keys(env)?;
            let principal = session::authenticate(&req, &keys)?;
            if matches!(route.access(), Access::Admin | Access::AdminOrScheduler) {
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
        (Route::AdminCronRun, principal) => admin::run_cron(req, env, principal.as_ref(), context).await,
        (Route::ListBlueprints, Some(principal)) => blueprints::list(req, env, &principal).await,
        (Route::CreateBlueprint, Some(principal)) => blueprints::create(req, env, &principal, context).await,
        (Route::GetBlueprint(id), Some(principal)) => blueprints::get(env, &principal, &id).await,
        (Route::DeleteBlueprint(id), Some(principal)) => blueprints::delete(env, &principal, &id, context).await,
        (Route::RenameBlueprint(id), Some(principal)) => blueprints::rename(req, env, &principal, &id, context).await,
        (Route::GenerateBlueprint, Some(principal)) => stream::generate(req, env, &principal, context).await,
        (Route::GenerationEvents(id), _) => stream::events(req, env, &id, context).await,
        (Route::Versions(id), Some(principal)) => stream::versions(env, &principal, &id).await,
        (Route::KeepDraft(id), Some(principal)) => stream::keep_draft(env, &principal, &id, context).await,
        (Route::Version(id, version), Some(principal)) => stream::version(env, &principal, &id, &version).await,
        (Route::Dashboard(id), Some(principal)) => dashboard::dashboard(req, env, &principal, &id).await,
        (Route::Compare(id), Some(principal)) => dashboard::compare(req, env, &principal, &id).await,
        (Route::CreateExport(id), Some(principal)) => exports::create(req, env, &principal, &id, context).await,
        (Route::DownloadExport(id), Some(principal)) => exports::download(env, &principal, &id, context).await,
        (Route::GenerateQuestions, Some(principal)) => generation::generate_questions(req, env, &principal, context).await,
        (Route::GenerateDynamicQuestions, Some(principal)) => generation::generate_dynamic_questions(req, env, &principal, context).await,
        (Route::PatchDynamicAnswers(id), Some(principal)) => blueprints::patch_dynamic_answers(req, env, &principal, &id).await,
        (Route::PatchStaticAnswers(id), Some(principal)) => blueprints::patch_static_answers(req, env, &principal, &id).await,
        _ => Err(AppError::unauthorized()),
    }
}

fn presents_scheduler_token(req: &Request, env: &Env) -> bool {
    let credentials = session::credentials(req);
    let configured = config::secret(env, "CRON_TRIGGER_TOKEN");
    credentials.bearer.is_some_and(|token| matches_machine_token(&token, configured.as_deref()))
}
