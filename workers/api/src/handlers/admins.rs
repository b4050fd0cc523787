//! Who is a platform admin. Nobody becomes one by signing up: a signed-in user who presents the
//! `ADMIN_BOOTSTRAP_TOKEN` secret is made one (`POST /api/admin/bootstrap`), and admins change
//! each other's roles (`PATCH /api/admin/users/:id`), never leaving the platform without one.
//! Every attempt, refused or not, is audited.

use domain::platform::auth::principal::check_role_change;
use domain::platform::auth::requests::{parse_bootstrap, parse_role_change};
use domain::platform::auth::tokens::matches_machine_token;
use domain::platform::auth::{Principal, Role};
use domain::platform::rate_limit::admin_bootstrap_limit;
use domain::AppError;
use edge::db::users::{self, RoleUpdate};
use edge::db::audit;
use edge::rate_limit::{client_network, reserve};
use edge::{body, clock, config, respond, RequestContext};
use serde_json::json;
use worker::{Env, Request, Response};

const BODY_LIMIT: usize = 4 * 1024;

/// Makes the caller an admin when `token` is the configured secret. Routed only while the secret
/// is configured (`routes::Features`); 403 for a wrong token (the caller is authenticated, the
/// token is what is refused — and a 401 would make the UI try a token refresh), 429 past
/// `domain::platform::rate_limit::ADMIN_BOOTSTRAP`.
pub async fn bootstrap(mut req: Request, env: &Env, principal: &Principal, context: &RequestContext) -> Result<Response, AppError> {
    let raw = body::read_limited(&mut req, BODY_LIMIT).await?;
    let request = parse_bootstrap(&raw)?;
    reserve(env, &[admin_bootstrap_limit(&principal.user_id, &client_network(&req))]).await?;
    if !matches_machine_token(&request.token, config::bootstrap_token(env).as_deref()) {
        record(env, principal, context, "admin.bootstrap_refused", &principal.user_id, json!({})).await;
        return Err(AppError::forbidden("Invalid bootstrap token"));
    }
    let account = match users::change_role(env, &principal.user_id, Role::Admin).await? {
        RoleUpdate::Changed(account) => account,
        // The account was deleted after its token was issued: not signed in.
        RoleUpdate::Missing | RoleUpdate::Refused { .. } => return Err(AppError::unauthorized()),
    };
    record(env, principal, context, "admin.bootstrap", &principal.user_id, json!({ "role": Role::Admin.as_str() })).await;
    respond::json(200, &json!({ "user": account }))
}

/// `PATCH /api/admin/users/:id {role}` (admins only): 404 for an unknown account, 409 for the
/// last admin's demotion.
pub async fn set_role(mut req: Request, env: &Env, principal: &Principal, user_id: &str, context: &RequestContext) -> Result<Response, AppError> {
    let raw = body::read_limited(&mut req, BODY_LIMIT).await?;
    let role = parse_role_change(&raw)?;
    match users::change_role(env, user_id, role).await? {
        RoleUpdate::Changed(account) => {
            record(env, principal, context, "admin.role_changed", user_id, json!({ "role": role.as_str() })).await;
            respond::json(200, &json!({ "user": account }))
        }
        RoleUpdate::Missing => Err(AppError::not_found("User")),
        RoleUpdate::Refused { current, admins } => {
            let refusal = check_role_change(current, role, admins).err();
            record(env, principal, context, "admin.role_change_refused", user_id, json!({ "role": role.as_str() })).await;
            if let Some(refusal) = refusal {
                return Err(refusal);
            }
            // The guard refused a change the rule allows: the roles changed in between.
            Err(AppError::conflict("The roles changed meanwhile; try again"))
        }
    }
}

async fn record(env: &Env, principal: &Principal, context: &RequestContext, action: &str, user_id: &str, metadata: serde_json::Value) {
    let entry = audit::Entry::by(principal, &context.request_id, action, "user", Some(user_id)).with_metadata(metadata);
    audit::record(env, entry, clock::now()).await;
}
