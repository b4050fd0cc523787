//! Who is a platform admin. Nobody becomes one by signing up: a signed-in user who presents the
//! `ADMIN_BOOTSTRAP_TOKEN` secret is made one (`POST /api/admin/bootstrap`), and admins change
//! each other's roles (`PATCH /api/admin/users/:id`), never leaving the platform without one.
//! Every attempt, refused or not, is audited.

use crate::router::{Access, Call, Route};
use domain::contracts::admin::RoleAnswer;
use domain::platform::auth::scope::check_role_change;
use domain::platform::auth::requests::{parse_bootstrap, parse_role_change};
use domain::platform::auth::tokens::matches_machine_token;
use domain::platform::auth::{Role, Scope, Session};
use domain::platform::ids::UserId;
use domain::platform::rate_limit::admin_bootstrap_limit;
use domain::AppError;
use edge::db::users::{self, RoleUpdate};
use edge::db::audit;
use edge::rate_limit::{client_network, reserve};
use edge::{clock, respond};
use serde_json::json;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[
    // Any signed-in user may try; the secret decides (rate-limited, audited). Without a usable
    // secret there is no such endpoint.
    Route::new(Method::Post, "/api/admin/bootstrap", Access::Session(|call, session| Box::pin(bootstrap(call, session)))).only_if(|settings| settings.bootstrap_token.is_some()),
    Route::new(Method::Patch, "/api/admin/users/:id", Access::Admin(|call, session| Box::pin(set_role(call, session)))),
];

const BODY_LIMIT: usize = 4 * 1024;

/// Makes the caller an admin when `token` is the configured secret. Routed only while the secret
/// is configured (`Settings::bootstrap_token`); 403 for a wrong token (the caller is authenticated, the
/// token is what is refused — and a 401 would make the UI try a token refresh), 429 past
/// `domain::platform::rate_limit::ADMIN_BOOTSTRAP`.
async fn bootstrap(mut call: Call, session: Session) -> Result<Response, AppError> {
    let raw = call.body(BODY_LIMIT).await?;
    let (env, scope) = (&call.env, &session.scope);
    let request = parse_bootstrap(&raw)?;
    reserve(env, &[admin_bootstrap_limit(scope.user.as_str(), &client_network(&call.req))]).await?;
    if !matches_machine_token(&request.token, call.settings.bootstrap_token.as_deref()) {
        record(&call, scope, "admin.bootstrap_refused", &scope.user, json!({})).await;
        return Err(AppError::forbidden("Invalid bootstrap token"));
    }
    let account = match users::change_role(env, &scope.user, Role::Admin).await? {
        RoleUpdate::Changed(account) => account,
        // The account was deleted after its token was issued: not signed in.
        RoleUpdate::Missing | RoleUpdate::Refused { .. } => return Err(AppError::unauthorized()),
    };
    record(&call, scope, "admin.bootstrap", &scope.user, json!({ "role": Role::Admin.as_str() })).await;
    respond::json(200, &RoleAnswer { user: account })
}

/// `PATCH /api/admin/users/:id {role}` (admins only): 404 for an unknown account, 409 for the
/// last admin's demotion.
async fn set_role(mut call: Call, session: Session) -> Result<Response, AppError> {
    let user_id: UserId = call.param("id")?;
    let raw = call.body(BODY_LIMIT).await?;
    let role = parse_role_change(&raw)?;
    let scope = &session.scope;
    match users::change_role(&call.env, &user_id, role).await? {
        RoleUpdate::Changed(account) => {
            record(&call, scope, "admin.role_changed", &user_id, json!({ "role": role.as_str() })).await;
            respond::json(200, &RoleAnswer { user: account })
        }
        RoleUpdate::Missing => Err(AppError::not_found("User")),
        RoleUpdate::Refused { current, admins } => {
            let refusal = check_role_change(current, role, admins).err();
            record(&call, scope, "admin.role_change_refused", &user_id, json!({ "role": role.as_str() })).await;
            if let Some(refusal) = refusal {
                return Err(refusal);
            }
            // The guard refused a change the rule allows: the roles changed in between.
            Err(AppError::conflict("The roles changed meanwhile; try again"))
        }
    }
}

async fn record(call: &Call, scope: &Scope, action: &str, user_id: &UserId, metadata: serde_json::Value) {
    let entry = audit::Entry::by(scope, &call.context.request_id, action, "user", Some(user_id.as_str())).with_metadata(metadata);
    audit::record(&call.env, entry, clock::now()).await;
}
