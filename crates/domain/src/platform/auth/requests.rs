//! The auth endpoints' bodies: raw JSON shapes, parsed once into domain values.

use super::tenancy::InviteCode;
use super::{Email, Password};
use crate::platform::error::{AppError, FieldError};
use crate::platform::input::{bounded_text, parse_json};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSignup {
    email: String,
    password: String,
    full_name: Option<String>,
    invite_code: Option<String>,
}

#[derive(Deserialize)]
struct RawLogin {
    email: String,
    password: String,
}

#[derive(Debug)]
pub struct Signup {
    pub email: Email,
    pub password: Password,
    pub full_name: Option<String>,
    /// Joins that invitation's tenant with its role; without one, the default tenant as a user.
    pub invite: Option<InviteCode>,
}

#[derive(Debug)]
pub struct Login {
    pub email: Email,
    pub password: Password,
}

/// `POST /api/admin/bootstrap {token}`: the token is compared, never validated for shape (a
/// shape rule would tell a guesser something about the secret).
#[derive(Deserialize)]
pub struct Bootstrap {
    pub token: String,
}

/// Never prints the token (a debug line must not leak a secret or a near miss of it).
impl std::fmt::Debug for Bootstrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bootstrap").field("token", &"<redacted>").finish()
    }
}

pub fn parse_bootstrap(body: &[u8]) -> Result<Bootstrap, AppError> {
    parse_json(body)
}

pub fn parse_signup(body: &[u8]) -> Result<Signup, AppError> {
    let raw: RawSignup = parse_json(body)?;
    let mut errors = Vec::new();
    let email = Email::parse(&raw.email).map_err(|e| errors.push(e)).ok();
    let password = Password::parse_new(&raw.password).map_err(|e| errors.push(e)).ok();
    let full_name = match raw.full_name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => bounded_text("fullName", name, 1, 100).map_err(|e| errors.push(e)).ok(),
    };
    let invite = match raw.invite_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => InviteCode::parse(code).map_err(|e| errors.push(e)).ok(),
    };
    match (email, password) {
        (Some(email), Some(password)) if errors.is_empty() => Ok(Signup { email, password, full_name, invite }),
        _ => Err(AppError::invalid_fields(errors)),
    }
}

pub fn parse_login(body: &[u8]) -> Result<Login, AppError> {
    let raw: RawLogin = parse_json(body)?;
    let mut errors: Vec<FieldError> = Vec::new();
    let email = Email::parse(&raw.email).map_err(|e| errors.push(e)).ok();
    let password = Password::parse_attempt(&raw.password).map_err(|e| errors.push(e)).ok();
    match (email, password) {
        (Some(email), Some(password)) => Ok(Login { email, password }),
        _ => Err(AppError::invalid_fields(errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signup_collects_every_field_error() {
        let error = parse_signup(br#"{"email":"nope","password":"short","fullName":"   "}"#).unwrap_err();
        let fields: Vec<&str> = error.details.as_ref().unwrap().as_array().unwrap().iter()
            .map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["email", "password"]);
    }

    #[test]
    fn signup_normalises() {
        let signup = parse_signup(br#"{"email":" Ada@Example.com","password":"correct horse","fullName":" Ada L "}"#).unwrap();
        assert_eq!(signup.email.as_str(), "ada@example.com");
        assert_eq!(signup.full_name.as_deref(), Some("Ada L"));
        assert!(signup.invite.is_none());
    }

    #[test]
    fn signup_takes_an_invitation_code() {
        let code = InviteCode::from_random(&[1u8; 24]);
        let body = format!(r#"{{"email":"a@example.com","password":"correct horse","inviteCode":" {} "}}"#, code.as_str());
        assert_eq!(parse_signup(body.as_bytes()).unwrap().invite, Some(code));
        let empty = parse_signup(br#"{"email":"a@example.com","password":"correct horse","inviteCode":""}"#).unwrap();
        assert!(empty.invite.is_none(), "an empty form field is no invitation");
        let error = parse_signup(br#"{"email":"a@example.com","password":"correct horse","inviteCode":"guess"}"#).unwrap_err();
        assert_eq!(error.details.unwrap()[0]["field"], "inviteCode");
    }

    #[test]
    fn bootstrap_needs_a_token_string() {
        assert_eq!(parse_bootstrap(br#"{"token":"abc"}"#).unwrap().token, "abc");
        for bad in [&br#"{}"#[..], br#"{"token":42}"#, br#"{"token":null}"#] {
            let error = parse_bootstrap(bad).unwrap_err();
            assert_eq!(error.details.unwrap()[0]["field"], "token", "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn wrong_types_name_the_field() {
        let error = parse_signup(br#"{"email":5,"password":"correct horse"}"#).unwrap_err();
        assert_eq!(error.details.unwrap()[0]["field"], "email");
        let error = parse_login(br#"{"email":"a@b.co"}"#).unwrap_err();
        assert_eq!(error.details.unwrap()[0]["field"], "password");
    }
}
