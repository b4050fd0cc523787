//! The blueprint stream: SSE events from a Durable Object per blueprint, joined by concurrent
//! requests, surviving disconnects, replayed with Last-Event-ID, saved as versions.

use e2e::client::{Client, EventStream, SseEvent};
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::{json, Value};

/// Tests that read the stack's storage from outside it (they run alone).
pub fn exclusive() -> Vec<super::Test> {
    vec![("stream::a_deleted_blueprint_leaves_no_files_no_events_and_no_working_token", a_deleted_blueprint_leaves_no_files_no_events_and_no_working_token)]
}

pub fn tests() -> Vec<super::Test> {
    vec![
        ("stream::events_arrive_incrementally_and_the_result_is_saved_as_version_1", events_arrive_incrementally_and_the_result_is_saved_as_version_1),
        ("stream::a_completed_blueprint_answers_from_what_is_saved", a_completed_blueprint_answers_from_what_is_saved),
        ("stream::regenerate_makes_version_2_and_keeps_version_1", regenerate_makes_version_2_and_keeps_version_1),
        ("stream::an_invalid_model_answer_sends_error_with_the_fallback", an_invalid_model_answer_sends_error_with_the_fallback),
        ("stream::the_draft_of_a_failed_generation_can_be_kept_as_a_fallback_version", the_draft_of_a_failed_generation_can_be_kept_as_a_fallback_version),
        ("stream::a_draft_is_kept_once_and_only_after_a_failure", a_draft_is_kept_once_and_only_after_a_failure),
        ("stream::a_runaway_answer_is_cut_off_and_the_next_model_answers", a_runaway_answer_is_cut_off_and_the_next_model_answers),
        ("stream::a_model_still_writing_past_its_time_budget_is_cut_off_and_the_next_answers", a_model_still_writing_past_its_time_budget_is_cut_off_and_the_next_answers),
        ("stream::two_concurrent_requests_share_one_generation", two_concurrent_requests_share_one_generation),
        ("stream::one_generation_at_a_time_per_user", one_generation_at_a_time_per_user),
        ("stream::a_dropped_client_reconnects_and_gets_exactly_what_it_missed", a_dropped_client_reconnects_and_gets_exactly_what_it_missed),
        ("stream::incomplete_answers_are_400_naming_what_is_missing", incomplete_answers_are_400_naming_what_is_missing),
        ("stream::other_users_and_foreign_viewer_tokens_are_refused", other_users_and_foreign_viewer_tokens_are_refused),
        ("stream::heartbeats_keep_a_slow_stream_alive", heartbeats_keep_a_slow_stream_alive),
        ("stream::the_21st_request_in_ten_minutes_is_429", the_21st_request_in_ten_minutes_is_429),
        ("stream::a_repeated_idempotency_key_replays_the_earlier_outcome", a_repeated_idempotency_key_replays_the_earlier_outcome),
        ("stream::with_every_client_gone_the_generation_still_finishes_and_saves", with_every_client_gone_the_generation_still_finishes_and_saves),
    ]
}

pub use e2e::fixtures::blueprint_document;

/// A signed-in user with a blueprint ready to generate (static answers, dynamic questions
/// from the fake, required answers given). Its inputs carry `tag`.
pub fn ready_blueprint(stack: &Stack, tag: &str) -> (Client, String) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("stream");
    let id = answered_blueprint(stack, &mut client, tag);
    (client, id)
}

