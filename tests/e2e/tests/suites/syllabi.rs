//! Syllabi (issue 18): from a completed blueprint version to an approved syllabus — made by the
//! model (or the curated split when the model's answer is unusable), edited and submitted by its
//! author, approved or sent back by the tenant's reviewers (four eyes; an admin may approve their
//! own), immutable once approved (the API answers 409, the database refuses any write), and
//! invisible to anyone who may not see it: another tenant, a colleague's draft.

use super::stream::{answered_blueprint, blueprint_document};
use e2e::client::{Client, Reply};
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use super::tenants::{invite, join, team, Team};
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("syllabi::a_version_becomes_an_approved_syllabus_through_review", a_version_becomes_an_approved_syllabus_through_review),
        ("syllabi::an_unusable_model_answer_falls_back_to_the_curated_split", an_unusable_model_answer_falls_back_to_the_curated_split),
        ("syllabi::nobody_approves_their_own_but_an_admin", nobody_approves_their_own_but_an_admin),
        ("syllabi::edits_are_validated_against_the_blueprint", edits_are_validated_against_the_blueprint),
        ("syllabi::only_a_completed_version_of_ones_own_blueprint_has_one", only_a_completed_version_of_ones_own_blueprint_has_one),
        ("syllabi::another_tenant_and_other_users_see_nothing", another_tenant_and_other_users_see_nothing),
    ]
}

/// Writes to D1 from outside the stack.
pub fn exclusive() -> Vec<super::Test> {
    vec![("syllabi::the_database_keeps_an_approved_syllabus_and_its_blueprint", the_database_keeps_an_approved_syllabus_and_its_blueprint)]
}

/// A completed version 1 of a new blueprint of `client`'s: its id and its document.
fn completed_version(stack: &Stack, client: &mut Client, tag: &str) -> (String, Value) {
    let id = answered_blueprint(stack, client, tag);
    let document = blueprint_document(&format!("Pricing course {tag}"), 3);
    stack.llm.script(tag, vec![Behaviour::reply(document.to_string())]);
    let body = json!({ "blueprintId": id }).to_string().into_bytes();
    let events = client.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body)).collect_all();
    assert_eq!(events.last().map(|e| e.event.as_str()), Some("complete"), "{events:?}");
    (id, document)
}

/// What a model might answer: each module taught in one lesson holding all its objectives.
fn model_syllabus(document: &Value, lesson_title: &str) -> Value {
    let modules: Vec<Value> = document["modules"].as_array().unwrap().iter().enumerate().map(|(i, module)| json!({
        "id": format!("m{}", i + 1),
        "title": module["title"],
        "durationMinutes": module["durationMinutes"],
        "objectives": module["objectives"],
        "lessons": [{ "id": format!("m{}.l1", i + 1), "title": format!("{lesson_title} {}", i + 1), "objectives": module["objectives"], "minutes": module["durationMinutes"], "level": "beginner" }],
        "assessmentHooks": [format!("Quiz on module {}", i + 1)]
    })).collect();
    json!({ "title": document["title"], "level": "beginner", "prerequisites": ["Basic product knowledge"], "modules": modules })
}

fn create(client: &mut Client, blueprint: &str, version: u32) -> Reply {
    client.post_empty(&format!("/api/blueprints/{blueprint}/versions/{version}/syllabus"))
}

fn created(client: &mut Client, blueprint: &str) -> Value {
    let reply = create(client, blueprint, 1);
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()
}

fn put(client: &mut Client, id: &str, syllabus: &Value) -> Reply {
    client.send("PUT", &format!("/api/syllabi/{id}"), &[("content-type", "application/json")], Some(json!({ "syllabus": syllabus }).to_string().into_bytes()))
}

fn act(client: &mut Client, id: &str, action: &str, body: Value) -> Reply {
    client.post(&format!("/api/syllabi/{id}/{action}"), &body)
}

