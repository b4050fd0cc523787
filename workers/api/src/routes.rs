//! The route table: path and method to handler, with 404 and 405 (and `Allow`) as JSON.

use crate::handlers::{admin, admins, auth, blueprints, dashboard, exports, generation, health, stream};
use domain::platform::auth::tokens::matches_machine_token;
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
    AdminBootstrap,
    SetUserRole(String),
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
    Draft(String),
    Version(String, String),
    CreateExport(String),
    DownloadExport(String),
    Dashboard(String),
    Compare(String),
}

enum Access {
    Public,
    Session,
    /// A session whose account is an admin now, and whose sign-in is still live: both read from
    /// D1 on every call, not trusted from the token (see `session::require_admin`).
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
            | Route::Draft(_)
            | Route::Version(_, _)
            | Route::CreateExport(_)
            | Route::DownloadExport(_)
            | Route::Dashboard(_)
            | Route::Compare(_) => Access::Session,
            // Any signed-in user may try; the secret decides (rate-limited, audited).
            Route::AdminBootstrap => Access::Session,
            // The viewer token in the query string authorises it (checked by the handler).
            Route::GenerationEvents(_) => Access::Public,
            Route::AdminDiagnostics | Route::AdminQueueProbe | Route::AdminJobRuns | Route::SetUserRole(_) => Access::Admin,
            Route::AdminCronRun => Access::AdminOrScheduler,
        }
    }
}

const GET: &[&str] = &["GET"];
const POST: &[&str] = &["POST"];
const PATCH: &[&str] = &["PATCH"];
const GET_POST: &[&str] = &["GET", "POST"];
const GET_PATCH_DELETE: &[&str] = &["GET", "PATCH", "DELETE"];

/// Endpoints that exist only when configured.
pub struct Features {
    /// `POST /api/admin/bootstrap`: only with a usable `ADMIN_BOOTSTRAP_TOKEN`. Without one the
    /// path is answered like any unknown one (404), so a deployment that has provisioned its
    /// admins and deleted the secret shows no trace of the mechanism.
    pub bootstrap: bool,
}

impl Features {
    pub fn from_env(env: &Env) -> Self {
        Features { bootstrap: config::bootstrap_token(env).is_some() }
    }
}

pub fn resolve(method: &Method, path: &str, features: &Features) -> Result<Route, AppError> {
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
        ["admin", "bootstrap"] if features.bootstrap => only(POST, Method::Post, Route::AdminBootstrap),
        ["admin", "users", id] => only(PATCH, Method::Patch, Route::SetUserRole(id.to_string())),
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
        ["blueprints", id, "draft"] => only(GET, Method::Get, Route::Draft(id.to_string())),
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
    let session = match route.access() {
        Access::Public => None,
        Access::AdminOrScheduler if presents_scheduler_token(&req, env) => None,
        Access::Session => Some(session::authenticate_session(&req, &config::token_keys(env)?)?),
        Access::Admin | Access::AdminOrScheduler => {
            let verified = session::authenticate_session(&req, &config::token_keys(env)?)?;
            Some(session::require_admin(env, verified).await?)
        }
    };
    let session_id = session.as_ref().and_then(|session| session.id.clone());
    let principal = session.map(|session| session.principal);
    match (route, principal) {
        (Route::Health, _) => health::health(env).await,
        (Route::Signup, _) => auth::signup(req, env, context).await,
        (Route::Login, _) => auth::login(req, env, context).await,
        (Route::Refresh, _) => auth::refresh(req, env, context).await,
        (Route::Logout, Some(principal)) => auth::logout(req, env, &principal, session_id.as_deref(), context).await,
        (Route::Me, Some(principal)) => auth::me(env, &principal).await,
        (Route::AdminDiagnostics, Some(_)) => admin::diagnostics(env, context).await,
        (Route::AdminQueueProbe, Some(principal)) => admin::queue_probe(env, &principal, context).await,
        (Route::AdminJobRuns, Some(_)) => admin::job_runs(req, env).await,
        (Route::AdminCronRun, principal) => admin::run_cron(req, env, principal.as_ref(), context).await,
        (Route::AdminBootstrap, Some(principal)) => admins::bootstrap(req, env, &principal, context).await,
        (Route::SetUserRole(id), Some(principal)) => admins::set_role(req, env, &principal, &id, context).await,
        (Route::ListBlueprints, Some(principal)) => blueprints::list(req, env, &principal).await,
        (Route::CreateBlueprint, Some(principal)) => blueprints::create(req, env, &principal, context).await,
        (Route::GetBlueprint(id), Some(principal)) => blueprints::get(env, &principal, &id).await,
        (Route::DeleteBlueprint(id), Some(principal)) => blueprints::delete(env, &principal, &id, context).await,
        (Route::RenameBlueprint(id), Some(principal)) => blueprints::rename(req, env, &principal, &id, context).await,
        (Route::GenerateBlueprint, Some(principal)) => stream::generate(req, env, &principal, context).await,
        (Route::GenerationEvents(id), _) => stream::events(req, env, &id, context).await,
        (Route::Versions(id), Some(principal)) => stream::versions(env, &principal, &id).await,
        (Route::KeepDraft(id), Some(principal)) => stream::keep_draft(env, &principal, &id, context).await,
        (Route::Draft(id), Some(principal)) => stream::draft(env, &principal, &id).await,
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
