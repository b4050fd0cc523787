//! The `users` and `user_profiles` aggregate, and who is an admin.

use super::{all, batch, database, first, int, opt_text, run, statement, text};
use domain::blueprint::resource::Cursor;
use domain::contracts::admin::TenantMember;
use domain::contracts::auth::UserSummary;
use domain::platform::auth::tenancy::Membership;
use domain::platform::auth::{Email, Role, Scope};
use domain::Timestamp;
use domain::platform::ids::{TenantId, UserId};
use domain::AppError;
use serde::{Deserialize, Serialize};
use worker::Env;

#[derive(Debug, Deserialize)]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub platform_role: String,
    pub tenant_id: TenantId,
}

impl Account {
    pub fn scope(&self) -> Result<Scope, AppError> {
        Ok(Scope { tenant: self.tenant_id.clone(), user: self.id.clone(), role: self.membership()?.role })
    }

    pub fn membership(&self) -> Result<Membership, AppError> {
        membership(&self.role, &self.platform_role)
    }

    pub fn summary(&self) -> Result<UserSummary, AppError> {
        let membership = self.membership()?;
        Ok(UserSummary { id: self.id.clone(), email: self.email.clone(), role: membership.role, platform_admin: membership.platform_admin })
    }
}

/// The two role columns as stored; a value the CHECKs should have refused is corruption.
fn membership(role: &str, platform_role: &str) -> Result<Membership, AppError> {
    let role = Role::parse(role).ok_or_else(|| AppError::internal().caused_by("users.role", role))?;
    Ok(Membership { role, platform_admin: platform_role == "admin" })
}

/// An account as the admin plane shows it.
#[derive(Deserialize)]
struct SummaryRow {
    id: UserId,
    email: String,
    role: String,
    platform_role: String,
    created_at: String,
}

impl SummaryRow {
    fn summary(&self) -> Result<UserSummary, AppError> {
        let membership = membership(&self.role, &self.platform_role)?;
        Ok(UserSummary { id: self.id.clone(), email: self.email.clone(), role: membership.role, platform_admin: membership.platform_admin })
    }

