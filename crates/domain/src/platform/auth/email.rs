use crate::platform::error::FieldError;
use std::fmt;

/// A normalised email address: trimmed, lower-cased, one `@`, a dotted domain, ≤ 254 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let normalised = raw.trim().to_lowercase();
        let invalid = || FieldError::new("email", "must be an email address like name@example.com");
        if normalised.is_empty() {
            return Err(FieldError::new("email", "is required"));
        }
        if normalised.len() > 254 {
            return Err(FieldError::new("email", "must be at most 254 characters"));
        }
        let (local, domain) = normalised.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '(' | ')' | ',' | ';' | ':' | '\\' | '[' | ']'));
        if !domain_ok || !local_ok || domain.contains('@') {
            return Err(invalid());
        }
        Ok(Email(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(Email::parse("  Ada.Lovelace@Example.COM ").unwrap().as_str(), "ada.lovelace@example.com");
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in ["", "   ", "ada", "@example.com", "ada@", "ada@example", "ada@@example.com", "a da@example.com",
            "ada@example..com", "ada@.example.com", "ada@example.com.", "ada@exa mple.com", "<ada>@example.com"] {
            let error = Email::parse(bad).unwrap_err();
            assert_eq!(error.field, "email", "{bad}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn accepts_plus_addressing_and_subdomains() {
        assert!(Email::parse("ada+course@mail.example.co.uk").is_ok());
    }
}
