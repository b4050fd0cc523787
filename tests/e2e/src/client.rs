//! A blocking HTTP client that behaves like one browser: it keeps cookies (respecting `Path`
//! and `Max-Age=0`), sends `Origin` for its origin unless told otherwise, and never treats a
//! status as an error.

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use ureq::http;

/// Requests re-sent because wrangler dev's proxy lost them (see [`Client::send`]).
pub static DEV_PROXY_RESENDS: AtomicUsize = AtomicUsize::new(0);

fn lost_by_the_dev_proxy(reply: &Reply) -> bool {
    reply.status == 503 && reply.header("x-request-id").is_none() && reply.body.starts_with(b"Your worker restarted mid-request")
}

#[derive(Debug, Clone)]
struct Cookie {
    value: String,
    path: String,
}

pub struct Client {
    base: String,
    agent: ureq::Agent,
    cookies: BTreeMap<String, Cookie>,
    /// The `Origin` sent on every request (`None`: no Origin header).
    pub origin: Option<String>,
    /// The client address to claim in `CF-Connecting-IP` (`None`: the real one, 127.0.0.1).
    /// Only a local stack honours it: wrangler dev keeps the header a client sends, Cloudflare's
    /// edge overwrites it. Lets a test be "another network" without touching the suite's budget
    /// of per-address limits.
    pub client_ip: Option<String>,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    /// Asserts the documented error shape and status; answers the body.
    #[track_caller]
    pub fn expect_error(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "expected {status}, got {}: {}", self.status, self.text());
        let body = self.json();
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "error message missing: {body}");
        let request_id = body["requestId"].as_str().expect("requestId missing");
        assert_eq!(Some(request_id), self.header("x-request-id"), "body and header request ids differ");
        body
    }
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Client { base: base.trim_end_matches('/').to_string(), agent, cookies: BTreeMap::new(), origin: Some(base.trim_end_matches('/').to_string()), client_ip: None }
    }

    /// A second client with this one's cookies (the same user in another tab).
    pub fn fork(&self) -> Client {
        let mut other = Client::new(&self.base);
        other.cookies = self.cookies.clone();
        other.origin = self.origin.clone();
        other
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn get(&mut self, path: &str) -> Reply {
        self.send("GET", path, &[], None)
    }

    pub fn post(&mut self, path: &str, body: &Value) -> Reply {
        self.send("POST", path, &[("content-type", "application/json")], Some(body.to_string().into_bytes()))
    }

    pub fn post_empty(&mut self, path: &str) -> Reply {
        self.send("POST", path, &[], None)
    }

    /// Any method, headers and raw body; cookies and Origin are added as a browser would.
    ///
    /// One answer is re-sent rather than returned: wrangler dev's own "Your worker restarted
    /// mid-request" 503 (no request id: the product never saw the request). Between wrangler's
    /// proxy and the workers, a pooled connection idle for 5 s is closed by both ends at once,
    /// and a request written on it in that instant is lost (cloudflare/workers-sdk#14641, fixed
    /// only in wranglers that need Node 22). Production has no such proxy; each re-send is
    /// counted and the run's summary says how many there were.
    pub fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Reply {
        let mut attempts = 0;
        loop {
            let reply = self.send_once(method, path, headers, body.clone());
            attempts += 1;
            if attempts > 3 || !lost_by_the_dev_proxy(&reply) {
                return reply;
            }
            DEV_PROXY_RESENDS.fetch_add(1, Ordering::SeqCst);
            eprintln!("e2e client: wrangler dev's proxy lost {method} {path} (workers-sdk#14641); sending it again");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send_once(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Reply {
        let url = format!("{}{}", self.base, path);
        let mut builder = http::Request::builder().method(method).uri(&url);
        if let Some(origin) = &self.origin {
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("origin")) {
                builder = builder.header("origin", origin);
            }
        }
        let cookie_header = self.cookie_header(path);
        if !cookie_header.is_empty() && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("cookie")) {
            builder = builder.header("cookie", cookie_header);
        }
        if let Some(ip) = &self.client_ip {
            builder = builder.header("cf-connecting-ip", ip);
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder.body(body.unwrap_or_default()).expect("request");
        let mut response = self.agent.run(request).unwrap_or_else(|e| panic!("{method} {path} failed: {e}"));
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let body = response.body_mut().with_config().limit(50 * 1024 * 1024).read_to_vec().unwrap_or_default();
        let reply = Reply { status, headers, body };
        for set_cookie in reply.headers_named("set-cookie") {
            self.store_cookie(set_cookie);
        }
        reply
    }

    fn cookie_header(&self, path: &str) -> String {
        self.cookies
            .iter()
            .filter(|(_, cookie)| path.starts_with(&cookie.path))
            .map(|(name, cookie)| format!("{name}={}", cookie.value))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn store_cookie(&mut self, header: &str) {
        let mut parts = header.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('=')) else { return };
        let mut path = "/".to_string();
        let mut expired = value.is_empty();
        for attribute in parts {
            let (key, val) = attribute.trim().split_once('=').unwrap_or((attribute.trim(), ""));
            if key.eq_ignore_ascii_case("path") {
                path = val.to_string();
            }
            if key.eq_ignore_ascii_case("max-age") && val.trim().parse::<i64>().is_ok_and(|age| age <= 0) {
                expired = true;
            }
        }
        if expired {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_string(), Cookie { value: value.to_string(), path });
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.get(name).map(|c| c.value.clone())
    }

    /// Replaces a cookie's value, as a tampering (or replaying) client would.
    pub fn set_cookie(&mut self, name: &str, value: &str, path: &str) {
        self.cookies.insert(name.to_string(), Cookie { value: value.to_string(), path: path.to_string() });
    }

    pub fn clear_cookies(&mut self) {
        self.cookies.clear();
    }

    /// Signs up a fresh account (a unique email) and keeps its session cookies.
    pub fn sign_up(&mut self, label: &str) -> SignedUp {
        let email = format!("{}@example.test", crate::unique(label));
        let password = "correct horse battery".to_string();
        let reply = self.post("/api/auth/signup", &serde_json::json!({ "email": email, "password": password }));
        assert_eq!(reply.status, 201, "signup failed: {}", reply.text());
        let body = reply.json();
        SignedUp { user_id: body["user"]["id"].as_str().unwrap().to_string(), email, password, access_token: body["accessToken"].as_str().unwrap().to_string() }
    }
}

/// One server-sent event as received.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: Option<u64>,
    pub event: String,
    pub data: String,
}

impl SseEvent {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|_| panic!("event data is not JSON: {}", self.data))
    }
}

