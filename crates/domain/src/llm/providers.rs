//! The LLM chain's rules, free of I/O: which tiers are tried in which order, what each
//! provider's request looks like, how its answer is read, and what an error means for the
//! chain (retry the same tier after a backoff, or move on). The edge crate only sends.

use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    Ollama,
    OpenRouter,
}

impl ProviderKind {
    /// The `source` the API reports.
    pub fn source(self) -> &'static str {
        match self {
            ProviderKind::Ollama => "ollama",
            ProviderKind::OpenRouter => "openrouter",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainConfig {
    pub ollama_base_url: String,
    pub primary_model: String,
    pub fallback_model: String,
    pub openrouter_base_url: String,
    /// The fallback to OpenRouter exists only when a key is configured.
    pub openrouter_key: Option<String>,
    pub openrouter_model: String,
    /// Per attempt: the whole exchange of a non-streaming call, and the longest wait for the
    /// next chunk of a streamed one (the idle timeout).
    pub timeout_ms: u64,
    /// Per streamed attempt, from the request to the last chunk: a model that keeps writing
    /// never trips the idle timeout (issue 16: one attempt streamed for 588 s), so past this the
    /// attempt is given up and the next tier tried.
    pub attempt_budget_ms: u64,
    /// Attempts per tier (transient errors only).
    pub attempts: u32,
}

impl ChainConfig {
    pub const DEFAULT_TIMEOUT_MS: u64 = 25_000;
    pub const DEFAULT_ATTEMPTS: u32 = 2;
    /// Three minutes: a long blueprint from a local model on a modest machine takes one to two
    /// (seed 000 expects "a minute or two"); three tiers at this budget still end well inside
    /// the 10 minutes after which a generation is considered dead.
    pub const DEFAULT_ATTEMPT_BUDGET_MS: u64 = 180_000;
    /// Longest a whole non-streaming chain can take before the curated fallback: every tier's
    /// attempts at the full timeout plus the backoffs between them.
    pub fn worst_case_ms(&self) -> u64 {
        let tiers = 2 + u64::from(self.openrouter_key.is_some());
        let per_tier = u64::from(self.attempts) * self.timeout_ms + (1..self.attempts).map(backoff_ms).sum::<u64>();
        tiers * per_tier
    }
}

/// One model at one provider; `compact` asks for the shorter prompt (the smaller model).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub kind: ProviderKind,
    pub model: String,
    pub compact: bool,
}

/// The order the chain tries: the primary local model, the smaller local model (both skipped
/// when the local server is known to be down), then OpenRouter when a key is set.
pub fn tiers(config: &ChainConfig, ollama_up: bool) -> Vec<Tier> {
    let mut tiers = Vec::new();
    if ollama_up {
        tiers.push(Tier { kind: ProviderKind::Ollama, model: config.primary_model.clone(), compact: false });
        if config.fallback_model != config.primary_model {
            tiers.push(Tier { kind: ProviderKind::Ollama, model: config.fallback_model.clone(), compact: true });
        }
    }
    if config.openrouter_key.is_some() {
        tiers.push(Tier { kind: ProviderKind::OpenRouter, model: config.openrouter_model.clone(), compact: false });
    }
    tiers
}

/// What to ask a model: instructions, the user's material (full and compact), and the JSON
/// schema the answer must follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub system: String,
    pub user: String,
    pub compact_user: String,
    pub schema_name: &'static str,
    pub schema: Value,
    /// The most tokens the answer may take (Ollama `options.num_predict`, OpenAI `max_tokens`),
    /// sized to the contract with [`token_budget`].
    pub max_tokens: u32,
}

/// Characters per token when sizing a budget: English prose and JSON keys average about four
/// with the BPE vocabularies of the models we run (Qwen, SmolLM); text in other scripts takes
/// more tokens, and only a document near every cap at once would then be cut.
pub const CHARS_PER_TOKEN: usize = 4;

