//! Request handlers, one module per concern; each turns a request into domain calls and D1
//! reads/writes and answers through `edge::respond`.

pub mod admin;
pub mod admins;
pub mod analytics;
pub mod assets;
pub mod auth;
pub mod health;
pub mod learn;
pub mod members;
pub mod tenants;
pub mod stream;
pub mod syllabi;
pub mod blueprints;
pub mod content;
pub mod courses;
pub mod dashboard;
pub mod exports;
pub mod generation;