/// A new blueprint of `client`'s with every answer given (questions tagged `tag`), ready to
/// generate.
pub fn answered_blueprint(stack: &Stack, client: &mut Client, tag: &str) -> String {
    let id = super::answers::new_blueprint(client);
    let patch = |client: &mut Client, path: &str, body: Value| {
        let reply = client.send("PATCH", &format!("/api/blueprints/{id}/{path}"), &[("content-type", "application/json")], Some(body.to_string().into_bytes()));
        assert_eq!(reply.status, 200, "{}", reply.text());
    };
    patch(client, "static-answers", json!({
        "audience": "Frontline sales reps", "goals": ["Explain pricing", "Handle objections"],
        "constraints": { "time": "4 weeks", "modality": "blended" }, "context": format!("B2B SaaS ({tag})")
    }));
    let questions = json!({ "questions": [{ "section": "Context", "type": "short_text", "label": "Which CRM do reps use?" }] });
    // The questions prompt carries the context, hence the tag; tests re-script it afterwards.
    stack.llm.script(tag, vec![Behaviour::reply(questions.to_string())]);
    let reply = client.post("/api/generate-dynamic-questions", &json!({ "blueprintId": id }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    patch(client, "dynamic-answers", json!({ "answers": { "dq_001": "Salesforce" } }));
    id
}

fn start(client: &mut Client, id: &str, regenerate: bool) -> EventStream {
    let body = json!({ "blueprintId": id, "regenerate": regenerate }).to_string().into_bytes();
    client.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body))
}

fn model_calls(stack: &Stack, tag: &str) -> usize {
    stack.llm.received(tag).iter().filter(|c| c.path == "/api/chat" && c.body["stream"] == true).count()
}

fn named<'a>(events: &'a [SseEvent], name: &str) -> Vec<&'a SseEvent> {
    events.iter().filter(|e| e.event == name).collect()
}

fn events_arrive_incrementally_and_the_result_is_saved_as_version_1(stack: &Stack) {
    let tag = e2e::unique("stream-ok");
    let (mut client, id) = ready_blueprint(stack, &tag);
    let document = blueprint_document("Sales onboarding", 4);
    stack.llm.script(&tag, vec![Behaviour::Reply { content: document.to_string(), chunks: 12, delay_ms: 300 }]);
    let mut stream = start(&mut client, &id, false);
    assert_eq!(stream.status, 200);
    assert!(stream.header("content-type").unwrap().starts_with("text/event-stream"));
    assert_eq!(stream.header("cache-control"), Some("no-cache"));
    assert!(stream.header("x-viewer-token").is_some());
    let events = stream.collect_all();
    let progress = named(&events, "progress");
    assert!(progress.len() >= 3, "progress arrives as the model streams: {events:?}");
    // The blueprint grows: a later progress never has fewer modules than an earlier one.
    let module_counts: Vec<usize> = progress.iter().map(|e| e.json()["partialBlueprint"]["modules"].as_array().map_or(0, Vec::len)).collect();
    assert!(module_counts.windows(2).all(|w| w[0] <= w[1]), "{module_counts:?}");
    assert!(events.iter().all(|e| e.id.is_some()), "every event has an id");
    let complete = events.last().unwrap();
    assert_eq!(complete.event, "complete", "{events:?}");
    let complete = complete.json();
    assert_eq!(complete["blueprint"]["modules"].as_array().unwrap().len(), 4);
    assert_eq!(complete["savedBlueprintId"], id.as_str());
    assert_eq!(complete["version"], 1);
    assert!(complete["markdown"].as_str().unwrap().starts_with("# Sales onboarding"));
    let saved = client.get(&format!("/api/blueprint/{id}")).json();
    assert_eq!(saved["status"], "completed");
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["blueprint_json"], complete["blueprint"]);
    let versions = client.get(&format!("/api/blueprints/{id}/versions")).json();
    assert_eq!(versions["versions"][0]["version"], 1);
    assert_eq!(versions["versions"][0]["modules"], 4);
    assert_eq!(versions["versions"][0]["provider"], "ollama");
}

fn generate(stack: &Stack, tag: &str, client: &mut Client, id: &str, regenerate: bool, title: &str) -> Vec<SseEvent> {
    stack.llm.script(tag, vec![Behaviour::reply(blueprint_document(title, 2).to_string())]);
    let events = start(client, id, regenerate).collect_all();
    assert_eq!(events.last().map(|e| e.event.as_str()), Some("complete"), "{events:?}");
    events
}

