//! Roles, the authenticated caller's scope, and the one rule about changing a role.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_names_only() {
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("user"), Some(Role::User));
        assert_eq!(Role::parse("reviewer"), Some(Role::Reviewer));
        for bad in ["Admin", "root", "", " user"] {
            assert_eq!(Role::parse(bad), None, "{bad}");
        }
    }
}
