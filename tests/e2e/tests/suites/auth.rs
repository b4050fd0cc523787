//! Sign-up, login, refresh rotation and reuse detection, logout, me, failed-login and sign-up
//! limits.

use e2e::client::{Client, Reply};
use e2e::stack::{Stack, SIGNUP_LIMIT_PER_HOUR};
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
        ("auth::parallel_wrong_passwords_cannot_outrun_the_limit", parallel_wrong_passwords_cannot_outrun_the_limit),
        ("auth::failed_logins_are_limited_per_account_across_networks", failed_logins_are_limited_per_account_across_networks),
        ("auth::failed_logins_are_limited_per_network_across_accounts", failed_logins_are_limited_per_network_across_accounts),
        ("auth::signups_are_limited_per_network", signups_are_limited_per_network),
    ]
}

/// `domain::platform::rate_limit`'s failed-login limits, each per 15 minutes: per email and network, per
/// account (across networks), per network (across accounts). A network is an IPv4 address or an
/// IPv6 /64.
const PER_EMAIL_AND_NETWORK: usize = 5;
const PER_ACCOUNT: usize = 20;
const PER_NETWORK: usize = 50;

fn login_from(stack: &Stack, ip: &str, email: &str, password: &str) -> Reply {
    let mut client = Client::new(&stack.base_url);
    client.client_ip = Some(ip.to_string());
    client.post("/api/auth/login", &json!({ "email": email, "password": password }))
}

/// Runs `count` requests on `threads` threads; answers the replies in no particular order.
fn in_parallel(count: usize, threads: usize, request: impl Fn(usize) -> Reply + Sync) -> Vec<Reply> {
    std::thread::scope(|scope| {
        let request = &request;
        let handles: Vec<_> = (0..threads)
            .map(|thread| scope.spawn(move || (thread..count).step_by(threads).map(request).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|handle| handle.join().expect("request thread")).collect()
    })
}

#[track_caller]
fn assert_limited(reply: &Reply, max_retry_after: u64) {
    reply.expect_error(429);
    let retry_after: u64 = reply.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=max_retry_after).contains(&retry_after), "{retry_after}");
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

fn parallel_wrong_passwords_cannot_outrun_the_limit(stack: &Stack) {
    let mut owner = Client::new(&stack.base_url);
    let signed = owner.sign_up("raced");
    let attacker = format!("{}::1", e2e::unique_network());
    // All at once: a check before the password hash and a count after it would let every one of
    // them through while the others are still hashing.
    let replies = in_parallel(30, 30, |i| login_from(stack, &attacker, &signed.email, &format!("wrong password {i}")));
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    let verified = statuses.iter().filter(|s| **s == 401).count();
    assert!(verified <= PER_EMAIL_AND_NETWORK, "{verified} passwords were checked: {statuses:?}");
    for reply in replies.iter().filter(|r| r.status != 401) {
        assert_limited(reply, 900);
    }
    // The right password from that network is refused too, until the window passes.
    assert_limited(&login_from(stack, &attacker, &signed.email, &signed.password), 900);
    // The owner, on their own network, is not locked out by the attacker's few attempts.
    let reply = owner.post("/api/auth/login", &json!({ "email": signed.email, "password": signed.password }));
    assert_eq!(reply.status, 200, "{}", reply.text());
}

fn failed_logins_are_limited_per_account_across_networks(stack: &Stack) {
    let mut owner = Client::new(&stack.base_url);
    let signed = owner.sign_up("sprayed");
    // A botnet: every guess from another network, so no per-network limit is ever reached.
    for attempt in 1..=PER_ACCOUNT {
        let ip = format!("{}::1", e2e::unique_network());
        let reply = login_from(stack, &ip, &signed.email, &format!("wrong password {attempt}"));
        assert_eq!(reply.status, 401, "attempt {attempt}: {}", reply.text());
    }
    let ip = format!("{}::1", e2e::unique_network());
    assert_limited(&login_from(stack, &ip, &signed.email, &signed.password), 900);
    // The account is protected everywhere for the window (its owner waits too: see SECURITY.md).
    let reply = owner.post("/api/auth/login", &json!({ "email": signed.email, "password": signed.password }));
    assert_limited(&reply, 900);
}

fn failed_logins_are_limited_per_network_across_accounts(stack: &Stack) {
    let network = e2e::unique_network();
    // Credential stuffing: one try per account, each from another address of one IPv6 /64 (an
    // attacker gets a whole /64, so addresses inside it are one network).
    let replies = in_parallel(PER_NETWORK, 5, |i| {
        let email = format!("{}@example.test", e2e::unique("stuffed"));
        login_from(stack, &format!("{network}::{:x}", i + 1), &email, "a leaked password")
    });
    for reply in &replies {
        assert_eq!(reply.status, 401, "{}", reply.text());
    }
    let mut owner = Client::new(&stack.base_url);
    let signed = owner.sign_up("stuffed-real");
    assert_limited(&login_from(stack, &format!("{network}:0:0:ffff:1"), &signed.email, &signed.password), 900);
    // The next /64 is another network.
    let next = format!("{}::1", e2e::unique_network());
    let reply = login_from(stack, &next, &signed.email, &signed.password);
    assert_eq!(reply.status, 200, "{}", reply.text());
}

fn signups_are_limited_per_network(stack: &Stack) {
    let network = e2e::unique_network();
    let sign_up_from = |ip: String, body: serde_json::Value| {
        let mut client = Client::new(&stack.base_url);
        client.client_ip = Some(ip);
        client.post("/api/auth/signup", &body)
    };
    // Every attempt counts, a malformed one too (that keeps this test cheap: no password hash).
    let limit = SIGNUP_LIMIT_PER_HOUR as usize;
    let replies = in_parallel(limit, 6, |i| sign_up_from(format!("{network}::{:x}", i % 500 + 1), json!({})));
    for reply in &replies {
        assert_eq!(reply.status, 400, "{}", reply.text());
    }
    // Past the limit nothing is created and nothing is revealed: not even whether an email
    // exists (a duplicate would be 409).
    let email = format!("{}@example.test", e2e::unique("throttled"));
    let reply = sign_up_from(format!("{network}::beef"), json!({ "email": email, "password": "correct horse battery" }));
    assert_limited(&reply, 3600);
    let mut owner = Client::new(&stack.base_url);
    let existing = owner.sign_up("throttled-existing");
    let reply = sign_up_from(format!("{network}::beef"), json!({ "email": existing.email, "password": "correct horse battery" }));
    assert_limited(&reply, 3600);
    // Another network signs up as usual.
    let reply = sign_up_from(format!("{}::1", e2e::unique_network()), json!({ "email": email, "password": "correct horse battery" }));
    assert_eq!(reply.status, 201, "{}", reply.text());
}
