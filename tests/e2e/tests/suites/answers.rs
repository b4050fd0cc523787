//! Autosave of the static answers: one field at a time, merged, validated per field, never
//! losing a concurrent write.

use e2e::client::Client;
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("answers::static_answers_autosave_field_by_field_until_complete", static_answers_autosave_field_by_field_until_complete),
        ("answers::a_bad_field_is_named_and_nothing_is_saved", a_bad_field_is_named_and_nothing_is_saved),
        ("answers::concurrent_autosaves_never_lose_a_field", concurrent_autosaves_never_lose_a_field),
        ("answers::another_users_answers_are_not_found", another_users_answers_are_not_found),
    ]
}

pub fn exclusive() -> Vec<super::Test> {
    vec![("answers::answers_are_frozen_while_generating", answers_are_frozen_while_generating)]
}

pub fn new_blueprint(client: &mut Client) -> String {
    let reply = client.post("/api/blueprints", &json!({}));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["id"].as_str().unwrap().to_string()
}

fn patch(client: &mut Client, id: &str, body: &Value) -> e2e::client::Reply {
    client.send("PATCH", &format!("/api/blueprints/{id}/static-answers"), &[("content-type", "application/json")], Some(body.to_string().into_bytes()))
}

#[track_caller]
fn saved(reply: e2e::client::Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

fn static_answers_autosave_field_by_field_until_complete(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("static");
    let id = new_blueprint(&mut client);
    let first = saved(patch(&mut client, &id, &json!({ "audience": "  Frontline sales reps " })));
    assert_eq!(first["static_answers"], json!({ "audience": "Frontline sales reps" }));
    assert_eq!(first["complete"], false);
    assert_eq!(first["missing"], json!(["goals", "constraints", "context"]));
    assert!(first["updated_at"].as_str().is_some());
    saved(patch(&mut client, &id, &json!({ "goals": ["Increase product knowledge", "Reduce onboarding time"] })));
    // Sub-fields of constraints arrive one at a time and merge.
    saved(patch(&mut client, &id, &json!({ "constraints": { "time": "4 weeks" } })));
    let after_modality = saved(patch(&mut client, &id, &json!({ "constraints": { "modality": "blended" } })));
    assert_eq!(after_modality["static_answers"]["constraints"], json!({ "time": "4 weeks", "modality": "blended" }));
    let done = saved(patch(&mut client, &id, &json!({ "context": "B2B SaaS with complex pricing" })));
    assert_eq!(done["complete"], true, "{done}");
    assert_eq!(done["missing"], json!([]));
    assert!(done["updated_at"].as_str().unwrap() >= first["updated_at"].as_str().unwrap());
    // Clearing a field (the user emptied it) is a save, and makes the answers incomplete again.
    let cleared = saved(patch(&mut client, &id, &json!({ "context": null })));
    assert_eq!(cleared["complete"], false);
    assert_eq!(cleared["missing"], json!(["context"]));
    // The blueprint itself shows what was saved.
    let blueprint = client.get(&format!("/api/blueprint/{id}")).json();
    assert_eq!(blueprint["static_answers"]["goals"][1], "Reduce onboarding time");
    assert!(blueprint["static_answers"].get("context").is_none());
}

fn a_bad_field_is_named_and_nothing_is_saved(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("static-bad");
    let id = new_blueprint(&mut client);
    saved(patch(&mut client, &id, &json!({ "audience": "Nurses" })));
    let body = patch(&mut client, &id, &json!({ "audience": "Doctors", "goals": [], "constraints": { "modality": "telepathy" } })).expect_error(400);
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["constraints.modality", "goals"], "{body}");
    let body = patch(&mut client, &id, &json!({ "favouriteColour": "blue" })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "favouriteColour");
    patch(&mut client, &id, &json!({})).expect_error(400);
    let body = client.send("PATCH", &format!("/api/blueprints/{id}/static-answers"), &[("content-type", "application/json")], Some(b"{\"audience\":".to_vec())).expect_error(400);
    assert!(body["error"].as_str().unwrap().contains("JSON"));
    // The valid field of the refused request was not saved either.
    let blueprint = client.get(&format!("/api/blueprint/{id}")).json();
    assert_eq!(blueprint["static_answers"], json!({ "audience": "Nurses" }));
}

fn concurrent_autosaves_never_lose_a_field(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("static-race");
    let id = new_blueprint(&mut client);
    let patches = vec![
        json!({ "audience": "Warehouse supervisors" }),
        json!({ "goals": ["Run safe shift handovers"] }),
        json!({ "constraints": { "time": "6 hours" } }),
        json!({ "constraints": { "budget": "low" } }),
        json!({ "constraints": { "modality": "in-person" } }),
        json!({ "context": "Three sites, mixed shifts" }),
        json!({ "languages": ["en-GB", "pl-PL"] }),
    ];
    // Each autosave from its own connection at the same moment, as a fast typist's tabs would.
    let base = stack.base_url.clone();
    let cookie = format!("bp_access={}", client.cookie("bp_access").unwrap());
    let handles: Vec<_> = patches
        .into_iter()
        .map(|body| {
            let (base, cookie, id) = (base.clone(), cookie.clone(), id.clone());
            std::thread::spawn(move || {
                let mut c = Client::new(&base);
                c.send("PATCH", &format!("/api/blueprints/{id}/static-answers"), &[("content-type", "application/json"), ("cookie", &cookie)], Some(body.to_string().into_bytes())).status
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), 200);
    }
    let answers = client.get(&format!("/api/blueprint/{id}")).json()["static_answers"].clone();
    assert_eq!(
        answers,
        json!({
            "audience": "Warehouse supervisors",
            "goals": ["Run safe shift handovers"],
            "constraints": { "time": "6 hours", "budget": "low", "modality": "in-person" },
            "context": "Three sites, mixed shifts",
            "languages": ["en-GB", "pl-PL"]
        })
    );
}

fn another_users_answers_are_not_found(stack: &Stack) {
    let mut owner = Client::new(&stack.base_url);
    owner.sign_up("static-owner");
    let id = new_blueprint(&mut owner);
    saved(patch(&mut owner, &id, &json!({ "audience": "Pilots" })));
    let mut intruder = Client::new(&stack.base_url);
    intruder.sign_up("static-intruder");
    patch(&mut intruder, &id, &json!({ "audience": "Hijacked" })).expect_error(404);
    assert_eq!(owner.get(&format!("/api/blueprint/{id}")).json()["static_answers"]["audience"], "Pilots");
}

fn answers_are_frozen_while_generating(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("static-frozen");
    let id = new_blueprint(&mut client);
    saved(patch(&mut client, &id, &json!({ "audience": "Pilots" })));
    // Only the stream moves a blueprint into `generating`; set the scene in D1.
    stack.d1_execute(&format!("UPDATE blueprint_generator SET status = 'generating' WHERE id = '{id}'")).unwrap();
    patch(&mut client, &id, &json!({ "audience": "Changed mid-generation" })).expect_error(409);
    assert_eq!(client.get(&format!("/api/blueprint/{id}")).json()["static_answers"]["audience"], "Pilots");
}
