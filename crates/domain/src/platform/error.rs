//! The one application error: every layer converts its failures into this, and the edge crate
//! turns it into `{error, details?, requestId}` with the status code in exactly one place.

use serde::Serialize;
use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    TooManyRequests,
    Internal,
    BadGateway,
    Unavailable,
    GatewayTimeout,
}

impl ErrorKind {
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::MethodNotAllowed => 405,
            ErrorKind::Conflict => 409,
            ErrorKind::PayloadTooLarge => 413,
            ErrorKind::UnsupportedMediaType => 415,
            ErrorKind::Unprocessable => 422,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Internal => 500,
            ErrorKind::BadGateway => 502,
            ErrorKind::Unavailable => 503,
            ErrorKind::GatewayTimeout => 504,
        }
    }
}

/// A problem with one named input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppError {
    pub kind: ErrorKind,
    /// Safe to show to the caller.
    pub message: String,
    pub details: Option<Value>,
    /// Seconds, sent as `Retry-After` (429 and 503).
    pub retry_after: Option<u64>,
    /// Methods sent as `Allow` (405).
    pub allow: Option<Box<[&'static str]>>,
    /// What went wrong underneath, for the log line of the request that failed; never sent.
    pub cause: Option<String>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), details: None, retry_after: None, allow: None, cause: None }
    }

    /// Records the underlying failure (`what` failed, and why) for the log; the caller still
    /// sees only `message`.
    pub fn caused_by(mut self, what: &str, cause: impl fmt::Display) -> Self {
        self.cause = Some(format!("{what}: {cause}"));
        self
    }

    pub fn with_details(mut self, details: impl Into<Value>) -> Self {
        self.details = Some(details.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message)
    }

    /// 400 naming each field that is wrong.
    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let summary = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
        let details = serde_json::to_value(&errors).unwrap_or(Value::Null);
        Self::new(ErrorKind::BadRequest, format!("Invalid input: {summary}")).with_details(details)
    }

    pub fn invalid_field(field: &str, message: &str) -> Self {
        Self::invalid_fields(vec![FieldError::new(field, message)])
    }

    pub fn unauthorized() -> Self {
        Self::new(ErrorKind::Unauthorized, "Authentication required")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }

    /// Missing and not-yours are the same answer.
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorKind::NotFound, format!("{what} not found"))
    }

    /// 405, with the methods the path does answer (the `Allow` header).
    pub fn method_not_allowed(allow: &[&'static str]) -> Self {
        let mut error = Self::new(ErrorKind::MethodNotAllowed, "Method not allowed");
        error.allow = Some(allow.into());
        error
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    pub fn payload_too_large(limit_bytes: usize) -> Self {
        Self::new(ErrorKind::PayloadTooLarge, "Request body too large")
            .with_details(serde_json::json!({ "limitBytes": limit_bytes }))
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut error = Self::new(ErrorKind::TooManyRequests, "Too many requests")
            .with_details("Try again later");
        error.retry_after = Some(retry_after_secs.max(1));
        error
    }

    /// The message shown is generic: the cause goes to the log, never to the caller.
    pub fn internal() -> Self {
        Self::new(ErrorKind::Internal, "Internal error")
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }

    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    /// `{error, details?, requestId}`.
    pub fn body(&self, request_id: &str) -> Value {
        let mut body = serde_json::json!({ "error": self.message, "requestId": request_id });
        if let Some(details) = &self.details {
            body["details"] = details.clone();
        }
        body
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status(), self.message)
    }
}

impl std::error::Error for AppError {}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::invalid_fields(vec![error])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_error_details_and_request_id() {
        let body = AppError::invalid_field("email", "must be an email address").body("req-1");
        assert_eq!(body["requestId"], "req-1");
        assert_eq!(body["error"], "Invalid input: email: must be an email address");
        assert_eq!(body["details"][0]["field"], "email");
    }

    #[test]
    fn the_cause_is_for_the_log_only() {
        let error = AppError::internal().caused_by("d1.insert", "disk I/O error at /var/secret");
        assert_eq!(error.cause.as_deref(), Some("d1.insert: disk I/O error at /var/secret"));
        assert!(!error.body("r").to_string().contains("secret"));
    }

    #[test]
    fn body_omits_absent_details() {
        let body = AppError::unauthorized().body("r");
        assert!(body.get("details").is_none());
        assert_eq!(AppError::unauthorized().status(), 401);
    }

    #[test]
    fn too_many_requests_never_says_retry_now() {
        assert_eq!(AppError::too_many_requests(0).retry_after, Some(1));
        assert_eq!(AppError::too_many_requests(30).status(), 429);
    }
}
