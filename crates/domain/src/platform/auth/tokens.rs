//! Access tokens (short-lived HS256 JWTs) and refresh tokens (opaque, stored only as SHA-256).

use super::{Role, Scope};
use crate::platform::ids::{BlueprintId, TenantId, UserId};
use crate::platform::time::Timestamp;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const ACCESS_TOKEN_TTL_SECS: i64 = 15 * 60;
/// A stream viewer token only needs to outlive a dropped connection and its reconnect.
pub const VIEWER_TOKEN_TTL_SECS: i64 = 10 * 60;
const VIEWER_KIND: &str = "viewer";
pub const REFRESH_TOKEN_TTL_SECS: i64 = 30 * 24 * 60 * 60;
/// Secrets shorter than this are refused: HS256 wants at least 256 bits of key.
pub const MIN_SECRET_BYTES: usize = 32;
const ACCESS_KIND: &str = "access";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub role: Role,
    pub tid: String,
    /// Token kind, so a token minted for one purpose (a stream viewer, say) is never accepted
    /// as another.
    pub typ: String,
    /// The sign-in it belongs to: its refresh-token family. Admin routes check that the family
    /// is still live, so a logout ends admin access at once (absent in tokens minted before it
    /// existed; those are refused there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub iat: i64,
    pub exp: i64,
}

/// A verified access token: who is calling, and which sign-in (refresh-token family) the token
/// was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub scope: Scope,
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    WeakSecret,
    Invalid,
    Expired,
}

/// Signing and verification keys derived from the JWT secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn new(secret: &str) -> Result<Self, TokenError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(TokenError::WeakSecret);
        }
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        })
    }

    /// An access token for `scope` in the sign-in `session_id` (its refresh-token family).
    pub fn issue_access(&self, scope: &Scope, session_id: &str, now: Timestamp) -> Result<(String, i64), TokenError> {
        let claims = AccessClaims {
            sub: scope.user.to_string(),
            role: scope.role,
            tid: scope.tenant.to_string(),
            typ: ACCESS_KIND.to_string(),
            sid: Some(session_id.to_string()),
            iat: now.seconds(),
            exp: now.seconds() + ACCESS_TOKEN_TTL_SECS,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Invalid)?;
        Ok((token, ACCESS_TOKEN_TTL_SECS))
    }

    /// Signature, algorithm and kind are checked by the library; expiry against the caller's
    /// clock, so the rule is testable and independent of the platform's clock.
    pub fn verify_access(&self, token: &str, now: Timestamp) -> Result<Scope, TokenError> {
        self.verify_session(token, now).map(|session| session.scope)
    }

    /// Like [`TokenKeys::verify_access`], with the sign-in the token belongs to.
    pub fn verify_session(&self, token: &str, now: Timestamp) -> Result<Session, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|_| TokenError::Invalid)?;
        let claims = data.claims;
        if claims.typ != ACCESS_KIND {
            return Err(TokenError::Invalid);
        }
        let user = UserId::parse(&claims.sub).map_err(|_| TokenError::Invalid)?;
        let tenant = TenantId::parse(&claims.tid).map_err(|_| TokenError::Invalid)?;
        if claims.exp <= now.seconds() {
            return Err(TokenError::Expired);
        }
        Ok(Session { scope: Scope { tenant, user, role: claims.role }, id: claims.sid.filter(|sid| !sid.is_empty()) })
    }
}

/// The configured machine token (e.g. `CRON_TRIGGER_TOKEN`, `ADMIN_BOOTSTRAP_TOKEN`) if it is
/// usable: set and at least [`MIN_SECRET_BYTES`] long. A short one is treated as unset, so a
/// guessable value never opens anything.
pub fn usable_machine_token(configured: Option<&str>) -> Option<&str> {
    configured.filter(|token| token.len() >= MIN_SECRET_BYTES)
}

/// Whether `presented` is the configured machine token. Both are hashed first and the digests
/// compared in constant time, so neither the position of the first wrong byte nor the token's
/// length shows in the timing. An unset or short configured token matches nothing.
pub fn matches_machine_token(presented: &str, configured: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    match usable_machine_token(configured) {
        Some(configured) => Sha256::digest(presented.as_bytes()).ct_eq(&Sha256::digest(configured.as_bytes())).into(),
        None => false,
    }
}

/// Claims of a viewer token: the right to (re)join one blueprint's generation stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ViewerClaims {
    sub: String,
    /// The tenant; tokens minted before it was recorded (they live minutes) are the default's.
    #[serde(default = "default_tenant_claim")]
    tid: String,
    bp: String,
    typ: String,
    iat: i64,
    exp: i64,
}

