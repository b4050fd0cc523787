//! Tenants, invitations and roles within a tenant (issue 18): a platform admin creates a tenant
//! and hands its first admin a one-time code; that admin invites members as users, reviewers or
//! admins; each tenant's accounts are its own (another tenant's are not found); the last admin
//! of a tenant stays; only platform admins touch the platform. Roles are read fresh on every
//! role-gated call.

use e2e::client::{Client, Reply};
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("tenants::a_platform_admin_creates_a_tenant_whose_admin_joins_by_its_code", a_platform_admin_creates_a_tenant_whose_admin_joins_by_its_code),
        ("tenants::tenant_admins_invite_members_with_a_role", tenant_admins_invite_members_with_a_role),
        ("tenants::invitation_codes_work_once_and_name_the_field_otherwise", invitation_codes_work_once_and_name_the_field_otherwise),
        ("tenants::a_taken_email_does_not_spend_the_invitation", a_taken_email_does_not_spend_the_invitation),
        ("tenants::two_sign_ups_racing_for_one_code_make_one_account", two_sign_ups_racing_for_one_code_make_one_account),
        ("tenants::another_tenants_accounts_are_not_found", another_tenants_accounts_are_not_found),
        ("tenants::a_tenants_last_admin_stays_and_demotions_act_at_once", a_tenants_last_admin_stays_and_demotions_act_at_once),
        ("tenants::only_platform_admins_make_tenants_and_platform_admins", only_platform_admins_make_tenants_and_platform_admins),
        ("tenants::members_are_listed_page_by_page", members_are_listed_page_by_page),
    ]
}

/// Writes to D1 from outside the stack.
pub fn exclusive() -> Vec<super::Test> {
    vec![
        ("tenants::expired_invitations_are_refused", expired_invitations_are_refused),
        ("tenants::the_database_refuses_role_and_tenant_writes_that_break_the_rules", the_database_refuses_role_and_tenant_writes_that_break_the_rules),
    ]
}

/// A tenant with an admin, a designer (user) and a reviewer, each signed in: the cast of the
/// curriculum suites.
pub struct Team {
    pub admin: Client,
    pub designer: Client,
    pub reviewer: Client,
}

/// A new tenant (made by a platform admin of its own) and its three members.
pub fn team(stack: &Stack, label: &str) -> Team {
    let (_, code) = new_tenant(stack, &format!("Team {label}"));
    let mut admin = join(stack, &code, &format!("{label}-admin"));
    let designer = join(stack, &invite(&mut admin, "user"), &format!("{label}-designer"));
    let reviewer = join(stack, &invite(&mut admin, "reviewer"), &format!("{label}-reviewer"));
    Team { admin, designer, reviewer }
}

/// A new account signed up with an invitation code.
pub fn join(stack: &Stack, code: &str, who: &str) -> Client {
    joined(stack, who, code).0
}

/// A platform admin of its own (the suite's shared admin signs in once per test elsewhere, and
/// logins per account are rate-limited).
fn platform_admin(stack: &Stack) -> Client {
    let mut client = Client::new(&stack.base_url);
    client.client_ip = Some(e2e::unique_network());
    client.sign_up("platform");
    let reply = client.post("/api/admin/bootstrap", &json!({ "token": e2e::stack::BOOTSTRAP_TOKEN }));
    assert_eq!(reply.status, 200, "bootstrap: {}", reply.text());
    client
}

