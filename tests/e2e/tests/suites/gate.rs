//! The model gate (issue 17, finding 8): one fair gate in front of every model call. One
//! account used to be able to hold every model slot — its question requests queued first come,
//! first served in front of everyone else's, and its blueprint generation passed no gate at all.

use e2e::client::Client;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Alone: the flood would otherwise compete with every other test's model calls, and the
/// order of calls at the model is what it reads.
pub fn exclusive() -> Vec<super::Test> {
    vec![("gate::a_user_flooding_the_model_does_not_starve_another", a_user_flooding_the_model_does_not_starve_another)]
}

pub fn tests() -> Vec<super::Test> {
    vec![("gate::a_blueprint_generation_and_questions_share_the_users_model_slots", a_blueprint_generation_and_questions_share_the_users_model_slots)]
}

fn questions_input(tag: &str, audience: &str) -> Value {
    json!({
        "type": "new",
        "audience": audience,
        "goals": ["Increase product knowledge"],
        "constraints": { "time": "4 weeks", "budget": "medium", "modality": "blended" },
        "context": format!("B2B SaaS ({tag})"),
        "languages": ["en-US"]
    })
}

fn questions() -> String {
    json!({ "questions": [{ "section": "Context", "type": "short_text", "label": "Which CRM do reps use?" }] }).to_string()
}

fn chat_calls(stack: &Stack, tag: &str) -> Vec<Value> {
    stack.llm.received(tag).into_iter().filter(|c| c.path == "/api/chat").map(|c| c.body).collect()
}

/// One user sends twenty different question requests at once, each a second of model time;
/// then another user asks one. Before: every request of the flood waited in one line in front
/// of the latecomer (first come, first served, up to 3 at once, all of them the flooder's), and
/// none was ever refused. Now the flooder holds at most two slots, the latecomer is served
/// ahead of the flood's waiting requests, and the flood past its share of the line is refused
/// with 429 and `Retry-After`.
fn a_user_flooding_the_model_does_not_starve_another(stack: &Stack) {
    let tag = e2e::unique("gate-flood");
    stack.llm.script(&tag, vec![Behaviour::Reply { content: questions(), chunks: 1, delay_ms: 1000 }]);
    let mut flooder = Client::new(&stack.base_url);
    flooder.sign_up("gate-flooder");
    let cookie = format!("bp_access={}", flooder.cookie("bp_access").unwrap());
    let flood: Vec<_> = (0..20)
        .map(|i| {
            let (base, cookie, body) = (stack.base_url.clone(), cookie.clone(), questions_input(&tag, &format!("Flood audience {i}")));
            std::thread::spawn(move || {
                let mut c = Client::new(&base);
                c.send("POST", "/api/generate-questions", &[("content-type", "application/json"), ("cookie", &cookie)], Some(body.to_string().into_bytes()))
            })
        })
        .collect();
    // The flood is at the model and in line.
    let deadline = Instant::now() + Duration::from_secs(30);
    while chat_calls(stack, &tag).len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let before = chat_calls(stack, &tag).len();

    let mut latecomer = Client::new(&stack.base_url);
    latecomer.sign_up("gate-latecomer");
    let reply = latecomer.post("/api/generate-questions", &questions_input(&tag, "The latecomer's audience"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["source"], "ollama", "answered by the model: {}", reply.text());

    let calls = chat_calls(stack, &tag);
    let position = calls.iter().position(|c| c.to_string().contains("The latecomer")).expect("the latecomer's call reached the model");
    let flood_ahead = position.saturating_sub(before);
    assert!(flood_ahead <= 2, "the latecomer waited behind {flood_ahead} of the flood's calls that started after it asked");

    let replies: Vec<_> = flood.into_iter().map(|h| h.join().unwrap()).collect();
    let refused: Vec<_> = replies.iter().filter(|r| r.status == 429).collect();
    assert!(replies.iter().all(|r| r.status == 200 || r.status == 429), "{:?}", replies.iter().map(|r| (r.status, r.text())).collect::<Vec<_>>());
    assert!(!refused.is_empty(), "the flood past the user's share of the line is refused");
    for reply in refused {
        let body = reply.expect_error(429);
        assert!(reply.header("retry-after").and_then(|s| s.parse::<u64>().ok()).is_some_and(|s| s >= 1), "Retry-After: {:?}", reply.headers);
        assert!(body["error"].as_str().unwrap().contains("waiting"), "{body}");
    }
}

/// A user's blueprint generation takes a model slot like their question requests do: with a
/// blueprint streaming, three more question requests of the same user never make more than two
/// model calls at once. Before: the blueprint passed no gate, and the questions took three
/// slots of their own beside it (four at once).
fn a_blueprint_generation_and_questions_share_the_users_model_slots(stack: &Stack) {
    let group = e2e::unique("gate-mix");
    let (blueprint_tag, questions_tag) = (format!("{group}-bp"), format!("{group}-q"));
    let (mut client, id) = super::stream::ready_blueprint(stack, &blueprint_tag);
    stack.llm.watch(&group);
    stack.llm.script(&blueprint_tag, vec![Behaviour::Reply { content: super::stream::blueprint_document("Shared slots", 3).to_string(), chunks: 12, delay_ms: 300 }]);
    stack.llm.script(&questions_tag, vec![Behaviour::Reply { content: questions(), chunks: 1, delay_ms: 900 }]);
    let body = json!({ "blueprintId": id }).to_string().into_bytes();
    let mut stream = client.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body));
    assert_eq!(stream.status, 200);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !stack.llm.received(&blueprint_tag).iter().any(|c| c.path == "/api/chat" && c.body["stream"] == true) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let cookie = format!("bp_access={}", client.cookie("bp_access").unwrap());
    let asks: Vec<_> = (0..3)
        .map(|i| {
            let (base, cookie, body) = (stack.base_url.clone(), cookie.clone(), questions_input(&questions_tag, &format!("Audience {i}")));
            std::thread::spawn(move || {
                let mut c = Client::new(&base);
                c.send("POST", "/api/generate-questions", &[("content-type", "application/json"), ("cookie", &cookie)], Some(body.to_string().into_bytes())).status
            })
        })
        .collect();
    for ask in asks {
        assert_eq!(ask.join().unwrap(), 200);
    }
    let events = stream.collect_all();
    assert_eq!(events.last().map(|e| e.event.as_str()), Some("complete"), "{events:?}");
    let peak = stack.llm.max_concurrent_watched(&group);
    assert!(peak <= 2, "one user never holds more than two model slots, blueprint included: {peak} at once");
}
