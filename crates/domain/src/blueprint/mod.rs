//! The course blueprint: what a learning designer answers, what the model is asked and writes,
//! and what the product says about the result.
//!
//! - The inputs: the five static answers (`static_answers`), the follow-up questions a model
//!   writes from them (`questions`) and their answers (`answers`); what a generation needs before
//!   it starts (`readiness`).
//! - A generation's event log, stored compactly for replay (`event_log`).
//! - The resource and its lifecycle: ids, titles and the paged list (`resource`); draft →
//!   generating → completed | error and why a generation failed (`generation`).
//! - The document, one module per job: its caps, validation and JSON Schema (`document`); its
//!   Markdown (`markdown`); the curated blueprint built from the user's answers when no model
//!   produced a usable one (`fallback`); lengths of time, read from what the user stated and
//!   written as hours and minutes (`duration`).
//! - What each generation asks the model (`prompts`).
//! - Review: the quality rubric (`quality`), KPIs (`kpis`), two blueprints side by side
//!   (`compare`), and the export rules (`exports`; the PDF and SCORM renderers are the `render`
//!   crate).

pub mod answers;
pub mod compare;
pub mod document;
pub mod duration;
pub mod event_log;
pub mod exports;
pub mod fallback;
pub mod generation;
pub mod kpis;
pub mod markdown;
pub mod prompts;
pub mod quality;
pub mod questions;
pub mod readiness;
pub mod resource;
#[cfg(test)]
mod row_budget;
pub mod static_answers;
