//! A tenant's accounts and their roles (`GET /api/admin/users`, `PATCH /api/admin/users/:id`),
//! for the tenant's admins. An account of another tenant is not found, like a missing one. The
//! rules of a change (who may grant platform admin, the last admins) are
//! `domain::platform::auth::tenancy`'s; every change, refused or not, is audited.

use crate::router::{Access, Call, Route};
use domain::blueprint::resource::{parse_page, Cursor};
use domain::contracts::admin::{RoleAnswer, TenantMemberPage};
use domain::platform::auth::tenancy::{check_role_change, parse_role_change, plan_role_change};
use domain::platform::ids::UserId;
use domain::AppError;
use edge::db::audit;
use edge::db::users::{self, RoleUpdate};
use edge::session::Member;
use edge::{clock, respond};
use serde_json::json;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Get, "/api/admin/users", Access::TenantAdmin(|call, member| Box::pin(list(call, member)))),
    Route::new(Method::Patch, "/api/admin/users/:id", Access::TenantAdmin(|call, member| Box::pin(set_role(call, member)))),
];

const BODY_LIMIT: usize = 4 * 1024;

async fn list(call: Call, member: Member) -> Result<Response, AppError> {
    let pairs = call.query()?;
    let page = parse_page(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    // One more than asked: whether there is a next page, without a count.
    let mut users = users::list_members(&call.env, member.scope(), page.after.as_ref(), page.limit + 1).await?;
    let next_cursor = if users.len() > page.limit as usize {
        users.truncate(page.limit as usize);
        users.last().map(|last| Cursor { created_at: last.created_at.clone(), id: last.id.as_str().to_string() }.encode())
    } else {
        None
    };
    respond::json(200, &TenantMemberPage { users, next_cursor })
}

/// `{role?, platformAdmin?}`: 404 for an account not in the caller's tenant, 403 for a platform
/// grant by a tenant admin, 409 for the last admin's demotion.
async fn set_role(mut call: Call, member: Member) -> Result<Response, AppError> {
    let user_id: UserId = call.param("id")?;
    let raw = call.body(BODY_LIMIT).await?;
    let change = parse_role_change(&raw)?;
    let (env, scope) = (&call.env, member.scope());
    let record = |action: &'static str, metadata: serde_json::Value| {
        let entry = audit::Entry::by(scope, &call.context.request_id, action, "user", Some(user_id.as_str())).with_metadata(metadata);
        audit::record(env, entry, clock::now())
    };
    let current = users::member(env, scope, &user_id).await?.ok_or_else(|| AppError::not_found("User"))?;
    let requested = json!({ "role": change.role.map(|role| role.as_str()), "platformAdmin": change.platform_admin });
    let next = match plan_role_change(current, change, member.membership.platform_admin) {
        Ok(next) => next,
        Err(refusal) => {
            record("admin.role_change_refused", requested).await;
            return Err(refusal);
        }
    };
    match users::change_membership(env, scope, &user_id, current, next).await? {
        RoleUpdate::Changed(account) => {
            record("admin.role_changed", json!({ "role": next.role.as_str(), "platformAdmin": next.platform_admin, "before": { "role": current.role.as_str(), "platformAdmin": current.platform_admin } })).await;
            respond::json(200, &RoleAnswer { user: account })
        }
        RoleUpdate::Missing => Err(AppError::not_found("User")),
        RoleUpdate::Refused { current, tenant_admins, platform_admins } => {
            record("admin.role_change_refused", requested).await;
            check_role_change(current, next, tenant_admins, platform_admins)?;
            // The guard refused a change the rules allow: the roles changed in between.
            Err(AppError::conflict("The roles changed meanwhile; try again"))
        }
    }
}