/// A new tenant made by a platform admin: its id and its first admin's code.
fn new_tenant(stack: &Stack, name: &str) -> (String, String) {
    let mut platform = platform_admin(stack);
    let reply = platform.post("/api/admin/tenants", &json!({ "name": format!("  {name} ") }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["tenant"]["name"], name, "the name is trimmed: {body}");
    let code = body["adminInviteCode"].as_str().expect("adminInviteCode").to_string();
    (body["tenant"]["id"].as_str().expect("tenant id").to_string(), code)
}

/// Signs up with an invitation from a network of its own: the curriculum suites make many
/// accounts, and every sign-up counts against its network's hourly limit (which other tests
/// reach on purpose from 127.0.0.1).
fn sign_up_with(stack: &Stack, label: &str, code: &str) -> (Client, Reply) {
    let mut client = Client::new(&stack.base_url);
    client.client_ip = Some(e2e::unique_network());
    let email = format!("{}@example.test", e2e::unique(label));
    let reply = client.post("/api/auth/signup", &json!({ "email": email, "password": "correct horse battery", "inviteCode": code }));
    (client, reply)
}

fn joined(stack: &Stack, label: &str, code: &str) -> (Client, String) {
    let (client, reply) = sign_up_with(stack, label, code);
    assert_eq!(reply.status, 201, "{}", reply.text());
    (client, reply.json()["user"]["id"].as_str().unwrap().to_string())
}

/// A fresh tenant and its signed-in first admin.
fn tenant_with_admin(stack: &Stack, label: &str) -> (String, Client, String) {
    let (tenant, code) = new_tenant(stack, &format!("Tenant {label}"));
    let (admin, id) = joined(stack, label, &code);
    (tenant, admin, id)
}

pub fn invite(admin: &mut Client, role: &str) -> String {
    let reply = admin.post("/api/admin/invites", &json!({ "role": role }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["inviteCode"].as_str().unwrap().to_string()
}

fn patch(client: &mut Client, user_id: &str, body: Value) -> Reply {
    client.send("PATCH", &format!("/api/admin/users/{user_id}"), &[("content-type", "application/json")], Some(body.to_string().into_bytes()))
}

fn member_ids(client: &mut Client) -> Vec<String> {
    let reply = client.get("/api/admin/users?limit=100");
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["users"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_string()).collect()
}

fn a_platform_admin_creates_a_tenant_whose_admin_joins_by_its_code(stack: &Stack) {
    let (tenant, code) = new_tenant(stack, "Acme Learning");
    let (mut admin, reply) = sign_up_with(stack, "acme-admin", &code);
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["user"]["role"], "admin", "{body}");
    assert_eq!(body["user"]["platformAdmin"], false, "a tenant admin does not run the platform: {body}");
    let me = admin.get("/api/auth/me").json();
    assert_eq!(me["user"]["tenantId"], tenant.as_str(), "{me}");
    assert_eq!(me["user"]["role"], "admin");
    // The tenant's accounts: this one only.
    assert_eq!(member_ids(&mut admin), [body["user"]["id"].as_str().unwrap().to_string()]);
    // The platform is not theirs.
    admin.get("/api/admin/diagnostics").expect_error(403);
    admin.get("/api/admin/job-runs").expect_error(403);
    admin.post("/api/admin/tenants", &json!({ "name": "Another" })).expect_error(403);
}

fn tenant_admins_invite_members_with_a_role(stack: &Stack) {
    let (tenant, mut admin, _) = tenant_with_admin(stack, "inviter");
    let reply = admin.post("/api/admin/invites", &json!({ "role": "reviewer" }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["role"], "reviewer");
    let expires = body["expiresAt"].as_str().unwrap();
    assert!(expires > "2026-01-01T00:00:00.000Z" && expires.ends_with('Z'), "{expires}");
    let (mut reviewer, reply) = sign_up_with(stack, "reviewer", body["inviteCode"].as_str().unwrap());
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json()["user"]["role"], "reviewer");
    assert_eq!(reviewer.get("/api/auth/me").json()["user"]["tenantId"], tenant.as_str());
    let (mut user, _) = joined(stack, "member", &invite(&mut admin, "user"));
    assert_eq!(user.get("/api/auth/me").json()["user"]["role"], "user");
    assert_eq!(member_ids(&mut admin).len(), 3);

    // Only the tenant's admins invite, and only to a real role.
    for bad in [json!("owner"), json!(""), json!(3), Value::Null] {
        let body = admin.post("/api/admin/invites", &json!({ "role": bad })).expect_error(400);
        assert_eq!(body["details"][0]["field"], "role", "{bad}: {body}");
    }
    let body = admin.post("/api/admin/invites", &json!({})).expect_error(400);
    assert_eq!(body["details"][0]["field"], "role", "{body}");
    reviewer.post("/api/admin/invites", &json!({ "role": "admin" })).expect_error(403);
    user.post("/api/admin/invites", &json!({ "role": "admin" })).expect_error(403);
    reviewer.get("/api/admin/users").expect_error(403);
    Client::new(&stack.base_url).post("/api/admin/invites", &json!({ "role": "user" })).expect_error(401);
}

fn invitation_codes_work_once_and_name_the_field_otherwise(stack: &Stack) {
    let (_, mut admin, _) = tenant_with_admin(stack, "once");
    let code = invite(&mut admin, "user");
    joined(stack, "first", &code);
    let (_, again) = sign_up_with(stack, "second", &code);
    let body = again.expect_error(400);
    assert_eq!(body["details"][0]["field"], "inviteCode", "{body}");
    // A guess, a well-shaped unknown code: the same answer, naming the field.
    for guess in ["guess", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &format!("{code}x")] {
        let body = sign_up_with(stack, "guesser", guess).1.expect_error(400);
        assert_eq!(body["details"][0]["field"], "inviteCode", "{guess}: {body}");
    }
    // An empty field is no invitation: a plain account of the default tenant.
    let (mut plain, reply) = sign_up_with(stack, "plain", "");
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(plain.get("/api/auth/me").json()["user"]["tenantId"], "default");
}

fn a_taken_email_does_not_spend_the_invitation(stack: &Stack) {
    let (_, mut admin, _) = tenant_with_admin(stack, "taken");
    let code = invite(&mut admin, "reviewer");
    let mut existing = Client::new(&stack.base_url);
    let signed = existing.sign_up("already-here");
    let reply = Client::new(&stack.base_url).post("/api/auth/signup", &json!({ "email": signed.email, "password": "another password", "inviteCode": code }));
    reply.expect_error(409);
    // Still good for someone else.
    let (_, reply) = sign_up_with(stack, "after-conflict", &code);
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json()["user"]["role"], "reviewer");
}

fn two_sign_ups_racing_for_one_code_make_one_account(stack: &Stack) {
    let (_, mut admin, _) = tenant_with_admin(stack, "race");
    let code = invite(&mut admin, "user");
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..4).map(|i| {
            let code = code.clone();
            scope.spawn(move || sign_up_with(stack, &format!("racer{i}"), &code).1.status)
        }).collect();
        racers.into_iter().map(|racer| racer.join().unwrap()).collect()
    });
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 3, "{statuses:?}");
    assert_eq!(member_ids(&mut admin).len(), 2, "the admin and one racer");
}

