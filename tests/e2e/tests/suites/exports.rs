//! Exports to R2: Markdown and JSON of a completed version, write-once and reused, downloaded
//! with the right type and name, owner only.

use super::stream::{blueprint_document, ready_blueprint};
use e2e::client::Client;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<(&'static str, fn(&Stack))> {
    vec![
        ("exports::markdown_and_json_export_download_and_match_the_version", markdown_and_json_export_download_and_match_the_version),
        ("exports::exports_are_write_once_and_reused", exports_are_write_once_and_reused),
        ("exports::only_the_owner_exports_or_downloads", only_the_owner_exports_or_downloads),
        ("exports::refusals_name_the_problem", refusals_name_the_problem),
    ]
}

fn completed(stack: &Stack, label: &str, title: &str) -> (Client, String, Value) {
    let tag = e2e::unique(label);
    let (mut client, id) = ready_blueprint(stack, &tag);
    stack.llm.script(&tag, vec![Behaviour::reply(blueprint_document(title, 3).to_string())]);
    let body = json!({ "blueprintId": id }).to_string().into_bytes();
    let events = client.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body)).collect_all();
    let complete = events.last().unwrap();
    assert_eq!(complete.event, "complete", "{events:?}");
    (client, id, complete.json())
}

fn export(client: &mut Client, id: &str, body: Value) -> e2e::client::Reply {
    client.post(&format!("/api/blueprints/{id}/exports"), &body)
}

fn markdown_and_json_export_download_and_match_the_version(stack: &Stack) {
    let (mut client, id, complete) = completed(stack, "export-ok", "Cours d'été: Pricing");
    let markdown = export(&mut client, &id, json!({ "format": "markdown" }));
    assert_eq!(markdown.status, 201, "{}", markdown.text());
    let markdown = markdown.json();
    let filename = markdown["filename"].as_str().unwrap();
    assert!(filename.starts_with("cours-d-ete-pricing_v1_") && filename.ends_with("Z.md"), "{filename}");
    let file = client.get(markdown["downloadUrl"].as_str().unwrap());
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("text/markdown; charset=utf-8"));
    assert!(file.header("content-disposition").unwrap().contains(&format!("filename=\"{filename}\"")));
    assert_eq!(file.text(), complete["markdown"].as_str().unwrap());
    assert_eq!(file.body.len() as u64, markdown["bytes"].as_u64().unwrap());
    assert_eq!(markdown["sha256"].as_str().unwrap().len(), 64);

    let json_export = export(&mut client, &id, json!({ "format": "json", "version": 1 })).json();
    let file = client.get(json_export["downloadUrl"].as_str().unwrap());
    assert_eq!(file.header("content-type"), Some("application/json; charset=utf-8"));
    assert!(json_export["filename"].as_str().unwrap().ends_with(".json"));
    assert_eq!(file.json(), complete["blueprint"], "the stored artefact");
}

fn exports_are_write_once_and_reused(stack: &Stack) {
    let (mut client, id, _) = completed(stack, "export-once", "Reusable");
    let first = export(&mut client, &id, json!({ "format": "markdown" })).json();
    let second = export(&mut client, &id, json!({ "format": "markdown", "version": 1 })).json();
    assert_eq!(first["exportId"], second["exportId"], "the same version and format: the same export");
    assert_eq!(first["sha256"], second["sha256"]);
    let a = client.get(first["downloadUrl"].as_str().unwrap()).body;
    let b = client.get(second["downloadUrl"].as_str().unwrap()).body;
    assert_eq!(a, b, "byte-identical");
}

fn only_the_owner_exports_or_downloads(stack: &Stack) {
    let (mut owner, id, _) = completed(stack, "export-owner", "Private");
    let export = export(&mut owner, &id, json!({ "format": "json" })).json();
    let mut intruder = Client::new(&stack.base_url);
    intruder.sign_up("export-intruder");
    intruder.get(export["downloadUrl"].as_str().unwrap()).expect_error(404);
    intruder.post(&format!("/api/blueprints/{id}/exports"), &json!({ "format": "json" })).expect_error(404);
    intruder.get("/api/exports/not-an-export/download").expect_error(404);
    let mut anonymous = Client::new(&stack.base_url);
    anonymous.get(export["downloadUrl"].as_str().unwrap()).expect_error(401);
}

fn refusals_name_the_problem(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("export-refusals");
    let draft = super::answers::new_blueprint(&mut client);
    export(&mut client, &draft, json!({ "format": "markdown" })).expect_error(409);
    let body = export(&mut client, &draft, json!({ "format": "docx", "version": 0 })).expect_error(400);
    assert_eq!(body["details"].as_array().unwrap().len(), 2, "{body}");
    let (mut owner, id, _) = completed(stack, "export-missing-version", "Versioned");
    export(&mut owner, &id, json!({ "format": "markdown", "version": 7 })).expect_error(404);
    let body = export(&mut owner, &id, json!({ "format": "pdf" })).expect_error(422);
    assert!(body["error"].as_str().unwrap().contains("PDF"), "{body}");
}
