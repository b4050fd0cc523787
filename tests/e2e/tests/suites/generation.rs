//! Question generation through the LLM chain, against the fake Ollama/OpenRouter: parsing and
//! repair, tier fallbacks, timeouts, the curated fallback, cache, de-dup, gate, rate limit, and
//! persistence for a blueprint. Each test tags its input so the fake answers it alone.

use e2e::client::Client;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("generation::ollama_answers_with_structured_output_and_is_normalised", ollama_answers_with_structured_output_and_is_normalised),
        ("generation::an_answer_in_many_chunks_split_inside_characters_is_read", an_answer_in_many_chunks_split_inside_characters_is_read),
        ("generation::think_blocks_fences_and_trailing_commas_are_read", think_blocks_fences_and_trailing_commas_are_read),
        ("generation::a_reasoning_models_thinking_field_is_read", a_reasoning_models_thinking_field_is_read),
        ("generation::an_unrepairable_answer_falls_to_the_smaller_model", an_unrepairable_answer_falls_to_the_smaller_model),
        ("generation::a_missing_primary_model_falls_to_the_smaller_model", a_missing_primary_model_falls_to_the_smaller_model),
        ("generation::a_failed_attempt_is_logged_under_the_request_that_made_it", a_failed_attempt_is_logged_under_the_request_that_made_it),
        ("generation::hangs_time_out_and_openrouter_answers", hangs_time_out_and_openrouter_answers),
        ("generation::when_every_provider_fails_the_curated_fallback_answers", when_every_provider_fails_the_curated_fallback_answers),
        ("generation::a_cached_answer_makes_no_model_call", a_cached_answer_makes_no_model_call),
        ("generation::identical_concurrent_requests_make_one_model_call", identical_concurrent_requests_make_one_model_call),
        ("generation::no_more_than_three_model_calls_at_once", no_more_than_three_model_calls_at_once),
        ("generation::invalid_input_is_400_naming_the_field", invalid_input_is_400_naming_the_field),
        ("generation::the_101st_request_in_ten_minutes_is_429", the_101st_request_in_ten_minutes_is_429),
        ("generation::dynamic_questions_are_generated_and_saved_for_a_blueprint", dynamic_questions_are_generated_and_saved_for_a_blueprint),
        ("generation::dynamic_answers_are_checked_against_their_question_type", dynamic_answers_are_checked_against_their_question_type),
        ("generation::answers_to_replaced_questions_are_refused", answers_to_replaced_questions_are_refused),
    ]
}

pub fn exclusive() -> Vec<super::Test> {
    vec![("generation::with_ollama_down_answers_come_promptly_from_fallbacks", with_ollama_down_answers_come_promptly_from_fallbacks)]
}

/// A GenerationInput whose context carries `tag` (so the fake can tell this test's requests).
fn input(tag: &str) -> Value {
    json!({
        "type": "new",
        "audience": "Frontline sales reps",
        "goals": ["Increase product knowledge", "Reduce onboarding time"],
        "constraints": { "time": "4 weeks", "budget": "medium", "modality": "blended" },
        "context": format!("B2B SaaS with complex pricing ({tag})"),
        "languages": ["en-US"]
    })
}

fn questions_json() -> Value {
    json!({ "questions": [
        { "id": "q-a", "section": " Prerequisites ", "type": "multi_select", "label": "Which prerequisite skills are expected?", "options": ["CRM basics", "Negotiation", "CRM basics", "Product knowledge"], "required": true },
        { "id": "q-b", "section": "Assessment", "type": "scale", "label": "How confident are learners today?", "min": 1, "max": 5 },
        { "id": "q-a", "section": "Logistics", "type": "date", "label": "  When does the course start? " }
    ]})
}

fn signed_in(stack: &Stack, label: &str) -> Client {
    let mut client = Client::new(&stack.base_url);
    client.sign_up(label);
    client
}

