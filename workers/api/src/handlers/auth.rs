//! Sign-up, login, refresh-token rotation, logout and "who am I".

use domain::platform::auth::requests::{parse_login, parse_signup};
use domain::platform::auth::tokens::REFRESH_TOKEN_TTL_SECS;
use crate::router::{Access, Call, Route};
use domain::platform::auth::{Password, PasswordHash, RefreshToken, Role, Scope, Session};
use domain::contracts::auth::{Account, MeAnswer, Profile, SessionAnswer, UserSummary};
use domain::platform::auth::tenancy::{invalid_invite, InviteCode};
use domain::platform::ids::UserId;
use domain::platform::http::{clear_cookie, cookie_value, is_local_host, session_cookie, ACCESS_COOKIE, REFRESH_COOKIE, REFRESH_COOKIE_PATH};
use domain::platform::rate_limit::{login_limits, signup_limit};
use domain::AppError;
use edge::db::refresh_tokens::{self, Rotation};
use edge::db::{audit, users};
use edge::rate_limit::{client_network, reserve, settle_success};
use edge::{clock, random, respond, RequestContext};
use serde_json::json;
use worker::{Env, Headers, Method, Request, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Post, "/api/auth/signup", Access::Public(|call| Box::pin(signup(call)))),
    Route::new(Method::Post, "/api/auth/login", Access::Public(|call| Box::pin(login(call)))),
    // The refresh cookie is the credential (checked by the handler).
    Route::new(Method::Post, "/api/auth/refresh", Access::Public(|call| Box::pin(refresh(call)))),
    Route::new(Method::Post, "/api/auth/logout", Access::Session(|call, session| Box::pin(logout(call, session)))),
    Route::new(Method::Get, "/api/auth/me", Access::Session(|call, session| Box::pin(me(call, session)))),
];

const AUTH_BODY_LIMIT: usize = 8 * 1024;

/// Every attempt counts against the caller's network first, malformed ones included: it bounds
/// account creation and what the 409 for a taken email can reveal (docs/SECURITY.md). A new
/// account is a plain user of the default tenant, or joins the tenant of its invitation with the
/// invitation's role (spent by the same transaction); platform admins are provisioned with the
/// bootstrap secret (`admins.rs`).
async fn signup(mut call: Call) -> Result<Response, AppError> {
    reserve(&call.env, &[signup_limit(&client_network(&call.req), call.settings.signup_rule)]).await?;
    let raw = call.body(AUTH_BODY_LIMIT).await?;
    let (env, req, context) = (&call.env, &call.req, &call.context);
    let signup = parse_signup(&raw)?;
    let keys = call.settings.token_keys()?;
    let hash = PasswordHash::create(&signup.password, &random::bytes(), call.settings.kdf)
        .map_err(|_| AppError::internal())?;
    let user_id = random::id(UserId::from_random);
    let account = users::NewAccount { id: &user_id, email: &signup.email, password_hash: &hash.to_phc(), full_name: signup.full_name.as_deref() };
    let invite_hash = signup.invite.as_ref().map(InviteCode::hash);
    let scope = match users::create(env, &account, invite_hash.as_deref(), clock::now()).await? {
        users::Created::Account(scope) => scope,
        users::Created::EmailTaken => return Err(AppError::conflict("An account with this email already exists")),
        users::Created::InvalidInvite => return Err(invalid_invite().into()),
    };
    let action = if signup.invite.is_some() { "auth.signup_invited" } else { "auth.signup" };
    audit_auth(env, &scope, action, context).await;
    let summary = UserSummary { id: scope.user.clone(), email: signup.email.as_str().to_string(), role: scope.role, platform_admin: false };
    start_session(env, req, &keys, &scope, summary, None, 201).await
}

