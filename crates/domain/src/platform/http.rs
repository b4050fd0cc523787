//! HTTP policy every response and request goes through: security headers, the same-origin rule
//! for state-changing requests, CORS for the allowlist, cookies and request ids.

use crate::platform::error::AppError;

pub const ACCESS_COOKIE: &str = "bp_access";
pub const REFRESH_COOKIE: &str = "bp_refresh";
/// The refresh cookie is only ever sent to the endpoints that use it.
pub const REFRESH_COOKIE_PATH: &str = "/api/auth";

/// Seed 000's headers. The CSP's `connect-src` is only `'self'`: the browser never talks to the
/// model, the workers do.
pub fn security_headers(local: bool) -> Vec<(&'static str, &'static str)> {
    let mut headers = vec![
        (
            "content-security-policy",
            "default-src 'self'; connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'",
        ),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
    ];
    if !local {
        headers.push(("strict-transport-security", "max-age=31536000; includeSubDomains; preload"));
    }
    headers
}

/// Loopback hosts are where HSTS and `Secure` cookies would break plain-HTTP development.
pub fn is_local_host(host: &str) -> bool {
    let host = host.trim_start_matches('[');
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') => name,
        _ => host,
    };
    let name = name.trim_end_matches(']');
    let loopback_v4 = name.starts_with("127.")
        && name.split('.').count() == 4
        && name.split('.').all(|part| !part.is_empty() && part.len() <= 3 && part.bytes().all(|b| b.is_ascii_digit()));
    name == "localhost" || name.ends_with(".localhost") || name == "::1" || loopback_v4
}

/// Which origins may make credentialed, state-changing requests.
#[derive(Debug, Clone)]
pub struct OriginPolicy {
    own_origin: String,
    allowlist: Vec<String>,
}

impl OriginPolicy {
    /// `allowlist` is `CORS_ALLOWLIST`: comma-separated origins like `https://app.example.com`.
    pub fn new(own_origin: &str, allowlist: &str) -> Self {
        OriginPolicy {
            own_origin: normalise_origin(own_origin),
            allowlist: allowlist.split(',').map(normalise_origin).filter(|o| !o.is_empty()).collect(),
        }
    }

    pub fn is_same_origin(&self, origin: &str) -> bool {
        normalise_origin(origin) == self.own_origin
    }

    pub fn is_allowlisted(&self, origin: &str) -> bool {
        let origin = normalise_origin(origin);
        self.allowlist.contains(&origin)
    }

    fn is_trusted(&self, origin: &str) -> bool {
        self.is_same_origin(origin) || self.is_allowlisted(origin)
    }

    /// The CSRF rule: a state-changing request must prove where it came from, unless it
    /// authenticates with a Bearer token and carries no cookie (a script, not a browser session).
    pub fn check_state_change(&self, request: &RequestFacts<'_>) -> Result<(), AppError> {
        if !request.method_changes_state() {
            return Ok(());
        }
        if request.has_bearer && !request.has_cookie {
            return Ok(());
        }
        let claimed = match (request.origin, request.referer) {
            // Browsers send `null` from sandboxed frames, `data:` documents and cross-origin
            // redirects: contexts an attacker can create. It proves nothing, and a Referer beside
            // it (which the same contexts can still carry) must not stand in for it.
            (Some(origin), _) if origin.trim() == "null" => return Err(AppError::forbidden("Cross-origin request refused")),
            (Some(origin), _) => Some(origin.to_string()),
            (None, Some(referer)) => origin_of_url(referer),
            (None, None) => None,
        };
        match claimed {
            Some(origin) if self.is_trusted(&origin) => Ok(()),
            Some(_) => Err(AppError::forbidden("Cross-origin request refused")),
            None => Err(AppError::forbidden("Origin or Referer header required for this request")),
        }
    }

    /// The origin to echo in `Access-Control-Allow-Origin`, for allowlisted cross-origin callers.
    pub fn cors_origin<'a>(&self, origin: Option<&'a str>) -> Option<&'a str> {
        origin.filter(|o| !self.is_same_origin(o) && self.is_allowlisted(o))
    }
}

pub struct RequestFacts<'a> {
    pub method: &'a str,
    pub origin: Option<&'a str>,
    pub referer: Option<&'a str>,
    pub has_cookie: bool,
    pub has_bearer: bool,
}

impl RequestFacts<'_> {
    fn method_changes_state(&self) -> bool {
        matches!(self.method, "POST" | "PUT" | "PATCH" | "DELETE")
    }
}

fn normalise_origin(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// `https://host:port` from a full URL.
pub fn origin_of_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

/// A `Set-Cookie` value for an HttpOnly, SameSite=Lax cookie (`Secure` outside localhost).
pub fn session_cookie(name: &str, value: &str, path: &str, max_age_secs: i64, secure: bool) -> String {
    let mut cookie = format!("{name}={value}; Path={path}; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax");
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

pub fn clear_cookie(name: &str, path: &str, secure: bool) -> String {
    session_cookie(name, "", path, 0, secure)
}

/// The value of one cookie in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name && !value.is_empty()).then_some(value)
    })
}