fn a_completed_blueprint_answers_from_what_is_saved(stack: &Stack) {
    let tag = e2e::unique("stream-idem");
    let (mut client, id) = ready_blueprint(stack, &tag);
    let first = generate(stack, &tag, &mut client, &id, false, "First title");
    let calls = model_calls(stack, &tag);
    let again = start(&mut client, &id, false).collect_all();
    assert_eq!(again.len(), 2, "{again:?}");
    assert_eq!(again[0].event, "warning");
    assert_eq!(again[0].json()["message"], "Already completed; returning existing");
    assert_eq!(again[1].event, "complete");
    assert_eq!(again[1].json()["blueprint"], first.last().unwrap().json()["blueprint"]);
    assert_eq!(again[1].json()["version"], 1);
    assert_eq!(model_calls(stack, &tag), calls, "no model call");
    assert_eq!(client.get(&format!("/api/blueprints/{id}/versions")).json()["versions"].as_array().unwrap().len(), 1, "no write");
}

fn regenerate_makes_version_2_and_keeps_version_1(stack: &Stack) {
    let tag = e2e::unique("stream-regen");
    let (mut client, id) = ready_blueprint(stack, &tag);
    generate(stack, &tag, &mut client, &id, false, "Version one");
    let second = generate(stack, &tag, &mut client, &id, true, "Version two");
    assert_eq!(second.last().unwrap().json()["version"], 2);
    let versions = client.get(&format!("/api/blueprints/{id}/versions")).json();
    let numbers: Vec<i64> = versions["versions"].as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [2, 1]);
    let v1 = client.get(&format!("/api/blueprints/{id}/versions/1")).json();
    assert_eq!(v1["blueprint_json"]["title"], "Version one");
    assert_eq!(v1["static_answers"]["audience"], "Frontline sales reps");
    assert_eq!(client.get(&format!("/api/blueprints/{id}/versions/2")).json()["blueprint_json"]["title"], "Version two");
    client.get(&format!("/api/blueprints/{id}/versions/3")).expect_error(404);
    assert_eq!(client.get(&format!("/api/blueprint/{id}")).json()["version"], 2);
}

fn a_runaway_answer_is_cut_off_and_the_next_model_answers(stack: &Stack) {
    let tag = e2e::unique("stream-runaway");
    let (mut client, id) = ready_blueprint(stack, &tag);
    // A model that never stops: 600 KB of overview (a blueprint that large could not be stored).
    let mut runaway = blueprint_document("Runaway", 2);
    runaway["overview"] = json!("and so on ".repeat(60_000));
    stack.llm.script(&tag, vec![
        Behaviour::Reply { content: runaway.to_string(), chunks: 40, delay_ms: 0 },
        Behaviour::reply(blueprint_document("Sensible", 2).to_string()),
    ]);
    let events = start(&mut client, &id, false).collect_all();
    let last = events.last().unwrap();
    assert_eq!(last.event, "complete", "{:?}", events.iter().map(|e| &e.event).collect::<Vec<_>>());
    assert_eq!(last.json()["blueprint"]["title"], "Sensible");
    assert!(named(&events, "warning").iter().any(|w| w.data.contains("Retrying with")), "the restart is announced");
    let saved = client.get(&format!("/api/blueprints/{id}")).json();
    assert_eq!(saved["version"], 1);
    assert!(saved["blueprint_markdown"].as_str().unwrap().len() < 10_000);
}

