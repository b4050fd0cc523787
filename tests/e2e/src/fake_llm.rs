//! A fake LLM server on loopback speaking the real wire protocols:
//!
//! - Ollama: `GET /api/version`, `GET /api/tags`, `POST /api/chat` (NDJSON stream by default,
//!   one JSON object with `"stream": false`), `404 {"error": "model … not found"}`.
//! - OpenRouter (OpenAI-compatible): `POST /api/v1/chat/completions` (SSE `data:` chunks ending
//!   in `data: [DONE]`, with `: OPENROUTER PROCESSING` comments; one JSON object otherwise),
//!   `401` without a Bearer key.
//!
//! It is a raw socket server (one thread per connection) rather than a library server so that
//! it can misbehave precisely: split chunks anywhere, pause between them, hang, or drop the
//! connection mid-stream. Tests script it per tag: the first script whose tag occurs in the
//! request body decides the answer, so concurrent tests do not interfere.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

pub const OLLAMA_MODELS: &[&str] = &["qwen3:30b-a3b", "qwen2:7b"];

/// What the fake does with one request.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Answer `content`, streamed in `chunks` pieces (split at arbitrary byte-safe points) with
    /// `delay_ms` between them when the client asked for a stream; without a stream, the one
    /// answer comes after `chunks × delay_ms` (a model that takes its time).
    Reply { content: String, chunks: usize, delay_ms: u64 },
    /// An HTTP error with this status and raw body.
    Status { code: u16, body: String },
    /// Accept the request and send nothing for `secs`.
    Hang { secs: u64 },
    /// The provider's own "model not found" answer.
    ModelNotFound,
    /// Stream the first `chunks_before_drop` of `chunks` pieces, then close the socket.
    DropMidStream { content: String, chunks: usize, chunks_before_drop: usize },
}