pub fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether `path` names a UI bundle whose file name carries its content hash (`/app-<10 hex>.js`
/// or `.css`, as `scripts/build-web.sh` writes them): such a file never changes.
pub fn is_content_hashed_asset(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/app-") else { return false };
    let Some((hash, extension)) = name.split_once('.') else { return false };
    hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) && matches!(extension, "js" | "css")
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_hashed_bundles_are_immutable() {
        assert!(is_content_hashed_asset("/app-a7a5995b32.js"));
        assert!(is_content_hashed_asset("/app-70a4af5554.css"));
        for path in ["/app.js", "/index.html", "/app-a7a5995b32.js.map", "/app-A7A5995B32.js", "/app-a7a59.js", "/x/app-a7a5995b32.js", "/fonts/DejaVuSans.ttf"] {
            assert!(!is_content_hashed_asset(path), "{path}");
        }
    }

    use super::*;

    fn facts<'a>(method: &'a str, origin: Option<&'a str>, referer: Option<&'a str>, cookie: bool, bearer: bool) -> RequestFacts<'a> {
        RequestFacts { method, origin, referer, has_cookie: cookie, has_bearer: bearer }
    }

    #[test]
    fn hsts_only_outside_localhost() {
        let has_hsts = |local| security_headers(local).iter().any(|(name, _)| *name == "strict-transport-security");
        assert!(has_hsts(false));
        assert!(!has_hsts(true));
        assert!(security_headers(true).iter().any(|(n, v)| *n == "content-security-policy" && v.contains("script-src 'self'") && v.contains("frame-ancestors 'none'")));
    }

    #[test]
    fn recognises_local_hosts() {
        for host in ["localhost", "localhost:8787", "127.0.0.1:8787", "[::1]:8787", "app.localhost"] {
            assert!(is_local_host(host), "{host}");
        }
        for host in ["example.com", "127.example.com:80", "localhost.example.com"] {
            assert!(!is_local_host(host), "{host}");
        }
    }

    #[test]
    fn state_changes_need_a_trusted_origin() {
        let policy = OriginPolicy::new("http://127.0.0.1:8787", "https://partner.example.com, https://other.example");
        assert!(policy.check_state_change(&facts("GET", None, None, true, false)).is_ok());
        assert!(policy.check_state_change(&facts("POST", Some("http://127.0.0.1:8787"), None, true, false)).is_ok());
        assert!(policy.check_state_change(&facts("PATCH", Some("https://partner.example.com"), None, true, false)).is_ok());
        assert!(policy.check_state_change(&facts("DELETE", None, Some("http://127.0.0.1:8787/app/x?y"), true, false)).is_ok());
        let denied = policy.check_state_change(&facts("POST", Some("https://evil.example"), None, true, false)).unwrap_err();
        assert_eq!(denied.status(), 403);
        assert!(policy.check_state_change(&facts("POST", None, None, false, false)).is_err());
        assert!(policy.check_state_change(&facts("POST", Some("null"), None, true, false)).is_err());
        // `Origin: null` is untrusted even with a same-origin Referer beside it.
        let null = policy.check_state_change(&facts("POST", Some("null"), Some("http://127.0.0.1:8787/dashboard"), true, false)).unwrap_err();
        assert_eq!(null.status(), 403);
        // An evil Origin is not rescued by a good Referer.
        assert!(policy.check_state_change(&facts("POST", Some("https://evil.example"), Some("http://127.0.0.1:8787/"), true, false)).is_err());
    }

    #[test]
    fn bearer_without_cookie_is_exempt_but_not_with_one() {
        let policy = OriginPolicy::new("http://127.0.0.1:8787", "");
        assert!(policy.check_state_change(&facts("POST", None, None, false, true)).is_ok());
        assert!(policy.check_state_change(&facts("POST", Some("https://evil.example"), None, true, true)).is_err());
    }

    #[test]
    fn cors_only_for_the_allowlist() {
        let policy = OriginPolicy::new("http://127.0.0.1:8787", "https://partner.example.com/");
        assert_eq!(policy.cors_origin(Some("https://partner.example.com")), Some("https://partner.example.com"));
        assert_eq!(policy.cors_origin(Some("https://evil.example")), None);
        assert_eq!(policy.cors_origin(Some("http://127.0.0.1:8787")), None);
        assert_eq!(policy.cors_origin(None), None);
    }

    #[test]
    fn cookies_and_bearer_headers() {
        assert_eq!(cookie_value("a=1; bp_access=tok; c=3", ACCESS_COOKIE), Some("tok"));
        assert_eq!(cookie_value("bp_access=", ACCESS_COOKIE), None);
        assert_eq!(cookie_value("xbp_access=1", ACCESS_COOKIE), None);
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        let cookie = session_cookie(ACCESS_COOKIE, "v", "/", 900, true);
        assert_eq!(cookie, "bp_access=v; Path=/; Max-Age=900; HttpOnly; SameSite=Lax; Secure");
        assert!(!clear_cookie(REFRESH_COOKIE, REFRESH_COOKIE_PATH, false).contains("Secure"));
    }

    #[test]
    fn origins_from_urls() {
        assert_eq!(origin_of_url("HTTP://Example.com:8080/path?q#f").as_deref(), Some("http://example.com:8080"));
        assert_eq!(origin_of_url("javascript:alert(1)"), None);
        assert_eq!(origin_of_url("ftp://x/y"), None);
    }
}
