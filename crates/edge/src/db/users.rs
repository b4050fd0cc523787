//! The `users` and `user_profiles` aggregate, and who is an admin.

use super::{batch, database, first, opt_text, run, statement, text};
use domain::contracts::auth::UserSummary;
use domain::platform::auth::{Email, Role, Scope};
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
    pub tenant_id: TenantId,
}

impl Account {
    pub fn scope(&self) -> Result<Scope, AppError> {
        let role = Role::parse(&self.role).ok_or_else(AppError::internal)?;
        Ok(Scope { tenant: self.tenant_id.clone(), user: self.id.clone(), role })
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct Me {
    pub id: UserId,
    pub email: String,
    pub role: String,
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
    pub role: Role,
    pub full_name: Option<&'a str>,
}

/// Creates the account and its profile in one transaction. `false` when the email is taken.
pub async fn create(env: &Env, account: &NewAccount<'_>) -> Result<bool, AppError> {
    let db = database(env)?;
    let insert_user = statement(
        &db,
        "INSERT INTO users (id, email, password_hash, role) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(email) DO NOTHING",
        &[text(account.id.as_str()), text(account.email.as_str()), text(account.password_hash), text(account.role.as_str())],
    )?;
    let insert_profile = statement(
        &db,
        "INSERT INTO user_profiles (user_id, full_name) SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1)",
        &[text(account.id.as_str()), opt_text(account.full_name)],
    )?;
    batch(&db, vec![insert_user, insert_profile], "users.create").await?;
    let created: Option<serde_json::Value> =
        first(statement(&db, "SELECT id FROM users WHERE id = ?1", &[text(account.id.as_str())])?, "users.create.check").await?;
    Ok(created.is_some())
}

pub async fn find_by_email(env: &Env, email: &Email) -> Result<Option<Account>, AppError> {
    let db = database(env)?;
    first(
        statement(&db, "SELECT id, email, password_hash, role, tenant_id FROM users WHERE email = ?1", &[text(email.as_str())])?,
        "users.find_by_email",
    )
    .await
}

pub async fn find_by_id(env: &Env, user_id: &UserId) -> Result<Option<Account>, AppError> {
    let db = database(env)?;
    first(
        statement(&db, "SELECT id, email, password_hash, role, tenant_id FROM users WHERE id = ?1", &[text(user_id.as_str())])?,
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
            "SELECT u.id, u.email, u.role, u.tenant_id, u.created_at, p.full_name, p.avatar_url, p.preferences \
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

/// The account's role right now, if the sign-in `session_id` (a refresh-token family) has not
/// been revoked (logout, or a reused refresh token: both revoke every row of the family): one
/// indexed lookup, run on every admin call (see `session::require_admin`). A family whose rows
/// retention has deleted counts as not revoked: that happens a day after its last token expired,
/// weeks after any access token of it did.
pub async fn live_role(env: &Env, user_id: &UserId, session_id: &str) -> Result<Option<Role>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        role: String,
    }
    let db = database(env)?;
    let row: Option<Row> = first(
        statement(
            &db,
            "SELECT role FROM users WHERE id = ?1 \
             AND NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = ?2 AND revoked_at IS NOT NULL)",
            &[text(user_id.as_str()), text(session_id)],
        )?,
        "users.live_role",
    )
    .await?;
    row.map(|row| Role::parse(&row.role).ok_or_else(AppError::internal)).transpose()
}

pub enum RoleUpdate {
    Changed(UserSummary),
    Missing,
    /// The update's guard refused it (the last admin); `domain::platform::auth::principal::check_role_change`
    /// says why from these.
    Refused { current: Role, admins: u64 },
}

/// Sets the account's role in one guarded statement: a demotion happens only while another
/// admin remains, checked inside the same UPDATE, so two admins demoting each other at once
/// cannot leave the platform with none (D1 runs one statement at a time).
pub async fn change_role(env: &Env, user_id: &UserId, role: Role) -> Result<RoleUpdate, AppError> {
    let db = database(env)?;
    let changed: Option<UserSummary> = first(
        statement(
            &db,
            "UPDATE users SET role = ?2 WHERE id = ?1 \
             AND (?2 = 'admin' OR role <> 'admin' OR (SELECT COUNT(*) FROM users WHERE role = 'admin') > 1) \
             RETURNING id, email, role",
            &[text(user_id.as_str()), text(role.as_str())],
        )?,
        "users.change_role",
    )
    .await?;
    if let Some(changed) = changed {
        return Ok(RoleUpdate::Changed(changed));
    }
    #[derive(Deserialize)]
    struct Current {
        role: String,
        admins: i64,
    }
    let current: Option<Current> = first(
        statement(&db, "SELECT role, (SELECT COUNT(*) FROM users WHERE role = 'admin') AS admins FROM users WHERE id = ?1", &[text(user_id.as_str())])?,
        "users.change_role.current",
    )
    .await?;
    match current {
        None => Ok(RoleUpdate::Missing),
        Some(current) => Ok(RoleUpdate::Refused {
            current: Role::parse(&current.role).ok_or_else(AppError::internal)?,
            admins: u64::try_from(current.admins).unwrap_or(0),
        }),
    }
}
