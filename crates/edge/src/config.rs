//! Reading the environment (`wrangler.toml` vars, `.dev.vars` / `wrangler secret`). Each worker
//! gathers what it reads into one settings struct (e.g. the api's `settings.rs`).

use worker::Env;

/// A plain variable, or `default` when unset.
pub fn var_or(env: &Env, name: &str, default: &str) -> String {
    env.var(name).map(|v| v.to_string()).unwrap_or_else(|_| default.to_string())
}

/// A secret (or, in local dev, a var of the same name).
pub fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|value| !value.is_empty())
}
