//! Calls into Durable Objects with a JSON command and a JSON reply.

use crate::fail::OrInternal;
use domain::AppError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Env, Headers, Method, Request, RequestInit};

pub async fn call<C: Serialize, R: DeserializeOwned>(env: &Env, binding: &str, object_name: &str, command: &C) -> Result<R, AppError> {
    let namespace = env.durable_object(binding).or_internal("durable_object.binding")?;
    let stub = namespace.get_by_name(object_name).or_internal("durable_object.stub")?;
    let body = serde_json::to_string(command).or_internal("durable_object.encode")?;
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json");
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let request = Request::new_with_init("https://durable-object.internal/command", &init).or_internal("durable_object.request")?;
    let mut response = stub.fetch_with_request(request).await.or_internal("durable_object.fetch")?;
    if response.status_code() != 200 {
        let text = response.text().await.unwrap_or_default();
        let cause = format!("status {}: {}", response.status_code(), text.chars().take(200).collect::<String>());
        return Err::<R, String>(cause).or_internal("durable_object.status");
    }
    response.json::<R>().await.or_internal("durable_object.decode")
}