async fn login(mut call: Call) -> Result<Response, AppError> {
    let raw = call.body(AUTH_BODY_LIMIT).await?;
    let (env, req, context) = (&call.env, &call.req, &call.context);
    let login = parse_login(&raw)?;
    let keys = call.settings.token_keys()?;
    // Counted before the password is checked, in one step per limiter: checking first and
    // counting after the (slow) hash let parallel guesses all pass the check.
    let limits = login_limits(login.email.as_str(), &client_network(req));
    reserve(env, &limits).await?;
    let params = call.settings.kdf;
    let account = users::find_by_email(env, &login.email).await?;
    let verified = match &account {
        Some(account) => PasswordHash::parse(&account.password_hash).is_ok_and(|hash| hash.verify(&login.password)),
        None => {
            // Spend the same work as a real check so timing does not reveal which emails exist.
            let _ = PasswordHash::create(&login.password, &[0u8; 16], params);
            false
        }
    };
    let Some(account) = account.filter(|_| verified) else {
        // The attempt is already counted.
        return Err(AppError::new(domain::ErrorKind::Unauthorized, "Invalid email or password"));
    };
    settle_success(env, &limits).await?;
    rehash_if_weaker(env, &account, &login.password, params).await;
    users::ensure_profile(env, &account.id).await?;
    let scope = account.scope()?;
    audit_auth(env, &scope, "auth.login", context).await;
    start_session(env, req, &keys, &scope, account.summary()?, None, 200).await
}

async fn refresh(call: Call) -> Result<Response, AppError> {
    let (env, req, context) = (&call.env, &call.req, &call.context);
    let keys = call.settings.token_keys()?;
    let secure = !request_is_local(req);
    let presented = cookie(req, REFRESH_COOKIE).and_then(|raw| RefreshToken::parse(&raw));
    let Some(presented) = presented else {
        return Err(AppError::unauthorized());
    };
    let now = clock::now();
    let rotated = match refresh_tokens::rotate(env, &presented.hash(), now).await? {
        Rotation::Rotated(rotated) => rotated,
        Rotation::Reused | Rotation::Invalid => return Ok(with_cleared_cookies(AppError::new(domain::ErrorKind::Unauthorized, "Session expired; sign in again"), secure, context)),
    };
    let Some(account) = users::find_by_id(env, &rotated.user_id).await? else {
        return Ok(with_cleared_cookies(AppError::unauthorized(), secure, context));
    };
    let scope = account.scope()?;
    start_session(env, req, &keys, &scope, account.summary()?, Some(&rotated.family_id), 200).await
}

/// Ends the sign-in: the family of the presented refresh cookie and the one the access token
/// names (an API client that only holds a Bearer token logs out too) are revoked, which also
/// ends admin access at once (`session::live` checks the family).
async fn logout(call: Call, session: Session) -> Result<Response, AppError> {
    let (env, req, context, scope) = (&call.env, &call.req, &call.context, &session.scope);
    let now = clock::now();
    if let Some(presented) = cookie(req, REFRESH_COOKIE).and_then(|raw| RefreshToken::parse(&raw)) {
        refresh_tokens::revoke_by_token(env, &presented.hash(), &scope.user, now).await?;
    }
    if let Some(family_id) = session.id.as_deref() {
        refresh_tokens::revoke_family_of(env, family_id, &scope.user, now).await?;
    }
    audit_auth(env, scope, "auth.logout", context).await;
    let secure = !request_is_local(req);
    let headers = Headers::new();
    let _ = headers.append("set-cookie", &clear_cookie(ACCESS_COOKIE, "/", secure));
    let _ = headers.append("set-cookie", &clear_cookie(REFRESH_COOKIE, REFRESH_COOKIE_PATH, secure));
    Ok(Response::empty().map_err(|_| AppError::internal())?.with_status(204).with_headers(headers))
}

