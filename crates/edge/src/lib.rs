//! What the four workers share over worker types: the request context and structured logs,
//! errors to responses (one place), body reading, configuration, sessions, D1 access (one module
//! per aggregate) and Durable Object calls. Rules live in `domain`; this crate only does I/O.

pub mod body;
pub mod clock;
pub mod config;
pub mod content_queue;
pub mod context;
pub mod db;
pub mod durable;
pub mod fail;
pub mod gate;
pub mod hop;
pub mod llm;
pub mod packages;
pub mod random;
pub mod rate_limit;
pub mod respond;
pub mod session;

pub use context::RequestContext;
pub use fail::OrInternal;