    fn member(self) -> Result<TenantMember, AppError> {
        let membership = membership(&self.role, &self.platform_role)?;
        Ok(TenantMember { id: self.id, email: self.email, role: membership.role, platform_admin: membership.platform_admin, created_at: self.created_at })
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct Me {
    pub id: UserId,
    pub email: String,
    pub role: String,
    pub platform_role: String,
    pub tenant_id: TenantId,
    pub created_at: String,
    #[serde(skip_serializing)]
    pub full_name: Option<String>,
    #[serde(skip_serializing)]
    pub avatar_url: Option<String>,
    #[serde(skip_serializing)]
    pub preferences: Option<String>,
}

pub struct NewAccount<'a> {
    pub id: &'a UserId,
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub full_name: Option<&'a str>,
}

pub enum Created {
    /// The account, its profile and (when joining by invitation) the spent invitation.
    Account(Scope),
    EmailTaken,
    /// The invitation is unknown, used or expired (perhaps spent by someone else just now).
    InvalidInvite,
}

/// Creates the account and its profile in one transaction: a plain user of the default tenant,
/// or — with an invitation (its code's hash) — a member of the invitation's tenant with its
/// role, the invitation spent by the same transaction, so it is used at most once and never
/// spent by a sign-up that failed.
pub async fn create(env: &Env, account: &NewAccount<'_>, invite_hash: Option<&str>, now: Timestamp) -> Result<Created, AppError> {
    let db = database(env)?;
    let id = text(account.id.as_str());
    let mut statements = Vec::with_capacity(3);
    match invite_hash {
        None => statements.push(statement(
            &db,
            "INSERT INTO users (id, email, password_hash) VALUES (?1, ?2, ?3) ON CONFLICT(email) DO NOTHING",
            &[id.clone(), text(account.email.as_str()), text(account.password_hash)],
        )?),
        Some(hash) => {
            statements.push(statement(
                &db,
                "INSERT INTO users (id, email, password_hash, role, tenant_id) \
                 SELECT ?1, ?2, ?3, i.role, i.tenant_id FROM invites i \
                 WHERE i.code_hash = ?4 AND i.used_at IS NULL AND i.expires_at > ?5 \
                 ON CONFLICT(email) DO NOTHING",
                &[id.clone(), text(account.email.as_str()), text(account.password_hash), text(hash), text(&now.to_iso8601())],
            )?);
            statements.push(statement(
                &db,
                "UPDATE invites SET used_by = ?1, used_at = ?3 \
                 WHERE code_hash = ?2 AND used_at IS NULL AND EXISTS (SELECT 1 FROM users WHERE id = ?1)",
                &[id.clone(), text(hash), text(&now.to_iso8601())],
            )?);
        }
    }
    statements.push(statement(
        &db,
        "INSERT INTO user_profiles (user_id, full_name) SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1)",
        &[id, opt_text(account.full_name)],
    )?);
    batch(&db, statements, "users.create").await?;
    if let Some(created) = find_by_id(env, account.id).await? {
        return Ok(Created::Account(created.scope()?));
    }
    let Some(hash) = invite_hash else { return Ok(Created::EmailTaken) };
    // Which refusal it was: the email is taken, or the invitation was not good.
    let usable: Option<serde_json::Value> = first(
        statement(&db, "SELECT 1 AS usable FROM invites WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2", &[text(hash), text(&now.to_iso8601())])?,
        "users.create.invite",
    )
    .await?;
    Ok(if usable.is_some() { Created::EmailTaken } else { Created::InvalidInvite })
}

pub async fn find_by_email(env: &Env, email: &Email) -> Result<Option<Account>, AppError> {
    let db = database(env)?;
    first(
        statement(&db, "SELECT id, email, password_hash, role, platform_role, tenant_id FROM users WHERE email = ?1", &[text(email.as_str())])?,
        "users.find_by_email",
    )
    .await
}

pub async fn find_by_id(env: &Env, user_id: &UserId) -> Result<Option<Account>, AppError> {
    let db = database(env)?;
    first(
        statement(&db, "SELECT id, email, password_hash, role, platform_role, tenant_id FROM users WHERE id = ?1", &[text(user_id.as_str())])?,
        "users.find_by_id",
    )
    .await
}

/// The caller's account and profile.
pub async fn me(env: &Env, user_id: &UserId) -> Result<Option<Me>, AppError> {
    let db = database(env)?;
    first(
        statement(
            &db,
            "SELECT u.id, u.email, u.role, u.platform_role, u.tenant_id, u.created_at, p.full_name, p.avatar_url, p.preferences \
             FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id WHERE u.id = ?1",
            &[text(user_id.as_str())],
        )?,
        "users.me",
    )
    .await
}

/// The profile row exists from the first login on, whatever created the account.
pub async fn ensure_profile(env: &Env, user_id: &UserId) -> Result<(), AppError> {
    let db = database(env)?;
    run(statement(&db, "INSERT OR IGNORE INTO user_profiles (user_id) VALUES (?1)", &[text(user_id.as_str())])?, "users.ensure_profile").await?;
    Ok(())
}

pub async fn replace_password_hash(env: &Env, user_id: &UserId, password_hash: &str) -> Result<(), AppError> {
    let db = database(env)?;
    run(statement(&db, "UPDATE users SET password_hash = ?2 WHERE id = ?1", &[text(user_id.as_str()), text(password_hash)])?, "users.rehash").await?;
    Ok(())
}

/// The account's roles right now, if the sign-in `session_id` (a refresh-token family) has not
/// been revoked (logout, or a reused refresh token: both revoke every row of the family): one
/// indexed lookup, run on every call that needs a role (see `session::live`). A family whose rows
/// retention has deleted counts as not revoked: that happens a day after its last token expired,
/// weeks after any access token of it did.
pub async fn live_membership(env: &Env, user_id: &UserId, session_id: &str) -> Result<Option<Membership>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        role: String,
        platform_role: String,
    }
    let db = database(env)?;
    let row: Option<Row> = first(
        statement(
            &db,
            "SELECT role, platform_role FROM users WHERE id = ?1 \
             AND NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = ?2 AND revoked_at IS NOT NULL)",
            &[text(user_id.as_str()), text(session_id)],
        )?,
        "users.live_membership",
    )
    .await?;
    row.map(|row| membership(&row.role, &row.platform_role)).transpose()
}

/// Makes the account a platform admin (and so its tenant's admin): the bootstrap secret's grant.
pub async fn make_platform_admin(env: &Env, user_id: &UserId) -> Result<Option<UserSummary>, AppError> {
    let db = database(env)?;
    let row: Option<SummaryRow> = first(
        statement(
            &db,
            "UPDATE users SET role = 'admin', platform_role = 'admin' WHERE id = ?1 RETURNING id, email, role, platform_role, created_at",
            &[text(user_id.as_str())],
        )?,
        "users.make_platform_admin",
    )
    .await?;
    row.map(|row| row.summary()).transpose()
}

