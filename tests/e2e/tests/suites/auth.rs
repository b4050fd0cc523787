//! Sign-up, login, refresh rotation and reuse detection, logout, me, failed-login limits.

use e2e::client::Client;
use e2e::stack::Stack;
use serde_json::json;

pub fn tests() -> Vec<super::Test> {
    vec![
        ("auth::signup_starts_a_session_with_http_only_cookies", signup_starts_a_session_with_http_only_cookies),
        ("auth::signup_normalises_email_and_refuses_duplicates", signup_normalises_email_and_refuses_duplicates),
        ("auth::signup_names_every_invalid_field", signup_names_every_invalid_field),
        ("auth::login_succeeds_and_wrong_email_or_password_look_the_same", login_succeeds_and_wrong_email_or_password_look_the_same),
        ("auth::bearer_token_alone_authenticates_an_api_client", bearer_token_alone_authenticates_an_api_client),
        ("auth::refresh_rotates_and_reuse_revokes_the_family", refresh_rotates_and_reuse_revokes_the_family),
        ("auth::logout_revokes_and_clears_the_session", logout_revokes_and_clears_the_session),
        ("auth::failed_logins_are_limited_per_email_and_ip", failed_logins_are_limited_per_email_and_ip),
        ("auth::tampered_and_foreign_tokens_are_401", tampered_and_foreign_tokens_are_401),
    ]
}

fn signup_starts_a_session_with_http_only_cookies(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let email = format!("{}@Example.test", e2e::unique("Ada"));
    let reply = client.post("/api/auth/signup", &json!({ "email": email, "password": "correct horse battery", "fullName": "  Ada Lovelace " }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["user"]["email"], email.to_lowercase());
    assert_eq!(body["user"]["role"], "user");
    assert_eq!(body["expiresIn"], 900);
    assert!(body["accessToken"].as_str().unwrap().split('.').count() == 3, "a JWT");
    let cookies = reply.headers_named("set-cookie");
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    for cookie in &cookies {
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "no Secure on a plain-HTTP localhost: {cookie}");
    }
    assert!(cookies.iter().any(|c| c.starts_with("bp_refresh=") && c.contains("Path=/api/auth")), "refresh cookie is scoped: {cookies:?}");
    assert!(body.get("refreshToken").is_none(), "the refresh token never reaches script");

    let me = client.get("/api/auth/me");
    assert_eq!(me.status, 200, "{}", me.text());
    let me = me.json();
    assert_eq!(me["user"]["id"], body["user"]["id"]);
    assert_eq!(me["profile"]["fullName"], "Ada Lovelace");
    assert!(me["user"].get("passwordHash").is_none() && !me.to_string().contains("argon2"), "no hash leaks: {me}");
}

fn signup_normalises_email_and_refuses_duplicates(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let signed = client.sign_up("dup");
    let mut other = Client::new(&stack.base_url);
    let reply = other.post("/api/auth/signup", &json!({ "email": format!("  {} ", signed.email.to_uppercase()), "password": "another good password" }));
    reply.expect_error(409);
    // The first account is untouched: its password still works.
    let login = other.post("/api/auth/login", &json!({ "email": signed.email, "password": signed.password }));
    assert_eq!(login.status, 200, "{}", login.text());
}

fn signup_names_every_invalid_field(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let body = client.post("/api/auth/signup", &json!({ "email": "not-an-email", "password": "short" })).expect_error(400);
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "password"], "{body}");
    let body = client.post("/api/auth/signup", &json!({ "email": 42, "password": "correct horse battery" })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "email", "{body}");
    let body = client.post("/api/auth/signup", &json!({ "password": "correct horse battery" })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "email", "{body}");
    assert!(client.cookie("bp_access").is_none(), "no session from a failed signup");
}

