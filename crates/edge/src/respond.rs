//! Responses: JSON bodies, the one error-to-response mapping, and the headers every response
//! carries.

use domain::platform::http::security_headers;
use domain::AppError;
use serde::Serialize;
use worker::{Headers, Response, ResponseBuilder};

fn json_headers() -> Headers {
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json; charset=utf-8");
    let _ = headers.set("cache-control", "no-store");
    headers
}

pub fn json<T: Serialize>(status: u16, body: &T) -> Result<Response, AppError> {
    let bytes = serde_json::to_vec(body).map_err(|_| AppError::internal())?;
    Ok(ResponseBuilder::new().with_status(status).with_headers(json_headers()).fixed(bytes))
}

/// The single place an `AppError` becomes a response: `{error, details?, requestId}` with
/// its status, and `Retry-After` / `Allow` where they apply. An error with a cause (a failure
/// underneath) is logged here, under the request's id.
pub fn error(error: &AppError, request_id: &str) -> Response {
    if let Some(cause) = &error.cause {
        let level = if error.status() >= 500 { "error" } else { "warn" };
        crate::context::log_event(request_id, level, "request.failed", &serde_json::json!({ "status": error.status(), "cause": cause }));
    }
    let headers = json_headers();
    if let Some(seconds) = error.retry_after {
        let _ = headers.set("retry-after", &seconds.to_string());
    }
    if let Some(allow) = &error.allow {
        let _ = headers.set("allow", &allow.join(", "));
    }
    let body = error.body(request_id).to_string().into_bytes();
    ResponseBuilder::new().with_status(error.status()).with_headers(headers).fixed(body)
}

/// Adds `x-request-id` and the security headers. Responses from `fetch` (assets, a service
/// binding) have immutable headers, so they are copied into fresh ones.
pub fn finish(response: Response, request_id: &str, local: bool) -> Response {
    let headers = Headers::new();
    for (name, value) in response.headers().entries() {
        let _ = headers.append(&name, &value);
    }
    let _ = headers.set("x-request-id", request_id);
    for (name, value) in security_headers(local) {
        let _ = headers.set(name, value);
    }
    response.with_headers(headers)
}
