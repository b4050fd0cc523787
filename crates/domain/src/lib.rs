//! The product's decisions, free of any worker type, grouped by bounded context:
//!
//! - `analytics`: learner events (which a browser reports, which the server records);
//! - `blueprint`: the course blueprint a user designs — the static answers, the follow-up
//!   questions and their answers, what a generation needs and its lifecycle, the document (its
//!   schema, validation, Markdown, the curated fallback, lengths of time), the prompts, the
//!   quality review, KPIs, comparisons and the export rules;
//! - `curriculum`: what is built from an approved blueprint — the syllabus (modules, lessons,
//!   objectives, effort, assessment hooks) and its review (draft → in review → approved, the
//!   four-eyes rule shared with content);
//! - `delivery`: what learners receive — course packages, the frozen assembly of approved content;
//! - `jobs`: scheduled jobs (schedules, slots, leases) and the regeneration queue's messages;
//! - `llm`: the provider chain's rules and requests, the JSON Schemas sent with them, and reading
//!   what a model answered;
//! - `platform`: what every context stands on — the error type, raw input, typed ids, auth
//!   rules and the caller's scope, HTTP policy and route patterns, rate limits, server-sent
//!   events, text and time;
//! - `contracts`: the API's request and response bodies, one module per resource, shared with
//!   the UI as generated TypeScript.
//!
//! Everything here is deterministic given its inputs (time and randomness are passed in), so it
//! is tested natively with plain `cargo test`.

pub mod analytics;
pub mod blueprint;
pub mod contracts;
pub mod curriculum;
pub mod delivery;
pub mod jobs;
pub mod llm;
pub mod platform;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use platform::error::{AppError, ErrorKind, FieldError};
pub use platform::time::Timestamp;
