//! Tenants and invitations into them. A platform admin creates a tenant and receives the code
//! its first admin signs up with; a tenant's admins invite further members with a role. A code
//! is shown once (only its SHA-256 is stored), works once, for a week. Audited.

use crate::router::{Access, Call, Route};
use domain::contracts::admin::{Invite, NewTenant, TenantSummary};
use domain::platform::auth::tenancy::{parse_new_invite, parse_new_tenant, InviteCode};
use domain::platform::auth::{Role, Session};
use domain::platform::ids::TenantId;
use domain::AppError;
use edge::db::{audit, tenants};
use edge::session::Member;
use edge::{clock, random, respond};
use serde_json::json;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Post, "/api/admin/tenants", Access::PlatformAdmin(|call, session| Box::pin(create_tenant(call, session)))),
    Route::new(Method::Post, "/api/admin/invites", Access::TenantAdmin(|call, member| Box::pin(create_invite(call, member)))),
];

const BODY_LIMIT: usize = 4 * 1024;

async fn create_tenant(mut call: Call, session: Session) -> Result<Response, AppError> {
    let raw = call.body(BODY_LIMIT).await?;
    let name = parse_new_tenant(&raw)?;
    let now = clock::now();
    let tenant = random::id(TenantId::from_random);
    let code = InviteCode::from_random(&random::bytes());
    tenants::create_with_admin_invite(&call.env, &session.scope, &tenant, &name, &code, now).await?;
    let entry = audit::Entry::by(&session.scope, &call.context.request_id, "tenant.created", "tenant", Some(tenant.as_str())).with_metadata(json!({ "name": name }));
    audit::record(&call.env, entry, now).await;
    respond::json(201, &NewTenant { tenant: TenantSummary { id: tenant, name }, admin_invite_code: code.as_str().to_string() })
}

async fn create_invite(mut call: Call, member: Member) -> Result<Response, AppError> {
    let raw = call.body(BODY_LIMIT).await?;
    let role: Role = parse_new_invite(&raw)?;
    let now = clock::now();
    let code = InviteCode::from_random(&random::bytes());
    tenants::invite(&call.env, member.scope(), role, &code, now).await?;
    // The code's hash identifies the invitation in the trail without being usable.
    let hash = code.hash();
    let entry = audit::Entry::by(member.scope(), &call.context.request_id, "invite.created", "invite", Some(&hash)).with_metadata(json!({ "role": role.as_str() }));
    audit::record(&call.env, entry, now).await;
    respond::json(201, &Invite { invite_code: code.as_str().to_string(), role, expires_at: InviteCode::expires_at(now).to_iso8601() })
}