/// Issue 16: a model that keeps streaming (a chunk every 400 ms, never idle long enough for the
/// idle timeout) for far longer than the attempt's wall-clock budget is cut off at the budget,
/// the stream says so in a `warning`, and the next tier answers. Each request states its token
/// budget and carries the full schema.
fn a_model_still_writing_past_its_time_budget_is_cut_off_and_the_next_answers(stack: &Stack) {
    use e2e::stack::{LLM_ATTEMPT_BUDGET_MS, LLM_TIMEOUT_MS};
    let tag = e2e::unique("stream-budget");
    let (mut client, id) = ready_blueprint(stack, &tag);
    let endless = blueprint_document("Endless", 3);
    let chunks = 150;
    let delay_ms = 400;
    assert!(delay_ms < LLM_TIMEOUT_MS && chunks as u64 * delay_ms > 3 * LLM_ATTEMPT_BUDGET_MS, "idle never trips; the budget must");
    stack.llm.script(&tag, vec![Behaviour::Reply { content: endless.to_string(), chunks, delay_ms }, Behaviour::reply(blueprint_document("In budget", 2).to_string())]);
    let started = std::time::Instant::now();
    let events = start(&mut client, &id, false).collect_all();
    let took = started.elapsed();
    let last = events.last().unwrap();
    assert_eq!(last.event, "complete", "{:?}", events.iter().map(|e| (&e.event, &e.data)).collect::<Vec<_>>());
    assert_eq!(last.json()["blueprint"]["title"], "In budget");
    let warnings = named(&events, "warning");
    assert!(warnings.iter().any(|w| w.data.contains("time budget")), "the cut is announced: {warnings:?}");
    // Cut at the budget, not when the runaway would have ended (60 s).
    assert!(took.as_millis() < u128::from(2 * LLM_ATTEMPT_BUDGET_MS), "took {took:?}");
    assert!(took.as_millis() >= u128::from(LLM_ATTEMPT_BUDGET_MS), "the first attempt ran its whole budget: {took:?}");
    let chats: Vec<_> = stack.llm.received(&tag).into_iter().filter(|c| c.path == "/api/chat" && c.body["stream"] == true).collect();
    assert_eq!(chats.iter().map(|c| c.body["model"].as_str().unwrap_or_default()).collect::<Vec<_>>(), ["qwen3:30b-a3b", "qwen2:7b"]);
    for chat in &chats {
        assert_eq!(chat.body["options"]["num_predict"], domain::blueprint::prompts::blueprint_token_budget());
        assert_eq!(chat.body["format"]["properties"]["modules"]["maxItems"], domain::blueprint::document::MAX_MODULES);
    }
    let versions = client.get(&format!("/api/blueprints/{id}/versions")).json();
    assert_eq!(versions["versions"][0]["provider"], "ollama");
}

fn an_invalid_model_answer_sends_error_with_the_fallback(stack: &Stack) {
    let tag = e2e::unique("stream-invalid");
    let (mut client, id) = ready_blueprint(stack, &tag);
    // Valid JSON, not a blueprint (no modules), from every tier.
    stack.llm.script(&tag, vec![Behaviour::reply(json!({ "title": "x" }).to_string())]);
    let events = start(&mut client, &id, false).collect_all();
    let last = events.last().unwrap();
    assert_eq!(last.event, "error", "{events:?}");
    let error = last.json();
    assert!(error["message"].as_str().is_some() && error["details"].as_str().is_some());
    assert!(error["blueprint"]["modules"].as_array().is_some_and(|m| !m.is_empty()), "fallback blueprint: {error}");
    assert!(error["markdown"].as_str().unwrap().starts_with('#'));
    let saved = client.get(&format!("/api/blueprint/{id}")).json();
    assert_eq!(saved["status"], "error");
    assert_eq!(saved["version"], 0, "nothing saved as completed");
    assert_eq!(client.get(&format!("/api/blueprints/{id}/versions")).json()["versions"], json!([]));
}

