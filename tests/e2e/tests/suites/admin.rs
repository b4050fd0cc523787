//! Platform admins (security review, issue 17): provisioned only with the `ADMIN_BOOTSTRAP_TOKEN`
//! secret, never by an email address; demoted by another admin (never the last one); and their
//! role and session read fresh from D1 on every admin call, so a demotion or a logout ends admin
//! access at once rather than when the 15-minute access token expires.

use e2e::client::{Client, SignedUp};
use e2e::stack::{Stack, BOOTSTRAP_TOKEN, FORMER_ADMIN_EMAIL};
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("admin::signing_up_with_a_former_admin_email_grants_nothing", signing_up_with_a_former_admin_email_grants_nothing),
        ("admin::bootstrap_refuses_wrong_tokens_and_is_rate_limited", bootstrap_refuses_wrong_tokens_and_is_rate_limited),
        ("admin::bootstrap_with_the_secret_grants_admin_at_once", bootstrap_with_the_secret_grants_admin_at_once),
        ("admin::a_demotion_takes_effect_at_once", a_demotion_takes_effect_at_once),
        ("admin::role_changes_are_for_admins_and_validated", role_changes_are_for_admins_and_validated),
        ("admin::logout_ends_admin_access_at_once", logout_ends_admin_access_at_once),
    ]
}

/// Needs to know every admin of the stack (it reads them from D1) and briefly leaves only one.
pub fn exclusive() -> Vec<super::Test> {
    vec![("admin::the_last_admin_cannot_be_demoted", the_last_admin_cannot_be_demoted)]
}

/// The bootstrap limit per user and network (`domain::platform::rate_limit::ADMIN_BOOTSTRAP`).
const BOOTSTRAP_ATTEMPTS: usize = 5;

/// A fresh account, made an admin with the bootstrap secret; the client keeps its session.
pub fn bootstrapped(stack: &Stack, label: &str) -> (Client, SignedUp) {
    let mut client = Client::new(&stack.base_url);
    let signed = client.sign_up(label);
    let reply = client.post("/api/admin/bootstrap", &json!({ "token": BOOTSTRAP_TOKEN }));
    assert_eq!(reply.status, 200, "bootstrap: {}", reply.text());
    (client, signed)
}

fn set_role(admin: &mut Client, user_id: &str, role: &Value) -> e2e::client::Reply {
    patch_user(admin, user_id, json!({ "role": role }))
}

fn set_platform_admin(admin: &mut Client, user_id: &str, platform_admin: bool) -> e2e::client::Reply {
    patch_user(admin, user_id, json!({ "platformAdmin": platform_admin }))
}

fn patch_user(admin: &mut Client, user_id: &str, body: Value) -> e2e::client::Reply {
    admin.send("PATCH", &format!("/api/admin/users/{user_id}"), &[("content-type", "application/json")], Some(body.to_string().into_bytes()))
}

/// An API client holding only an access token (no cookies): what a stolen token is.
fn bearer_get(stack: &Stack, token: &str, path: &str) -> e2e::client::Reply {
    let mut script = Client::new(&stack.base_url);
    script.origin = None;
    script.send("GET", path, &[("authorization", &format!("Bearer {token}"))], None)
}

