//! Seed 000's course blueprint, one module per job: the document, its caps, validation and JSON
//! Schema (`document`); its Markdown (`markdown`); the curated blueprint built from the user's
//! answers when no model produced a usable one (`fallback`); and lengths of time, read from what
//! the user stated and written as hours and minutes (`duration`). What the model is asked for is
//! in `prompts`.

pub mod document;
pub mod duration;
pub mod fallback;
pub mod markdown;