#[track_caller]
fn ok(reply: e2e::client::Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

fn ollama_answers_with_structured_output_and_is_normalised(stack: &Stack) {
    let tag = e2e::unique("gen-valid");
    stack.llm.script(&tag, vec![Behaviour::reply(questions_json().to_string())]);
    let mut client = signed_in(stack, "gen-valid");
    let body = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(body["source"], "ollama");
    assert_eq!(body["cached"], false);
    let questions = body["dynamicQuestions"].as_array().unwrap();
    let ids: Vec<&str> = questions.iter().map(|q| q["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["dq_001", "dq_002", "dq_003"], "ids are re-assigned and unique");
    assert_eq!(questions[0]["section"], "Prerequisites");
    assert_eq!(questions[0]["options"], json!(["CRM basics", "Negotiation", "Product knowledge"]));
    assert_eq!(questions[2]["label"], "When does the course start?");
    assert!(questions[2].get("options").is_none());
    // What the model was asked: JSON schema as `format`, no thinking, low temperature, a seed.
    let calls = stack.llm.received(&tag);
    let chats: Vec<_> = calls.iter().filter(|c| c.path == "/api/chat").collect();
    assert_eq!(chats.len(), 1);
    let request = &chats[0].body;
    assert_eq!(request["model"], "qwen3:30b-a3b");
    assert_eq!(request["think"], false);
    assert_eq!(request["stream"], false);
    assert!(request["format"]["properties"]["questions"].is_object(), "{}", request["format"]);
    assert!(request["options"]["temperature"].as_f64().unwrap() <= 0.3);
    assert!(request["options"]["seed"].is_number());
    // Issue 16: the full schema, caps and all (a constrained decoder follows it exactly), and a
    // token budget sized to the contract.
    assert_eq!(request["format"]["properties"]["questions"]["minItems"], 1);
    assert_eq!(request["format"]["properties"]["questions"]["maxItems"], domain::blueprint::questions::MAX_QUESTIONS);
    assert_eq!(request["options"]["num_predict"], domain::blueprint::questions::questions_token_budget());
}

fn an_answer_in_many_chunks_split_inside_characters_is_read(stack: &Stack) {
    let tag = e2e::unique("gen-chunks");
    let accented = json!({ "questions": [
        { "section": "Contexte", "type": "short_text", "label": "Quelle est la durée idéale d'une séance ?" },
        { "section": "日本語", "type": "long_text", "label": "研修の目標は何ですか？" }
    ]});
    // 97 chunks of a few bytes each: several boundaries fall inside é and the CJK characters.
    stack.llm.script(&tag, vec![Behaviour::Reply { content: accented.to_string(), chunks: 97, delay_ms: 0 }]);
    let mut client = signed_in(stack, "gen-chunks");
    let body = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(body["source"], "ollama");
    assert_eq!(body["dynamicQuestions"][0]["label"], "Quelle est la durée idéale d'une séance ?");
    assert_eq!(body["dynamicQuestions"][1]["label"], "研修の目標は何ですか？");
}

fn think_blocks_fences_and_trailing_commas_are_read(stack: &Stack) {
    let tag = e2e::unique("gen-repair");
    let messy = format!(
        "<think>The user wants questions about sales…</think>\nHere you go:\n```json\n{}\n```",
        r#"{"questions": [{"section": "Goals", "type": "long_text", "label": "What does success look like after 4 weeks?",},],}"#
    );
    stack.llm.script(&tag, vec![Behaviour::reply(messy)]);
    let mut client = signed_in(stack, "gen-repair");
    let body = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(body["source"], "ollama");
    assert_eq!(body["dynamicQuestions"][0]["label"], "What does success look like after 4 weeks?");
    assert_eq!(stack.llm.received(&tag).iter().filter(|c| c.path == "/api/chat").count(), 1, "read on the first try");
}

fn a_reasoning_models_thinking_field_is_read(stack: &Stack) {
    let tag = e2e::unique("gen-thinking");
    // Ollama's reasoning models may leave `content` empty and answer in `message.thinking`.
    let thinking = json!({
        "model": "qwen3:30b-a3b", "created_at": "2026-11-22T12:00:00Z", "done": true, "done_reason": "stop",
        "message": { "role": "assistant", "content": "", "thinking": questions_json().to_string() }
    });
    stack.llm.script(&tag, vec![Behaviour::Status { code: 200, body: thinking.to_string() }]);
    let mut client = signed_in(stack, "gen-thinking");
    let body = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(body["source"], "ollama");
    assert_eq!(body["dynamicQuestions"].as_array().unwrap().len(), 3);
}

fn an_unrepairable_answer_falls_to_the_smaller_model(stack: &Stack) {
    let tag = e2e::unique("gen-truncated");
    stack.llm.script(&tag, vec![Behaviour::reply(r#"{"questions": [{"section": "Go"#), Behaviour::reply(questions_json().to_string())]);
    let mut client = signed_in(stack, "gen-truncated");
    let body = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(body["source"], "ollama");
    let models: Vec<String> = stack.llm.received(&tag).iter().filter(|c| c.path == "/api/chat").map(|c| c.body["model"].as_str().unwrap().to_string()).collect();
    assert_eq!(models, ["qwen3:30b-a3b", "qwen2:7b"], "an unusable answer is not retried on the same model");
    let chats: Vec<Value> = stack.llm.received(&tag).into_iter().filter(|c| c.path == "/api/chat").map(|c| c.body).collect();
    let (full, compact) = (&chats[0], &chats[1]);
    assert!(compact["messages"][1]["content"].as_str().unwrap().len() < full["messages"][1]["content"].as_str().unwrap().len(), "the smaller model gets the shorter prompt");
}

fn a_missing_primary_model_falls_to_the_smaller_model(stack: &Stack) {
    let tag = e2e::unique("gen-404");
    stack.llm.script(&tag, vec![Behaviour::ModelNotFound, Behaviour::reply(questions_json().to_string())]);
    let mut client = signed_in(stack, "gen-404");
    let body = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(body["source"], "ollama");
    let models: Vec<String> = stack.llm.received(&tag).iter().filter(|c| c.path == "/api/chat").map(|c| c.body["model"].as_str().unwrap().to_string()).collect();
    assert_eq!(models, ["qwen3:30b-a3b", "qwen2:7b"]);
}

fn a_failed_attempt_is_logged_under_the_request_that_made_it(stack: &Stack) {
    let tag = e2e::unique("gen-log");
    stack.llm.script(&tag, vec![Behaviour::ModelNotFound, Behaviour::reply(questions_json().to_string())]);
    let mut client = signed_in(stack, "gen-log");
    let reply = client.post("/api/generate-questions", &input(&tag));
    let request_id = reply.header("x-request-id").expect("request id").to_string();
    ok(reply);
    // The attempt runs inside the LlmHub object, which serves every user's requests at once:
    // its log line must still name this request, not whichever request the isolate saw last.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let lines = stack.log_events_containing(&request_id);
        if lines.iter().any(|l| l["event"] == "llm.attempt_failed" && l["model"] == "qwen3:30b-a3b" && l["requestId"] == request_id.as_str()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no llm.attempt_failed line under {request_id}: {lines:?}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn hangs_time_out_and_openrouter_answers(stack: &Stack) {
    let tag = e2e::unique("gen-hang");
    // Both local models hang; OpenRouter answers with its reasoning field.
    let openrouter = json!({
        "id": "gen-1", "object": "chat.completion", "model": "qwen/qwen2.5-14b",
        "choices": [{ "index": 0, "finish_reason": "stop", "message": { "role": "assistant", "content": null, "reasoning": questions_json().to_string() } }]
    });
    stack.llm.script(&tag, vec![Behaviour::Hang { secs: 20 }, Behaviour::Hang { secs: 20 }, Behaviour::Status { code: 200, body: openrouter.to_string() }]);
    let mut client = signed_in(stack, "gen-hang");
    let started = std::time::Instant::now();
    let body = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(body["source"], "openrouter");
    let calls = stack.llm.received(&tag);
    let openrouter_call = calls.iter().find(|c| c.path == "/api/v1/chat/completions").expect("OpenRouter was called");
    assert_eq!(openrouter_call.header("authorization"), Some("Bearer sk-e2e-fake-key"));
    assert_eq!(openrouter_call.body["response_format"]["type"], "json_schema");
    // Issue 16: a token budget, and the strict subset of the schema (no length or count caps).
    assert_eq!(openrouter_call.body["max_tokens"], domain::blueprint::questions::questions_token_budget());
    let strict = &openrouter_call.body["response_format"]["json_schema"]["schema"];
    assert_eq!(*strict, domain::llm::schema::strict_subset(&domain::blueprint::questions::questions_json_schema()));
    assert!(!strict.to_string().contains("maxItems"), "{strict}");
    // Two timeouts, no retry of a timed-out tier: well within the chain's documented bound.
    assert!(started.elapsed().as_millis() < u128::from(6 * e2e::stack::LLM_TIMEOUT_MS), "took {:?}", started.elapsed());
}

fn when_every_provider_fails_the_curated_fallback_answers(stack: &Stack) {
    let tag = e2e::unique("gen-fallback");
    stack.llm.script(&tag, vec![Behaviour::Status { code: 500, body: "{\"error\":\"boom\"}".into() }]);
    let mut client = signed_in(stack, "gen-fallback");
    let body = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(body["source"], "fallback");
    assert!(body["warning"].as_str().is_some_and(|w| !w.is_empty()));
    let questions = body["dynamicQuestions"].as_array().unwrap();
    assert!((8..=12).contains(&questions.len()), "{}", questions.len());
    assert!(body.to_string().contains("Increase product knowledge"), "built from the user's own answers: {body}");
    // 500s are retried once per tier: 2 attempts × (primary, smaller, OpenRouter).
    assert_eq!(stack.llm.received(&tag).iter().filter(|c| c.path.ends_with("/chat") || c.path.ends_with("/completions")).count(), 6);
    // A fallback is not cached: the next request asks the model again.
    stack.llm.script(&tag, vec![Behaviour::reply(questions_json().to_string())]);
    let again = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(again["source"], "ollama");
    assert_eq!(again["cached"], false);
}

fn a_cached_answer_makes_no_model_call(stack: &Stack) {
    let tag = e2e::unique("gen-cache");
    stack.llm.script(&tag, vec![Behaviour::reply(questions_json().to_string())]);
    let mut client = signed_in(stack, "gen-cache");
    let first = ok(client.post("/api/generate-questions", &input(&tag)));
    assert_eq!(first["cached"], false);
    // The same input in the other union form, with different whitespace: the same key.
    let mut legacy_answers = input(&tag);
    legacy_answers.as_object_mut().unwrap().remove("type");
    legacy_answers["audience"] = json!("  Frontline sales reps ");
    let second = ok(client.post("/api/generate-questions", &json!({ "type": "legacy", "static_answers": legacy_answers })));
    assert_eq!(second["cached"], true);
    assert_eq!(second["dynamicQuestions"], first["dynamicQuestions"]);
    assert_eq!(stack.llm.received(&tag).iter().filter(|c| c.path == "/api/chat").count(), 1);
    // The cache is per user.
    let mut other = signed_in(stack, "gen-cache-other");
    assert_eq!(ok(other.post("/api/generate-questions", &input(&tag)))["cached"], false);
}

fn identical_concurrent_requests_make_one_model_call(stack: &Stack) {
    let tag = e2e::unique("gen-dedup");
    // Slow enough (1 s, under the 1.5 s timeout) that the others arrive while it is in flight.
    stack.llm.script(&tag, vec![Behaviour::Reply { content: questions_json().to_string(), chunks: 1, delay_ms: 1000 }]);
    let client = signed_in(stack, "gen-dedup");
    let cookie = format!("bp_access={}", client.cookie("bp_access").unwrap());
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let (base, cookie, body) = (stack.base_url.clone(), cookie.clone(), input(&tag));
            std::thread::spawn(move || {
                let mut c = Client::new(&base);
                let reply = c.send("POST", "/api/generate-questions", &[("content-type", "application/json"), ("cookie", &cookie)], Some(body.to_string().into_bytes()));
                (reply.status, reply.json())
            })
        })
        .collect();
    let results: Vec<(u16, Value)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    for (status, body) in &results {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["dynamicQuestions"], results[0].1["dynamicQuestions"]);
        assert_eq!(body["cached"], false, "they shared the one in flight, not a cache entry: {body}");
    }
    assert_eq!(stack.llm.received(&tag).iter().filter(|c| c.path == "/api/chat").count(), 1, "one model call for identical requests");
}

fn no_more_than_three_model_calls_at_once(stack: &Stack) {
    let tag = e2e::unique("gen-gate");
    // Each answer takes 0.9 s (under the 1.5 s timeout), so six distinct requests overlap.
    stack.llm.script(&tag, vec![Behaviour::Reply { content: questions_json().to_string(), chunks: 1, delay_ms: 900 }]);
    let client = signed_in(stack, "gen-gate");
    let cookie = format!("bp_access={}", client.cookie("bp_access").unwrap());
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let mut body = input(&tag);
            body["audience"] = json!(format!("Audience number {i}"));
            let (base, cookie) = (stack.base_url.clone(), cookie.clone());
            std::thread::spawn(move || {
                let mut c = Client::new(&base);
                c.send("POST", "/api/generate-questions", &[("content-type", "application/json"), ("cookie", &cookie)], Some(body.to_string().into_bytes())).status
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), 200);
    }
    assert_eq!(stack.llm.received(&tag).iter().filter(|c| c.path == "/api/chat").count(), 6, "six distinct inputs, six calls");
    let peak = stack.llm.max_concurrent(&tag);
    assert!((2..=3).contains(&peak), "the gate allows at most 3 at once (and they did overlap): {peak}");
    // (The model gate gives one user at most two slots; `gate::` tests the sharing.)
}

fn invalid_input_is_400_naming_the_field(stack: &Stack) {
    let mut client = signed_in(stack, "gen-invalid");
    let body = client.post("/api/generate-questions", &json!({ "type": "new", "audience": "Nurses", "goals": [] })).expect_error(400);
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"goals") && fields.contains(&"constraints") && fields.contains(&"context"), "{body}");
    let body = client.post("/api/generate-questions", &json!({ "type": "sideways" })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "type");
    let mut anonymous = Client::new(&stack.base_url);
    anonymous.post("/api/generate-questions", &input("anon")).expect_error(401);
}

fn the_101st_request_in_ten_minutes_is_429(stack: &Stack) {
    let tag = e2e::unique("gen-limit");
    stack.llm.script(&tag, vec![Behaviour::reply(questions_json().to_string())]);
    let mut client = signed_in(stack, "gen-limit");
    for n in 1..=100 {
        let reply = client.post("/api/generate-questions", &input(&tag));
        assert_eq!(reply.status, 200, "request {n}: {}", reply.text());
    }
    let limited = client.post("/api/generate-questions", &input(&tag));
    let body = limited.expect_error(429);
    assert_eq!(body["error"], "Too many requests");
    assert!(limited.header("retry-after").is_some());
    // Another user is not limited by this one.
    let mut other = signed_in(stack, "gen-limit-other");
    assert_eq!(other.post("/api/generate-questions", &input(&tag)).status, 200);
}

fn dynamic_questions_are_generated_and_saved_for_a_blueprint(stack: &Stack) {
    let tag = e2e::unique("gen-blueprint");
    stack.llm.script(&tag, vec![Behaviour::reply(questions_json().to_string())]);
    let mut client = signed_in(stack, "gen-blueprint");
    let id = super::answers::new_blueprint(&mut client);
    let answer = |client: &mut Client, body: Value| {
        let reply = client.send("PATCH", &format!("/api/blueprints/{id}/static-answers"), &[("content-type", "application/json")], Some(body.to_string().into_bytes()));
        assert_eq!(reply.status, 200, "{}", reply.text());
    };
    answer(&mut client, json!({ "audience": "Frontline sales reps", "goals": ["Increase product knowledge"] }));
    // Incomplete static answers: 400 naming what is missing.
    let body = client.post("/api/generate-dynamic-questions", &json!({ "blueprintId": id })).expect_error(400);
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["static_answers.constraints", "static_answers.context"], "{body}");
    answer(&mut client, json!({ "constraints": { "time": "4 weeks" }, "context": format!("Complex pricing ({tag})") }));
    let body = ok(client.post("/api/generate-dynamic-questions", &json!({ "blueprintId": id })));
    assert_eq!(body["blueprintId"], id.as_str());
    assert_eq!(body["source"], "ollama");
    assert_eq!(body["dynamicQuestions"].as_array().unwrap().len(), 3);
    let saved = client.get(&format!("/api/blueprint/{id}")).json();
    assert_eq!(saved["dynamic_questions"], body["dynamicQuestions"]);
    assert_eq!(saved["status"], "draft");
    // Someone else cannot generate for it; a missing field is named.
    let mut intruder = signed_in(stack, "gen-blueprint-intruder");
    intruder.post("/api/generate-dynamic-questions", &json!({ "blueprintId": id })).expect_error(404);
    let body = client.post("/api/generate-dynamic-questions", &json!({})).expect_error(400);
    assert_eq!(body["details"][0]["field"], "blueprintId");
}

fn dynamic_answers_are_checked_against_their_question_type(stack: &Stack) {
    let tag = e2e::unique("gen-answers");
    stack.llm.script(&tag, vec![Behaviour::reply(questions_json().to_string())]);
    let mut client = signed_in(stack, "gen-answers");
    let id = super::answers::new_blueprint(&mut client);
    let path = format!("/api/blueprints/{id}/dynamic-answers");
    let patch = |client: &mut Client, answers: Value| client.send("PATCH", &path, &[("content-type", "application/json")], Some(json!({ "answers": answers }).to_string().into_bytes()));
    // No questions yet.
    patch(&mut client, json!({ "dq_001": ["CRM basics"] })).expect_error(409);
    let static_answers = json!({
        "audience": "Frontline sales reps", "goals": ["Increase product knowledge"],
        "constraints": { "time": "4 weeks" }, "context": format!("Pricing ({tag})")
    });
    let reply = client.send("PATCH", &format!("/api/blueprints/{id}/static-answers"), &[("content-type", "application/json")], Some(static_answers.to_string().into_bytes()));
    assert_eq!(reply.status, 200);
    ok(client.post("/api/generate-dynamic-questions", &json!({ "blueprintId": id })));
    // dq_001 multi_select ⊆ options, dq_002 scale 1..5, dq_003 date.
    let first = ok(patch(&mut client, json!({ "dq_001": ["CRM basics", "Negotiation"] })));
    assert_eq!(first["progress"], json!({ "answered": 1, "total": 3 }));
    assert_eq!(first["missing"], json!(["dq_002", "dq_003"]));
    let body = patch(&mut client, json!({ "dq_001": ["Juggling"], "dq_002": 9, "dq_003": "2026-02-30", "dq_999": "x" })).expect_error(400);
    let mut fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["answers.dq_001[0]", "answers.dq_002", "answers.dq_003", "answers.dq_999"], "{body}");
    let done = ok(patch(&mut client, json!({ "dq_002": 4, "dq_003": "2027-01-15" })));
    assert_eq!(done["complete"], true, "{done}");
    assert_eq!(done["dynamic_answers"]["dq_001"], json!(["CRM basics", "Negotiation"]), "earlier answers are kept");
    let cleared = ok(patch(&mut client, json!({ "dq_003": null })));
    assert_eq!(cleared["progress"], json!({ "answered": 2, "total": 3 }));
    let mut intruder = signed_in(stack, "gen-answers-intruder");
    intruder.send("PATCH", &path, &[("content-type", "application/json")], Some(json!({ "answers": { "dq_002": 1 } }).to_string().into_bytes())).expect_error(404);
    assert_eq!(client.get(&format!("/api/blueprint/{id}")).json()["dynamic_answers"]["dq_002"], 4);

    // The attack: naming the owner's question set (a hash of its questions — the standard set
    // hashes alike for everyone) against any blueprint id, with a wrong answer. The set was
    // cached on first use, so the intruder's answer was checked against it before anyone
    // looked at ownership: a 400 quoting the owner's options, and 400-vs-404 told which sets
    // exist. Now it is the same 404 as any blueprint that is not theirs.
    let set = client.get(&format!("/api/blueprint/{id}")).json()["dynamic_questions_set"].as_str().unwrap().to_string();
    let probe = json!({ "answers": { "dq_001": ["Juggling"] }, "questionSet": set }).to_string().into_bytes();
    for target in [id.clone(), "00000000-0000-4000-8000-000000000000".to_string(), super::answers::new_blueprint(&mut intruder)] {
        let reply = intruder.send("PATCH", &format!("/api/blueprints/{target}/dynamic-answers"), &[("content-type", "application/json")], Some(probe.clone()));
        assert!(!reply.text().contains("CRM basics") && !reply.text().contains("Negotiation"), "nothing of the owner's questions shows: {}", reply.text());
        assert!(matches!(reply.status, 404 | 409), "not a validation against the owner's set: {} {}", reply.status, reply.text());
    }
}