/// A failed generation (answers no model could make usable) leaves `status: error` and a draft;
/// the user keeps it: version 1, marked `source: "fallback"` in the answer, the version list,
/// the snapshot, the dashboard and an export; a later generation with a model is version 2.
fn the_draft_of_a_failed_generation_can_be_kept_as_a_fallback_version(stack: &Stack) {
    let tag = e2e::unique("stream-keep");
    let (mut client, id) = ready_blueprint(stack, &tag);
    stack.llm.script(&tag, vec![Behaviour::reply(json!({ "title": "x" }).to_string())]);
    let events = start(&mut client, &id, false).collect_all();
    let failure = events.last().unwrap().json();
    assert_eq!(failure["reason"], "unusable_answer", "{failure}");
    assert_eq!(failure["message"], "The model's answers could not be used");
    assert_eq!(failure["canKeepDraft"], true);
    assert!(failure["hint"].as_str().unwrap().contains("keep this draft"), "{failure}");

    let preview = client.get(&format!("/api/blueprints/{id}/draft"));
    assert_eq!(preview.status, 200, "{}", preview.text());
    assert_eq!(preview.json()["blueprint"], failure["blueprint"], "coming back shows the same draft");
    assert_eq!(client.get(&format!("/api/blueprints/{id}/versions")).json()["versions"], json!([]), "showing it saves nothing");

    let kept = client.post_empty(&format!("/api/blueprints/{id}/keep-draft"));
    assert_eq!(kept.status, 201, "{}", kept.text());
    let kept = kept.json();
    assert_eq!(kept["version"], 1);
    assert_eq!(kept["source"], "fallback");
    assert_eq!(kept["blueprint"], failure["blueprint"], "the draft kept is the draft shown");
    let saved = client.get(&format!("/api/blueprints/{id}")).json();
    assert_eq!((saved["status"].as_str(), saved["version"].as_i64()), (Some("completed"), Some(1)));
    let versions = client.get(&format!("/api/blueprints/{id}/versions")).json();
    assert_eq!(versions["versions"][0]["source"], "fallback", "{versions}");
    assert_eq!(versions["versions"][0]["provider"], "fallback");
    assert_eq!(client.get(&format!("/api/blueprints/{id}/versions/1")).json()["source"], "fallback");
    let dashboard = client.get(&format!("/api/blueprints/{id}/dashboard")).json();
    assert_eq!(dashboard["latest"]["source"], "fallback", "{dashboard}");
    assert_eq!(dashboard["versions"][0]["source"], "fallback");
    let export = client.post(&format!("/api/blueprints/{id}/exports"), &json!({ "format": "markdown" }));
    assert_eq!(export.status, 201, "{}", export.text());
    assert_eq!(export.json()["source"], "fallback");

    let regenerated = generate(stack, &tag, &mut client, &id, true, "With a model");
    assert_eq!(regenerated.last().unwrap().json()["version"], 2);
    let versions = client.get(&format!("/api/blueprints/{id}/versions")).json();
    let sources: Vec<&str> = versions["versions"].as_array().unwrap().iter().map(|v| v["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["model", "fallback"]);
}

/// Keeping is a guarded transition from `error` only: never before a failure, never twice
/// (two tabs at once: one version), never someone else's blueprint.
fn a_draft_is_kept_once_and_only_after_a_failure(stack: &Stack) {
    let tag = e2e::unique("stream-keep-once");
    let (mut client, id) = ready_blueprint(stack, &tag);
    let early = client.post_empty(&format!("/api/blueprints/{id}/keep-draft")).expect_error(409);
    assert_eq!(early["error"], "Only a blueprint whose last generation failed has a draft to keep");
    stack.llm.script(&tag, vec![Behaviour::reply(json!({ "title": "x" }).to_string())]);
    assert_eq!(start(&mut client, &id, false).collect_all().last().unwrap().event, "error");

    let mut stranger = Client::new(&stack.base_url);
    stranger.sign_up("keep-stranger");
    stranger.post_empty(&format!("/api/blueprints/{id}/keep-draft")).expect_error(404);
    stranger.get(&format!("/api/blueprints/{id}/draft")).expect_error(404);
    client.send("GET", &format!("/api/blueprints/{id}/keep-draft"), &[], None).expect_error(405);

    let (mut first, mut second) = (client.fork(), client.fork());
    let path = format!("/api/blueprints/{id}/keep-draft");
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| first.post_empty(&path));
        let b = scope.spawn(|| second.post_empty(&path));
        (a.join().unwrap(), b.join().unwrap())
    });
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{} / {}", a.text(), b.text());
    let versions = client.get(&format!("/api/blueprints/{id}/versions")).json();
    assert_eq!(versions["versions"].as_array().unwrap().len(), 1, "one version: {versions}");
    let again = client.post_empty(&path).expect_error(409);
    assert_eq!(again["error"], "The blueprint already has a saved result; regenerate it instead");
}

