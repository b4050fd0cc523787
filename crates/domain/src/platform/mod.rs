//! What every bounded context stands on: the one error type (`error`), raw request bodies into
//! typed values (`input`), typed ids (`ids`), identity, tokens and the caller's scope (`auth`),
//! HTTP policy and route patterns (`http`, `routing`), rate limits
//! (`rate_limit`), the server-sent events wire format (`sse`), text as it enters the domain
//! (`text`) and time (`time`).

pub mod auth;
pub mod document;
pub mod error;
pub mod http;
pub mod ids;
pub mod input;
pub mod rate_limit;
pub mod routing;
pub mod sse;
pub mod text;
pub mod time;