fn answers_to_replaced_questions_are_refused(stack: &Stack) {
    let tag = e2e::unique("gen-stale");
    let mut replaced = questions_json();
    replaced["questions"][1]["label"] = json!("How confident are learners after the course?");
    stack.llm.script(&tag, vec![Behaviour::reply(questions_json().to_string()), Behaviour::reply(replaced.to_string())]);
    let mut client = signed_in(stack, "gen-stale");
    let id = super::answers::new_blueprint(&mut client);
    let mut static_answers = input(&tag);
    static_answers.as_object_mut().unwrap().remove("type");
    let reply = client.send("PATCH", &format!("/api/blueprints/{id}/static-answers"), &[("content-type", "application/json")], Some(static_answers.to_string().into_bytes()));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let first = ok(client.post("/api/generate-dynamic-questions", &json!({ "blueprintId": id })));
    let first_set = first["questionSet"].as_str().unwrap().to_string();
    assert_eq!(client.get(&format!("/api/blueprint/{id}")).json()["dynamic_questions_set"], first_set.as_str(), "the same name from the blueprint");
    let path = format!("/api/blueprints/{id}/dynamic-answers");
    let patch = |client: &mut Client, body: Value| client.send("PATCH", &path, &[("content-type", "application/json")], Some(body.to_string().into_bytes()));
    ok(patch(&mut client, json!({ "answers": { "dq_002": 2 }, "questionSet": first_set })));
    // Another tab changes the audience and asks for new questions (same answers would get the
    // cached set): same ids, different questions.
    let reply = client.send("PATCH", &format!("/api/blueprints/{id}/static-answers"), &[("content-type", "application/json")], Some(json!({ "audience": "Senior account managers" }).to_string().into_bytes()));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let second = ok(client.post("/api/generate-dynamic-questions", &json!({ "blueprintId": id })));
    assert_ne!(second["questionSet"], first_set.as_str());
    // The first tab, still showing the old questions, answers dq_002: refused, nothing saved.
    let refused = patch(&mut client, json!({ "answers": { "dq_002": 5 }, "questionSet": first_set })).expect_error(409);
    assert!(refused["error"].as_str().unwrap().contains("questions changed"), "{refused}");
    assert_eq!(client.get(&format!("/api/blueprint/{id}")).json()["dynamic_answers"], json!({}));
    ok(patch(&mut client, json!({ "answers": { "dq_002": 5 }, "questionSet": second["questionSet"] })));
    // A set the server already knows skips the read; the owner check still holds.
    let mut intruder = signed_in(stack, "gen-stale-intruder");
    let body = json!({ "answers": { "dq_002": 1 }, "questionSet": second["questionSet"] }).to_string().into_bytes();
    intruder.send("PATCH", &path, &[("content-type", "application/json")], Some(body)).expect_error(404);
    assert_eq!(client.get(&format!("/api/blueprint/{id}")).json()["dynamic_answers"], json!({ "dq_002": 5 }));
}