/// One account could start a generation on every blueprint it owns at once and hold every
/// model slot. Now a second one waits its turn (409), while other users are not held up.
fn one_generation_at_a_time_per_user(stack: &Stack) {
    let tag = e2e::unique("stream-one-at-a-time");
    let (mut client, first) = ready_blueprint(stack, &tag);
    let second = super::answers::new_blueprint(&mut client);
    let patch = |client: &mut Client, path: &str, body: Value| {
        let reply = client.send("PATCH", &format!("/api/blueprints/{second}/{path}"), &[("content-type", "application/json")], Some(body.to_string().into_bytes()));
        assert_eq!(reply.status, 200, "{}", reply.text());
    };
    patch(&mut client, "static-answers", json!({
        "audience": "Frontline sales reps", "goals": ["Explain pricing"], "constraints": { "time": "4 weeks" }, "context": format!("B2B SaaS ({tag})")
    }));
    assert_eq!(client.post("/api/generate-dynamic-questions", &json!({ "blueprintId": second })).status, 200);
    patch(&mut client, "dynamic-answers", json!({ "answers": { "dq_001": "Salesforce" } }));

    stack.llm.script(&tag, vec![Behaviour::Reply { content: blueprint_document("Slow one", 2).to_string(), chunks: 8, delay_ms: 250 }]);
    let mut running = start(&mut client, &first, false);
    assert_eq!(running.status, 200);
    let _ = running.next_event();
    let refused = start(&mut client, &second, false);
    assert_eq!(refused.status, 409, "a second generation of the same user waits");
    let other_tag = e2e::unique("stream-someone-else");
    let (mut other, other_id) = ready_blueprint(stack, &other_tag);
    stack.llm.script(&other_tag, vec![Behaviour::reply(blueprint_document("Someone else", 2).to_string())]);
    let mut others = start(&mut other, &other_id, false);
    assert_eq!(others.status, 200, "another user is not held up");
    assert_eq!(others.collect_all().last().map(|e| e.event.clone()).as_deref(), Some("complete"));
    assert_eq!(running.collect_all().last().unwrap().event, "complete");
    stack.llm.script(&tag, vec![Behaviour::reply(blueprint_document("Its turn", 2).to_string())]);
    assert_eq!(start(&mut client, &second, false).collect_all().last().unwrap().event, "complete", "then it can start");
}

fn two_concurrent_requests_share_one_generation(stack: &Stack) {
    let tag = e2e::unique("stream-join");
    let (client, id) = ready_blueprint(stack, &tag);
    stack.llm.script(&tag, vec![Behaviour::Reply { content: blueprint_document("Shared", 3).to_string(), chunks: 10, delay_ms: 200 }]);
    let cookie = format!("bp_access={}", client.cookie("bp_access").unwrap());
    let handles: Vec<_> = (0..2)
        .map(|i| {
            let (base, cookie, id) = (stack.base_url.clone(), cookie.clone(), id.clone());
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(300 * i));
                let mut c = Client::new(&base);
                let body = json!({ "blueprintId": id }).to_string().into_bytes();
                c.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json"), ("cookie", &cookie)], Some(body)).collect_all()
            })
        })
        .collect();
    let results: Vec<Vec<SseEvent>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(model_calls(stack, &tag), 1, "one generation for both");
    let ids = |events: &Vec<SseEvent>| events.iter().map(|e| (e.id, e.event.clone())).collect::<Vec<_>>();
    assert_eq!(ids(&results[0]), ids(&results[1]), "the same events for both");
    assert_eq!(results[1].last().unwrap().event, "complete");
}

