//! The product's decisions, free of any worker type: parsing raw input into domain types,
//! authentication rules, HTTP policy (headers, origins, cookies), time, rate-limit and job rules.
//! Everything here is deterministic given its inputs (time and randomness are passed in), so it
//! is tested natively with plain `cargo test`.

pub mod answers;
pub mod auth;
pub mod blueprints;
pub mod compare;
pub mod course;
pub mod error;
pub mod event_log;
pub mod exports;
pub mod generation;
pub mod http;
pub mod input;
pub mod jobs;
pub mod kpis;
pub mod llm;
pub mod messages;
pub mod model_gate;
pub mod pdf;
pub mod prompts;
pub mod providers;
pub mod quality;
pub mod questions;
pub mod rate_limit;
pub mod readiness;
#[cfg(test)]
mod row_budget;
pub mod schema;
pub mod scorm;
pub mod sse;
pub mod static_answers;
#[cfg(test)]
mod testing;
pub mod text;
pub mod time;

pub use error::{AppError, ErrorKind, FieldError};
pub use time::Timestamp;
