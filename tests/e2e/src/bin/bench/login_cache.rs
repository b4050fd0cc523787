//! Login cost (the KDF trade-off) and `generate-questions`: cache hits and de-duplication.

use crate::http::Session;
use crate::procs::Errors;
use crate::stats::{latency_row, ms_since, row};
use crate::Sizes;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::json;
use std::time::Instant;

pub fn login_cost(stack: &Stack, sizes: &Sizes) -> Result<Vec<serde_json::Value>, String> {
    let base = stack.base_url.as_str();
    let email = format!("{}@bench.test", e2e::unique("bench-login"));
    let credentials = json!({ "email": email, "password": "correct horse battery" });
    Session::anonymous(base).post(base, "/api/auth/signup", &credentials)?.expect(201, "sign-up")?;
    let (mut samples, errors) = (Vec::new(), Errors::default());
    for _ in 0..sizes.login_samples {
        let fresh = Session::anonymous(base);
        let began = Instant::now();
        match fresh.post(base, "/api/auth/login", &credentials) {
            Ok(reply) if reply.status == 200 => samples.push(ms_since(began)),
            Ok(reply) => errors.record(format!("login: {}", reply.status)),
            Err(error) => errors.record(error),
        }
    }
    Ok(vec![latency_row("login", "login (Argon2id m=19456 KiB, t=2, p=1), sequential", &samples, errors.count(), None, json!({}))])
}

pub fn cache_and_dedup(stack: &Stack, sizes: &Sizes) -> Result<Vec<serde_json::Value>, String> {
    let base = stack.base_url.clone();
    let tag = e2e::unique("bench-cache");
    let questions = json!({ "questions": [{ "section": "S", "type": "short_text", "label": "Which CRM do reps use?" }] });
    // A slow model (800 ms), so the identical requests all arrive while the first is in flight.
    stack.llm.script(&tag, vec![Behaviour::Reply { content: questions.to_string(), chunks: 1, delay_ms: 800 }]);
    let session = Session::sign_up(&base, "bench-cache")?;
    let input = json!({ "type": "new", "audience": "Sales reps", "goals": ["Explain pricing"], "constraints": { "time": "4 weeks" }, "context": format!("Pricing ({tag})") });
    let statuses: Vec<Result<u16, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..sizes.dedup_requests)
            .map(|_| {
                let (session, base, input) = (session.fork(), base.clone(), input.clone());
                scope.spawn(move || session.post(&base, "/api/generate-questions", &input).map(|r| r.status))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("thread failed".into()))).collect()
    });
    let ok = statuses.iter().filter(|s| matches!(s, Ok(200))).count();
    let calls = stack.llm.received(&tag).iter().filter(|c| c.path == "/api/chat").count();
    let n = sizes.dedup_requests;
    let dedup = row("cache", &format!("generate-questions: {n} identical concurrent requests"), json!({ "requests": n, "ok": ok, "errors": n - ok, "model_calls": calls, "target_model_calls": 1 }));
    // Sequential hits; with the ones above, under the limit of 100 per 10 minutes.
    let (mut samples, errors) = (Vec::new(), Errors::default());
    for _ in 0..sizes.cache_requests {
        let began = Instant::now();
        match session.post(&base, "/api/generate-questions", &input) {
            Ok(reply) if reply.status == 200 => samples.push(ms_since(began)),
            Ok(reply) => errors.record(format!("cache hit: {}", reply.status)),
            Err(error) => errors.record(error),
        }
    }
    let hits = latency_row("cache", "generate-questions cache hit, sequential", &samples, errors.count(), None, json!({ "target_p95_ms": 10 }));
    Ok(vec![dedup, hits])
}
