//! Reading the environment (`wrangler.toml` vars, `.dev.vars` / `wrangler secret`). Each worker
//! gathers what it reads into one settings struct (e.g. the api's `settings.rs`).

use std::cell::OnceCell;
use std::rc::Rc;
use std::thread::LocalKey;
use worker::Env;

/// A worker's settings, read from the environment the first time and kept for the isolate's
/// life (a changed variable or secret is a new deployment, and so new isolates).
pub fn once_per_isolate<T>(cell: &'static LocalKey<OnceCell<Rc<T>>>, read: impl FnOnce() -> T) -> Rc<T> {
    cell.with(|cell| Rc::clone(cell.get_or_init(|| Rc::new(read()))))
}

/// A variable that is set to something other than blanks.
pub fn configured(env: &Env, name: &str) -> Option<String> {
    Some(var_or(env, name, "")).filter(|value| !value.trim().is_empty())
}

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