async fn me(call: Call, session: Session) -> Result<Response, AppError> {
    // A token can outlive its account (deleted meanwhile): that is "not signed in".
    let me = users::me(&call.env, &session.scope.user).await?.ok_or_else(AppError::unauthorized)?;
    let preferences = me
        .preferences
        .as_deref()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .unwrap_or_else(|| json!({}));
    let role = Role::parse(&me.role).ok_or_else(|| AppError::internal().caused_by("users.role", &me.role))?;
    let platform_admin = me.platform_role == "admin";
    let user = Account { id: session.scope.user.clone(), email: me.email, role, platform_admin, tenant_id: me.tenant_id, created_at: me.created_at };
    respond::json(200, &MeAnswer { user, profile: Profile { full_name: me.full_name, avatar_url: me.avatar_url, preferences } })
}

/// Issues an access token and a refresh token (in `family`, or a new one) and answers
/// `{user, accessToken, expiresIn}` with both cookies set.
async fn start_session(env: &Env, req: &Request, keys: &domain::platform::auth::TokenKeys, scope: &Scope, user: UserSummary, family: Option<&str>, status: u16) -> Result<Response, AppError> {
    let now = clock::now();
    let family_id = family.map_or_else(random::uuid_v4, str::to_string);
    // The access token names its sign-in (the refresh family), so a logout ends admin access.
    let (access_token, expires_in) = keys.issue_access(scope, &family_id, now).map_err(|_| AppError::internal())?;
    let refresh = RefreshToken::from_random(&random::bytes());
    refresh_tokens::issue(
        env,
        &refresh_tokens::Issue {
            id: &random::uuid_v4(),
            user_id: &scope.user,
            family_id: &family_id,
            token_hash: &refresh.hash(),
            expires_at: now.plus_seconds(REFRESH_TOKEN_TTL_SECS),
        },
    )
    .await?;
    let secure = !request_is_local(req);
    let response = respond::json(
        status,
        &SessionAnswer {
            user,
            access_token: access_token.clone(),
            expires_in: u32::try_from(expires_in).unwrap_or(u32::MAX),
        },
    )?;
    let headers = response.headers().clone();
    let _ = headers.append("set-cookie", &session_cookie(ACCESS_COOKIE, &access_token, "/", expires_in, secure));
    let _ = headers.append("set-cookie", &session_cookie(REFRESH_COOKIE, refresh.as_str(), REFRESH_COOKIE_PATH, REFRESH_TOKEN_TTL_SECS, secure));
    Ok(response.with_headers(headers))
}

fn with_cleared_cookies(error: AppError, secure: bool, context: &RequestContext) -> Response {
    let response = respond::error(&error, &context.request_id);
    let headers = response.headers().clone();
    let _ = headers.append("set-cookie", &clear_cookie(ACCESS_COOKIE, "/", secure));
    let _ = headers.append("set-cookie", &clear_cookie(REFRESH_COOKIE, REFRESH_COOKIE_PATH, secure));
    response.with_headers(headers)
}

async fn rehash_if_weaker(env: &Env, account: &users::Account, password: &Password, params: domain::platform::auth::KdfParams) {
    let weaker = PasswordHash::parse(&account.password_hash).is_ok_and(|hash| hash.needs_rehash(params));
    if !weaker {
        return;
    }
    if let Ok(hash) = PasswordHash::create(password, &random::bytes(), params) {
        // Best effort: the login succeeds either way and the next one tries again.
        let _ = users::replace_password_hash(env, &account.id, &hash.to_phc()).await;
    }
}

async fn audit_auth(env: &Env, scope: &Scope, action: &str, context: &RequestContext) {
    audit::record(env, audit::Entry::by(scope, &context.request_id, action, "user", Some(scope.user.as_str())), clock::now()).await;
}

fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("cookie").ok().flatten()?;
    cookie_value(&header, name).map(str::to_string)
}

fn request_is_local(req: &Request) -> bool {
    req.url().ok().and_then(|url| url.host_str().map(is_local_host)).unwrap_or(false)
}
