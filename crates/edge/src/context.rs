//! Per-request context and structured JSON logs. Logs carry the request id and never bodies,
//! passwords, tokens or answers.

use crate::clock;
use domain::Timestamp;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub started: Timestamp,
}

impl RequestContext {
    /// Honors an `x-request-id` from a trusted internal caller (a service binding), otherwise
    /// mints one.
    pub fn new(inherited: Option<String>) -> Self {
        let request_id = inherited
            .filter(|id| is_request_id(id))
            .unwrap_or_else(crate::random::uuid_v4);
        RequestContext { request_id, started: clock::now() }
    }

    /// One log line of this request.
    pub fn log(&self, level: &str, event: &str, fields: &Value) {
        log_event(&self.request_id, level, event, fields);
    }

    pub fn elapsed_ms(&self) -> i64 {
        clock::now().millis() - self.started.millis()
    }
}

/// Ids we mint are UUIDs; anything else from outside is not trusted into logs.
pub fn is_request_id(candidate: &str) -> bool {
    candidate.len() == 36 && candidate.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// One JSON log line: `{"level","event","requestId",...fields}`. The id is passed in, never
/// remembered: an isolate interleaves many requests (a Durable Object serves many callers), so
/// "the current request" is not a thing a helper can know.
pub fn log_event(request_id: &str, level: &str, event: &str, fields: &Value) {
    let mut line = json!({ "level": level, "event": event, "requestId": request_id });
    if let (Some(line), Some(fields)) = (line.as_object_mut(), fields.as_object()) {
        for (key, value) in fields {
            line.insert(key.clone(), value.clone());
        }
    }
    match level {
        "error" => worker::console_error!("{line}"),
        "warn" => worker::console_warn!("{line}"),
        _ => worker::console_log!("{line}"),
    }
}