/// No budget above this: the output limits of the models OpenRouter serves start around 8–16 K
/// tokens, and some providers refuse a request whose `max_tokens` is over theirs.
pub const MAX_TOKEN_BUDGET: u32 = 16_384;

/// Tokens for an answer of at most `max_chars` characters (text and JSON punctuation), rounded
/// up, at most [`MAX_TOKEN_BUDGET`]. A decoder that ignores its schema's caps stops here instead
/// of running on until its context is full.
pub fn token_budget(max_chars: usize) -> u32 {
    u32::try_from(max_chars.div_ceil(CHARS_PER_TOKEN)).unwrap_or(u32::MAX).min(MAX_TOKEN_BUDGET)
}

/// Low temperature and a fixed seed: the same input gives the same answer where the model allows.
pub const TEMPERATURE: f64 = 0.2;
pub const SEED: u64 = 42;

/// The longest answer we read from a model. A course blueprint is a few tens of KB; a model
/// that runs on past this is looping, and what it wrote could not be stored (D1 rows are capped
/// at 2 MB, and a blueprint is stored with its Markdown and a versioned copy).
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// How much of each attempt's raw text is kept for diagnosis (`dynamic_questions_raw`), in bytes
/// of its JSON string (so escapes count: control characters take six bytes each there).
pub const MAX_RAW_KEPT_BYTES: usize = 16 * 1024;

/// The most we read of one provider response body, and of one line of a streamed one. A body
/// or line carries at most the whole answer JSON-escaped (a JSON answer is full of quotes,
/// each escaped to two bytes), next to the reasoning some models return beside it (up to as
/// long again), plus the envelope (ids, model name, usage). Anything longer could only hold
/// an answer past [`MAX_ANSWER_BYTES`]; reading on would only cost memory.
pub const MAX_RESPONSE_BYTES: usize = 4 * MAX_ANSWER_BYTES;

/// The error for an answer that passed [`MAX_ANSWER_BYTES`].
pub fn answer_too_long() -> ProviderError {
    ProviderError::Unusable(format!("the answer passed {} KB without ending", MAX_ANSWER_BYTES / 1024))
}

/// `text` cut to [`MAX_RAW_KEPT_BYTES`] once written as a JSON string (at a character
/// boundary), saying how much was left out. Measured as stored, because a model's text of
/// control characters would otherwise take six times the cap in its row.
pub fn kept_for_diagnosis(mut text: String) -> String {
    let mut stored = 0;
    let Some(end) = text.char_indices().find_map(|(at, c)| {
        stored += json_string_bytes(c);
        (stored > MAX_RAW_KEPT_BYTES).then_some(at)
    }) else {
        return text;
    };
    let dropped = text.len() - end;
    text.truncate(end);
    text.push_str(&format!("…[{dropped} more bytes not kept]"));
    text
}