fn signing_up_with_a_former_admin_email_grants_nothing(stack: &Stack) {
    // The stack still lists this address in the retired `ADMIN_EMAILS`. Nobody proved they read
    // its mailbox, so the first to sign up with it must not become an admin.
    let mut attacker = Client::new(&stack.base_url);
    let reply = attacker.post("/api/auth/signup", &json!({ "email": FORMER_ADMIN_EMAIL.to_uppercase(), "password": "attacker password" }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json()["user"]["role"], "user", "{}", reply.text());
    assert_eq!(attacker.get("/api/auth/me").json()["user"]["role"], "user");
    attacker.get("/api/admin/diagnostics").expect_error(403);
    attacker.get("/api/admin/job-runs").expect_error(403);
    attacker.post("/api/admin/cron/run", &json!({ "cron": "*/5 * * * *" })).expect_error(403);
    // Nor does signing in again: the role is never derived from the address.
    let login = attacker.post("/api/auth/login", &json!({ "email": FORMER_ADMIN_EMAIL, "password": "attacker password" }));
    assert_eq!(login.status, 200, "{}", login.text());
    assert_eq!(login.json()["user"]["role"], "user");
    attacker.get("/api/admin/diagnostics").expect_error(403);
}

fn bootstrap_refuses_wrong_tokens_and_is_rate_limited(stack: &Stack) {
    let mut anonymous = Client::new(&stack.base_url);
    anonymous.post("/api/admin/bootstrap", &json!({ "token": BOOTSTRAP_TOKEN })).expect_error(401);

    let mut client = Client::new(&stack.base_url);
    client.sign_up("bootstrap-guess");
    let body = client.post("/api/admin/bootstrap", &json!({})).expect_error(400);
    assert_eq!(body["details"][0]["field"], "token", "{body}");
    let body = client.post("/api/admin/bootstrap", &json!({ "token": 42 })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "token", "{body}");

    // Near misses: a prefix, the token with one byte changed, the token with a byte added.
    let mut changed = BOOTSTRAP_TOKEN.to_string();
    changed.pop();
    let guesses = [BOOTSTRAP_TOKEN[..32].to_string(), format!("{changed}x"), format!("{BOOTSTRAP_TOKEN}x"), "x".repeat(48), String::new()];
    for guess in guesses.iter().take(BOOTSTRAP_ATTEMPTS) {
        let body = client.post("/api/admin/bootstrap", &json!({ "token": guess })).expect_error(403);
        assert!(!body.to_string().contains(BOOTSTRAP_TOKEN), "{body}");
    }
    // Past the limit even the right token is refused: guessing is bounded per user and network.
    let limited = client.post("/api/admin/bootstrap", &json!({ "token": BOOTSTRAP_TOKEN }));
    limited.expect_error(429);
    let retry_after: u64 = limited.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(client.get("/api/auth/me").json()["user"]["role"], "user");
    client.get("/api/admin/diagnostics").expect_error(403);
}

fn bootstrap_with_the_secret_grants_admin_at_once(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let signed = client.sign_up("bootstrap");
    client.get("/api/admin/diagnostics").expect_error(403);
    let reply = client.post("/api/admin/bootstrap", &json!({ "token": BOOTSTRAP_TOKEN }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["user"]["id"], signed.user_id.as_str(), "{body}");
    assert_eq!(body["user"]["role"], "admin", "{body}");
    assert_eq!(body["user"]["platformAdmin"], true, "{body}");
    // The access token from before still claims "user"; admin routes read the role from D1.
    let diagnostics = bearer_get(stack, &signed.access_token, "/api/admin/diagnostics");
    assert_eq!(diagnostics.status, 200, "{}", diagnostics.text());
    assert_eq!(client.get("/api/admin/diagnostics").status, 200);
    assert_eq!(client.get("/api/auth/me").json()["user"]["role"], "admin");
    // Presenting it again changes nothing and is not an error.
    let again = client.post("/api/admin/bootstrap", &json!({ "token": BOOTSTRAP_TOKEN }));
    assert_eq!(again.status, 200, "{}", again.text());
}

fn a_demotion_takes_effect_at_once(stack: &Stack) {
    let (mut admin, _) = bootstrapped(stack, "demoter");
    let (mut demoted, signed) = bootstrapped(stack, "demoted");
    let token = demoted.cookie("bp_access").expect("access cookie");
    assert_eq!(demoted.get("/api/admin/diagnostics").status, 200);
    assert_eq!(bearer_get(stack, &token, "/api/admin/job-runs").status, 200);

    let reply = set_role(&mut admin, &signed.user_id, &json!("user"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["user"]["role"], "user");
    // The same session, and the same access token held elsewhere: refused at once.
    demoted.get("/api/admin/diagnostics").expect_error(403);
    bearer_get(stack, &token, "/api/admin/job-runs").expect_error(403);
    set_role(&mut demoted, &signed.user_id, &json!("admin")).expect_error(403);
    assert_eq!(demoted.get("/api/auth/me").json()["user"]["role"], "user");

    // A tenant admin again is not a platform admin again: only a platform admin grants that.
    let reply = set_role(&mut admin, &signed.user_id, &json!("admin"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["user"]["platformAdmin"], false);
    demoted.get("/api/admin/diagnostics").expect_error(403);
    let reply = set_platform_admin(&mut admin, &signed.user_id, true);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(demoted.get("/api/admin/diagnostics").status, 200);
}

fn role_changes_are_for_admins_and_validated(stack: &Stack) {
    let mut user = Client::new(&stack.base_url);
    let victim = user.sign_up("role-target");
    // A user cannot promote anyone, themselves included.
    set_role(&mut user, &victim.user_id, &json!("admin")).expect_error(403);
    let mut anonymous = Client::new(&stack.base_url);
    set_role(&mut anonymous, &victim.user_id, &json!("admin")).expect_error(401);

    let (mut admin, _) = bootstrapped(stack, "role-admin");
    for bad in [json!("root"), json!(""), json!(1), Value::Null] {
        let body = set_role(&mut admin, &victim.user_id, &bad).expect_error(400);
        assert_eq!(body["details"][0]["field"], "role", "{bad}: {body}");
    }
    let body = admin.send("PATCH", &format!("/api/admin/users/{}", victim.user_id), &[("content-type", "application/json")], Some(b"{}".to_vec())).expect_error(400);
    assert_eq!(body["details"][0]["field"], "role", "{body}");
    set_role(&mut admin, "00000000-0000-4000-8000-000000000000", &json!("user")).expect_error(404);
    set_role(&mut admin, "not-an-id", &json!("user")).expect_error(404);
    let reply = admin.get(&format!("/api/admin/users/{}", victim.user_id));
    reply.expect_error(405);
    assert_eq!(reply.header("allow"), Some("PATCH"));
    assert_eq!(user.get("/api/auth/me").json()["user"]["role"], "user", "nothing changed");
}

fn logout_ends_admin_access_at_once(stack: &Stack) {
    // A session of its own (every login is one), so signing it out touches no other test.
    let mut admin = super::admin(stack);
    let token = admin.cookie("bp_access").expect("access cookie");
    assert_eq!(bearer_get(stack, &token, "/api/admin/diagnostics").status, 200);
    let reply = admin.post_empty("/api/auth/logout");
    assert_eq!(reply.status, 204, "{}", reply.text());
    // A copy of the access token (a stolen one, say) no longer opens the admin plane, although
    // it has most of its 15 minutes left.
    bearer_get(stack, &token, "/api/admin/diagnostics").expect_error(401);
    bearer_get(stack, &token, "/api/admin/job-runs").expect_error(401);
}

fn the_last_admin_cannot_be_demoted(stack: &Stack) {
    let (mut admin, me) = bootstrapped(stack, "last-admin");
    let rows = |sql: &str| -> Vec<Value> {
        let out = stack.d1_execute(sql).unwrap();
        out[0]["results"].as_array().cloned().unwrap_or_default()
    };
    // Every other admin of the default tenant (where bootstrapped admins live), and whether each
    // was a platform admin, to restore them as they were.
    let others: Vec<(String, bool)> = rows("SELECT id, platform_role FROM users WHERE role = 'admin' AND tenant_id = 'default'")
        .iter()
        .filter_map(|row| Some((row["id"].as_str()?.to_string(), row["platform_role"] == "admin")))
        .filter(|(id, _)| *id != me.user_id)
        .collect();
    assert!(!others.is_empty(), "the suite's own admin exists");
    for (id, _) in &others {
        let reply = set_role(&mut admin, id, &json!("user"));
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    let body = set_role(&mut admin, &me.user_id, &json!("user")).expect_error(409);
    assert!(body["error"].as_str().unwrap().contains("last"), "{body}");
    assert_eq!(admin.get("/api/admin/diagnostics").status, 200, "still an admin");
    // Making the last admin an admin again is no change, and allowed.
    assert_eq!(set_role(&mut admin, &me.user_id, &json!("admin")).status, 200);
    for (id, platform_admin) in &others {
        let body = if *platform_admin { json!({ "platformAdmin": true }) } else { json!({ "role": "admin" }) };
        let reply = patch_user(&mut admin, id, body);
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    // Once there is another admin, stepping down is allowed.
    let reply = set_role(&mut admin, &me.user_id, &json!("user"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    admin.get("/api/admin/diagnostics").expect_error(403);
    // Provisioning and every role change are in the audit trail.
    let actions: Vec<String> = rows(&format!("SELECT action FROM audit_log WHERE actor_id = '{}' ORDER BY created_at", me.user_id))
        .iter()
        .filter_map(|row| row["action"].as_str().map(str::to_string))
        .collect();
    assert!(actions.iter().any(|a| a == "admin.bootstrap"), "{actions:?}");
    // Each other admin demoted and promoted again, this one promoted (no change) and demoted.
    let changes = actions.iter().filter(|a| *a == "admin.role_changed").count();
    assert_eq!(changes, 2 * others.len() + 2, "{actions:?}");
    assert!(actions.iter().any(|a| a == "admin.role_change_refused"), "{actions:?}");
}
