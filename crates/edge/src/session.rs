//! Who is calling: a verified access token from `Authorization: Bearer` or the session cookie.

use crate::clock;
use domain::auth::{Principal, TokenKeys};
use domain::http::{bearer_token, cookie_value, ACCESS_COOKIE};
use domain::AppError;
use worker::Request;

/// The credentials a request carries, before verification.
pub struct Credentials {
    pub bearer: Option<String>,
    pub access_cookie: Option<String>,
    pub has_cookie: bool,
}

pub fn credentials(req: &Request) -> Credentials {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let bearer = header("authorization").and_then(|value| bearer_token(&value).map(str::to_string));
    let cookies = header("cookie").unwrap_or_default();
    Credentials {
        bearer,
        access_cookie: cookie_value(&cookies, ACCESS_COOKIE).map(str::to_string),
        has_cookie: !cookies.trim().is_empty(),
    }
}

/// 401 unless the request proves a session. The bearer header wins over the cookie.
pub fn authenticate(req: &Request, keys: &TokenKeys) -> Result<Principal, AppError> {
    let credentials = credentials(req);
    let token = credentials.bearer.or(credentials.access_cookie).ok_or_else(AppError::unauthorized)?;
    keys.verify_access(&token, clock::now()).map_err(|_| AppError::unauthorized())
}

pub fn require_admin(principal: &Principal) -> Result<(), AppError> {
    if principal.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden("Administrator role required"))
    }
}
