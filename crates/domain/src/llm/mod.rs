//! Reading what a model answered: JSON extraction and repair for a finished reply (`extract`)
//! and the value a reply still streaming in describes so far (`partial`). Both share one
//! locator (`reply`: reasoning, fences, prose) and one single-pass scanner (`scan`).

mod extract;
mod partial;
mod reply;
mod scan;

pub use extract::{extract_json, ExtractError, Extracted};
pub use partial::parse_partial;
