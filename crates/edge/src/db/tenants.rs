//! The `tenants` and `invites` aggregate: organisations and the invitations into them.

use super::{batch, database, statement, text};
use domain::platform::auth::tenancy::InviteCode;
use domain::platform::auth::{Role, Scope};
use domain::platform::ids::TenantId;
use domain::{AppError, Timestamp};
use worker::Env;

/// Creates the tenant and the invitation of its first admin in one transaction: a tenant never
/// exists without a way in.
pub async fn create_with_admin_invite(env: &Env, creator: &Scope, tenant: &TenantId, name: &str, invite: &InviteCode, now: Timestamp) -> Result<(), AppError> {
    let db = database(env)?;
    let insert_tenant = statement(&db, "INSERT INTO tenants (id, name, created_at) VALUES (?1, ?2, ?3)", &[text(tenant.as_str()), text(name), text(&now.to_iso8601())])?;
    let insert_invite = invite_statement(&db, tenant, Role::Admin, creator, invite, now)?;
    batch(&db, vec![insert_tenant, insert_invite], "tenants.create").await
}

/// An invitation into the caller's tenant with `role`.
pub async fn invite(env: &Env, scope: &Scope, role: Role, invite: &InviteCode, now: Timestamp) -> Result<(), AppError> {
    let db = database(env)?;
    batch(&db, vec![invite_statement(&db, &scope.tenant, role, scope, invite, now)?], "tenants.invite").await
}

fn invite_statement(db: &worker::D1Database, tenant: &TenantId, role: Role, creator: &Scope, invite: &InviteCode, now: Timestamp) -> Result<worker::D1PreparedStatement, AppError> {
    statement(
        db,
        "INSERT INTO invites (code_hash, tenant_id, role, created_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            text(&invite.hash()),
            text(tenant.as_str()),
            text(role.as_str()),
            text(creator.user.as_str()),
            text(&now.to_iso8601()),
            text(&InviteCode::expires_at(now).to_iso8601()),
        ],
    )
}
