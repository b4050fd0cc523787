//! The stream worker's settings: every variable it reads, named, defaulted and checked in one
//! place, once per isolate (a changed variable is a new deployment, and so new isolates). The
//! model chain's settings are `edge::llm::ChainConfig`, the one LLM client's own.

use domain::llm::gate::GateRules;
use edge::config::{configured, once_per_isolate};
use domain::llm::providers::ChainConfig;
use edge::llm::chain_config;
use std::cell::OnceCell;
use std::rc::Rc;
use worker::Env;

pub struct Settings {
    /// `SSE_HEARTBEAT_MS`: how often a comment keeps an idle stream open (≥ 50 ms; 20 s).
    pub heartbeat_ms: u64,
    /// `MODEL_GATE_SLOTS` / `MODEL_GATE_SLOTS_PER_USER`: the model gate's slots.
    pub gate: GateRules,
    /// The model chain (Ollama, its fallback model, OpenRouter, time budgets).
    pub llm: ChainConfig,
}

thread_local! {
    static SETTINGS: OnceCell<Rc<Settings>> = const { OnceCell::new() };
}

impl Settings {
    /// This isolate's settings, read from `env` the first time.
    pub fn of(env: &Env) -> Rc<Settings> {
        once_per_isolate(&SETTINGS, || Settings::read(env))
    }

    fn read(env: &Env) -> Settings {
        let configured = |name: &str| configured(env, name);
        Settings {
            heartbeat_ms: configured("SSE_HEARTBEAT_MS").and_then(|ms| ms.trim().parse::<u64>().ok()).unwrap_or(20_000).max(50),
            gate: GateRules::configured(configured("MODEL_GATE_SLOTS").as_deref(), configured("MODEL_GATE_SLOTS_PER_USER").as_deref()),
            llm: chain_config(env),
        }
    }
}