impl Behaviour {
    pub fn reply(content: impl Into<String>) -> Self {
        Behaviour::Reply { content: content.into(), chunks: 4, delay_ms: 0 }
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    scripts: Vec<(String, VecDeque<Behaviour>)>,
    received: Vec<Received>,
    /// Per script tag: chat requests being answered now, and the most ever at once.
    active: std::collections::HashMap<String, (usize, usize)>,
    /// While set, Ollama's endpoints refuse connections (the server is "down").
    ollama_down: bool,
    /// Per watched needle (see [`FakeLlm::watch`]): chat requests containing it being answered
    /// now, and the most ever at once, whichever script answered them.
    watched: std::collections::HashMap<String, (usize, usize)>,
    /// Per script tag: when each streamed piece was flushed to the socket (the bench times the
    /// relay from these).
    piece_times: std::collections::HashMap<String, Vec<Instant>>,
}

#[derive(Clone)]
pub struct FakeLlm {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl FakeLlm {
    pub fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let fake = FakeLlm { port, state: Arc::new(Mutex::new(State::default())) };
        let server = fake.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let server = server.clone();
                thread::spawn(move || server.serve(stream));
            }
        });
        Ok(fake)
    }

    /// `http://127.0.0.1:<port>`: Ollama's base URL.
    pub fn ollama_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:<port>/api/v1`: OpenRouter's base URL.
    pub fn openrouter_url(&self) -> String {
        format!("http://127.0.0.1:{}/api/v1", self.port)
    }

    /// Requests whose body contains `tag` (and no longer scripted tag) get these behaviours in
    /// order; the last one repeats.
    pub fn script(&self, tag: &str, behaviours: Vec<Behaviour>) {
        let mut state = self.state.lock().unwrap();
        state.scripts.retain(|(t, _)| t != tag);
        state.scripts.push((tag.to_string(), behaviours.into()));
    }

    /// The most chat requests for `tag` that were being answered at the same time.
    pub fn max_concurrent(&self, tag: &str) -> usize {
        self.state.lock().unwrap().active.get(tag).map_or(0, |(_, max)| *max)
    }

    /// Starts counting the chat requests whose body contains `needle` (several scripts' tags
    /// can share one), for [`FakeLlm::max_concurrent_watched`].
    pub fn watch(&self, needle: &str) {
        self.state.lock().unwrap().watched.entry(needle.to_string()).or_insert((0, 0));
    }

    /// The most chat requests containing a watched `needle` that were being answered at once.
    pub fn max_concurrent_watched(&self, needle: &str) -> usize {
        self.state.lock().unwrap().watched.get(needle).map_or(0, |(_, max)| *max)
    }

    /// Takes Ollama down (connections are closed without an answer) or brings it back.
    pub fn set_ollama_down(&self, down: bool) {
        self.state.lock().unwrap().ollama_down = down;
    }

    /// When each streamed piece (an NDJSON line or SSE event) of requests for `tag` was flushed
    /// to the socket, in order, across all of that tag's requests.
    pub fn piece_times(&self, tag: &str) -> Vec<Instant> {
        self.state.lock().unwrap().piece_times.get(tag).cloned().unwrap_or_default()
    }

    /// Every request received whose body contains `tag`.
    pub fn received(&self, tag: &str) -> Vec<Received> {
        let state = self.state.lock().unwrap();
        state.received.iter().filter(|r| r.body.to_string().contains(tag)).cloned().collect()
    }

    /// The script of the longest tag the request contains: a test scripts its course by one tag
    /// and one slot of it by a longer, more specific one.
    fn behaviour_for(&self, body: &str) -> Behaviour {
        let mut state = self.state.lock().unwrap();
        let chosen = state.scripts.iter_mut().filter(|(tag, _)| body.contains(tag.as_str())).max_by_key(|(tag, _)| tag.len());
        match chosen {
            Some((_, queue)) => if queue.len() > 1 { queue.pop_front().unwrap() } else { queue.front().cloned().unwrap_or(Behaviour::reply("{}")) },
            None => Behaviour::reply("{}"),
        }
    }

    fn serve(&self, stream: TcpStream) {
        // As real model servers do (Go's net/http sets it): each streamed piece leaves at once
        // instead of waiting for the previous one's ACK, so piece times are the wire times.
        let _ = stream.set_nodelay(true);
        let mut reader = BufReader::new(match stream.try_clone() {
            Ok(s) => s,
            Err(_) => return,
        });
        let mut writer = stream;
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        let length = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length")).and_then(|(_, v)| v.parse::<usize>().ok()).unwrap_or(0);
        let mut raw = vec![0u8; length];
        if reader.read_exact(&mut raw).is_err() {
            return;
        }
        let body: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        let received = Received { method: method.clone(), path: path.clone(), headers, body: body.clone() };
        let text = body.to_string();
        let tag = {
            let mut state = self.state.lock().unwrap();
            state.received.push(received.clone());
            if state.ollama_down && path.starts_with("/api/") && !path.starts_with("/api/v1/") {
                return; // dropping the socket: connection closed, no response
            }
            let tag = state.scripts.iter().map(|(t, _)| t.clone()).find(|t| text.contains(t.as_str()));
            if let Some(tag) = &tag {
                let entry = state.active.entry(tag.clone()).or_insert((0, 0));
                entry.0 += 1;
                entry.1 = entry.1.max(entry.0);
            }
            let chat = path.ends_with("/chat") || path.ends_with("/chat/completions");
            for (needle, entry) in state.watched.iter_mut() {
                if chat && text.contains(needle.as_str()) {
                    entry.0 += 1;
                    entry.1 = entry.1.max(entry.0);
                }
            }
            tag
        };
        let _ = match (method.as_str(), path.as_str()) {
            ("GET", "/api/version") => write_json(&mut writer, 200, &json!({ "version": "0.12.6" })),
            ("GET", "/api/tags") => write_json(&mut writer, 200, &tags()),
            ("POST", "/api/chat") => self.ollama_chat(&mut writer, &body, tag.as_deref()),
            ("POST", "/api/v1/chat/completions") => self.openrouter_chat(&mut writer, &received, tag.as_deref()),
            _ => write_json(&mut writer, 404, &json!({ "error": "not found" })),
        };
        let mut state = self.state.lock().unwrap();
        if let Some(tag) = tag {
            if let Some(entry) = state.active.get_mut(&tag) {
                entry.0 -= 1;
            }
        }
        let chat = path.ends_with("/chat") || path.ends_with("/chat/completions");
        for (needle, entry) in state.watched.iter_mut() {
            if chat && text.contains(needle.as_str()) {
                entry.0 = entry.0.saturating_sub(1);
            }
        }
    }

    /// A callback that notes when each streamed piece for `tag` went out.
    fn piece_recorder(&self, tag: Option<&str>) -> impl FnMut() + '_ {
        let tag = tag.map(str::to_string);
        move || {
            if let Some(tag) = &tag {
                let now = Instant::now();
                self.state.lock().unwrap().piece_times.entry(tag.clone()).or_default().push(now);
            }
        }
    }

    fn ollama_chat(&self, writer: &mut TcpStream, body: &Value, tag: Option<&str>) -> std::io::Result<()> {
        let model = body["model"].as_str().unwrap_or_default().to_string();
        let streaming = body["stream"].as_bool().unwrap_or(true);
        match self.behaviour_for(&body.to_string()) {
            _ if !OLLAMA_MODELS.contains(&model.as_str()) => model_not_found_ollama(writer, &model),
            Behaviour::ModelNotFound => model_not_found_ollama(writer, &model),
            Behaviour::Status { code, body } => write_raw(writer, code, "application/json", body.as_bytes()),
            Behaviour::Hang { secs } => hang(secs),
            Behaviour::Reply { content, chunks, delay_ms } if streaming => {
                let lines = ollama_lines(&model, &content, chunks);
                write_chunked(writer, "application/x-ndjson", &lines, delay_ms, None, self.piece_recorder(tag))
            }
            Behaviour::DropMidStream { content, chunks, chunks_before_drop } => {
                let lines = ollama_lines(&model, &content, chunks);
                write_chunked(writer, "application/x-ndjson", &lines, 0, Some(chunks_before_drop), self.piece_recorder(tag))
            }
            Behaviour::Reply { content, chunks, delay_ms } => {
                thread::sleep(Duration::from_millis(delay_ms * chunks as u64));
                write_split_json(writer, &ollama_message(&model, &content, true), chunks)
            }
        }
    }

    fn openrouter_chat(&self, writer: &mut TcpStream, request: &Received, tag: Option<&str>) -> std::io::Result<()> {
        let authorised = request.header("authorization").is_some_and(|v| v.starts_with("Bearer ") && v.len() > 7);
        if !authorised {
            return write_json(writer, 401, &json!({ "error": { "message": "No auth credentials found", "code": 401 } }));
        }
        let body = &request.body;
        let model = body["model"].as_str().unwrap_or_default().to_string();
        let streaming = body["stream"].as_bool().unwrap_or(false);
        match self.behaviour_for(&body.to_string()) {
            Behaviour::ModelNotFound => write_json(writer, 400, &json!({ "error": { "message": format!("{model} is not a valid model ID"), "code": 400 } })),
            Behaviour::Status { code, body } => write_raw(writer, code, "application/json", body.as_bytes()),
            Behaviour::Hang { secs } => hang(secs),
            Behaviour::Reply { content, chunks, delay_ms } if streaming => {
                write_chunked(writer, "text/event-stream", &openrouter_events(&model, &content, chunks), delay_ms, None, self.piece_recorder(tag))
            }
            Behaviour::DropMidStream { content, chunks, chunks_before_drop } => {
                write_chunked(writer, "text/event-stream", &openrouter_events(&model, &content, chunks), 0, Some(chunks_before_drop), self.piece_recorder(tag))
            }
            Behaviour::Reply { content, chunks, delay_ms } => {
                thread::sleep(Duration::from_millis(delay_ms * chunks as u64));
                write_split_json(writer, &openrouter_completion(&model, &content), chunks)
            }
        }
    }
}

fn tags() -> Value {
    let models: Vec<Value> = OLLAMA_MODELS
        .iter()
        .map(|name| json!({ "name": name, "model": name, "modified_at": "2026-10-01T00:00:00Z", "size": 1_000_000_000u64, "digest": "sha256:0000", "details": { "format": "gguf", "family": "qwen" } }))
        .collect();
    json!({ "models": models })
}

/// Splits `text` into `parts` pieces on char boundaries (JSON tokens end up cut mid-string).
pub fn split_text(text: &str, parts: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let parts = parts.clamp(1, chars.len().max(1));
    let size = chars.len().div_ceil(parts).max(1);
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

fn ollama_message(model: &str, content: &str, done: bool) -> Value {
    let mut message = json!({
        "model": model,
        "created_at": "2026-11-22T12:00:00.000000Z",
        "message": { "role": "assistant", "content": content },
        "done": done,
    });
    if done {
        for (key, value) in [("done_reason", json!("stop")), ("total_duration", json!(1_000_000)), ("load_duration", json!(1000)), ("prompt_eval_count", json!(42)), ("prompt_eval_duration", json!(1000)), ("eval_count", json!(64)), ("eval_duration", json!(1000))] {
            message[key] = value;
        }
    }
    message
}

fn ollama_lines(model: &str, content: &str, chunks: usize) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = split_text(content, chunks).iter().map(|piece| format!("{}\n", ollama_message(model, piece, false)).into_bytes()).collect();
    lines.push(format!("{}\n", ollama_message(model, "", true)).into_bytes());
    lines
}

fn openrouter_chunk(model: &str, delta: Value, finish: Option<&str>) -> Value {
    json!({
        "id": "gen-fake-1", "provider": "Fake", "model": model, "object": "chat.completion.chunk", "created": 1_795_000_000,
        "choices": [{ "index": 0, "delta": delta, "finish_reason": finish, "native_finish_reason": finish }],
    })
}

fn openrouter_events(model: &str, content: &str, chunks: usize) -> Vec<Vec<u8>> {
    let mut events = vec![b": OPENROUTER PROCESSING\n\n".to_vec()];
    for piece in split_text(content, chunks) {
        events.push(format!("data: {}\n\n", openrouter_chunk(model, json!({ "role": "assistant", "content": piece }), None)).into_bytes());
    }
    let mut last = openrouter_chunk(model, json!({ "role": "assistant", "content": "" }), Some("stop"));
    last["usage"] = json!({ "prompt_tokens": 42, "completion_tokens": 64, "total_tokens": 106 });
    events.push(format!("data: {last}\n\n").into_bytes());
    events.push(b"data: [DONE]\n\n".to_vec());
    events
}

fn openrouter_completion(model: &str, content: &str) -> Value {
    json!({
        "id": "gen-fake-1", "provider": "Fake", "model": model, "object": "chat.completion", "created": 1_795_000_000,
        "choices": [{ "index": 0, "logprobs": null, "finish_reason": "stop", "native_finish_reason": "stop", "message": { "role": "assistant", "content": content, "refusal": null } }],
        "usage": { "prompt_tokens": 42, "completion_tokens": 64, "total_tokens": 106 },
    })
}

fn model_not_found_ollama(writer: &mut TcpStream, model: &str) -> std::io::Result<()> {
    write_json(writer, 404, &json!({ "error": format!("model \"{model}\" not found, try pulling it first") }))
}

fn hang(secs: u64) -> std::io::Result<()> {
    thread::sleep(Duration::from_secs(secs));
    Ok(())
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_json(writer: &mut TcpStream, code: u16, body: &Value) -> std::io::Result<()> {
    write_raw(writer, code, "application/json; charset=utf-8", body.to_string().as_bytes())
}

fn write_raw(writer: &mut TcpStream, code: u16, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    write!(writer, "HTTP/1.1 {code} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", reason(code), body.len())?;
    writer.write_all(body)?;
    writer.flush()
}

/// A JSON body sent as `parts` HTTP chunks cut at byte offsets, so a multi-byte character
/// can straddle two chunks (as it does on real networks).
fn write_split_json(writer: &mut TcpStream, body: &Value, parts: usize) -> std::io::Result<()> {
    let bytes = body.to_string().into_bytes();
    let size = bytes.len().div_ceil(parts.max(1)).max(1);
    let pieces: Vec<Vec<u8>> = bytes.chunks(size).map(<[u8]>::to_vec).collect();
    write_chunked(writer, "application/json; charset=utf-8", &pieces, 0, None, || ())
}

/// A chunked response, one HTTP chunk per piece, flushed each time (`sent` is called right after
/// each flush); `drop_after` closes the socket after that many pieces without the terminating chunk.
fn write_chunked(writer: &mut TcpStream, content_type: &str, pieces: &[Vec<u8>], delay_ms: u64, drop_after: Option<usize>, mut sent: impl FnMut()) -> std::io::Result<()> {
    write!(writer, "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")?;
    writer.flush()?;
    for (index, piece) in pieces.iter().enumerate() {
        if drop_after == Some(index) {
            return writer.shutdown(std::net::Shutdown::Both);
        }
        if index > 0 && delay_ms > 0 {
            thread::sleep(Duration::from_millis(delay_ms));
        }
        write!(writer, "{:x}\r\n", piece.len())?;
        writer.write_all(piece)?;
        writer.write_all(b"\r\n")?;
        writer.flush()?;
        sent();
    }
    writer.write_all(b"0\r\n\r\n")?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder().http_status_as_error(false).build().into()
    }

    fn post(url: &str, body: &Value, bearer: Option<&str>) -> (u16, String, String) {
        let mut request = agent().post(url).header("content-type", "application/json");
        if let Some(key) = bearer {
            request = request.header("authorization", &format!("Bearer {key}"));
        }
        let mut response = request.send(body.to_string()).unwrap();
        let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let mut text = String::new();
        response.body_mut().as_reader().read_to_string(&mut text).unwrap();
        (response.status().as_u16(), content_type, text)
    }

    #[test]
    fn ollama_streams_ndjson_that_reassembles_to_the_content() {
        let fake = FakeLlm::start().unwrap();
        fake.script("tag-a", vec![Behaviour::Reply { content: "{\"title\":\"Sales onboarding\"}".into(), chunks: 5, delay_ms: 0 }]);
        let (status, content_type, text) = post(&format!("{}/api/chat", fake.ollama_url()), &json!({ "model": "qwen3:30b-a3b", "messages": [{ "role": "user", "content": "tag-a" }] }), None);
        assert_eq!(status, 200);
        assert_eq!(content_type, "application/x-ndjson");
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 6);
        assert!(lines.last().unwrap()["done"].as_bool().unwrap());
        let joined: String = lines.iter().map(|l| l["message"]["content"].as_str().unwrap()).collect();
        assert_eq!(joined, "{\"title\":\"Sales onboarding\"}");
    }

    #[test]
    fn ollama_without_stream_answers_one_object_and_knows_its_models() {
        let fake = FakeLlm::start().unwrap();
        fake.script("tag-b", vec![Behaviour::reply("hello")]);
        let (status, _, text) = post(&format!("{}/api/chat", fake.ollama_url()), &json!({ "model": "qwen2:7b", "stream": false, "messages": [{ "content": "tag-b" }] }), None);
        assert_eq!(status, 200);
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["message"]["content"], "hello");
        let (status, _, text) = post(&format!("{}/api/chat", fake.ollama_url()), &json!({ "model": "llama9", "messages": [] }), None);
        assert_eq!(status, 404);
        assert!(text.contains("not found"));
        assert_eq!(fake.received("tag-b").len(), 1);
    }

    #[test]
    fn openrouter_streams_sse_and_requires_a_key() {
        let fake = FakeLlm::start().unwrap();
        fake.script("tag-c", vec![Behaviour::Reply { content: "abcdef".into(), chunks: 3, delay_ms: 0 }]);
        let url = format!("{}/chat/completions", fake.openrouter_url());
        let request = json!({ "model": "qwen/qwen2.5-14b", "stream": true, "messages": [{ "content": "tag-c" }] });
        assert_eq!(post(&url, &request, None).0, 401);
        let (status, content_type, text) = post(&url, &request, Some("sk-test"));
        assert_eq!(status, 200);
        assert_eq!(content_type, "text/event-stream");
        assert!(text.starts_with(": OPENROUTER PROCESSING"));
        assert!(text.trim_end().ends_with("data: [DONE]"));
        let joined: String = text
            .split("\n\n")
            .filter_map(|event| event.strip_prefix("data: "))
            .filter(|data| *data != "[DONE]")
            .map(|data| serde_json::from_str::<Value>(data).unwrap()["choices"][0]["delta"]["content"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(joined, "abcdef");
    }

    #[test]
    fn scripts_run_in_order_then_repeat_the_last() {
        let fake = FakeLlm::start().unwrap();
        fake.script("tag-d", vec![Behaviour::Status { code: 500, body: "{\"error\":\"boom\"}".into() }, Behaviour::reply("ok")]);
        let url = format!("{}/api/chat", fake.ollama_url());
        let request = json!({ "model": "qwen3:30b-a3b", "stream": false, "messages": [{ "content": "tag-d" }] });
        assert_eq!(post(&url, &request, None).0, 500);
        assert_eq!(post(&url, &request, None).0, 200);
        assert_eq!(post(&url, &request, None).0, 200);
    }

    #[test]
    fn a_dropped_stream_ends_without_its_final_line() {
        let fake = FakeLlm::start().unwrap();
        fake.script("tag-e", vec![Behaviour::DropMidStream { content: "0123456789".into(), chunks: 5, chunks_before_drop: 2 }]);
        let mut response = agent().post(&format!("{}/api/chat", fake.ollama_url())).send(json!({ "model": "qwen3:30b-a3b", "messages": [{ "content": "tag-e" }] }).to_string()).unwrap();
        let mut text = String::new();
        let outcome = response.body_mut().as_reader().read_to_string(&mut text);
        assert!(outcome.is_err() || !text.contains("\"done\":true"), "{text}");
    }

    #[test]
    fn split_text_keeps_every_character() {
        assert_eq!(split_text("héllo wörld", 4).concat(), "héllo wörld");
        assert_eq!(split_text("", 3), Vec::<String>::new());
    }
}
