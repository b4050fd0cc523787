//! Who is a platform admin. Nobody becomes one by signing up: a signed-in user who presents the
//! `ADMIN_BOOTSTRAP_TOKEN` secret is made one (`POST /api/admin/bootstrap`); platform admins
//! then grant and remove it for each other (`PATCH /api/admin/users/:id {platformAdmin}`, in
//! `members.rs`), never leaving the platform without one. Every attempt, refused or not, is
//! audited.

use crate::router::{Access, Call, Route};
use domain::contracts::admin::RoleAnswer;
use domain::platform::auth::requests::parse_bootstrap;
use domain::platform::auth::tokens::matches_machine_token;
use domain::platform::auth::{Role, Session};
use domain::platform::rate_limit::admin_bootstrap_limit;
use domain::AppError;
use edge::db::audit;
use edge::db::users;
use edge::rate_limit::{client_network, reserve};
use edge::{clock, respond};
use serde_json::json;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[
    // Any signed-in user may try; the secret decides (rate-limited, audited). Without a usable
    // secret there is no such endpoint.
    Route::new(Method::Post, "/api/admin/bootstrap", Access::Session(|call, session| Box::pin(bootstrap(call, session)))).only_if(|settings| settings.bootstrap_token.is_some()),
];

const BODY_LIMIT: usize = 4 * 1024;

/// Makes the caller a platform admin (and its tenant's admin) when `token` is the configured
/// secret. Routed only while the secret is configured (`Settings::bootstrap_token`); 403 for a
/// wrong token (the caller is authenticated, the token is what is refused — and a 401 would make
/// the UI try a token refresh), 429 past `domain::platform::rate_limit::ADMIN_BOOTSTRAP`.
async fn bootstrap(mut call: Call, session: Session) -> Result<Response, AppError> {
    let raw = call.body(BODY_LIMIT).await?;
    let (env, scope) = (&call.env, &session.scope);
    let request = parse_bootstrap(&raw)?;
    reserve(env, &[admin_bootstrap_limit(scope.user.as_str(), &client_network(&call.req))]).await?;
    let record = |action: &'static str, metadata: serde_json::Value| {
        let entry = audit::Entry::by(scope, &call.context.request_id, action, "user", Some(scope.user.as_str())).with_metadata(metadata);
        audit::record(env, entry, clock::now())
    };
    if !matches_machine_token(&request.token, call.settings.bootstrap_token.as_deref()) {
        record("admin.bootstrap_refused", json!({})).await;
        return Err(AppError::forbidden("Invalid bootstrap token"));
    }
    // The account was deleted after its token was issued: not signed in.
    let account = users::make_platform_admin(env, &scope.user).await?.ok_or_else(AppError::unauthorized)?;
    record("admin.bootstrap", json!({ "role": Role::Admin.as_str(), "platformAdmin": true })).await;
    respond::json(200, &RoleAnswer { user: account })
}