/// The bytes `c` takes inside a JSON string as serde_json writes it.
fn json_string_bytes(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if u32::from(c) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

/// `(url, body)` of a non-streaming chat request for `tier`.
pub fn chat_request(config: &ChainConfig, tier: &Tier, prompt: &Prompt, stream: bool) -> (String, Value) {
    let user = if tier.compact { &prompt.compact_user } else { &prompt.user };
    let messages = json!([{ "role": "system", "content": prompt.system }, { "role": "user", "content": user }]);
    match tier.kind {
        ProviderKind::Ollama => (
            format!("{}/api/chat", config.ollama_base_url.trim_end_matches('/')),
            json!({
                "model": tier.model,
                "messages": messages,
                "stream": stream,
                "format": prompt.schema,
                "think": false,
                "options": { "temperature": TEMPERATURE, "seed": SEED, "top_p": 0.9, "num_predict": prompt.max_tokens },
            }),
        ),
        ProviderKind::OpenRouter => (
            format!("{}/chat/completions", config.openrouter_base_url.trim_end_matches('/')),
            json!({
                "model": tier.model,
                "messages": messages,
                "stream": stream,
                "temperature": TEMPERATURE,
                "seed": SEED,
                "max_tokens": prompt.max_tokens,
                // Strict mode takes a subset of JSON Schema (`schema::STRICT_UNSUPPORTED`); Ollama's
                // grammar takes the whole.
                "response_format": { "type": "json_schema", "json_schema": { "name": prompt.schema_name, "strict": true, "schema": crate::llm::schema::strict_subset(&prompt.schema) } },
            }),
        ),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderError {
    Timeout,
    Unreachable(String),
    ModelNotFound,
    Http(u16),
    /// The provider answered, but not in its documented shape.
    BadResponse(String),
    /// The model's text could not be read as the requested JSON (after repair).
    Unusable(String),
    /// A streamed attempt was still going when its wall-clock budget (ms) ran out.
    OverBudget(u64),
}

impl ProviderError {
    /// Worth trying the same model again after a backoff: the server hiccuped. A timeout is not
    /// (it would double the wait); a missing model or an unusable answer is not either (a fixed
    /// seed gives the same answer again).
    pub fn retry_same_tier(&self) -> bool {
        matches!(self, ProviderError::Unreachable(_) | ProviderError::Http(429 | 500..=599))
    }

    /// Whether the local server itself looks down (so the next requests skip it for a while).
    pub fn server_down(&self) -> bool {
        matches!(self, ProviderError::Unreachable(_))
    }

    pub fn describe(&self) -> String {
        match self {
            ProviderError::Timeout => "timed out".into(),
            ProviderError::Unreachable(why) => format!("unreachable: {why}"),
            ProviderError::ModelNotFound => "model not found".into(),
            ProviderError::Http(status) => format!("HTTP {status}"),
            ProviderError::BadResponse(why) => format!("bad response: {why}"),
            ProviderError::Unusable(why) => format!("unusable answer: {why}"),
            ProviderError::OverBudget(ms) => format!("still writing after {} s, its time budget", ms / 1000),
        }
    }
}

/// Backoff before retry `n` (1-based): 500 ms × 1.5^(n-1).
pub fn backoff_ms(retry: u32) -> u64 {
    (500.0 * 1.5f64.powi(retry.saturating_sub(1) as i32)) as u64
}

/// The error for a response body or stream line that passed [`MAX_RESPONSE_BYTES`].
pub fn response_too_long() -> ProviderError {
    ProviderError::Unusable(format!("the response passed {} KB", MAX_RESPONSE_BYTES / 1024))
}

/// A non-streaming response body read chunk by chunk, refused as soon as it passes
/// [`MAX_RESPONSE_BYTES`] (a provider that never stops sending cannot fill the isolate's
/// memory). A declared `Content-Length` over the cap is refused before anything is read.
#[derive(Debug, Default)]
pub struct ResponseBody {
    bytes: Vec<u8>,
    /// Once refused, always refused (and what was read is let go).
    refused: bool,
}

impl ResponseBody {
    /// Refuses a body whose `Content-Length` already says it is too long; a missing or
    /// unreadable header is left to the byte count.
    pub fn check_declared_length(content_length: Option<&str>) -> Result<(), ProviderError> {
        match content_length.and_then(|length| length.trim().parse::<u64>().ok()) {
            Some(length) if length > MAX_RESPONSE_BYTES as u64 => Err(response_too_long()),
            _ => Ok(()),
        }
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), ProviderError> {
        if self.refused || self.bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
            self.bytes = Vec::new();
            self.refused = true;
            return Err(response_too_long());
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// The body as text (invalid UTF-8 replaced: the JSON reader then says what is wrong).
    pub fn into_text(self) -> String {
        String::from_utf8(self.bytes).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
    }
}

/// The model's text from a non-streaming response. Reasoning models sometimes leave `content`
/// empty and put their text in `thinking` (Ollama) or `reasoning` (OpenRouter).
pub fn response_text(kind: ProviderKind, status: u16, body: &str) -> Result<String, ProviderError> {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    if status == 404 || (kind == ProviderKind::OpenRouter && status == 400 && body.contains("not a valid model")) {
        return Err(ProviderError::ModelNotFound);
    }
    if !(200..300).contains(&status) {
        return Err(ProviderError::Http(status));
    }
    let value = parsed.ok_or_else(|| ProviderError::BadResponse("not JSON".into()))?;
    let message = match kind {
        ProviderKind::Ollama => &value["message"],
        ProviderKind::OpenRouter => &value["choices"][0]["message"],
    };
    let content = message["content"].as_str().unwrap_or_default();
    let reasoning = message["thinking"].as_str().or_else(|| message["reasoning"].as_str()).unwrap_or_default();
    let text = if content.trim().is_empty() { reasoning } else { content };
    if text.trim().is_empty() {
        return Err(ProviderError::BadResponse("empty message".into()));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(key: Option<&str>) -> ChainConfig {
        ChainConfig {
            ollama_base_url: "http://127.0.0.1:11434/".into(),
            primary_model: "qwen3:30b-a3b".into(),
            fallback_model: "qwen2:7b".into(),
            openrouter_base_url: "https://openrouter.ai/api/v1".into(),
            openrouter_key: key.map(str::to_string),
            openrouter_model: "qwen/qwen2.5-14b".into(),
            timeout_ms: 25_000,
            attempt_budget_ms: 180_000,
            attempts: 2,
        }
    }

    fn prompt() -> Prompt {
        Prompt { system: "sys".into(), user: "long".into(), compact_user: "short".into(), schema_name: "questions", schema: json!({ "type": "object" }), max_tokens: 1234 }
    }

    #[test]
    fn tiers_follow_the_chain() {
        let all = tiers(&config(Some("k")), true);
        assert_eq!(all.iter().map(|t| (t.kind, t.model.as_str(), t.compact)).collect::<Vec<_>>(), [
            (ProviderKind::Ollama, "qwen3:30b-a3b", false),
            (ProviderKind::Ollama, "qwen2:7b", true),
            (ProviderKind::OpenRouter, "qwen/qwen2.5-14b", false),
        ]);
        assert_eq!(tiers(&config(None), true).len(), 2, "no key, no OpenRouter");
        assert_eq!(tiers(&config(Some("k")), false).len(), 1, "a down Ollama is skipped");
        assert!(tiers(&config(None), false).is_empty());
    }

    #[test]
    fn requests_use_structured_outputs_low_temperature_and_a_seed() {
        let c = config(Some("k"));
        let (url, body) = chat_request(&c, &tiers(&c, true)[0], &prompt(), false);
        assert_eq!(url, "http://127.0.0.1:11434/api/chat");
        assert_eq!(body["format"], json!({ "type": "object" }));
        assert_eq!(body["think"], false);
        assert_eq!(body["options"]["seed"], 42);
        assert_eq!(body["messages"][1]["content"], "long");
        let (_, compact) = chat_request(&c, &tiers(&c, true)[1], &prompt(), false);
        assert_eq!(compact["messages"][1]["content"], "short");
        let (url, body) = chat_request(&c, &tiers(&c, true)[2], &prompt(), true);
        assert_eq!(url, "https://openrouter.ai/api/v1/chat/completions");
        assert_eq!(body["response_format"]["type"], "json_schema");
        assert_eq!(body["stream"], true);
    }

    #[test]
    fn every_request_states_its_token_budget() {
        let c = config(Some("k"));
        let all = tiers(&c, true);
        assert_eq!(chat_request(&c, &all[0], &prompt(), true).1["options"]["num_predict"], 1234);
        assert_eq!(chat_request(&c, &all[2], &prompt(), false).1["max_tokens"], 1234);
        assert_eq!((token_budget(0), token_budget(1), token_budget(4), token_budget(5)), (0, 1, 1, 2));
        assert_eq!(token_budget(usize::MAX), MAX_TOKEN_BUDGET);
    }

    #[test]
    fn ollama_gets_the_full_schema_and_openrouter_the_strict_subset() {
        let c = config(Some("k"));
        let schema = json!({ "type": "array", "minItems": 1, "maxItems": 3, "items": { "type": "string", "maxLength": 9 } });
        let prompt = Prompt { schema: schema.clone(), ..prompt() };
        let all = tiers(&c, true);
        assert_eq!(chat_request(&c, &all[0], &prompt, true).1["format"], schema);
        assert_eq!(chat_request(&c, &all[2], &prompt, true).1["response_format"]["json_schema"]["schema"], json!({ "type": "array", "items": { "type": "string" } }));
    }

    #[test]
    fn reading_answers() {
        let ollama = r#"{"message":{"role":"assistant","content":"{\"a\":1}"},"done":true}"#;
        assert_eq!(response_text(ProviderKind::Ollama, 200, ollama).unwrap(), "{\"a\":1}");
        let thinking = r#"{"message":{"role":"assistant","content":"","thinking":"{\"a\":2}"},"done":true}"#;
        assert_eq!(response_text(ProviderKind::Ollama, 200, thinking).unwrap(), "{\"a\":2}");
        let reasoning = r#"{"choices":[{"message":{"content":null,"reasoning":"{\"a\":3}"}}]}"#;
        assert_eq!(response_text(ProviderKind::OpenRouter, 200, reasoning).unwrap(), "{\"a\":3}");
        assert_eq!(response_text(ProviderKind::Ollama, 404, r#"{"error":"model not found"}"#), Err(ProviderError::ModelNotFound));
        assert_eq!(response_text(ProviderKind::OpenRouter, 400, r#"{"error":{"message":"x is not a valid model ID"}}"#), Err(ProviderError::ModelNotFound));
        assert_eq!(response_text(ProviderKind::Ollama, 503, ""), Err(ProviderError::Http(503)));
        assert!(matches!(response_text(ProviderKind::Ollama, 200, "<html>"), Err(ProviderError::BadResponse(_))));
        assert!(matches!(response_text(ProviderKind::Ollama, 200, r#"{"message":{"content":""}}"#), Err(ProviderError::BadResponse(_))));
    }

    #[test]
    fn which_errors_retry() {
        assert!(ProviderError::Http(503).retry_same_tier());
        assert!(ProviderError::Unreachable("refused".into()).retry_same_tier());
        assert!(!ProviderError::Timeout.retry_same_tier());
        assert!(!ProviderError::ModelNotFound.retry_same_tier());
        assert!(!ProviderError::Unusable("x".into()).retry_same_tier());
        assert!(!ProviderError::OverBudget(1000).retry_same_tier(), "a runaway moves on to the next tier");
        assert_eq!((backoff_ms(1), backoff_ms(2), backoff_ms(3)), (500, 750, 1125));
        assert_eq!(config(Some("k")).worst_case_ms(), 3 * (2 * 25_000 + 500));
    }
}

/// What a streamed chat response carries, decoded line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamPiece {
    /// More of the model's text (content, or reasoning when a reasoning model streams that).
    Text(String),
    /// The provider said the answer is complete.
    Done,
    /// The provider reported an error inside the stream.
    Failed(String),
}

/// Decodes Ollama's NDJSON (`{"message":{"content":…},"done":…}` per line) and OpenRouter's
/// SSE (`data: {"choices":[{"delta":{"content":…}}]}` … `data: [DONE]`) from arbitrary network
/// chunks: bytes are buffered until a full line, so a chunk boundary inside a line or inside a
/// multi-byte character changes nothing. A line is held up to [`MAX_RESPONSE_BYTES`]; a longer
/// one is reported once as `Failed` and its remaining bytes are skipped up to its newline.
#[derive(Debug)]
pub struct StreamDecoder {
    kind: ProviderKind,
    /// The start of a line whose newline has not arrived yet (never holds a newline).
    pending: Vec<u8>,
    /// Inside a line already refused as too long: bytes are dropped until its newline.
    skipping: bool,
}

impl StreamDecoder {
    pub fn new(kind: ProviderKind) -> Self {
        StreamDecoder { kind, pending: Vec::new(), skipping: false }
    }

    /// Only the new bytes are searched for newlines (`pending` holds none), so a long line
    /// arriving in many small chunks costs linear time.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<StreamPiece> {
        let mut pieces = Vec::new();
        let mut rest = bytes;
        while let Some(end) = rest.iter().position(|b| *b == b'\n') {
            let (tail, after) = rest.split_at(end);
            rest = &after[1..];
            if std::mem::take(&mut self.skipping) {
                continue;
            }
            if self.pending.len() + tail.len() > MAX_RESPONSE_BYTES {
                self.pending = Vec::new();
                pieces.push(line_too_long());
                continue;
            }
            self.pending.extend_from_slice(tail);
            let line = std::mem::take(&mut self.pending);
            let line = String::from_utf8_lossy(&line);
            if let Some(piece) = self.decode_line(line.trim_end_matches('\r')) {
                pieces.push(piece);
            }
        }
        if self.skipping {
            return pieces;
        }
        if self.pending.len() + rest.len() > MAX_RESPONSE_BYTES {
            self.pending = Vec::new();
            self.skipping = true;
            pieces.push(line_too_long());
        } else {
            self.pending.extend_from_slice(rest);
        }
        pieces
    }

    /// The stream ended: a last line without a newline still counts (unless it was refused).
    pub fn finish(&mut self) -> Vec<StreamPiece> {
        if self.pending.is_empty() {
            return Vec::new();
        }
        let rest = std::mem::take(&mut self.pending);
        let line = String::from_utf8_lossy(&rest).to_string();
        self.decode_line(line.trim()).into_iter().collect()
    }

    fn decode_line(&self, line: &str) -> Option<StreamPiece> {
        let json_text = match self.kind {
            ProviderKind::Ollama => line.trim(),
            ProviderKind::OpenRouter => {
                let data = line.strip_prefix("data:")?.trim();
                if data == "[DONE]" {
                    return Some(StreamPiece::Done);
                }
                data
            }
        };
        if json_text.is_empty() {
            return None;
        }
        let Ok(value) = serde_json::from_str::<Value>(json_text) else {
            return Some(StreamPiece::Failed(format!("unreadable stream line: {}", json_text.chars().take(80).collect::<String>())));
        };
        if let Some(error) = value.get("error") {
            let message = error.get("message").and_then(Value::as_str).or_else(|| error.as_str()).unwrap_or("provider error");
            return Some(StreamPiece::Failed(message.to_string()));
        }
        let (delta, done) = match self.kind {
            ProviderKind::Ollama => (&value["message"], value["done"].as_bool().unwrap_or(false)),
            ProviderKind::OpenRouter => (&value["choices"][0]["delta"], false),
        };
        let text = delta["content"].as_str().filter(|t| !t.is_empty()).or_else(|| delta["thinking"].as_str()).or_else(|| delta["reasoning"].as_str()).unwrap_or_default();
        match (text.is_empty(), done) {
            (false, _) => Some(StreamPiece::Text(text.to_string())),
            (true, true) => Some(StreamPiece::Done),
            (true, false) => None,
        }
    }
}

fn line_too_long() -> StreamPiece {
    StreamPiece::Failed(format!("a stream line passed {} KB without ending", MAX_RESPONSE_BYTES / 1024))
}

#[cfg(test)]
mod stream_tests {
    use super::*;

    #[test]
    fn long_raw_text_is_cut_at_a_character_boundary() {
        assert_eq!(kept_for_diagnosis("short".into()), "short");
        let long = "é".repeat(MAX_RAW_KEPT_BYTES); // two bytes each
        let kept = kept_for_diagnosis(long.clone());
        assert!(kept.starts_with(&long[..MAX_RAW_KEPT_BYTES]));
        assert!(kept.ends_with(&format!("…[{} more bytes not kept]", long.len() - MAX_RAW_KEPT_BYTES)));
        let odd = format!("a{}", "é".repeat(MAX_RAW_KEPT_BYTES));
        assert!(kept_for_diagnosis(odd).contains("more bytes not kept"), "a cut inside a character moves back");
    }

    #[test]
    fn raw_text_is_measured_as_it_is_stored() {
        for raw in ["\u{1}".repeat(MAX_RAW_KEPT_BYTES), "\"".repeat(MAX_RAW_KEPT_BYTES), format!("{}\u{1f}", "x".repeat(MAX_RAW_KEPT_BYTES - 5))] {
            let stored = serde_json::to_string(&kept_for_diagnosis(raw.clone())).unwrap();
            assert!(stored.len() <= MAX_RAW_KEPT_BYTES + 64, "{} bytes stored", stored.len());
            assert!(stored.contains("more bytes not kept"));
        }
        let fits = format!("{}\u{1f}", "x".repeat(MAX_RAW_KEPT_BYTES - 6));
        assert_eq!(kept_for_diagnosis(fits.clone()), fits, "exactly the cap once stored (with its quotes left out)");
    }

    fn collect(kind: ProviderKind, wire: &[u8], cut: usize) -> (String, bool) {
        let mut decoder = StreamDecoder::new(kind);
        let mut pieces = Vec::new();
        for chunk in wire.chunks(cut.max(1)) {
            pieces.extend(decoder.push(chunk));
        }
        pieces.extend(decoder.finish());
        let text = pieces.iter().filter_map(|p| if let StreamPiece::Text(t) = p { Some(t.as_str()) } else { None }).collect();
        (text, pieces.contains(&StreamPiece::Done))
    }

    #[test]
    fn ollama_ndjson_in_any_chunking() {
        let wire = "{\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"title\\\":\\\"Cours\"},\"done\":false}\n{\"message\":{\"role\":\"assistant\",\"content\":\" d'été\\\"}\"},\"done\":false}\n{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n";
        for cut in [1, 2, 3, 7, 1000] {
            assert_eq!(collect(ProviderKind::Ollama, wire.as_bytes(), cut), ("{\"title\":\"Cours d'été\"}".to_string(), true), "cut {cut}");
        }
    }

    #[test]
    fn openrouter_sse_with_comments_and_done() {
        let wire = ": OPENROUTER PROCESSING\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"ab\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"é\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        for cut in [1, 5, 1000] {
            assert_eq!(collect(ProviderKind::OpenRouter, wire.as_bytes(), cut), ("abé".to_string(), true));
        }
    }

    #[test]
    fn errors_and_garbage_in_the_stream_are_reported() {
        let mut decoder = StreamDecoder::new(ProviderKind::Ollama);
        assert_eq!(decoder.push(b"{\"error\":\"model crashed\"}\n"), vec![StreamPiece::Failed("model crashed".into())]);
        assert!(matches!(decoder.push(b"<html>\n").as_slice(), [StreamPiece::Failed(_)]));
        let mut decoder = StreamDecoder::new(ProviderKind::OpenRouter);
        assert_eq!(decoder.push(b"data: {\"error\":{\"message\":\"rate limited\"}}\n"), vec![StreamPiece::Failed("rate limited".into())]);
        assert!(decoder.push(b"event: ping\n: comment\n\n").is_empty());
    }

    /// A provider that sends one endless line (no newline, ever) must not make the decoder
    /// hold it all: past the cap it is an error, and the buffer stays bounded.
    #[test]
    fn an_endless_line_is_an_error_and_memory_stays_bounded() {
        for kind in [ProviderKind::Ollama, ProviderKind::OpenRouter] {
            let mut decoder = StreamDecoder::new(kind);
            let chunk = vec![b'x'; 64 * 1024];
            let mut failures = 0;
            for _ in 0..(16 * MAX_ANSWER_BYTES / chunk.len()) {
                failures += decoder.push(&chunk).iter().filter(|p| matches!(p, StreamPiece::Failed(_))).count();
                assert!(decoder.pending.len() <= MAX_RESPONSE_BYTES, "{kind:?} holds {} bytes", decoder.pending.len());
            }
            assert_eq!(failures, 1, "{kind:?}: the overlong line is reported once");
            assert!(decoder.finish().is_empty(), "the rest of a refused line is not read as a line");
        }
    }

    #[test]
    fn a_long_line_split_into_tiny_chunks_still_decodes() {
        // The whole answer in one delta, delivered a few bytes at a time: the newline search
        // must not rescan what it already scanned (that would be quadratic).
        let text = "é".repeat(MAX_ANSWER_BYTES / 4);
        let wire = format!("{}\n{}\n", json!({"message": {"content": text}, "done": false}), json!({"message": {"content": ""}, "done": true}));
        let (decoded, done) = collect(ProviderKind::Ollama, wire.as_bytes(), 3);
        assert_eq!((decoded == text, done), (true, true));
    }

    #[test]
    fn after_a_refused_line_the_next_lines_decode() {
        let mut decoder = StreamDecoder::new(ProviderKind::Ollama);
        let mut wire = vec![b'x'; MAX_RESPONSE_BYTES + 1];
        wire.extend_from_slice(b"\n{\"message\":{\"content\":\"ok\"},\"done\":true}\n");
        let pieces = decoder.push(&wire);
        assert!(matches!(pieces.as_slice(), [StreamPiece::Failed(_), StreamPiece::Text(ok)] if ok == "ok"), "{pieces:?}");
    }

    #[test]
    fn a_line_at_the_cap_is_still_read() {
        let mut decoder = StreamDecoder::new(ProviderKind::Ollama);
        let envelope = json!({"message": {"content": ""}, "done": false}).to_string();
        let text = "y".repeat(MAX_RESPONSE_BYTES - envelope.len());
        let line = json!({"message": {"content": text}, "done": false}).to_string();
        assert_eq!(line.len(), MAX_RESPONSE_BYTES);
        assert!(decoder.push(line.as_bytes()).is_empty());
        assert_eq!(decoder.push(b"\n"), vec![StreamPiece::Text(text)]);
    }

    #[test]
    fn a_non_streaming_body_is_capped() {
        let mut body = ResponseBody::default();
        let chunk = vec![b' '; 64 * 1024];
        let pushed: Vec<bool> = (0..(2 * MAX_RESPONSE_BYTES / chunk.len())).map(|_| body.push(&chunk).is_ok()).collect();
        assert_eq!(pushed.iter().filter(|ok| **ok).count(), MAX_RESPONSE_BYTES / chunk.len(), "accepted up to the cap, then refused");
        assert_eq!(body.push(b"{}"), Err(response_too_long()));
        assert!(body.bytes.len() <= MAX_RESPONSE_BYTES);

        let mut small = ResponseBody::default();
        small.push(br#"{"message":{"content":"\u00e9"#).unwrap();
        small.push(br#"t\u00e9"},"done":true}"#).unwrap();
        assert_eq!(response_text(ProviderKind::Ollama, 200, &small.into_text()).unwrap(), "été");

        assert_eq!(ResponseBody::check_declared_length(Some(&(MAX_RESPONSE_BYTES + 1).to_string())), Err(response_too_long()));
        for fine in [None, Some("12"), Some(" 1024 "), Some("not a number")] {
            assert_eq!(ResponseBody::check_declared_length(fine), Ok(()), "{fine:?}");
        }
    }

    #[test]
    fn a_last_line_without_newline_counts() {
        let (text, done) = collect(ProviderKind::Ollama, b"{\"message\":{\"content\":\"x\"},\"done\":true}", 4);
        assert_eq!((text.as_str(), done), ("x", false));
    }
}