/// What one line of a `text/event-stream` completed.
pub enum SseLine {
    /// A blank line ended this event.
    Event(SseEvent),
    /// A comment (`: heartbeat`).
    Comment,
    /// A field, or a blank line with no event before it.
    Field,
}

/// Assembles server-sent events from their lines, one `push` per line.
#[derive(Default)]
pub struct SseLines {
    id: Option<u64>,
    event: Option<String>,
    data: Vec<String>,
    any: bool,
}

impl SseLines {
    pub fn push(&mut self, line: &str) -> SseLine {
        let line = line.trim_end_matches(['\n', '\r']);
        if line.is_empty() {
            if !self.any {
                return SseLine::Field;
            }
            let done = std::mem::take(self);
            return SseLine::Event(SseEvent { id: done.id, event: done.event.unwrap_or_else(|| "message".into()), data: done.data.join("\n") });
        }
        if line.starts_with(':') {
            return SseLine::Comment;
        }
        let (field, value) = line.split_once(':').map_or((line, ""), |(f, v)| (f, v.strip_prefix(' ').unwrap_or(v)));
        self.any = true;
        match field {
            "id" => self.id = value.parse().ok(),
            "event" => self.event = Some(value.to_string()),
            "data" => self.data.push(value.to_string()),
            _ => {}
        }
        SseLine::Field
    }
}

/// An open `text/event-stream` response, read event by event; dropping it disconnects.
pub struct EventStream {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    reader: Box<dyn std::io::BufRead + Send>,
    /// Comment lines seen so far (heartbeats).
    pub comments: usize,
}

impl EventStream {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The next event, or `None` when the stream ends.
    pub fn next_event(&mut self) -> Option<SseEvent> {
        let mut lines = SseLines::default();
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            match lines.push(&line) {
                SseLine::Event(event) => return Some(event),
                SseLine::Comment => self.comments += 1,
                SseLine::Field => {}
            }
        }
    }

    /// Every remaining event until the server closes the stream.
    pub fn collect_all(&mut self) -> Vec<SseEvent> {
        std::iter::from_fn(|| self.next_event()).collect()
    }

    /// The body of a non-stream answer (an error).
    pub fn text(mut self) -> String {
        let mut text = String::new();
        let _ = self.reader.read_to_string(&mut text);
        text
    }
}

impl Client {
    /// Opens a request whose answer is read as an event stream.
    pub fn open_stream(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> EventStream {
        let url = format!("{}{}", self.base, path);
        let mut builder = http::Request::builder().method(method).uri(&url).header("accept", "text/event-stream");
        if let Some(origin) = &self.origin {
            builder = builder.header("origin", origin);
        }
        let cookie_header = self.cookie_header(path);
        if !cookie_header.is_empty() {
            builder = builder.header("cookie", cookie_header);
        }
        if let Some(ip) = &self.client_ip {
            builder = builder.header("cf-connecting-ip", ip);
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder.body(body.unwrap_or_default()).expect("request");
        let response = self.agent.run(request).unwrap_or_else(|e| panic!("{method} {path} failed: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().iter().map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string())).collect();
        let reader = std::io::BufReader::new(response.into_body().into_reader());
        EventStream { status, headers, reader: Box::new(reader), comments: 0 }
    }
}

pub struct SignedUp {
    pub user_id: String,
    pub email: String,
    pub password: String,
    pub access_token: String,
}