impl TokenKeys {
    /// A short-lived token scoped to one user and one blueprint (for `EventSource`, which cannot
    /// send headers, it travels in the query string — so it grants nothing else).
    pub fn issue_viewer(&self, scope: &Scope, blueprint: &BlueprintId, now: Timestamp) -> Result<String, TokenError> {
        let claims = ViewerClaims {
            sub: scope.user.to_string(),
            tid: scope.tenant.to_string(),
            bp: blueprint.to_string(),
            typ: VIEWER_KIND.into(),
            iat: now.seconds(),
            exp: now.seconds() + VIEWER_TOKEN_TTL_SECS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|_| TokenError::Invalid)
    }

    /// Whom a viewer token was issued to, if it is valid for `blueprint` now. The token carries
    /// no role: it grants replaying this one stream, so its scope has the least one.
    pub fn verify_viewer(&self, token: &str, blueprint: &BlueprintId, now: Timestamp) -> Result<Scope, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let claims = jsonwebtoken::decode::<ViewerClaims>(token, &self.decoding, &validation).map_err(|_| TokenError::Invalid)?.claims;
        if claims.typ != VIEWER_KIND || claims.bp != blueprint.as_str() {
            return Err(TokenError::Invalid);
        }
        if claims.exp <= now.seconds() {
            return Err(TokenError::Expired);
        }
        let user = UserId::parse(&claims.sub).map_err(|_| TokenError::Invalid)?;
        let tenant = TenantId::parse(&claims.tid).map_err(|_| TokenError::Invalid)?;
        Ok(Scope::on_behalf_of(tenant, user))
    }
}

fn default_tenant_claim() -> String {
    TenantId::default_tenant().to_string()
}

/// An opaque refresh token as handed to the client. Only its hash is ever stored.
pub struct RefreshToken(String);

impl RefreshToken {
    pub fn from_random(bytes: &[u8; 32]) -> Self {
        RefreshToken(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// What the client presented; anything not shaped like ours is rejected before a lookup.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = raw.len() == 43 && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| RefreshToken(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    const USER: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const BP_1: &str = "6f1d3c1e-5b8a-4d44-9a51-0c2f7e9b8d10";
    const BP_2: &str = "6f1d3c1e-5b8a-4d44-9a51-0c2f7e9b8d11";

    fn principal() -> Scope {
        Scope { user: UserId::parse(USER).unwrap(), role: Role::Admin, tenant: TenantId::default_tenant() }
    }

    fn blueprint(raw: &str) -> BlueprintId {
        BlueprintId::parse(raw).unwrap()
    }

    #[test]
    fn weak_secrets_are_refused() {
        assert!(matches!(TokenKeys::new("short"), Err(TokenError::WeakSecret)));
    }

    #[test]
    fn issued_token_verifies_until_it_expires() {
        let keys = TokenKeys::new(SECRET).unwrap();
        let now = Timestamp::from_millis(1_800_000_000_000);
        let (token, ttl) = keys.issue_access(&principal(), "family-1", now).unwrap();
        assert_eq!(ttl, ACCESS_TOKEN_TTL_SECS);
        assert_eq!(keys.verify_access(&token, now.plus_seconds(ttl - 1)).unwrap(), principal());
        assert_eq!(keys.verify_session(&token, now).unwrap(), Session { scope: principal(), id: Some("family-1".into()) });
        assert_eq!(keys.verify_access(&token, now.plus_seconds(ttl)), Err(TokenError::Expired));
    }

    #[test]
    fn tampered_or_foreign_tokens_fail() {
        let keys = TokenKeys::new(SECRET).unwrap();
        let other = TokenKeys::new("another-secret-another-secret-xx").unwrap();
        let now = Timestamp::from_millis(1_800_000_000_000);
        let (token, _) = keys.issue_access(&principal(), "family-1", now).unwrap();
        assert_eq!(other.verify_access(&token, now), Err(TokenError::Invalid));
        let mut tampered = token.clone();
        tampered.push('x');
        assert_eq!(keys.verify_access(&tampered, now), Err(TokenError::Invalid));
        assert_eq!(keys.verify_access("not.a.jwt", now), Err(TokenError::Invalid));
        // alg=none is never accepted.
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#), token.split('.').nth(1).unwrap());
        assert_eq!(keys.verify_access(&none, now), Err(TokenError::Invalid));
    }

    #[test]
    fn other_token_kinds_are_not_access_tokens() {
        let keys = TokenKeys::new(SECRET).unwrap();
        let now = Timestamp::from_millis(1_800_000_000_000);
        let claims = AccessClaims { sub: "u".into(), role: Role::User, tid: "default".into(), typ: "viewer".into(), sid: None, iat: now.seconds(), exp: now.seconds() + 60 };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET.as_bytes())).unwrap();
        assert_eq!(keys.verify_access(&token, now), Err(TokenError::Invalid));
    }

