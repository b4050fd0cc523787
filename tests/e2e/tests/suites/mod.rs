pub mod admin;
pub mod analytics;
pub mod answers;
pub mod auth;
pub mod blueprints;
pub mod content;
pub mod courses;
pub mod dashboard;
pub mod exports;
pub mod gate;
pub mod generation;
pub mod harness;
pub mod learn;
pub mod progress_log;
pub mod security;
pub mod stream;
pub mod syllabi;
pub mod tenants;
pub mod ui;
pub mod wiring;

use e2e::client::Client;
use e2e::stack::{Stack, ADMIN_EMAIL, ADMIN_PASSWORD, BOOTSTRAP_TOKEN};
use serde_json::json;

/// A test: its name and what it runs against the shared stack.
pub type Test = (&'static str, fn(&Stack));

/// Once per run: the admin account, provisioned as an operator would: sign up, then present the
/// stack's `ADMIN_BOOTSTRAP_TOKEN`.
pub fn prepare(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let reply = client.post("/api/auth/signup", &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }));
    assert_eq!(reply.status, 201, "admin signup: {}", reply.text());
    assert_eq!(reply.json()["user"]["role"], "user", "nobody is an admin by signing up");
    let reply = client.post("/api/admin/bootstrap", &json!({ "token": BOOTSTRAP_TOKEN }));
    assert_eq!(reply.status, 200, "admin bootstrap: {}", reply.text());
}

/// A client signed in as the admin.
pub fn admin(stack: &Stack) -> Client {
    let mut client = Client::new(&stack.base_url);
    let reply = client.post("/api/auth/login", &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }));
    assert_eq!(reply.status, 200, "admin login: {}", reply.text());
    assert_eq!(reply.json()["user"]["role"], "admin");
    client
}

/// Tests that need the stack to themselves (they write to D1 from outside it).
pub fn exclusive() -> Vec<Test> {
    let mut tests = wiring::exclusive();
    tests.extend(stream::exclusive());
    tests.extend(dashboard::exclusive());
    tests.extend(security::exclusive());
    tests.extend(answers::exclusive());
    tests.extend(admin::exclusive());
    tests.extend(tenants::exclusive());
    tests.extend(syllabi::exclusive());
    tests.extend(content::exclusive());
    tests.extend(courses::exclusive());
    tests.extend(analytics::exclusive());
    tests.extend(gate::exclusive());
    // Late: it leaves the stack believing Ollama is down for a while.
    tests.extend(generation::exclusive());
    // Last: it kills the stack's wrangler (and checks that the harness brings it back).
    tests.extend(harness::exclusive());
    tests
}

pub fn all() -> Vec<Test> {
    let mut tests = Vec::new();
    tests.extend(auth::tests());
    tests.extend(admin::tests());
    tests.extend(tenants::tests());
    tests.extend(syllabi::tests());
    tests.extend(content::tests());
    tests.extend(courses::tests());
    tests.extend(learn::tests());
    tests.extend(analytics::tests());
    tests.extend(security::tests());
    tests.extend(blueprints::tests());
    tests.extend(answers::tests());
    tests.extend(generation::tests());
    tests.extend(gate::tests());
    tests.extend(progress_log::tests());
    tests.extend(stream::tests());
    tests.extend(exports::tests());
    tests.extend(dashboard::tests());
    tests.extend(wiring::tests());
    tests.extend(ui::tests());
    tests
}
