//! Blueprint resources: create, list with pagination, read, delete — and that another user's
//! blueprint is indistinguishable from a missing one on every route.

use e2e::client::Client;
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("blueprints::create_a_draft_with_or_without_a_title", create_a_draft_with_or_without_a_title),
        ("blueprints::list_is_newest_first_and_pages_without_gaps", list_is_newest_first_and_pages_without_gaps),
        ("blueprints::read_by_seed_path_and_rest_path", read_by_seed_path_and_rest_path),
        ("blueprints::another_users_blueprint_is_not_found_everywhere", another_users_blueprint_is_not_found_everywhere),
        ("blueprints::delete_removes_it_once", delete_removes_it_once),
        ("blueprints::rename_changes_only_the_title", rename_changes_only_the_title),
    ]
}

fn create(client: &mut Client, title: Option<&str>) -> Value {
    let body = match title {
        Some(title) => json!({ "title": title }),
        None => json!({}),
    };
    let reply = client.post("/api/blueprints", &body);
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()
}

fn create_a_draft_with_or_without_a_title(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("bp-create");
    let untitled = create(&mut client, None);
    assert_eq!(untitled["title"], "Untitled blueprint");
    assert_eq!(untitled["status"], "draft");
    assert_eq!(untitled["version"], 0);
    assert_eq!(untitled["static_answers"], json!({}));
    assert_eq!(untitled["dynamic_questions"], json!([]));
    let titled = create(&mut client, Some("  Sales onboarding – Q3 ✓ "));
    assert_eq!(titled["title"], "Sales onboarding – Q3 ✓");
    assert_ne!(titled["id"], untitled["id"]);
    let body = client.post("/api/blueprints", &json!({ "title": "x".repeat(201) })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "title");
    let body = client.post("/api/blueprints", &json!({ "title": ["not", "text"] })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "title");
    // Nothing was created by the refused requests.
    let list = client.get("/api/blueprints").json();
    assert_eq!(list["blueprints"].as_array().unwrap().len(), 2, "{list}");
}

fn list_is_newest_first_and_pages_without_gaps(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("bp-list");
    let created: Vec<String> = (0..5).map(|i| create(&mut client, Some(&format!("Course {i}")))["id"].as_str().unwrap().to_string()).collect();
    let mut seen = Vec::new();
    let mut path = "/api/blueprints?limit=2".to_string();
    for _ in 0..5 {
        let page = client.get(&path);
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        let items = page["blueprints"].as_array().unwrap();
        assert!(items.len() <= 2);
        for item in items {
            assert!(item.get("static_answers").is_none(), "the list is a summary");
            seen.push(item["id"].as_str().unwrap().to_string());
        }
        match page["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/blueprints?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
    let body = client.get("/api/blueprints?limit=0").expect_error(400);
    assert_eq!(body["details"][0]["field"], "limit");
    let body = client.get("/api/blueprints?cursor=bm9wZQ").expect_error(400);
    assert_eq!(body["details"][0]["field"], "cursor");
}

fn read_by_seed_path_and_rest_path(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("bp-read");
    let created = create(&mut client, Some("Readable"));
    let id = created["id"].as_str().unwrap();
    let seed = client.get(&format!("/api/blueprint/{id}"));
    assert_eq!(seed.status, 200, "{}", seed.text());
    let seed = seed.json();
    for field in ["id", "static_answers", "dynamic_questions", "dynamic_answers", "status", "version", "created_at", "updated_at"] {
        assert!(seed.get(field).is_some(), "{field} missing: {seed}");
    }
    assert_eq!(client.get(&format!("/api/blueprints/{id}")).json(), seed);
}

fn another_users_blueprint_is_not_found_everywhere(stack: &Stack) {
    let mut owner = Client::new(&stack.base_url);
    owner.sign_up("bp-owner");
    let id = create(&mut owner, Some("Private course"))["id"].as_str().unwrap().to_string();
    let mut intruder = Client::new(&stack.base_url);
    intruder.sign_up("bp-intruder");
    let missing = "00000000-0000-4000-8000-000000000000";
    let nothing = intruder.get(&format!("/api/blueprint/{missing}")).expect_error(404);
    for path in [format!("/api/blueprint/{id}"), format!("/api/blueprints/{id}")] {
        let body = intruder.get(&path).expect_error(404);
        assert_eq!(body["error"], nothing["error"], "someone else's looks exactly like missing");
        assert!(!body.to_string().contains("Private course"));
    }
    let body = intruder.send("DELETE", &format!("/api/blueprints/{id}"), &[], None).expect_error(404);
    assert_eq!(body["error"], nothing["error"]);
    let rename = json!({ "title": "Taken over" }).to_string().into_bytes();
    let body = intruder.send("PATCH", &format!("/api/blueprints/{id}"), &[("content-type", "application/json")], Some(rename)).expect_error(404);
    assert_eq!(body["error"], nothing["error"]);
    let list = intruder.get("/api/blueprints").json();
    assert_eq!(list["blueprints"], json!([]), "{list}");
    // Malformed ids are just as missing.
    intruder.get("/api/blueprint/not-a-uuid").expect_error(404);
    // The owner still has it, untouched.
    let still = owner.get(&format!("/api/blueprint/{id}"));
    assert_eq!(still.status, 200);
    assert_eq!(still.json()["title"], "Private course");
}

fn delete_removes_it_once(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("bp-delete");
    let keep = create(&mut client, Some("Keep"))["id"].as_str().unwrap().to_string();
    let gone = create(&mut client, Some("Gone"))["id"].as_str().unwrap().to_string();
    let reply = client.send("DELETE", &format!("/api/blueprints/{gone}"), &[], None);
    assert_eq!(reply.status, 204, "{}", reply.text());
    client.get(&format!("/api/blueprint/{gone}")).expect_error(404);
    client.send("DELETE", &format!("/api/blueprints/{gone}"), &[], None).expect_error(404);
    let list = client.get("/api/blueprints").json();
    let ids: Vec<&str> = list["blueprints"].as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [keep.as_str()]);
}

fn rename_changes_only_the_title(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("bp-rename");
    let created = create(&mut client, Some("Working title"));
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/api/blueprints/{id}");
    let rename = |client: &mut Client, body: Value| client.send("PATCH", &path, &[("content-type", "application/json")], Some(body.to_string().into_bytes()));
    let reply = rename(&mut client, json!({ "title": "  Négociation 2027  " }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let renamed = reply.json();
    assert_eq!(renamed["title"], "Négociation 2027");
    assert_eq!(renamed["status"], created["status"]);
    assert_eq!(renamed["static_answers"], created["static_answers"]);
    let listed = client.get("/api/blueprints").json();
    assert_eq!(listed["blueprints"][0]["title"], "Négociation 2027");
    for (body, field) in [(json!({}), "title"), (json!({ "title": "   " }), "title"), (json!({ "title": "x".repeat(201) }), "title")] {
        let error = rename(&mut client, body).expect_error(400);
        assert_eq!(error["details"][0]["field"], field, "{error}");
    }
    assert_eq!(client.get(&path).json()["title"], "Négociation 2027", "a refused rename changes nothing");
    let reply = client.send("PUT", &path, &[], None);
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET, PATCH, DELETE"));
}
