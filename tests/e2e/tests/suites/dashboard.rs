//! The dashboard: KPIs and the quality review per version, and comparing two versions.

use super::stream::{blueprint_document, ready_blueprint};
use e2e::client::Client;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::{json, Value};

/// Tests that write D1 from outside the stack (they run alone).
pub fn exclusive() -> Vec<super::Test> {
    vec![("dashboard::a_version_saved_before_its_figures_were_stored_still_shows", a_version_saved_before_its_figures_were_stored_still_shows)]
}

pub fn tests() -> Vec<super::Test> {
    vec![
        ("dashboard::reads_are_rate_limited", reads_are_rate_limited),
        ("dashboard::kpis_and_quality_of_every_version", kpis_and_quality_of_every_version),
        ("dashboard::compare_two_versions", compare_two_versions),
        ("dashboard::refusals", refusals),
    ]
}

fn generate(stack: &Stack, tag: &str, client: &mut Client, id: &str, document: Value, regenerate: bool) -> Value {
    stack.llm.script(tag, vec![Behaviour::reply(document.to_string())]);
    let body = json!({ "blueprintId": id, "regenerate": regenerate }).to_string().into_bytes();
    let events = client.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body)).collect_all();
    assert_eq!(events.last().unwrap().event, "complete", "{events:?}");
    events.last().unwrap().json()
}

fn kpis_and_quality_of_every_version(stack: &Stack) {
    let tag = e2e::unique("dash");
    let (mut client, id) = ready_blueprint(stack, &tag);
    let complete = generate(stack, &tag, &mut client, &id, blueprint_document("Dashboard course", 3), false);
    // The stream's complete event carries the quality review too.
    assert!(complete["quality"]["score"].as_u64().is_some(), "{complete}");
    let mut weak = blueprint_document("Dashboard course", 2);
    weak["learningObjectives"] = json!(["Understand the pricing model"]);
    generate(stack, &tag, &mut client, &id, weak, true);
    let reply = client.get(&format!("/api/blueprints/{id}/dashboard"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let dashboard = reply.json();
    let latest = &dashboard["latest"];
    assert_eq!(latest["version"], 2);
    assert_eq!(latest["kpis"]["moduleCount"], 2);
    assert_eq!(latest["kpis"]["totalMinutes"], 90);
    assert_eq!(latest["kpis"]["modules"][0]["minutes"], 45);
    assert_eq!(latest["kpis"]["assessmentCoverage"]["moduleShare"], 1.0);
    let checks = latest["quality"]["checks"].as_array().unwrap();
    let measurable = checks.iter().find(|c| c["id"] == "measurable_objectives").unwrap();
    assert_eq!(measurable["passed"], false, "\"Understand\" is not measurable: {measurable}");
    assert!(latest["quality"]["toFix"].as_array().is_some_and(|t| !t.is_empty()));
    let history = dashboard["versions"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["kpis"]["moduleCount"], 3);
    assert_eq!(history[0]["qualityScore"], 100, "a well-aligned blueprint: {history:?}");
    assert!(history[1]["qualityScore"].as_u64().unwrap() < 100, "{history:?}");
}

fn compare_two_versions(stack: &Stack) {
    let tag = e2e::unique("compare");
    let (mut client, id) = ready_blueprint(stack, &tag);
    generate(stack, &tag, &mut client, &id, blueprint_document("Compared", 2), false);
    let mut changed = blueprint_document("Compared", 3);
    changed["modules"][0]["durationMinutes"] = json!(60);
    generate(stack, &tag, &mut client, &id, changed, true);
    let reply = client.get(&format!("/api/blueprints/{id}/compare?a=1&b=2"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let comparison = &reply.json()["comparison"];
    assert_eq!(comparison["differences"]["moduleCount"], 1);
    assert_eq!(comparison["differences"]["totalMinutes"], 60);
    assert_eq!(comparison["addedModules"], json!(["Module 3: pricing conversations"]));
    assert_eq!(comparison["removedModules"], json!([]));
    let change = &comparison["changedModules"][0];
    assert_eq!(change["title"], "Module 1: pricing conversations");
    assert!(change["changes"].to_string().contains("45 → 60"), "{change}");
}

fn refusals(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("dash-refusals");
    let draft = super::answers::new_blueprint(&mut client);
    client.get(&format!("/api/blueprints/{draft}/dashboard")).expect_error(409);
    let body = client.get(&format!("/api/blueprints/{draft}/compare?a=x")).expect_error(400);
    assert_eq!(body["details"].as_array().unwrap().len(), 2, "{body}");
    let mut intruder = Client::new(&stack.base_url);
    intruder.sign_up("dash-intruder");
    intruder.get(&format!("/api/blueprints/{draft}/dashboard")).expect_error(404);
}

/// The dashboard and compare re-read a blueprint's versions: a script looping on them is
/// stopped (in production 120 a minute per user and address; the test stack sets 20), with
/// `Retry-After`.
fn reads_are_rate_limited(stack: &Stack) {
    let tag = e2e::unique("dash-limit");
    let (mut client, id) = ready_blueprint(stack, &tag);
    generate(stack, &tag, &mut client, &id, blueprint_document("Often read", 2), false);
    let path = format!("/api/blueprints/{id}/dashboard");
    for n in 1..=e2e::stack::DASHBOARD_READS_PER_MINUTE {
        let reply = client.get(&path);
        assert_eq!(reply.status, 200, "read {n}: {}", reply.text());
    }
    let refused = client.get(&format!("/api/blueprints/{id}/compare?a=1&b=1"));
    refused.expect_error(429);
    assert!(refused.header("retry-after").is_some_and(|s| s.parse::<u64>().is_ok_and(|s| s >= 1)));
}

/// Figures and reviews are stored with each version when it is saved; a version saved before
/// that (no stored figures, a review in an older shape) is computed when read and shows the
/// same as one saved now.
fn a_version_saved_before_its_figures_were_stored_still_shows(stack: &Stack) {
    let tag = e2e::unique("dash-legacy");
    let (mut client, id) = ready_blueprint(stack, &tag);
    generate(stack, &tag, &mut client, &id, blueprint_document("Old and new", 3), false);
    stack
        .d1_execute(&format!(
            "INSERT INTO blueprint_versions (id, blueprint_id, user_id, version, static_answers, dynamic_questions, dynamic_answers, blueprint_json, blueprint_markdown, provider, model, timings, quality, kpis) \
             SELECT lower(hex(randomblob(16))), blueprint_id, user_id, 2, static_answers, dynamic_questions, dynamic_answers, blueprint_json, blueprint_markdown, provider, model, timings, '{{}}', NULL \
             FROM blueprint_versions WHERE blueprint_id = '{id}' AND version = 1; UPDATE blueprint_generator SET version = 2 WHERE id = '{id}'"
        ))
        .unwrap();
    let dashboard = client.get(&format!("/api/blueprints/{id}/dashboard")).json();
    let (saved_now, saved_before) = (&dashboard["versions"][0], &dashboard["versions"][1]);
    assert_eq!(saved_before["version"], 2, "{dashboard}");
    assert_eq!(saved_before["kpis"], saved_now["kpis"], "computed when read");
    assert_eq!(saved_before["qualityScore"], saved_now["qualityScore"]);
    assert_eq!(dashboard["latest"]["quality"]["score"], saved_now["qualityScore"], "the latest review, computed when read");
    assert_eq!(dashboard["latest"]["kpis"]["moduleCount"], 3);
}
