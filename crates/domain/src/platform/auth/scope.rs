//! Roles, the authenticated caller's scope, and the one rule about changing a role.

use crate::platform::error::AppError;
use crate::platform::ids::{TenantId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum Role {
    /// Designs blueprints and takes courses.
    User,
    /// Also reviews and approves the tenant's syllabi and content.
    Reviewer,
    /// Everything in the tenant: its users, invites and content.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// Whether this role reviews the tenant's syllabi and content (reviewers and admins).
    pub fn reviews(self) -> bool {
        matches!(self, Role::Reviewer | Role::Admin)
    }

    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "user" => Some(Role::User),
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The authenticated caller, as proven by a verified token, and so what it may reach: every D1
/// function that reads or writes tenant or personal data takes one and puts its tenant (and,
/// for personal data, its user) in the `WHERE`. Never built from client input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub tenant: TenantId,
    pub user: UserId,
    pub role: Role,
}

impl Scope {
    /// Work done for a user after the request that asked for it (a generation run crossing to
    /// the stream worker, a job): the tenant and the user, with the least role — whatever the
    /// caller may do was checked where the request arrived.
    pub fn on_behalf_of(tenant: TenantId, user: UserId) -> Self {
        Scope { tenant, user, role: Role::User }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Whether an account whose role is `current` may be given `requested` while `admins` accounts
/// are admins. Nobody becomes an admin by signing up (not even with an address an operator once
/// listed: nobody proved they read that mailbox); admins are provisioned with the bootstrap
/// secret and by other admins. The one refusal: the last admin cannot be demoted, or the
/// platform would be left with nobody to run it short of the secret. The D1 update enforces the
/// same rule in its `WHERE`, atomically; this explains a refused update.
pub fn check_role_change(current: Role, requested: Role, admins: u64) -> Result<(), AppError> {
    if current == Role::Admin && requested != Role::Admin && admins <= 1 {
        return Err(AppError::conflict("The last admin cannot be demoted; make another account an admin first"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_admin_cannot_be_demoted() {
        let refused = check_role_change(Role::Admin, Role::User, 1).unwrap_err();
        assert_eq!(refused.status(), 409);
        assert!(refused.message.contains("last admin"));
        assert!(check_role_change(Role::Admin, Role::User, 0).is_err(), "a count that raced below one refuses too");
        assert!(check_role_change(Role::Admin, Role::User, 2).is_ok());
        // No change, and promotions, are always allowed.
        assert!(check_role_change(Role::Admin, Role::Admin, 1).is_ok());
        assert!(check_role_change(Role::User, Role::Admin, 1).is_ok());
        assert!(check_role_change(Role::User, Role::User, 0).is_ok());
    }

    #[test]
    fn roles_parse_from_their_names_only() {
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("user"), Some(Role::User));
        for bad in ["Admin", "root", "", " user"] {
            assert_eq!(Role::parse(bad), None, "{bad}");
        }
    }
}
