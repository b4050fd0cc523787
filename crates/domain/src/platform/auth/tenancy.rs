//! Tenants, their members' roles and the invitations that bring members in (issue 18).
//!
//! A tenant is an organisation: its blueprints, syllabi, content and courses are its own, and
//! every account belongs to exactly one. Within it an account is a `user`, a `reviewer` or an
//! `admin` ([`Role`]). Separately, a few accounts are platform admins (provisioned with the
//! bootstrap secret) who run the product itself; a platform admin is always an admin of its own
//! tenant, so a demotion below admin ends both (a D1 trigger refuses a row where they disagree).

use super::Role;
use crate::platform::error::{AppError, FieldError};
use crate::platform::input::{bounded_text, parse_json};
use crate::platform::time::Timestamp;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// An invitation is good for a week, once.
pub const INVITE_TTL_SECS: i64 = 7 * 24 * 60 * 60;
pub const MAX_TENANT_NAME_CHARS: usize = 200;

/// What an account may do: its role in its tenant and whether it runs the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub role: Role,
    pub platform_admin: bool,
}

/// `PATCH /api/admin/users/:id {role?, platformAdmin?}`: at least one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleChange {
    pub role: Option<Role>,
    pub platform_admin: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawRoleChange {
    role: Option<serde_json::Value>,
    platform_admin: Option<bool>,
}

const ROLE_NAMES: &str = "must be \"user\", \"reviewer\" or \"admin\"";

fn role_field(value: &serde_json::Value) -> Result<Role, FieldError> {
    value.as_str().and_then(Role::parse).ok_or_else(|| FieldError::new("role", ROLE_NAMES))
}

pub fn parse_role_change(body: &[u8]) -> Result<RoleChange, AppError> {
    let raw: RawRoleChange = parse_json(body)?;
    let role = match &raw.role {
        None => None,
        Some(value) => Some(role_field(value)?),
    };
    if role.is_none() && raw.platform_admin.is_none() {
        return Err(FieldError::new("role", "is required (or platformAdmin)").into());
    }
    Ok(RoleChange { role, platform_admin: raw.platform_admin })
}

/// What the account becomes, or why not. `caller_platform_admin`: only a platform admin grants
/// or removes platform admin. Promoting to platform admin makes the account its tenant's admin
/// too; a tenant role below admin ends platform admin (asking for both at once is a 400).
pub fn plan_role_change(current: Membership, change: RoleChange, caller_platform_admin: bool) -> Result<Membership, AppError> {
    if change.platform_admin.is_some() && !caller_platform_admin {
        return Err(AppError::forbidden("Only a platform admin changes who is a platform admin"));
    }
    if change.platform_admin == Some(true) && change.role.is_some_and(|role| role != Role::Admin) {
        return Err(FieldError::new("role", "a platform admin is an admin of its tenant: must be \"admin\" with platformAdmin").into());
    }
    let role = match change.platform_admin {
        Some(true) => Role::Admin,
        _ => change.role.unwrap_or(current.role),
    };
    let platform_admin = match change.platform_admin {
        Some(wanted) => wanted,
        None => current.platform_admin && role == Role::Admin,
    };
    Ok(Membership { role, platform_admin })
}

/// Why a change the guarded update refused was refused: the tenant's last admin and the
/// platform's last admin cannot be demoted, or nobody would be left to run it short of the
/// bootstrap secret. The D1 update enforces both in its `WHERE`, atomically; this explains it.
/// `Ok` means the rule allows it: the roles changed in between (the caller tries again).
pub fn check_role_change(current: Membership, next: Membership, tenant_admins: u64, platform_admins: u64) -> Result<(), AppError> {
    if current.platform_admin && !next.platform_admin && platform_admins <= 1 {
        return Err(AppError::conflict("The last platform admin cannot be demoted; make another account a platform admin first"));
    }
    if current.role == Role::Admin && next.role != Role::Admin && tenant_admins <= 1 {
        return Err(AppError::conflict("The last admin of a tenant cannot be demoted; make another account an admin first"));
    }
    Ok(())
}

/// `POST /api/admin/tenants {name}`.
pub fn parse_new_tenant(body: &[u8]) -> Result<String, AppError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        name: String,
    }
    let raw: Raw = parse_json(body)?;
    Ok(bounded_text("name", &raw.name, 1, MAX_TENANT_NAME_CHARS)?)
}

/// `POST /api/admin/invites {role}`.
pub fn parse_new_invite(body: &[u8]) -> Result<Role, AppError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        role: serde_json::Value,
    }
    let raw: Raw = parse_json(body)?;
    Ok(role_field(&raw.role)?)
}

/// An invitation code: 24 random bytes, URL-safe (it travels in a link). Only its SHA-256 is
/// stored, like a refresh token's: a database read does not hand out memberships.
#[derive(Clone, PartialEq, Eq)]
pub struct InviteCode(String);

const INVITE_CODE_CHARS: usize = 32;

impl InviteCode {
    pub fn from_random(bytes: &[u8; 24]) -> Self {
        InviteCode(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A code as someone typed or pasted it: surrounding space is forgiven, anything not shaped
    /// like a code is refused naming the field (and never looked up).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        let shaped = trimmed.len() == INVITE_CODE_CHARS && trimmed.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if shaped { Ok(InviteCode(trimmed.to_string())) } else { Err(invalid_invite()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        Sha256::digest(self.0.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn expires_at(now: Timestamp) -> Timestamp {
        now.plus_seconds(INVITE_TTL_SECS)
    }
}

/// Never prints the code.
impl std::fmt::Debug for InviteCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InviteCode(<redacted>)")
    }
}

