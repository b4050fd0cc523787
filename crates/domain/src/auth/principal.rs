use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "user" => Some(Role::User),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The authenticated caller, as proven by a verified token. Never built from client input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub role: Role,
    pub tenant_id: String,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Whether a sign-up with this email becomes an admin: `ADMIN_EMAILS` is a comma-separated
/// allowlist set by the operator (there is no other way to become one).
pub fn role_for_new_account(email: &super::Email, admin_emails: &str) -> Role {
    let listed = admin_emails
        .split(',')
        .filter_map(|entry| super::Email::parse(entry).ok())
        .any(|admin| &admin == email);
    if listed { Role::Admin } else { Role::User }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Email;

    #[test]
    fn only_listed_emails_become_admins() {
        let list = " Root@Example.com, ops@example.com ,not-an-email";
        assert_eq!(role_for_new_account(&Email::parse("root@example.com").unwrap(), list), Role::Admin);
        assert_eq!(role_for_new_account(&Email::parse("ops@example.com").unwrap(), list), Role::Admin);
        assert_eq!(role_for_new_account(&Email::parse("user@example.com").unwrap(), list), Role::User);
        assert_eq!(role_for_new_account(&Email::parse("user@example.com").unwrap(), ""), Role::User);
    }
}