fn another_tenants_accounts_are_not_found(stack: &Stack) {
    let (_, mut admin_a, id_a) = tenant_with_admin(stack, "tenant-a");
    let (_, mut admin_b, id_b) = tenant_with_admin(stack, "tenant-b");
    let mut default_user = Client::new(&stack.base_url);
    let outsider = default_user.sign_up("default-tenant");
    for target in [&id_b, &outsider.user_id] {
        let body = patch(&mut admin_a, target, json!({ "role": "user" })).expect_error(404);
        let missing = patch(&mut admin_a, "00000000-0000-4000-8000-000000000000", json!({ "role": "user" })).expect_error(404);
        assert_eq!(body["error"], missing["error"], "another tenant's account reads as missing");
    }
    let listed = member_ids(&mut admin_a);
    assert_eq!(listed, std::slice::from_ref(&id_a));
    assert!(!member_ids(&mut admin_b).contains(&id_a));
    assert_eq!(admin_b.get("/api/auth/me").json()["user"]["role"], "admin", "untouched");
}

fn a_tenants_last_admin_stays_and_demotions_act_at_once(stack: &Stack) {
    let (_, mut first, first_id) = tenant_with_admin(stack, "last-admin");
    let body = patch(&mut first, &first_id, json!({ "role": "reviewer" })).expect_error(409);
    assert!(body["error"].as_str().unwrap().contains("last admin"), "{body}");
    let (mut second, second_id) = joined(stack, "second-admin", &invite(&mut first, "admin"));
    assert_eq!(member_ids(&mut second).len(), 2, "the second admin administers the tenant");
    // The first steps down to reviewer: its next admin call is refused, token or not.
    let reply = patch(&mut first, &first_id, json!({ "role": "reviewer" }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["user"]["role"], "reviewer");
    first.get("/api/admin/users").expect_error(403);
    first.post("/api/admin/invites", &json!({ "role": "admin" })).expect_error(403);
    // Now the second is the last admin.
    patch(&mut second, &second_id, json!({ "role": "user" })).expect_error(409);
    let reply = patch(&mut second, &first_id, json!({ "role": "admin" }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(first.get("/api/admin/users").status, 200, "promotion acts at once too");
}

fn only_platform_admins_make_tenants_and_platform_admins(stack: &Stack) {
    let (_, mut tenant_admin, tenant_admin_id) = tenant_with_admin(stack, "no-platform");
    let (_, member_id) = joined(stack, "promoted", &invite(&mut tenant_admin, "user"));
    for body in [json!({ "platformAdmin": true }), json!({ "role": "admin", "platformAdmin": true })] {
        patch(&mut tenant_admin, &member_id, body).expect_error(403);
    }
    patch(&mut tenant_admin, &tenant_admin_id, json!({ "platformAdmin": true })).expect_error(403);
    let body = patch(&mut tenant_admin, &member_id, json!({ "platformAdmin": "yes" })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "platformAdmin", "{body}");
    tenant_admin.post("/api/admin/tenants", &json!({ "name": "Mine" })).expect_error(403);
    let mut user = Client::new(&stack.base_url);
    user.sign_up("tenantless");
    user.post("/api/admin/tenants", &json!({ "name": "Mine" })).expect_error(403);
    Client::new(&stack.base_url).post("/api/admin/tenants", &json!({ "name": "Mine" })).expect_error(401);
    let mut platform = platform_admin(stack);
    for bad in [json!({}), json!({ "name": "  " }), json!({ "name": "x".repeat(201) }), json!({ "name": 7 })] {
        let body = platform.post("/api/admin/tenants", &bad).expect_error(400);
        assert_eq!(body["details"][0]["field"], "name", "{bad}: {body}");
    }
}

fn members_are_listed_page_by_page(stack: &Stack) {
    let (_, mut admin, admin_id) = tenant_with_admin(stack, "pages");
    let mut expected = vec![admin_id];
    for i in 0..3 {
        expected.push(joined(stack, &format!("page{i}"), &invite(&mut admin, "user")).1);
    }
    let mut seen = Vec::new();
    let mut path = "/api/admin/users?limit=2".to_string();
    loop {
        let page = admin.get(&path).json();
        let users = page["users"].as_array().unwrap();
        assert!(users.len() <= 2, "{page}");
        for user in users {
            assert!(user["email"].as_str().unwrap().ends_with("@example.test"));
            assert!(user["createdAt"].as_str().is_some() && user["platformAdmin"] == false, "{user}");
            seen.push(user["id"].as_str().unwrap().to_string());
        }
        match page["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/admin/users?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, expected, "oldest first, each once");
    let body = admin.get("/api/admin/users?cursor=not-a-cursor").expect_error(400);
    assert_eq!(body["details"][0]["field"], "cursor", "{body}");
}

fn expired_invitations_are_refused(stack: &Stack) {
    let (_, mut admin, _) = tenant_with_admin(stack, "expired");
    let code = invite(&mut admin, "user");
    // Age every unused invitation of this run past its week.
    stack.d1_execute("UPDATE invites SET expires_at = '2000-01-01T00:00:00.000Z' WHERE used_at IS NULL").unwrap();
    let body = sign_up_with(stack, "late", &code).1.expect_error(400);
    assert_eq!(body["details"][0]["field"], "inviteCode", "{body}");
}

fn the_database_refuses_role_and_tenant_writes_that_break_the_rules(stack: &Stack) {
    let (tenant, mut admin, admin_id) = tenant_with_admin(stack, "triggers");
    let (_, member_id) = joined(stack, "trigger-member", &invite(&mut admin, "user"));
    let refused = |sql: &str, why: &str| {
        let error = stack.d1_execute(sql).expect_err(sql);
        assert!(error.contains(why), "{sql}: {error}");
    };
    // A platform admin that is not its tenant's admin; an account moving tenants.
    refused(&format!("UPDATE users SET platform_role = 'admin' WHERE id = '{member_id}'"), "a platform admin is an admin of its tenant");
    refused(&format!("UPDATE users SET tenant_id = 'default' WHERE id = '{member_id}'"), "does not move between tenants");
    refused(&format!("UPDATE users SET role = 'owner' WHERE id = '{member_id}'"), "CHECK constraint failed");
    // A used invitation cannot be reset to be used again.
    refused("UPDATE invites SET used_at = NULL, used_by = NULL WHERE used_at IS NOT NULL", "an invite is used once");
    // A blueprint in a tenant that is not its owner's (0007).
    refused(&format!("INSERT INTO blueprint_generator (id, user_id, tenant_id) VALUES ('00000000-0000-4000-8000-0000000000aa', '{admin_id}', 'default')"), "blueprint tenant must be its owner");
    let rows = stack.d1_execute(&format!("SELECT role, platform_role, tenant_id FROM users WHERE id = '{member_id}'")).unwrap();
    let row = &rows[0]["results"][0];
    assert_eq!((row["role"].as_str(), row["platform_role"].as_str(), row["tenant_id"].as_str()), (Some("user"), Some("user"), Some(tenant.as_str())));
}