pub enum RoleUpdate {
    Changed(UserSummary),
    /// No such account in the caller's tenant.
    Missing,
    /// The guard refused it: the tenant's or the platform's last admin, or roles that changed in
    /// between; `domain::platform::auth::tenancy::check_role_change` says which from these.
    Refused { current: Membership, tenant_admins: u64, platform_admins: u64 },
}

/// The account of the caller's tenant and its roles now (for planning a change).
pub async fn member(env: &Env, scope: &Scope, user_id: &UserId) -> Result<Option<Membership>, AppError> {
    let db = database(env)?;
    let row: Option<SummaryRow> = first(
        statement(
            &db,
            "SELECT id, email, role, platform_role, created_at FROM users WHERE id = ?1 AND tenant_id = ?2",
            &[text(user_id.as_str()), text(scope.tenant.as_str())],
        )?,
        "users.member",
    )
    .await?;
    row.map(|row| membership(&row.role, &row.platform_role)).transpose()
}

/// Moves an account of the caller's tenant from `current` to `next` in one guarded statement:
/// only if its roles are still `current`, and a demotion only while another admin of the tenant
/// (and, for a platform admin, another platform admin) remains — checked inside the same UPDATE,
/// so two admins demoting each other at once cannot leave none (D1 runs one statement at a time).
pub async fn change_membership(env: &Env, scope: &Scope, user_id: &UserId, current: Membership, next: Membership) -> Result<RoleUpdate, AppError> {
    let db = database(env)?;
    let platform = |m: Membership| if m.platform_admin { "admin" } else { "user" };
    let changed: Option<SummaryRow> = first(
        statement(
            &db,
            "UPDATE users SET role = ?3, platform_role = ?4 \
             WHERE id = ?1 AND tenant_id = ?2 AND role = ?5 AND platform_role = ?6 \
             AND (?3 = 'admin' OR role <> 'admin' OR (SELECT COUNT(*) FROM users WHERE tenant_id = ?2 AND role = 'admin') > 1) \
             AND (?4 = 'admin' OR platform_role <> 'admin' OR (SELECT COUNT(*) FROM users WHERE platform_role = 'admin') > 1) \
             RETURNING id, email, role, platform_role, created_at",
            &[
                text(user_id.as_str()),
                text(scope.tenant.as_str()),
                text(next.role.as_str()),
                text(platform(next)),
                text(current.role.as_str()),
                text(platform(current)),
            ],
        )?,
        "users.change_membership",
    )
    .await?;
    if let Some(changed) = changed {
        return Ok(RoleUpdate::Changed(changed.summary()?));
    }
    #[derive(Deserialize)]
    struct Current {
        role: String,
        platform_role: String,
        tenant_admins: i64,
        platform_admins: i64,
    }
    let current: Option<Current> = first(
        statement(
            &db,
            "SELECT role, platform_role, \
             (SELECT COUNT(*) FROM users WHERE tenant_id = ?2 AND role = 'admin') AS tenant_admins, \
             (SELECT COUNT(*) FROM users WHERE platform_role = 'admin') AS platform_admins \
             FROM users WHERE id = ?1 AND tenant_id = ?2",
            &[text(user_id.as_str()), text(scope.tenant.as_str())],
        )?,
        "users.change_membership.current",
    )
    .await?;
    match current {
        None => Ok(RoleUpdate::Missing),
        Some(row) => Ok(RoleUpdate::Refused {
            current: membership(&row.role, &row.platform_role)?,
            tenant_admins: u64::try_from(row.tenant_admins).unwrap_or(0),
            platform_admins: u64::try_from(row.platform_admins).unwrap_or(0),
        }),
    }
}

/// The caller's tenant's accounts, oldest first, `limit` at a time after `after`.
pub async fn list_members(env: &Env, scope: &Scope, after: Option<&Cursor>, limit: u32) -> Result<Vec<TenantMember>, AppError> {
    let db = database(env)?;
    let (after_at, after_id) = after.map_or(("", ""), |cursor| (cursor.created_at.as_str(), cursor.id.as_str()));
    let rows: Vec<SummaryRow> = all(
        statement(
            &db,
            "SELECT id, email, role, platform_role, created_at FROM users \
             WHERE tenant_id = ?1 AND (created_at > ?2 OR (created_at = ?2 AND id > ?3)) \
             ORDER BY created_at, id LIMIT ?4",
            &[text(scope.tenant.as_str()), text(after_at), text(after_id), int(i64::from(limit))],
        )?,
        "users.list_members",
    )
    .await?;
    rows.into_iter().map(SummaryRow::member).collect()
}
