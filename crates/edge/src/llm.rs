//! The one LLM client: walks the chain of `domain::llm::providers::tiers` (primary local model,
//! smaller local model, OpenRouter when a key is set), each attempt with a timeout, transient
//! errors retried with backoff, and the model's text parsed by the caller's parser. The curated
//! fallback is the caller's: this answers which attempts were made when every tier failed.

use crate::config::{secret, var_or};
use crate::context::log_event;
use crate::clock;
use domain::llm::providers::{
    answer_too_long, backoff_ms, chat_request, kept_for_diagnosis, response_text, tiers, ChainConfig, Prompt, ProviderError, ProviderKind, ResponseBody, StreamDecoder, StreamPiece, Tier,
    MAX_ANSWER_BYTES,
};
use domain::Timestamp;
use futures_util::future::{select, Either};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::cell::Cell;
use std::time::Duration;
use futures_util::StreamExt;
use worker::{AbortController, Delay, Env, Fetch, Headers, Method, Request, RequestInit, Response};

/// One try of one model, kept for `dynamic_questions_raw` and the logs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub provider: String,
    pub model: String,
    pub ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The model's raw text, when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

pub struct Generated<T> {
    pub value: T,
    pub provider: &'static str,
    pub model: String,
    pub ms: i64,
    pub attempts: Vec<Attempt>,
}

pub fn chain_config(env: &Env) -> ChainConfig {
    ChainConfig {
        ollama_base_url: var_or(env, "OLLAMA_BASE_URL", "http://127.0.0.1:11434"),
        primary_model: var_or(env, "OLLAMA_MODEL", "qwen3:30b-a3b"),
        fallback_model: var_or(env, "OLLAMA_FALLBACK_MODEL", "qwen2:7b"),
        openrouter_base_url: var_or(env, "OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1"),
        openrouter_key: secret(env, "OPENROUTER_API_KEY"),
        openrouter_model: var_or(env, "OPENROUTER_MODEL", "qwen/qwen2.5-14b"),
        timeout_ms: var_or(env, "LLM_TIMEOUT_MS", "").parse().ok().filter(|ms| (100..=120_000).contains(ms)).unwrap_or(ChainConfig::DEFAULT_TIMEOUT_MS),
        attempt_budget_ms: var_or(env, "LLM_ATTEMPT_BUDGET_MS", "").parse().ok().filter(|ms| (1_000..=600_000).contains(ms)).unwrap_or(ChainConfig::DEFAULT_ATTEMPT_BUDGET_MS),
        attempts: ChainConfig::DEFAULT_ATTEMPTS,
    }
}

/// Tries each tier until one answers something `parse` accepts. `request_id` names the request
/// the attempts are logged under.
pub async fn generate<T>(env: &Env, request_id: &str, prompt: &Prompt, parse: impl Fn(&str) -> Result<T, String>) -> Result<Generated<T>, Vec<Attempt>> {
    walk_chain(chain_config(env), request_id, prompt, parse, &mut OneAnswer).await
}

/// Like [`generate`], for work off the request path (the queue consumer writing course
/// content): nobody waits on a socket, and a lesson from a model on a CPU takes minutes, so each
/// attempt may take as long as a streamed attempt's whole budget (`LLM_ATTEMPT_BUDGET_MS`).
pub async fn generate_in_background<T>(env: &Env, request_id: &str, prompt: &Prompt, parse: impl Fn(&str) -> Result<T, String>) -> Result<Generated<T>, Vec<Attempt>> {
    let mut config = chain_config(env);
    config.timeout_ms = config.timeout_ms.max(config.attempt_budget_ms);
    walk_chain(config, request_id, prompt, parse, &mut OneAnswer).await
}

/// What a streaming generation reports as it goes.
pub enum StreamEvent<'a> {
    /// A new attempt starts (the text so far is discarded: a fallback tier starts over).
    Attempt { provider: &'static str, model: &'a str },
    /// The whole text of the current attempt so far.
    Text(&'a str),
    /// The current attempt was still writing when its wall-clock budget ran out; the next tier
    /// (if any) follows.
    OverBudget { provider: &'static str, model: &'a str, budget_ms: u64 },
}

