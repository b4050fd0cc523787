//! The model side: the provider chain's rules and requests (`providers`), the JSON Schemas sent
//! with them (`schema`), the one fair gate every model call passes (`gate`), and reading what a model answered — JSON extraction and repair for a
//! finished reply (`extract`) and the value a reply still streaming in describes so far
//! (`partial`). Both readers share one locator (`reply`: reasoning, fences, prose) and one
//! single-pass scanner (`scan`).

mod extract;
pub mod gate;
mod partial;
pub mod providers;
mod reply;
mod scan;
pub mod schema;

pub use extract::{extract_json, ExtractError, Extracted};
pub use partial::parse_partial;