fn ok(reply: Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

fn a_version_becomes_an_approved_syllabus_through_review(stack: &Stack) {
    let tag = e2e::unique("syllabus-path");
    let Team { mut designer, mut reviewer, .. } = team(stack, "path");
    let (blueprint, document) = completed_version(stack, &mut designer, &tag);
    stack.llm.script(&tag, vec![Behaviour::reply(model_syllabus(&document, "Talking tiers").to_string())]);
    let draft = created(&mut designer, &blueprint);
    assert_eq!((draft["status"].as_str(), draft["source"].as_str(), draft["version"].as_u64()), (Some("DRAFT"), Some("model"), Some(1)), "{draft}");
    assert_eq!(draft["syllabus"]["modules"][0]["lessons"][0]["title"], "Talking tiers 1", "the model's syllabus: {draft}");
    assert_eq!(draft["syllabus"]["modules"][2]["lessons"][0]["id"], "m3.l1");
    let id = draft["id"].as_str().unwrap().to_string();

    // One per version: asking again names the existing one.
    let again = create(&mut designer, &blueprint, 1).expect_error(409);
    assert_eq!(again["details"]["syllabusId"], id.as_str(), "{again}");

    // The author edits the draft; a reviewer sees it but may not edit it.
    let mut edited = draft["syllabus"].clone();
    edited["modules"][1]["lessons"][0]["title"] = json!("Tier two, told well");
    let body = ok(put(&mut designer, &id, &edited));
    assert_eq!(body["syllabus"]["modules"][1]["lessons"][0]["title"], "Tier two, told well");
    assert_eq!(ok(reviewer.get(&format!("/api/syllabi/{id}")))["id"], id.as_str());
    put(&mut reviewer, &id, &edited).expect_error(403);
    // Nobody reviews a draft.
    act(&mut reviewer, &id, "approve", json!({})).expect_error(409);

    let submitted = ok(act(&mut designer, &id, "submit", json!({})));
    assert_eq!(submitted["status"], "IN_REVIEW");
    assert_eq!(submitted["reviewUrl"], format!("/syllabi/{id}"));
    put(&mut designer, &id, &edited).expect_error(409);
    act(&mut designer, &id, "submit", json!({})).expect_error(409);
    // In the reviewer's queue; the designer's own list has it too.
    let queue = ok(reviewer.get("/api/syllabi?status=IN_REVIEW"));
    assert!(queue["syllabi"].as_array().unwrap().iter().any(|s| s["id"] == id.as_str() && s["title"] == document["title"]), "{queue}");
    assert_eq!(ok(designer.get("/api/syllabi"))["syllabi"].as_array().unwrap().len(), 1);
    let body = reviewer.get("/api/syllabi?status=approved").expect_error(400);
    assert_eq!(body["details"][0]["field"], "status", "{body}");

    // A plain user reviews nothing; a rejection says what to change.
    act(&mut designer, &id, "approve", json!({})).expect_error(403);
    let body = act(&mut reviewer, &id, "reject", json!({})).expect_error(400);
    assert_eq!(body["details"][0]["field"], "note", "{body}");
    let rejected = ok(act(&mut reviewer, &id, "reject", json!({ "note": "Split module 2 into two lessons" })));
    assert_eq!((rejected["status"].as_str(), rejected["note"].as_str()), (Some("DRAFT"), Some("Split module 2 into two lessons")));

    ok(act(&mut designer, &id, "submit", json!({})));
    let approved = ok(act(&mut reviewer, &id, "approve", json!({ "note": "Good to go" })));
    assert_eq!(approved["status"], "APPROVED");
    assert!(approved["approvedAt"].as_str().is_some() && approved["approvedBy"].as_str().is_some(), "{approved}");
    assert_eq!(approved["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(approved["syllabus"], body_of(&mut designer, &id)["syllabus"], "what was approved is what is stored");
    assert_eq!(approved["syllabus"]["modules"][1]["lessons"][0]["title"], "Tier two, told well");

    // Final: every change is refused, and its blueprint is kept.
    put(&mut designer, &id, &edited).expect_error(409);
    act(&mut reviewer, &id, "approve", json!({})).expect_error(409);
    act(&mut reviewer, &id, "reject", json!({ "note": "too late" })).expect_error(409);
    act(&mut designer, &id, "submit", json!({})).expect_error(409);
    designer.send("DELETE", &format!("/api/blueprints/{blueprint}"), &[], None).expect_error(409);
    assert_eq!(designer.get(&format!("/api/blueprints/{blueprint}")).status, 200, "still there");
}

fn body_of(client: &mut Client, id: &str) -> Value {
    ok(client.get(&format!("/api/syllabi/{id}")))
}

fn an_unusable_model_answer_falls_back_to_the_curated_split(stack: &Stack) {
    let tag = e2e::unique("syllabus-fallback");
    let mut designer = Client::new(&stack.base_url);
    designer.sign_up("syllabus-fallback");
    let (blueprint, document) = completed_version(stack, &mut designer, &tag);
    // A syllabus that drops a module: not this blueprint's, so every tier's answer is unusable.
    let mut wrong = model_syllabus(&document, "Lesson");
    wrong["modules"].as_array_mut().unwrap().pop();
    stack.llm.script(&tag, vec![Behaviour::reply(wrong.to_string())]);
    let draft = created(&mut designer, &blueprint);
    assert_eq!(draft["source"], "fallback", "{draft}");
    assert!(draft["warning"].as_str().is_some_and(|w| w.contains("unavailable")), "{draft}");
    let modules = draft["syllabus"]["modules"].as_array().unwrap();
    assert_eq!(modules.len(), 3, "every module of the blueprint");
    for (module, planned) in modules.iter().zip(document["modules"].as_array().unwrap()) {
        let minutes: u64 = module["lessons"].as_array().unwrap().iter().map(|l| l["minutes"].as_u64().unwrap()).sum();
        assert_eq!(minutes, planned["durationMinutes"].as_u64().unwrap(), "the lessons fill the module: {module}");
        assert_eq!(module["objectives"], planned["objectives"]);
    }
    // The curated draft is a draft like any other: its author submits it.
    assert_eq!(ok(act(&mut designer, draft["id"].as_str().unwrap(), "submit", json!({})))["status"], "IN_REVIEW");
}

fn nobody_approves_their_own_but_an_admin(stack: &Stack) {
    let Team { mut admin, mut reviewer, .. } = team(stack, "four-eyes");
    let tag = e2e::unique("syllabus-own");
    let (blueprint, _) = completed_version(stack, &mut reviewer, &tag);
    let id = created(&mut reviewer, &blueprint)["id"].as_str().unwrap().to_string();
    ok(act(&mut reviewer, &id, "submit", json!({})));
    let body = act(&mut reviewer, &id, "approve", json!({})).expect_error(403);
    assert!(body["error"].as_str().unwrap().contains("own"), "{body}");
    act(&mut reviewer, &id, "reject", json!({ "note": "mine" })).expect_error(403);
    // The tenant's admin approves the reviewer's syllabus…
    assert_eq!(ok(act(&mut admin, &id, "approve", json!({})))["status"], "APPROVED");
    // …and may approve their own (a tenant may have no second reviewer).
    let tag = e2e::unique("syllabus-admin-own");
    let (blueprint, _) = completed_version(stack, &mut admin, &tag);
    let own = created(&mut admin, &blueprint)["id"].as_str().unwrap().to_string();
    ok(act(&mut admin, &own, "submit", json!({})));
    assert_eq!(ok(act(&mut admin, &own, "approve", json!({ "note": "solo tenant" })))["status"], "APPROVED");
}

fn edits_are_validated_against_the_blueprint(stack: &Stack) {
    let tag = e2e::unique("syllabus-edit");
    let mut designer = Client::new(&stack.base_url);
    designer.sign_up("syllabus-edit");
    let (blueprint, document) = completed_version(stack, &mut designer, &tag);
    stack.llm.script(&tag, vec![Behaviour::reply(model_syllabus(&document, "Lesson").to_string())]);
    let draft = created(&mut designer, &blueprint);
    let id = draft["id"].as_str().unwrap();
    let mut wrong = draft["syllabus"].clone();
    wrong["modules"][0]["lessons"][0]["minutes"] = json!(10);
    wrong["modules"][1]["title"] = json!("A module the blueprint does not have");
    wrong["modules"][2]["lessons"][0]["objectives"] = json!(["Something nobody planned"]);
    wrong["modules"][2]["lessons"][0]["surprise"] = json!(true);
    let body = put(&mut designer, id, &wrong).expect_error(400);
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    for expected in ["syllabus.modules[0].lessons", "syllabus.modules[1].title", "syllabus.modules[2].lessons[0].objectives[0]", "syllabus.modules[2].lessons[0].surprise"] {
        assert!(fields.iter().any(|f| f.starts_with(expected)), "{expected} in {fields:?}");
    }
    let body = designer.send("PUT", &format!("/api/syllabi/{id}"), &[("content-type", "application/json")], Some(b"{}".to_vec())).expect_error(400);
    assert_eq!(body["details"][0]["field"], "syllabus", "{body}");
    // Nothing was stored.
    assert_eq!(body_of(&mut designer, id)["syllabus"], draft["syllabus"]);
}

fn only_a_completed_version_of_ones_own_blueprint_has_one(stack: &Stack) {
    let tag = e2e::unique("syllabus-versions");
    let mut designer = Client::new(&stack.base_url);
    designer.sign_up("syllabus-versions");
    let (blueprint, _) = completed_version(stack, &mut designer, &tag);
    create(&mut designer, &blueprint, 2).expect_error(404);
    for bad in ["0", "x", "-1"] {
        designer.post_empty(&format!("/api/blueprints/{blueprint}/versions/{bad}/syllabus")).expect_error(404);
    }
    let draft_only = super::answers::new_blueprint(&mut designer);
    create(&mut designer, &draft_only, 1).expect_error(404);
    let mut other = Client::new(&stack.base_url);
    other.sign_up("syllabus-other");
    let foreign = create(&mut other, &blueprint, 1).expect_error(404);
    let missing = create(&mut other, "00000000-0000-4000-8000-000000000000", 1).expect_error(404);
    assert_eq!(foreign["error"], missing["error"], "another's blueprint reads as missing");
    Client::new(&stack.base_url).post_empty(&format!("/api/blueprints/{blueprint}/versions/1/syllabus")).expect_error(401);
}

fn another_tenant_and_other_users_see_nothing(stack: &Stack) {
    let Team { mut designer, mut reviewer, admin: mut home_admin } = team(stack, "home");
    let tag = e2e::unique("syllabus-isolation");
    let (blueprint, _) = completed_version(stack, &mut designer, &tag);
    let id = created(&mut designer, &blueprint)["id"].as_str().unwrap().to_string();
    ok(act(&mut designer, &id, "submit", json!({})));
    let Team { admin: mut foreign_admin, reviewer: mut foreign_reviewer, .. } = team(stack, "away");
    let mut colleague = join(stack, &invite(&mut home_admin, "user"), "colleague");
    let missing = "00000000-0000-4000-8000-000000000000";
    for client in [&mut foreign_admin, &mut foreign_reviewer] {
        let foreign = client.get(&format!("/api/syllabi/{id}")).expect_error(404);
        assert_eq!(foreign["error"], client.get(&format!("/api/syllabi/{missing}")).expect_error(404)["error"]);
        act(client, &id, "approve", json!({})).expect_error(404);
        act(client, &id, "reject", json!({ "note": "no" })).expect_error(404);
        put(client, &id, &json!({})).expect_error(404);
        assert!(!ok(client.get("/api/syllabi"))["syllabi"].as_array().unwrap().iter().any(|s| s["id"] == id.as_str()));
    }
    // A plain user of the same tenant does not see a colleague's syllabus either.
    colleague.get(&format!("/api/syllabi/{id}")).expect_error(404);
    act(&mut colleague, &id, "approve", json!({})).expect_error(404);
    assert_eq!(ok(reviewer.get(&format!("/api/syllabi/{id}")))["status"], "IN_REVIEW", "untouched");
}

fn the_database_keeps_an_approved_syllabus_and_its_blueprint(stack: &Stack) {
    let tag = e2e::unique("syllabus-trigger");
    let Team { mut designer, mut reviewer, .. } = team(stack, "trigger");
    let (blueprint, _) = completed_version(stack, &mut designer, &tag);
    let id = created(&mut designer, &blueprint)["id"].as_str().unwrap().to_string();
    ok(act(&mut designer, &id, "submit", json!({})));
    ok(act(&mut reviewer, &id, "approve", json!({})));
    for sql in [
        format!("UPDATE syllabi SET syllabus_json = '{{}}' WHERE id = '{id}'"),
        format!("UPDATE syllabi SET status = 'DRAFT' WHERE id = '{id}'"),
        format!("DELETE FROM syllabi WHERE id = '{id}'"),
    ] {
        let error = stack.d1_execute(&sql).expect_err(&sql);
        assert!(error.contains("an approved syllabus is immutable"), "{sql}: {error}");
    }
    let error = stack.d1_execute(&format!("DELETE FROM blueprint_generator WHERE id = '{blueprint}'")).expect_err("blueprint delete");
    assert!(error.contains("a blueprint with a syllabus is kept"), "{error}");
    let rows = stack.d1_execute(&format!("SELECT action, metadata FROM audit_log WHERE entity_id = '{id}' ORDER BY created_at")).unwrap();
    let actions: Vec<&str> = rows[0]["results"].as_array().unwrap().iter().filter_map(|r| r["action"].as_str()).collect();
    assert_eq!(actions, ["SYLLABUS_CREATED", "SYLLABUS_SUBMITTED", "SYLLABUS_APPROVED"]);
}
