//! The route table, composed from each resource's own `ROUTES`: a route is a method, a path
//! pattern and a handler wrapped in its access rule. The access rule is the handler's type, so a
//! route without one does not compile, and a handler that needs the caller cannot be declared
//! public. Unknown paths are 404 and known paths with another method 405 with `Allow`, as JSON.

use crate::handlers::{
    admin, admins, analytics, auth, blueprints, content, courses, dashboard, exports, generation, health, learn, members, stream, syllabi, tenants,
};
use domain::platform::auth::tokens::matches_machine_token;
use domain::platform::auth::Session;
use domain::platform::ids::PathParam;
use domain::platform::routing::{conflicts, match_path, specificity};
use domain::{AppError, ErrorKind};
use crate::settings::Settings;
use edge::session::Member;
use edge::{body, session, OrInternal, RequestContext};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::OnceLock;
use worker::{Env, Method, Request, Response};

/// Every resource's routes. A new resource adds its module's `ROUTES` here and nothing else.
const RESOURCES: &[&[Route]] = &[
    health::ROUTES,
    auth::ROUTES,
    admin::ROUTES,
    admins::ROUTES,
    members::ROUTES,
    tenants::ROUTES,
    blueprints::ROUTES,
    generation::ROUTES,
    syllabi::ROUTES,
    content::ROUTES,
    courses::ROUTES,
    learn::ROUTES,
    analytics::ROUTES,
    stream::ROUTES,
    dashboard::ROUTES,
    exports::ROUTES,
];

/// What a handler answers, boxed so handlers of every access rule fit one table.
pub type Reply = Pin<Box<dyn Future<Output = Result<Response, AppError>>>>;

/// Who may call a route, and so what its handler is given.
pub enum Access {
    /// Anyone: the handler authorises by itself if at all (e.g. a viewer token).
    Public(fn(Call) -> Reply),
    /// A verified access token.
    Session(fn(Call, Session) -> Reply),
    /// A session whose roles are read from D1 on this call and whose sign-in is still live (see
    /// `session::live`): for handlers whose rule depends on the caller's role (a reviewer's).
    Member(fn(Call, Member) -> Reply),
    /// A member who is an admin of its tenant now (its users, invitations).
    TenantAdmin(fn(Call, Member) -> Reply),
    /// A member who is a platform admin now: the operations plane, tenants.
    PlatformAdmin(fn(Call, Session) -> Reply),
    /// A platform admin, or the local scheduler presenting `CRON_TRIGGER_TOKEN` as a Bearer
    /// token (then there is no session).
    PlatformAdminOrScheduler(fn(Call, Option<Session>) -> Reply),
}

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    /// Routes that exist only when configured: otherwise the path is answered like any unknown
    /// one (404), leaving no trace of the mechanism.
    pub enabled: Option<fn(&Settings) -> bool>,
}

impl Route {
    pub const fn new(method: Method, path: &'static str, access: Access) -> Self {
        Route {
            method,
            path,
            access,
            enabled: None,
        }
    }

    pub const fn only_if(self, enabled: fn(&Settings) -> bool) -> Self {
        Route {
            enabled: Some(enabled),
            ..self
        }
    }
}

/// One request on its way to a handler: the request, the environment, the request's context
/// and the path's parameters (read typed, through [`Call::param`]).
pub struct Call {
    pub req: Request,
    pub env: Env,
    pub settings: Rc<Settings>,
    pub context: RequestContext,
    params: Vec<(&'static str, String)>,
}

impl Call {
    /// The path parameter `name`, parsed into its id type: malformed is "not found".
    pub fn param<T: PathParam>(&self, name: &str) -> Result<T, AppError> {
        let raw = self
            .params
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str());
        T::from_path(raw.unwrap_or_default())
    }

    /// The body, read up to `limit` bytes (413 beyond).
    pub async fn body(&mut self, limit: usize) -> Result<Vec<u8>, AppError> {
        body::read_limited(&mut self.req, limit).await
    }

    /// The query string as decoded pairs.
    pub fn query(&self) -> Result<Vec<(String, String)>, AppError> {
        let url = self.req.url().or_internal("url")?;
        Ok(url
            .query_pairs()
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect())
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.req.headers().get(name).ok().flatten()
    }
}