fn a_dropped_client_reconnects_and_gets_exactly_what_it_missed(stack: &Stack) {
    let tag = e2e::unique("stream-drop");
    let (mut client, id) = ready_blueprint(stack, &tag);
    stack.llm.script(&tag, vec![Behaviour::Reply { content: blueprint_document("Survivor", 4).to_string(), chunks: 12, delay_ms: 250 }]);
    let mut stream = start(&mut client, &id, false);
    let token = stream.header("x-viewer-token").unwrap().to_string();
    let first = stream.next_event().expect("a first event");
    drop(stream); // the tab closes
    let last_seen = first.id.unwrap();
    // Reconnect (maybe while the generation still runs, maybe after): what was missed, then the rest.
    let mut again = client.open_stream("GET", &format!("/api/generate-blueprint/{id}/events?token={token}"), &[("last-event-id", &last_seen.to_string())], None);
    assert_eq!(again.status, 200);
    let rest = again.collect_all();
    assert!(!rest.is_empty());
    assert_eq!(rest[0].id, Some(last_seen + 1), "replay starts right after the last event seen: {rest:?}");
    assert!(rest.windows(2).all(|w| w[1].id.unwrap() == w[0].id.unwrap() + 1), "no gaps, no repeats");
    assert_eq!(rest.last().unwrap().event, "complete");
    // Saved even though the first client left.
    let saved = client.get(&format!("/api/blueprint/{id}")).json();
    assert_eq!(saved["status"], "completed");
    assert_eq!(saved["blueprint_json"]["title"], "Survivor");
}

/// Delete means gone. Before: the export files stayed in R2, the generation object kept its
/// event log (the generated text), and a viewer token issued earlier still replayed the
/// deleted blueprint's events.
fn a_deleted_blueprint_leaves_no_files_no_events_and_no_working_token(stack: &Stack) {
    let tag = e2e::unique("stream-delete");
    let (mut client, id) = ready_blueprint(stack, &tag);
    stack.llm.script(&tag, vec![Behaviour::reply(blueprint_document("Soon gone", 2).to_string())]);
    let mut stream = start(&mut client, &id, false);
    let token = stream.header("x-viewer-token").unwrap().to_string();
    assert_eq!(stream.collect_all().last().unwrap().event, "complete");
    let export = client.post(&format!("/api/blueprints/{id}/exports"), &json!({ "format": "markdown" }));
    assert_eq!(export.status, 201, "{}", export.text());
    let download = export.json()["downloadUrl"].as_str().unwrap().to_string();
    let key = format!("exports/{id}/v1/markdown.md");
    assert_eq!(stack.r2_object_exists(&key), Ok(true), "the export file is in R2");
    let replay = |client: &mut Client| client.open_stream("GET", &format!("/api/generate-blueprint/{id}/events?token={token}"), &[("last-event-id", "0")], None);
    assert_eq!(replay(&mut client).status, 200, "the token replays while the blueprint exists");

    assert_eq!(client.send("DELETE", &format!("/api/blueprints/{id}"), &[], None).status, 204);
    assert_eq!(replay(&mut client).status, 404, "the token replays nothing any more");
    client.get(&download).expect_error(404);
    assert_eq!(stack.r2_object_exists(&key), Ok(false), "the export file went with the blueprint");
}

fn incomplete_answers_are_400_naming_what_is_missing(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("stream-incomplete");
    let id = super::answers::new_blueprint(&mut client);
    let stream = start(&mut client, &id, false);
    assert_eq!(stream.status, 400);
    let body: Value = serde_json::from_str(&stream.text()).unwrap();
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"static_answers.audience") && fields.contains(&"dynamic_questions"), "{body}");
    assert!(body["requestId"].as_str().is_some());
    assert_eq!(client.get(&format!("/api/blueprint/{id}")).json()["status"], "draft");
}

fn other_users_and_foreign_viewer_tokens_are_refused(stack: &Stack) {
    let tag = e2e::unique("stream-foreign");
    let (mut owner, id) = ready_blueprint(stack, &tag);
    let events = generate(stack, &tag, &mut owner, &id, false, "Mine");
    let mut intruder = Client::new(&stack.base_url);
    intruder.sign_up("stream-intruder");
    let refused = start(&mut intruder, &id, false);
    assert_eq!(refused.status, 404);
    // A viewer token is for one blueprint: it does not open another one's stream.
    let token_for_other = start(&mut owner, &id, false).header("x-viewer-token").unwrap().to_string();
    let other_id = super::answers::new_blueprint(&mut owner);
    let wrong = intruder.open_stream("GET", &format!("/api/generate-blueprint/{other_id}/events?token={token_for_other}"), &[], None);
    assert_eq!(wrong.status, 401);
    let none = intruder.open_stream("GET", &format!("/api/generate-blueprint/{id}/events"), &[], None);
    assert_eq!(none.status, 401);
    let good = intruder.open_stream("GET", &format!("/api/generate-blueprint/{id}/events?token={token_for_other}"), &[("last-event-id", "0")], None);
    assert_eq!(good.status, 200, "the token alone authorises (as for an EventSource)");
    assert!(!events.is_empty());
}

