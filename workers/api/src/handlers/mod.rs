pub mod admin;
pub mod assets;
pub mod auth;
pub mod health;
pub mod stream;
pub mod blueprints;
pub mod exports;
pub mod generation;
