//! Who is calling: a verified access token from `Authorization: Bearer` or the session cookie.

use crate::clock;
use crate::db::users;
use domain::platform::auth::tenancy::Membership;
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

/// A caller whose roles were read from D1 on this call, not trusted from the token: the
/// account exists and its sign-in is still live (not logged out, not revoked for a reused
/// refresh token). An access token lives 15 minutes; a demotion or a logout takes effect on
/// every role-gated call at once. The session's scope carries the role read now.
#[derive(Debug, Clone)]
pub struct Member {
    pub session: Session,
    pub membership: Membership,
}

impl Member {
    pub fn scope(&self) -> &Scope {
        &self.session.scope
    }
}

/// 401 for a dead sign-in or a deleted account.
pub async fn live(env: &Env, session: Session) -> Result<Member, AppError> {
    let Some(session_id) = session.id.as_deref() else {
        // Minted before tokens named their sign-in: a refresh gives the caller one that does.
        return Err(AppError::unauthorized());
    };
    let membership = users::live_membership(env, &session.scope.user, session_id).await?.ok_or_else(AppError::unauthorized)?;
    let scope = Scope { role: membership.role, ..session.scope };
    Ok(Member { session: Session { scope, id: session.id }, membership })
}

/// The caller as a platform admin now (see [`live`]); 403 for anyone else.
pub async fn require_platform_admin(env: &Env, session: Session) -> Result<Session, AppError> {
    let member = live(env, session).await?;
    if !member.membership.platform_admin {
        return Err(AppError::forbidden("Platform administrator role required"));
    }
    Ok(member.session)
}

/// The caller as an admin of its tenant now (see [`live`]); 403 for anyone else.
pub async fn require_tenant_admin(env: &Env, session: Session) -> Result<Member, AppError> {
    let member = live(env, session).await?;
    if member.membership.role != Role::Admin {
        return Err(AppError::forbidden("Administrator role required"));
    }
    Ok(member)
}
