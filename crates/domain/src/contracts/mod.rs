//! The API's request and response bodies, as types: handlers answer these (never ad-hoc JSON),
//! D1 rows decode into them where they match, and the UI's TypeScript types are generated from
//! them (`web/src/lib/contracts.ts`, by ts-rs behind the `contracts` feature; `make test` fails
//! when the committed file is stale). One module per resource.
//!
//! Casing: camelCase for every field, except the names seed 000 fixes for the blueprint record
//! and its autosave answers (`static_answers`, `created_at`, `blueprint_json`…), which keep
//! their snake_case spelling wherever they appear.

pub mod admin;
pub mod analytics;
pub mod auth;
pub mod blueprints;
pub mod courses;
pub mod curriculum;
pub mod generation;
pub mod learn;

#[cfg(all(test, feature = "contracts"))]
mod export;