/// Like [`generate`], but each attempt streams: `on_event` sees the text grow as it arrives.
/// The per-attempt timeout applies to the wait for each chunk (one that stalls is cut off), and
/// the attempt as a whole has `attempt_budget_ms` (one that keeps producing tokens past it is
/// cut off too, and the next tier tried).
pub async fn generate_streaming<T>(
    env: &Env,
    request_id: &str,
    prompt: &Prompt,
    parse: impl Fn(&str) -> Result<T, String>,
    on_event: impl FnMut(StreamEvent<'_>),
) -> Result<Generated<T>, Vec<Attempt>> {
    walk_chain(chain_config(env), request_id, prompt, parse, &mut Streamed { on_event }).await
}

/// How one attempt talks to the provider: one answer, or a stream.
trait Exchange {
    /// Fills `text` with what the model produced (also on failure, as far as it got).
    async fn attempt(&mut self, config: &ChainConfig, tier: &Tier, prompt: &Prompt, text: &mut String) -> Result<(), ProviderError>;
}

struct OneAnswer;

impl Exchange for OneAnswer {
    async fn attempt(&mut self, config: &ChainConfig, tier: &Tier, prompt: &Prompt, text: &mut String) -> Result<(), ProviderError> {
        *text = send(config, tier, prompt).await?;
        Ok(())
    }
}

struct Streamed<F> {
    on_event: F,
}

impl<F: FnMut(StreamEvent<'_>)> Exchange for Streamed<F> {
    async fn attempt(&mut self, config: &ChainConfig, tier: &Tier, prompt: &Prompt, text: &mut String) -> Result<(), ProviderError> {
        (self.on_event)(StreamEvent::Attempt { provider: tier.kind.source(), model: &tier.model });
        let outcome = stream_attempt(config, tier, prompt, text, &mut self.on_event).await;
        if let Err(ProviderError::OverBudget(budget_ms)) = outcome {
            (self.on_event)(StreamEvent::OverBudget { provider: tier.kind.source(), model: &tier.model, budget_ms });
        }
        outcome
    }
}

/// The chain itself: tiers in order (skipping a local server found down), transient errors
/// retried after a backoff, every attempt recorded.
async fn walk_chain<T>(config: ChainConfig, request_id: &str, prompt: &Prompt, parse: impl Fn(&str) -> Result<T, String>, exchange: &mut impl Exchange) -> Result<Generated<T>, Vec<Attempt>> {
    let started = clock::now();
    let mut attempts = Vec::new();
    let up = ollama_up(&config).await;
    let mut ollama_down = !up;
    for tier in tiers(&config, up) {
        // Found down by an earlier tier of this chain: its other model is on the same server.
        if tier.kind == ProviderKind::Ollama && ollama_down {
            continue;
        }
        for attempt in 1..=config.attempts {
            if attempt > 1 {
                Delay::from(Duration::from_millis(backoff_ms(attempt - 1))).await;
            }
            let tried = clock::now();
            let mut text = String::new();
            let exchanged = exchange.attempt(&config, &tier, prompt, &mut text).await;
            let ms = clock::now().millis() - tried.millis();
            let result = exchanged.and_then(|()| parse(&text).map_err(ProviderError::Unusable));
            let raw = (!text.is_empty()).then(|| kept_for_diagnosis(text));
            let record = |error: Option<String>, raw: Option<String>| Attempt { provider: tier.kind.source().to_string(), model: tier.model.clone(), ms, error, raw };
            match result {
                Ok(value) => {
                    attempts.push(record(None, raw));
                    return Ok(Generated { value, provider: tier.kind.source(), model: tier.model, ms: clock::now().millis() - started.millis(), attempts });
                }
                Err(error) => {
                    log_event(request_id, "warn", "llm.attempt_failed", &json!({ "provider": tier.kind.source(), "model": tier.model, "error": error.describe(), "ms": ms }));
                    attempts.push(record(Some(error.describe()), raw));
                    if tier.kind == ProviderKind::Ollama && error.server_down() && attempt == config.attempts {
                        remember_ollama(false);
                        ollama_down = true;
                    }
                    if !error.retry_same_tier() {
                        break;
                    }
                }
            }
        }
    }
    Err(attempts)
}

async fn stream_attempt(config: &ChainConfig, tier: &Tier, prompt: &Prompt, text: &mut String, on_event: &mut impl FnMut(StreamEvent<'_>)) -> Result<(), ProviderError> {
    let controller = AbortController::default();
    let outcome = stream_into(config, tier, prompt, text, on_event, controller.signal()).await;
    if outcome.is_err() {
        // Stop a stalled or unwanted response from holding the connection.
        controller.abort();
    }
    outcome
}

async fn stream_into(config: &ChainConfig, tier: &Tier, prompt: &Prompt, text: &mut String, on_event: &mut impl FnMut(StreamEvent<'_>), signal: worker::AbortSignal) -> Result<(), ProviderError> {
    let (url, body) = chat_request(config, tier, prompt, true);
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(provider_headers(config, tier)).with_body(Some(body.to_string().into()));
    let request = Request::new_with_init(&url, &init).map_err(|e| ProviderError::Unreachable(e.to_string()))?;
    let budget = Budget { ends_at: clock::now().millis().saturating_add(i64::try_from(config.attempt_budget_ms).unwrap_or(i64::MAX)), budget_ms: config.attempt_budget_ms, idle_ms: config.timeout_ms };
    let mut response = budget.within(async move {
        Fetch::Request(request).send_with_signal(&signal).await.map_err(|e| ProviderError::Unreachable(e.to_string()))
    })
    .await?;
    let status = response.status_code();
    if !(200..300).contains(&status) {
        let body = budget.within(read_capped(&mut response)).await.unwrap_or_default();
        return response_text(tier.kind, status, &body).map(|_| ());
    }
    let mut chunks = response.stream().map_err(|e| ProviderError::BadResponse(e.to_string()))?;
    let mut decoder = StreamDecoder::new(tier.kind);
    let mut done = false;
    while !done {
        let next = budget.within(async { Ok(chunks.next().await) }).await?;
        let pieces = match next {
            Some(Ok(bytes)) => decoder.push(&bytes),
            Some(Err(error)) => return Err(ProviderError::Unreachable(format!("stream broke: {error}"))),
            None => {
                done = true;
                decoder.finish()
            }
        };
        let grew = text.len();
        for piece in pieces {
            match piece {
                StreamPiece::Text(more) if text.len() + more.len() > MAX_ANSWER_BYTES => return Err(answer_too_long()),
                StreamPiece::Text(more) => text.push_str(&more),
                StreamPiece::Done => done = true,
                StreamPiece::Failed(why) => return Err(ProviderError::BadResponse(why)),
            }
        }
        if text.len() > grew {
            on_event(StreamEvent::Text(text));
        }
    }
    Ok(())
}

/// The two clocks of a streamed attempt: the idle timeout for each wait, and the wall-clock
/// budget of the whole attempt.
struct Budget {
    /// When the attempt's budget runs out (epoch ms).
    ends_at: i64,
    budget_ms: u64,
    idle_ms: u64,
}

impl Budget {
    /// Runs `work` unless the idle timeout passes first (`Timeout`) or the attempt's budget runs
    /// out first (`OverBudget`). The budget is checked before each wait, so a model streaming
    /// without a pause is stopped at its next chunk after the budget.
    async fn within<T>(&self, work: impl std::future::Future<Output = Result<T, ProviderError>>) -> Result<T, ProviderError> {
        let left = u64::try_from(self.ends_at - clock::now().millis()).unwrap_or(0);
        if left == 0 {
            return Err(ProviderError::OverBudget(self.budget_ms));
        }
        match within(self.idle_ms.min(left), work).await {
            Err(ProviderError::Timeout) if left < self.idle_ms => Err(ProviderError::OverBudget(self.budget_ms)),
            outcome => outcome,
        }
    }
}

/// Runs `work` unless `timeout_ms` passes first.
async fn within<T>(timeout_ms: u64, work: impl std::future::Future<Output = Result<T, ProviderError>>) -> Result<T, ProviderError> {
    let timeout = Delay::from(Duration::from_millis(timeout_ms));
    match select(Box::pin(work), Box::pin(timeout)).await {
        Either::Left((outcome, _)) => outcome,
        Either::Right(_) => Err(ProviderError::Timeout),
    }
}

fn provider_headers(config: &ChainConfig, tier: &Tier) -> Headers {
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json");
    if tier.kind == ProviderKind::OpenRouter {
        if let Some(key) = &config.openrouter_key {
            let _ = headers.set("authorization", &format!("Bearer {key}"));
        }
        let _ = headers.set("x-title", "Blueprint Studio");
    }
    headers
}

async fn send(config: &ChainConfig, tier: &Tier, prompt: &Prompt) -> Result<String, ProviderError> {
    let (url, body) = chat_request(config, tier, prompt, false);
    let (status, text) = fetch_text(&url, Method::Post, provider_headers(config, tier), Some(body.to_string()), config.timeout_ms).await?;
    let answer = response_text(tier.kind, status, &text)?;
    if answer.len() > MAX_ANSWER_BYTES {
        return Err(answer_too_long());
    }
    Ok(answer)
}

/// A fetch whose whole exchange (headers and body) must finish within `timeout_ms`.
async fn fetch_text(url: &str, method: Method, headers: Headers, body: Option<String>, timeout_ms: u64) -> Result<(u16, String), ProviderError> {
    let controller = AbortController::default();
    let signal = controller.signal();
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers).with_body(body.map(Into::into));
    let request = Request::new_with_init(url, &init).map_err(|e| ProviderError::Unreachable(e.to_string()))?;
    let exchange = async move {
        let mut response = Fetch::Request(request).send_with_signal(&signal).await.map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        let status = response.status_code();
        let text = read_capped(&mut response).await?;
        Ok((status, text))
    };
    let timeout = Delay::from(Duration::from_millis(timeout_ms));
    let outcome = match select(Box::pin(exchange), Box::pin(timeout)).await {
        Either::Left((outcome, _)) => outcome,
        Either::Right(_) => Err(ProviderError::Timeout),
    };
    if outcome.is_err() {
        // A timed-out or oversized response stops downloading instead of running on unread.
        controller.abort();
    }
    outcome
}

/// A response body read as a stream and refused as soon as it passes
/// `domain::llm::providers::MAX_RESPONSE_BYTES` (`Response::text` would buffer whatever the
/// provider sends). A declared `Content-Length` over the cap is refused before reading.
async fn read_capped(response: &mut Response) -> Result<String, ProviderError> {
    ResponseBody::check_declared_length(response.headers().get("content-length").ok().flatten().as_deref())?;
    let mut body = ResponseBody::default();
    // workers-rs has no stream for a response without a body: that body is empty.
    let Ok(mut chunks) = response.stream() else {
        return Ok(String::new());
    };
    while let Some(chunk) = chunks.next().await {
        body.push(&chunk.map_err(|e| ProviderError::Unreachable(e.to_string()))?)?;
    }
    Ok(body.into_text())
}

thread_local! {
    // Per isolate: whether Ollama answered its health check, and when we last asked.
    static OLLAMA_SEEN: Cell<Option<(bool, Timestamp)>> = const { Cell::new(None) };
}

/// A known-down server is remembered for 30 s (every request answers promptly from the
/// fallback meanwhile); a known-up one for 10 s.
async fn ollama_up(config: &ChainConfig) -> bool {
    let now = clock::now();
    if let Some((up, at)) = OLLAMA_SEEN.with(Cell::get) {
        let ttl = if up { 10 } else { 30 };
        if now.millis() - at.millis() < ttl * 1000 {
            return up;
        }
    }
    let url = format!("{}/api/version", config.ollama_base_url.trim_end_matches('/'));
    let up = matches!(fetch_text(&url, Method::Get, Headers::new(), None, 2_000).await, Ok((200, _)));
    remember_ollama(up);
    up
}

fn remember_ollama(up: bool) {
    OLLAMA_SEEN.with(|seen| seen.set(Some((up, clock::now()))));
}

/// For diagnostics: the configured chain, without secrets.
pub fn describe(env: &Env) -> serde_json::Value {
    let config = chain_config(env);
    json!({
        "ollama": { "baseUrl": config.ollama_base_url, "model": config.primary_model, "fallbackModel": config.fallback_model },
        "openrouter": { "enabled": config.openrouter_key.is_some(), "model": config.openrouter_model },
        "timeoutMs": config.timeout_ms,
        "attemptBudgetMs": config.attempt_budget_ms,
    })
}