fn with_ollama_down_answers_come_promptly_from_fallbacks(stack: &Stack) {
    let tag = e2e::unique("gen-down");
    stack.llm.script(&tag, vec![Behaviour::reply(questions_json().to_string())]);
    stack.llm.set_ollama_down(true);
    let chats = || stack.llm.received(&tag).iter().filter(|c| c.path == "/api/chat").count();
    let mut client = signed_in(stack, "gen-down");
    let first = client.post("/api/generate-questions", &input(&tag));
    let after_first = chats();
    // The server is now known to be down: the next request does not try it at all.
    let mut second_input = input(&tag);
    second_input["audience"] = json!("Another audience");
    let started = std::time::Instant::now();
    let second = client.post("/api/generate-questions", &second_input);
    let elapsed = started.elapsed();
    let after_second = chats();
    stack.llm.set_ollama_down(false);
    assert_eq!(ok(first)["source"], "openrouter", "Ollama down → OpenRouter (a key is set)");
    assert!(after_first <= 2, "a refused connection is retried once, and the smaller model on the same server is skipped: {after_first}");
    assert_eq!(ok(second)["source"], "openrouter");
    assert_eq!(after_second, after_first, "no chat call to a server known to be down");
    assert!(elapsed.as_millis() < u128::from(e2e::stack::LLM_TIMEOUT_MS), "answered promptly: {elapsed:?}");
}