/// Finds the route for the request, checks its access rule and runs its handler.
pub async fn dispatch(req: Request, env: Env, context: &RequestContext) -> Result<Response, AppError> {
    check_table()?;
    let settings = Settings::of(&env);
    let path = req.path();
    let method = req.method();
    let matching = routes_for(&path, &settings);
    let Some((route, captured)) = matching.iter().find(|(route, _)| route.method == method) else {
        if matching.is_empty() {
            return Err(AppError::new(ErrorKind::NotFound, "No such endpoint"));
        }
        let allowed: Vec<&'static str> = matching.iter().map(|(route, _)| method_name(&route.method)).collect();
        return Err(AppError::method_not_allowed(&allowed));
    };
    let params = captured.iter().map(|(name, value)| (*name, value.to_string())).collect();
    let call = Call { req, env, settings, context: context.clone(), params };
    match route.access {
        Access::Public(handler) => handler(call).await,
        Access::Session(handler) => {
            let session = session::authenticate_session(&call.req, &call.settings.token_keys()?)?;
            handler(call, session).await
        }
        Access::Member(handler) => {
            let verified = session::authenticate_session(&call.req, &call.settings.token_keys()?)?;
            let member = session::live(&call.env, verified).await?;
            handler(call, member).await
        }
        Access::TenantAdmin(handler) => {
            let verified = session::authenticate_session(&call.req, &call.settings.token_keys()?)?;
            let member = session::require_tenant_admin(&call.env, verified).await?;
            handler(call, member).await
        }
        Access::PlatformAdmin(handler) => {
            let session = platform_admin_session(&call).await?;
            handler(call, session).await
        }
        Access::PlatformAdminOrScheduler(handler) => {
            if presents_scheduler_token(&call) {
                return handler(call, None).await;
            }
            let session = platform_admin_session(&call).await?;
            handler(call, Some(session)).await
        }
    }
}

/// The routes whose pattern matches `path` most specifically, with their captures.
fn routes_for<'p>(path: &'p str, settings: &Settings) -> Vec<(&'static Route, Vec<(&'static str, &'p str)>)> {
    let mut matching: Vec<(&'static Route, Vec<(&'static str, &'p str)>)> = RESOURCES
        .iter()
        .flat_map(|routes| routes.iter())
        .filter(|route| route.enabled.is_none_or(|enabled| enabled(settings)))
        .filter_map(|route| match_path(route.path, path).map(|captured| (route, captured)))
        .collect();
    let best = matching.iter().map(|(route, _)| specificity(route.path)).max().unwrap_or(0);
    matching.retain(|(route, _)| specificity(route.path) == best);
    matching
}

/// The table is checked once per isolate: two routes answering the same requests make every
/// request a logged 500, so the mistake shows on the first test, not as a silently shadowed
/// endpoint.
fn check_table() -> Result<(), AppError> {
    static CHECKED: OnceLock<Vec<String>> = OnceLock::new();
    let found = CHECKED.get_or_init(|| {
        let table: Vec<(&str, &'static str)> = RESOURCES
            .iter()
            .flat_map(|routes| routes.iter())
            .map(|route| (method_name(&route.method), route.path))
            .collect();
        conflicts(&table)
    });
    match found.first() {
        None => Ok(()),
        Some(conflict) => Err(AppError::internal().caused_by("routes.conflict", conflict.clone())),
    }
}

async fn platform_admin_session(call: &Call) -> Result<Session, AppError> {
    let verified = session::authenticate_session(&call.req, &call.settings.token_keys()?)?;
    session::require_platform_admin(&call.env, verified).await
}

fn presents_scheduler_token(call: &Call) -> bool {
    let credentials = session::credentials(&call.req);
    credentials.bearer.is_some_and(|token| matches_machine_token(&token, call.settings.scheduler_token.as_deref()))
}

fn method_name(method: &Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
        Method::Head => "HEAD",
        Method::Options => "OPTIONS",
        Method::Connect => "CONNECT",
        Method::Trace => "TRACE",
        Method::Report => "REPORT",
    }
}
