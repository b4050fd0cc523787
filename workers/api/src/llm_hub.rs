//! The LLM hub Durable Object (one instance for the deployment) in front of question
//! generation. Being one single-threaded object it is the natural home for three things that
//! must be shared by every request of every user:
//! - the 15-minute cache of answers, keyed by user + fingerprint of the normalised input;
//! - de-duplication: a request identical to one in flight awaits that one's answer;
//! - the model slot: each chain waits for one at the global model gate (`edge::gate`, the
//!   stream worker's `ModelGate`), which is fair across users and bounds model calls across
//!   questions and blueprints alike; a refusal there (line full, waited too long) is answered
//!   as the 429/503 it is, to every request sharing that chain.
//!
//! When every provider fails, the curated fallback built from the user's answers is answered
//! (not cached, so a recovered model is used next time).

use domain::blueprint::prompts;
use domain::blueprint::questions::{fallback_questions, DynamicQuestion};
use domain::blueprint::static_answers::StaticAnswers;
use domain::llm::gate::GateReply;
use domain::AppError;
use edge::gate::{self, Route};
use edge::llm::{self, Attempt};
use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, Result, State};

pub const BINDING: &str = "LLM_HUB";
pub const INSTANCE: &str = "global";
/// How long a question request waits for a model slot before it is answered 503.
const MAX_WAIT_MS: i64 = 45_000;
const CACHE_TTL_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionsRequest {
    pub user_id: domain::platform::ids::UserId,
    pub answers: StaticAnswers,
    /// The api request asking, so that this object's log lines name it.
    #[serde(default)]
    pub request_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionsAnswer {
    pub questions: Vec<DynamicQuestion>,
    pub source: String,
    pub model: Option<String>,
    pub cached: bool,
    pub warning: Option<String>,
    pub attempts: Vec<Attempt>,
    pub ms: i64,
}

#[derive(Serialize, Deserialize)]
struct CacheEntry {
    answer: QuestionsAnswer,
    expires_at: i64,
}

/// What the hub answers: the questions, or the gate's refusal (429/503 with its wait).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HubReply {
    Answered(QuestionsAnswer),
    Refused { refused: GateReply },
}

type InFlight = Shared<LocalBoxFuture<'static, Result<QuestionsAnswer, AppError>>>;

#[durable_object]
pub struct LlmHub {
    state: Rc<State>,
    env: Env,
    in_flight: Rc<RefCell<HashMap<String, InFlight>>>,
    model_calls: Rc<Cell<u64>>,
}

impl DurableObject for LlmHub {
    fn new(state: State, env: Env) -> Self {
        Self { state: Rc::new(state), env, in_flight: Rc::default(), model_calls: Rc::default() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let Ok(request) = req.json::<QuestionsRequest>().await else {
            return Response::error("invalid hub request", 400);
        };
        let key = format!("q:{}:{}", request.user_id, request.answers.fingerprint());
        let now = worker::Date::now().as_millis() as i64;
        let storage = self.state.storage();
        if let Some(entry) = storage.get::<CacheEntry>(&key).await? {
            if entry.expires_at > now {
                let mut answer = entry.answer;
                answer.cached = true;
                return Response::from_json(&HubReply::Answered(answer));
            }
            storage.delete(&key).await?;
        }
        let existing = self.in_flight.borrow().get(&key).cloned();
        let shared = match existing {
            Some(shared) => shared,
            None => {
                // A shared generation logs under the request that started it.
                let shared = self.generate(request.user_id, request.answers, request.request_id).boxed_local().shared();
                self.in_flight.borrow_mut().insert(key.clone(), shared.clone());
                shared
            }
        };
        let answer = match shared.await {
            Ok(answer) => answer,
            Err(error) => {
                self.in_flight.borrow_mut().remove(&key);
                return match (error.status(), error.retry_after) {
                    (429 | 503, Some(retry_after_secs)) => Response::from_json(&HubReply::Refused { refused: GateReply::Refused { status: error.status(), message: error.message, retry_after_secs } }),
                    _ => Response::error(error.to_string(), 500),
                };
            }
        };
        if self.in_flight.borrow_mut().remove(&key).is_some() && answer.source != "fallback" {
            let entry = CacheEntry { answer: answer.clone(), expires_at: worker::Date::now().as_millis() as i64 + CACHE_TTL_MS };
            storage.put(&key, &entry).await?;
            if storage.get_alarm().await?.is_none() {
                storage.set_alarm(Duration::from_millis(CACHE_TTL_MS as u64)).await?;
            }
        }
        Response::from_json(&HubReply::Answered(answer))
    }

    /// Drops expired cache entries; re-arms while any remain.
    async fn alarm(&self) -> Result<Response> {
        let storage = self.state.storage();
        let now = worker::Date::now().as_millis() as i64;
        let entries = storage.list().await?;
        let mut remaining = 0;
        for key in entries.keys() {
            let Some(key) = key.ok().and_then(|k| k.as_string()) else { continue };
            match storage.get::<CacheEntry>(&key).await {
                Ok(Some(entry)) if entry.expires_at > now => remaining += 1,
                _ => {
                    storage.delete(&key).await?;
                }
            }
        }
        if remaining > 0 {
            storage.set_alarm(Duration::from_millis(CACHE_TTL_MS as u64)).await?;
        }
        Response::ok("swept")
    }
}

impl LlmHub {
    fn generate(&self, user_id: domain::platform::ids::UserId, answers: StaticAnswers, request_id: String) -> impl std::future::Future<Output = Result<QuestionsAnswer, AppError>> + 'static {
        let (env, calls) = (self.env.clone(), Rc::clone(&self.model_calls));
        async move {
            // A slot at the global gate, given back however the call ends (released here, or
            // by the slot's drop, or by its lease expiring should this object die).
            let slot = gate::acquire(&env, Route::Service, &user_id, MAX_WAIT_MS, |_| {}).await?;
            calls.set(calls.get() + 1);
            let prompt = prompts::dynamic_questions(&answers);
            let outcome = llm::generate(&env, &request_id, &prompt, prompts::read_questions).await;
            slot.release().await;
            Ok(match outcome {
                Ok(generated) => QuestionsAnswer {
                    questions: generated.value,
                    source: generated.provider.to_string(),
                    model: Some(generated.model),
                    cached: false,
                    warning: None,
                    attempts: generated.attempts,
                    ms: generated.ms,
                },
                Err(attempts) => QuestionsAnswer {
                    questions: fallback_questions(&answers),
                    source: "fallback".to_string(),
                    model: None,
                    cached: false,
                    warning: Some("The AI model is unavailable right now; these are standard questions built from your answers.".to_string()),
                    ms: attempts.iter().map(|a| a.ms).sum(),
                    attempts,
                },
            })
        }
    }
}
