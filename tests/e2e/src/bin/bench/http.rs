//! The bench's own HTTP side: every call answers a `Result` instead of panicking (the release
//! profile aborts on panic, which would skip the stack's tear-down), and event streams are read
//! with the arrival time of each event.

use serde_json::{json, Value};
use e2e::client::{SseLine, SseLines};
use std::io::BufRead;
use std::time::{Duration, Instant};
use ureq::http;

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("not JSON ({}): {e}: {}", self.status, String::from_utf8_lossy(&self.body)))
    }

    /// The body as JSON when the status is the expected one, else an error naming both.
    pub fn expect(&self, status: u16, what: &str) -> Result<Value, String> {
        if self.status != status {
            return Err(format!("{what}: expected {status}, got {}: {}", self.status, String::from_utf8_lossy(&self.body)));
        }
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        self.json()
    }
}

/// One simulated browser: its own connection pool, its session cookie and its Origin, sent to
/// any base URL (the api, or the floor worker with the very same requests).
#[derive(Clone)]
pub struct Session {
    agent: ureq::Agent,
    pub origin: String,
    pub cookie: Option<String>,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(120)))
        // A connection idle for longer may have been closed by wrangler's proxy meanwhile; a POST
        // sent on it fails ("peer disconnected") and is not retried. Under load connections are
        // never idle that long, so this only costs a reconnect after pauses (seeding, set-up).
        .max_idle_age(Duration::from_secs(2))
        .build()
        .into()
}

impl Session {
    /// Not signed in; `origin` is the api's (what a browser on the app sends).
    pub fn anonymous(origin: &str) -> Session {
        Session { agent: agent(), origin: origin.trim_end_matches('/').to_string(), cookie: None }
    }

    /// Signs up a fresh account (a unique email) at `origin` and keeps its access cookie.
    pub fn sign_up(origin: &str, label: &str) -> Result<Session, String> {
        let mut session = Session::anonymous(origin);
        let email = format!("{}@bench.test", e2e::unique(label));
        let body = json!({ "email": email, "password": "correct horse battery" });
        let reply = session.send(origin, "POST", "/api/auth/signup", &[], Some(body.to_string().into_bytes()))?;
        reply.expect(201, "sign-up")?;
        let access = reply
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next())
            .find(|pair| pair.starts_with("bp_access="))
            .ok_or("sign-up set no bp_access cookie")?;
        session.cookie = Some(access.to_string());
        Ok(session)
    }

    /// A fresh connection pool with the same identity (one per load thread).
    pub fn fork(&self) -> Session {
        Session { agent: agent(), origin: self.origin.clone(), cookie: self.cookie.clone() }
    }

    fn builder(&self, base: &str, method: &str, path: &str, headers: &[(&str, &str)], json_body: bool) -> http::request::Builder {
        let mut builder = http::Request::builder().method(method).uri(format!("{}{path}", base.trim_end_matches('/'))).header("origin", &self.origin);
        if let Some(cookie) = &self.cookie {
            builder = builder.header("cookie", cookie);
        }
        if json_body {
            builder = builder.header("content-type", "application/json");
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder
    }

    /// One request to `base` + `path`; JSON bodies get their content type.
    pub fn send(&self, base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Result<Reply, String> {
        let request = self.builder(base, method, path, headers, body.is_some()).body(body.unwrap_or_default()).map_err(|e| e.to_string())?;
        let mut response = self.agent.run(request).map_err(|e| format!("{method} {path}: {e}"))?;
        let status = response.status().as_u16();
        let headers = response.headers().iter().map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string())).collect();
        let body = response.body_mut().with_config().limit(64 * 1024 * 1024).read_to_vec().map_err(|e| format!("{method} {path}: reading the body: {e}"))?;
        Ok(Reply { status, headers, body })
    }

    pub fn get(&self, base: &str, path: &str) -> Result<Reply, String> {
        self.send(base, "GET", path, &[], None)
    }

    pub fn post(&self, base: &str, path: &str, body: &Value) -> Result<Reply, String> {
        self.send(base, "POST", path, &[], Some(body.to_string().into_bytes()))
    }

    pub fn patch(&self, base: &str, path: &str, body: &Value) -> Result<Reply, String> {
        self.send(base, "PATCH", path, &[], Some(body.to_string().into_bytes()))
    }

    /// Opens an event stream and reads it to its end, noting when each event arrived.
    pub fn read_events(&self, base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Result<TimedStream, String> {
        let mut all_headers = vec![("accept", "text/event-stream")];
        all_headers.extend_from_slice(headers);
        let request = self.builder(base, method, path, &all_headers, body.is_some()).body(body.unwrap_or_default()).map_err(|e| e.to_string())?;
        let response = self.agent.run(request).map_err(|e| format!("{method} {path}: {e}"))?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response.headers().iter().map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string())).collect();
        let mut reader = std::io::BufReader::new(response.into_body().into_reader());
        let (events, broken) = if status == 200 { read_sse(&mut reader) } else { (Vec::new(), None) };
        Ok(TimedStream { status, headers, events, broken })
    }
}

/// One server-sent event (its data is not kept: the bench counts and times events) and when
/// its last line was read.
#[derive(Debug, Clone)]
pub struct TimedEvent {
    pub at: Instant,
    pub id: Option<u64>,
    pub event: String,
}

pub struct TimedStream {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub events: Vec<TimedEvent>,
    /// The transport error that ended the stream, when it did not end cleanly.
    pub broken: Option<String>,
}

impl TimedStream {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Reads events until the server closes the stream (or the transport fails: answered beside
/// the events). Comment lines (heartbeats) are skipped.
fn read_sse(reader: &mut impl BufRead) -> (Vec<TimedEvent>, Option<String>) {
    let mut events = Vec::new();
    let mut lines = SseLines::default();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => return (events, None),
            Err(error) => return (events, Some(error.to_string())),
            Ok(_) => {}
        }
        if let SseLine::Event(event) = lines.push(&line) {
            events.push(TimedEvent { at: Instant::now(), id: event.id, event: event.event });
        }
    }
}

/// Reads the fake model's NDJSON stream directly (no stack in between), noting when each line
/// arrived: the baseline the relay is compared with.
pub fn read_ndjson_directly(url: &str, body: &Value) -> Result<Vec<Instant>, String> {
    let request = http::Request::builder().method("POST").uri(url).header("content-type", "application/json").body(body.to_string().into_bytes()).map_err(|e| e.to_string())?;
    let response = agent().run(request).map_err(|e| format!("POST {url}: {e}"))?;
    if response.status().as_u16() != 200 {
        return Err(format!("the fake model answered {}", response.status()));
    }
    let mut reader = std::io::BufReader::new(response.into_body().into_reader());
    let mut arrivals = Vec::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => return Ok(arrivals),
            Ok(_) => arrivals.push(Instant::now()),
            Err(e) => return Err(format!("reading the fake model's stream: {e}")),
        }
    }
}
