//! Calls to another of our workers over a service binding: the one way to cross a hop. The
//! callee inherits the request id (its logs and its errors carry the caller's), and answers in
//! the one error shape, `{error, details?, requestId}` (see `edge::respond::error`).

use crate::fail::OrInternal;
use crate::RequestContext;
use domain::AppError;
use serde::Serialize;
use worker::{Env, Headers, Method, RequestInit, Response};

/// A request to the worker bound as `binding`, at `path` (its internal routes).
pub struct Hop<'a> {
    binding: &'static str,
    method: Method,
    path: &'a str,
    headers: Headers,
    body: Option<String>,
}

impl<'a> Hop<'a> {
    pub fn new(
        binding: &'static str,
        method: Method,
        path: &'a str,
        context: &RequestContext,
    ) -> Self {
        let headers = Headers::new();
        let _ = headers.set("x-request-id", &context.request_id);
        Hop {
            binding,
            method,
            path,
            headers,
            body: None,
        }
    }

    /// A hop no request asked for (e.g. a lease renewed in the background): no id to inherit.
    pub fn unrequested(binding: &'static str, method: Method, path: &'a str) -> Self {
        Hop { binding, method, path, headers: Headers::new(), body: None }
    }

    pub fn header(self, name: &str, value: &str) -> Self {
        let _ = self.headers.set(name, value);
        self
    }

    /// A JSON body: typed on both sides of the hop (the callee parses it into the same type).
    pub fn json<T: Serialize>(self, body: &T) -> Result<Self, AppError> {
        let text = serde_json::to_string(body).or_internal("hop.encode")?;
        Ok(self.raw_json(text))
    }

    /// A JSON body the caller already holds as text (checked by the callee).
    pub fn raw_json(mut self, text: String) -> Self {
        let _ = self.headers.set("content-type", "application/json");
        self.body = Some(text);
        self
    }

    /// Sends it. A failure to reach the callee is a logged 500; whatever the callee answers,
    /// refusals included, is the caller's to read.
    pub async fn send(self, env: &Env) -> Result<Response, AppError> {
        let service = env.service(self.binding).or_internal("hop.binding")?;
        let mut init = RequestInit::new();
        init.with_method(self.method)
            .with_headers(self.headers)
            .with_body(self.body.map(Into::into));
        // The host is never resolved: a service binding delivers to its worker whatever the URL.
        let url = format!(
            "https://{}.internal{}",
            self.binding.to_ascii_lowercase(),
            self.path
        );
        service
            .fetch(url, Some(init))
            .await
            .or_internal("hop.fetch")
    }
}