fn heartbeats_keep_a_slow_stream_alive(stack: &Stack) {
    let tag = e2e::unique("stream-slow");
    let (mut client, id) = ready_blueprint(stack, &tag);
    // The stack's heartbeat is 200 ms; the model pauses 700 ms between chunks.
    stack.llm.script(&tag, vec![Behaviour::Reply { content: blueprint_document("Slow", 1).to_string(), chunks: 4, delay_ms: 700 }]);
    let mut stream = start(&mut client, &id, false);
    let events = stream.collect_all();
    assert_eq!(events.last().unwrap().event, "complete");
    assert!(stream.comments >= 2, "heartbeat comments while the model is slow: {}", stream.comments);
}

fn the_21st_request_in_ten_minutes_is_429(stack: &Stack) {
    let tag = e2e::unique("stream-limit");
    let (mut client, id) = ready_blueprint(stack, &tag);
    generate(stack, &tag, &mut client, &id, false, "Limited");
    for n in 2..=20 {
        let events = start(&mut client, &id, false).collect_all();
        assert_eq!(events.len(), 2, "request {n}");
    }
    let limited = start(&mut client, &id, false);
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").is_some());
}

fn a_repeated_idempotency_key_replays_the_earlier_outcome(stack: &Stack) {
    let tag = e2e::unique("stream-idempotent");
    let (mut client, id) = ready_blueprint(stack, &tag);
    generate(stack, &tag, &mut client, &id, false, "Original");
    stack.llm.script(&tag, vec![Behaviour::reply(blueprint_document("Regenerated", 2).to_string())]);
    let key = e2e::unique("key");
    let body = json!({ "blueprintId": id, "regenerate": true }).to_string().into_bytes();
    let headers = [("content-type", "application/json"), ("idempotency-key", key.as_str())];
    let first = client.open_stream("POST", "/api/generate-blueprint", &headers, Some(body.clone())).collect_all();
    assert_eq!(first.last().unwrap().json()["version"], 2);
    let calls = model_calls(stack, &tag);
    // The client retries the same request (say, after a network error): no second version.
    let repeat = client.open_stream("POST", "/api/generate-blueprint", &headers, Some(body.clone())).collect_all();
    let ids = |events: &Vec<SseEvent>| events.iter().map(|e| (e.id, e.event.clone())).collect::<Vec<_>>();
    assert_eq!(ids(&repeat), ids(&first), "the earlier outcome, event for event");
    assert_eq!(model_calls(stack, &tag), calls);
    assert_eq!(client.get(&format!("/api/blueprint/{id}")).json()["version"], 2);
    // A new key is a new request.
    let fresh = client.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json"), ("idempotency-key", "another-key")], Some(body)).collect_all();
    assert_eq!(fresh.last().unwrap().json()["version"], 3);
}

fn with_every_client_gone_the_generation_still_finishes_and_saves(stack: &Stack) {
    let tag = e2e::unique("stream-alone");
    let (mut client, id) = ready_blueprint(stack, &tag);
    stack.llm.script(&tag, vec![Behaviour::Reply { content: blueprint_document("Nobody watching", 3).to_string(), chunks: 10, delay_ms: 200 }]);
    let mut stream = start(&mut client, &id, false);
    stream.next_event().expect("the generation started");
    drop(stream);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let saved = client.get(&format!("/api/blueprint/{id}")).json();
        if saved["status"] == "completed" {
            assert_eq!(saved["blueprint_json"]["title"], "Nobody watching");
            assert_eq!(saved["version"], 1);
            break;
        }
        assert_eq!(saved["status"], "generating", "{saved}");
        assert!(std::time::Instant::now() < deadline, "never finished without a client");
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}
