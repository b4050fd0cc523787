//! Who is calling: a verified access token from `Authorization: Bearer` or the session cookie.

use crate::clock;
use crate::db::users;
use domain::platform::auth::{Role, Scope, Session, TokenKeys};
use domain::platform::http::{bearer_token, cookie_value, ACCESS_COOKIE};
use domain::AppError;
use worker::{Env, Request};

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
pub fn authenticate(req: &Request, keys: &TokenKeys) -> Result<Scope, AppError> {
    authenticate_session(req, keys).map(|session| session.scope)
}

/// Like [`authenticate`], with the sign-in the token belongs to.
pub fn authenticate_session(req: &Request, keys: &TokenKeys) -> Result<Session, AppError> {
    let credentials = credentials(req);
    let token = credentials.bearer.or(credentials.access_cookie).ok_or_else(AppError::unauthorized)?;
    keys.verify_session(&token, clock::now()).map_err(|_| AppError::unauthorized())
}

/// The caller as an admin, checked against D1 now instead of trusted from the token: the account
/// must be an admin at this moment and its sign-in still live (not logged out, not revoked for a
/// reused refresh token). An access token lives 15 minutes; a demotion or a logout takes effect
/// on the admin plane at once. 401 for a dead sign-in, 403 for a role that is not admin.
pub async fn require_admin(env: &Env, session: Session) -> Result<Session, AppError> {
    let Some(session_id) = session.id.as_deref() else {
        // Minted before tokens named their sign-in: a refresh gives the caller one that does.
        return Err(AppError::unauthorized());
    };
    let role = users::live_role(env, &session.scope.user, session_id).await?.ok_or_else(AppError::unauthorized)?;
    if role != Role::Admin {
        return Err(AppError::forbidden("Administrator role required"));
    }
    Ok(Session { scope: Scope { role, ..session.scope }, id: session.id })
}
