//! The end-to-end harness: starts the real stack once per test run and gives tests a client.
//!
//! - [`stack::Stack`] builds the workers, applies migrations to a fresh state directory and runs
//!   api + stream + queue-consumer in one `wrangler dev` and cron in a second sharing that state,
//!   on free ports, torn down on drop (and by the kernel if this process dies).
//! - [`fake_llm::FakeLlm`] is the only stand-in: Ollama's and OpenRouter's wire protocols on
//!   loopback, scriptable per test.
//! - [`client::Client`] is an HTTP client with its own cookie jar (one per simulated browser).

pub mod client;
pub mod fake_llm;
pub mod fixtures;
pub mod stack;
pub mod supervisor;

/// A unique suffix for test data (emails, titles) so tests sharing one stack never collide.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{prefix}-{}-{n}-{nanos:x}", std::process::id())
}

/// A fresh IPv6 /64 from the documentation range (2001:db8::/32), as its first four groups:
/// append `::1`, `::2`… for addresses inside it. Unique within a run (every run starts a fresh
/// stack), so a test that exhausts a per-network limit shares that network with no other test.
pub fn unique_network() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("2001:db8:{:x}:{:x}", std::process::id() & 0xffff, n & 0xffff)
}