    #[test]
    fn viewer_tokens_are_scoped_to_one_blueprint_and_are_not_access_tokens() {
        let keys = TokenKeys::new(SECRET).unwrap();
        let now = Timestamp::from_millis(1_800_000_000_000);
        let token = keys.issue_viewer(&principal(), &blueprint(BP_1), now).unwrap();
        let viewer = keys.verify_viewer(&token, &blueprint(BP_1), now).unwrap();
        assert_eq!((viewer.user.as_str(), viewer.tenant.as_str(), viewer.role), (USER, "default", Role::User), "no role travels in a viewer token");
        assert_eq!(keys.verify_viewer(&token, &blueprint(BP_2), now), Err(TokenError::Invalid));
        assert_eq!(keys.verify_viewer(&token, &blueprint(BP_1), now.plus_seconds(VIEWER_TOKEN_TTL_SECS)), Err(TokenError::Expired));
        assert_eq!(keys.verify_access(&token, now), Err(TokenError::Invalid));
        let (access, _) = keys.issue_access(&principal(), "family-1", now).unwrap();
        assert_eq!(keys.verify_viewer(&access, &blueprint(BP_1), now), Err(TokenError::Invalid));
    }

    #[test]
    fn machine_tokens_need_a_long_configured_value() {
        assert!(matches_machine_token(SECRET, Some(SECRET)));
        assert!(!matches_machine_token("x", Some(SECRET)));
        assert!(!matches_machine_token("short", Some("short")));
        assert!(!matches_machine_token("", None));
        // Near misses: a prefix, one byte more, one byte changed.
        assert!(!matches_machine_token(&SECRET[..31], Some(SECRET)));
        assert!(!matches_machine_token(&format!("{SECRET}x"), Some(SECRET)));
        assert!(!matches_machine_token(&SECRET.replace('f', "g"), Some(SECRET)));
        // A short configured value is no endpoint at all (the bootstrap route answers 404).
        assert_eq!(usable_machine_token(Some(&SECRET[..31])), None);
        assert_eq!(usable_machine_token(Some(SECRET)), Some(SECRET));
        assert_eq!(usable_machine_token(None), None);
    }

    #[test]
    fn tokens_without_a_session_id_still_verify_but_name_no_session() {
        let keys = TokenKeys::new(SECRET).unwrap();
        let now = Timestamp::from_millis(1_800_000_000_000);
        let claims = AccessClaims { sub: USER.into(), role: Role::Admin, tid: "default".into(), typ: "access".into(), sid: None, iat: now.seconds(), exp: now.seconds() + 60 };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET.as_bytes())).unwrap();
        assert_eq!(keys.verify_session(&token, now).unwrap().id, None);
    }

    #[test]
    fn a_signed_token_naming_no_user_or_tenant_is_invalid() {
        let keys = TokenKeys::new(SECRET).unwrap();
        let now = Timestamp::from_millis(1_800_000_000_000);
        for (sub, tid) in [("", "default"), ("u", "default"), (USER, ""), (USER, "Default Tenant")] {
            let claims = AccessClaims { sub: sub.into(), role: Role::User, tid: tid.into(), typ: "access".into(), sid: None, iat: now.seconds(), exp: now.seconds() + 60 };
            let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET.as_bytes())).unwrap();
            assert_eq!(keys.verify_access(&token, now), Err(TokenError::Invalid), "{sub:?} {tid:?}");
        }
    }

    #[test]
    fn refresh_tokens_round_trip_and_hash() {
        let token = RefreshToken::from_random(&[9u8; 32]);
        assert_eq!(token.as_str().len(), 43);
        let parsed = RefreshToken::parse(token.as_str()).unwrap();
        assert_eq!(parsed.hash(), token.hash());
        assert_eq!(token.hash().len(), 64);
        assert!(RefreshToken::parse("short").is_none());
        assert!(RefreshToken::parse(&"!".repeat(43)).is_none());
    }
}