/// One answer for an unknown, used or expired code: which one it was is nobody's business.
pub fn invalid_invite() -> FieldError {
    FieldError::new("inviteCode", "is not a valid invitation (unknown, already used or expired)")
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: Membership = Membership { role: Role::User, platform_admin: false };
    const REVIEWER: Membership = Membership { role: Role::Reviewer, platform_admin: false };
    const ADMIN: Membership = Membership { role: Role::Admin, platform_admin: false };
    const PLATFORM: Membership = Membership { role: Role::Admin, platform_admin: true };

    fn change(body: &str) -> RoleChange {
        parse_role_change(body.as_bytes()).unwrap()
    }

    fn field(error: AppError) -> String {
        error.body("r")["details"][0]["field"].as_str().unwrap_or_default().to_string()
    }

    #[test]
    fn role_changes_parse_and_name_the_field() {
        assert_eq!(change(r#"{"role":"reviewer"}"#), RoleChange { role: Some(Role::Reviewer), platform_admin: None });
        assert_eq!(change(r#"{"platformAdmin":true}"#), RoleChange { role: None, platform_admin: Some(true) });
        for bad in [r#"{}"#, r#"{"role":"root"}"#, r#"{"role":1}"#, r#"{"role":null}"#, r#"{"role":""}"#] {
            assert_eq!(field(parse_role_change(bad.as_bytes()).unwrap_err()), "role", "{bad}");
        }
        assert_eq!(field(parse_role_change(br#"{"platformAdmin":"yes"}"#).unwrap_err()), "platformAdmin");
        assert_eq!(parse_role_change(br#"{"role":"user","tenantId":"x"}"#).unwrap_err().status(), 400, "unknown fields are refused");
    }

    #[test]
    fn a_tenant_role_below_admin_ends_platform_admin() {
        let next = plan_role_change(PLATFORM, change(r#"{"role":"reviewer"}"#), false).unwrap();
        assert_eq!(next, REVIEWER);
        // A tenant admin promotes within the tenant, never to the platform.
        assert_eq!(plan_role_change(USER, change(r#"{"role":"admin"}"#), false).unwrap(), ADMIN);
        assert_eq!(plan_role_change(PLATFORM, change(r#"{"role":"admin"}"#), false).unwrap(), PLATFORM, "no change keeps it");
    }

    #[test]
    fn only_platform_admins_change_platform_admin() {
        assert_eq!(plan_role_change(USER, change(r#"{"platformAdmin":true}"#), false).unwrap_err().status(), 403);
        assert_eq!(plan_role_change(USER, change(r#"{"platformAdmin":true}"#), true).unwrap(), PLATFORM, "and the tenant's admin with it");
        assert_eq!(plan_role_change(PLATFORM, change(r#"{"platformAdmin":false}"#), true).unwrap(), ADMIN, "still the tenant's admin");
        let both = plan_role_change(USER, change(r#"{"role":"user","platformAdmin":true}"#), true).unwrap_err();
        assert_eq!(field(both), "role");
    }

    #[test]
    fn the_last_admins_cannot_be_demoted() {
        let refused = check_role_change(ADMIN, USER, 1, 3).unwrap_err();
        assert_eq!(refused.status(), 409);
        assert!(refused.message.contains("last admin of a tenant"));
        assert!(check_role_change(PLATFORM, ADMIN, 5, 1).unwrap_err().message.contains("last platform admin"));
        assert!(check_role_change(PLATFORM, USER, 1, 1).is_err());
        assert!(check_role_change(ADMIN, USER, 0, 0).is_err(), "a count that raced below one refuses too");
        assert!(check_role_change(ADMIN, USER, 2, 0).is_ok());
        assert!(check_role_change(PLATFORM, USER, 2, 2).is_ok());
        // No change, and promotions, are always allowed.
        assert!(check_role_change(ADMIN, ADMIN, 1, 0).is_ok());
        assert!(check_role_change(USER, PLATFORM, 0, 0).is_ok());
    }

    #[test]
    fn invite_codes_are_shaped_hashed_and_never_printed() {
        let code = InviteCode::from_random(&[7u8; 24]);
        assert_eq!(code.as_str().len(), INVITE_CODE_CHARS);
        assert_eq!(InviteCode::parse(&format!("  {} ", code.as_str())).unwrap(), code);
        assert_eq!(code.hash().len(), 64);
        assert_ne!(code.hash(), InviteCode::from_random(&[8u8; 24]).hash());
        assert!(!format!("{code:?}").contains(code.as_str()));
        for bad in ["", "short", &"x".repeat(33), &format!("{}!", &code.as_str()[..31])] {
            assert_eq!(InviteCode::parse(bad).unwrap_err().field, "inviteCode", "{bad}");
        }
    }

    #[test]
    fn tenants_and_invites_parse() {
        assert_eq!(parse_new_tenant(br#"{"name":"  Acme Learning "}"#).unwrap(), "Acme Learning");
        assert_eq!(field(parse_new_tenant(br#"{"name":"  "}"#).unwrap_err()), "name");
        assert_eq!(field(parse_new_tenant(br#"{}"#).unwrap_err()), "name");
        assert_eq!(parse_new_invite(br#"{"role":"reviewer"}"#).unwrap(), Role::Reviewer);
        assert_eq!(field(parse_new_invite(br#"{"role":"owner"}"#).unwrap_err()), "role");
    }
}
