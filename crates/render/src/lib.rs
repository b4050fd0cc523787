//! The heavy export renderers: a blueprint (`domain`'s document) as a PDF (`pdf`) and as a SCORM
//! 1.2 package (`scorm`, with its hand-written zip writer). Pure Rust like `domain`, tested
//! natively with `cargo test -p render`; a crate of its own so that a rule change in `domain`
//! does not rebuild them here and only the workers that render (the api) link them.

pub mod pdf;
pub mod scorm;