fn login_succeeds_and_wrong_email_or_password_look_the_same(stack: &Stack) {
    let mut first = Client::new(&stack.base_url);
    let signed = first.sign_up("login");
    let mut client = Client::new(&stack.base_url);
    let wrong_password = client.post("/api/auth/login", &json!({ "email": signed.email, "password": "not the password" })).expect_error(401);
    let unknown_email = client.post("/api/auth/login", &json!({ "email": format!("nobody-{}", signed.email), "password": "not the password" })).expect_error(401);
    assert_eq!(wrong_password["error"], unknown_email["error"]);
    assert!(client.cookie("bp_access").is_none());

    let reply = client.post("/api/auth/login", &json!({ "email": signed.email.to_uppercase(), "password": signed.password }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["user"]["id"], signed.user_id.as_str());
    let me = client.get("/api/auth/me").json();
    assert_eq!(me["user"]["id"], signed.user_id.as_str());
    assert!(me["profile"].is_object(), "the profile row exists from the first login: {me}");
}

fn bearer_token_alone_authenticates_an_api_client(stack: &Stack) {
    let mut browser = Client::new(&stack.base_url);
    let signed = browser.sign_up("bearer");
    let mut script = Client::new(&stack.base_url);
    script.origin = None;
    let auth = format!("Bearer {}", signed.access_token);
    let me = script.send("GET", "/api/auth/me", &[("authorization", &auth)], None);
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["user"]["email"], signed.email.as_str());
    // A state-changing call with Bearer and no cookie needs no Origin (it is not a browser).
    let logout = script.send("POST", "/api/auth/logout", &[("authorization", &auth)], None);
    assert_eq!(logout.status, 204, "{}", logout.text());
}

fn refresh_rotates_and_reuse_revokes_the_family(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("refresh");
    let first_refresh = client.cookie("bp_refresh").unwrap();
    let reply = client.post_empty("/api/auth/refresh");
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.json()["accessToken"].as_str().is_some());
    let second_refresh = client.cookie("bp_refresh").unwrap();
    assert_ne!(first_refresh, second_refresh, "the refresh token rotates");
    assert_eq!(client.get("/api/auth/me").status, 200);

    // An attacker replays the first (already rotated) token: refused, and the whole family
    // is revoked, so the legitimate holder of the newest token is signed out too.
    let mut attacker = Client::new(&stack.base_url);
    attacker.set_cookie("bp_refresh", &first_refresh, "/api/auth");
    attacker.post_empty("/api/auth/refresh").expect_error(401);
    assert!(attacker.cookie("bp_refresh").is_none(), "the refused cookie is cleared");
    client.post_empty("/api/auth/refresh").expect_error(401);

    // Garbage and missing tokens are plain 401s.
    let mut stranger = Client::new(&stack.base_url);
    stranger.post_empty("/api/auth/refresh").expect_error(401);
    stranger.set_cookie("bp_refresh", "not-a-token", "/api/auth");
    stranger.post_empty("/api/auth/refresh").expect_error(401);
}

fn logout_revokes_and_clears_the_session(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("logout");
    let refresh = client.cookie("bp_refresh").unwrap();
    let reply = client.post_empty("/api/auth/logout");
    assert_eq!(reply.status, 204, "{}", reply.text());
    assert!(reply.headers_named("set-cookie").iter().all(|c| c.contains("Max-Age=0")));
    assert!(client.cookie("bp_access").is_none() && client.cookie("bp_refresh").is_none());
    client.get("/api/auth/me").expect_error(401);
    // The refresh token from before the logout no longer works.
    client.set_cookie("bp_refresh", &refresh, "/api/auth");
    client.post_empty("/api/auth/refresh").expect_error(401);
}

fn failed_logins_are_limited_per_email_and_ip(stack: &Stack) {
    let mut owner = Client::new(&stack.base_url);
    let signed = owner.sign_up("limited");
    let mut client = Client::new(&stack.base_url);
    for attempt in 1..=5 {
        let reply = client.post("/api/auth/login", &json!({ "email": signed.email, "password": format!("wrong {attempt}") }));
        assert_eq!(reply.status, 401, "attempt {attempt}: {}", reply.text());
    }
    let limited = client.post("/api/auth/login", &json!({ "email": signed.email, "password": signed.password }));
    limited.expect_error(429);
    let retry_after: u64 = limited.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    // Another account from the same address is not affected.
    let mut other_owner = Client::new(&stack.base_url);
    let other = other_owner.sign_up("unlimited");
    let reply = client.post("/api/auth/login", &json!({ "email": other.email, "password": other.password }));
    assert_eq!(reply.status, 200, "{}", reply.text());
}

fn tampered_and_foreign_tokens_are_401(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let signed = client.sign_up("tamper");
    let mut parts: Vec<String> = signed.access_token.split('.').map(str::to_string).collect();
    // Claim the admin role without the key: the signature no longer matches.
    parts[1] = parts[1].chars().rev().collect();
    let forged = parts.join(".");
    let mut script = Client::new(&stack.base_url);
    for token in [forged.as_str(), "abc.def.ghi", "", "Bearer"] {
        let auth = format!("Bearer {token}");
        script.send("GET", "/api/auth/me", &[("authorization", &auth)], None).expect_error(401);
    }
    script.set_cookie("bp_access", &forged, "/");
    script.get("/api/auth/me").expect_error(401);
}
