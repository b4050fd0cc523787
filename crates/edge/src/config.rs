//! Settings read from the environment (`wrangler.toml` vars, `.dev.vars` / `wrangler secret`).
//! A missing or weak secret is a deployment mistake: it answers 503 and logs which one.

use domain::platform::auth::tokens::usable_machine_token;
use domain::platform::auth::{KdfParams, TokenKeys};
use domain::platform::rate_limit::{signup_rule, RateRule};
use domain::AppError;
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

pub fn token_keys(env: &Env) -> Result<TokenKeys, AppError> {
    let secret = secret(env, "JWT_SECRET").ok_or_else(|| misconfigured("JWT_SECRET is not set"))?;
    TokenKeys::new(&secret).map_err(|_| misconfigured("JWT_SECRET is shorter than 32 bytes"))
}

/// The secret that makes a signed-in user a platform admin (`POST /api/admin/bootstrap`), if it
/// is set and at least 32 bytes long; otherwise there is no such endpoint.
pub fn bootstrap_token(env: &Env) -> Option<String> {
    let configured = secret(env, "ADMIN_BOOTSTRAP_TOKEN");
    usable_machine_token(configured.as_deref()).map(str::to_string)
}

/// Sign-up attempts per network per hour: `SIGNUP_LIMIT_PER_HOUR`, or the domain's default.
pub fn dashboard_limit_rule(env: &Env) -> RateRule {
    domain::platform::rate_limit::dashboard_rule(Some(&var_or(env, "DASHBOARD_READS_PER_MINUTE", "")))
}

pub fn signup_limit_rule(env: &Env) -> RateRule {
    signup_rule(Some(&var_or(env, "SIGNUP_LIMIT_PER_HOUR", "")))
}

/// Argon2id parameters for new hashes: `KDF_MEMORY_KIB` / `KDF_ITERATIONS`, defaulting to
/// OWASP's recommendation. Values below a safe floor are ignored.
pub fn kdf_params(env: &Env) -> KdfParams {
    let number = |name: &str| var_or(env, name, "").trim().parse::<u32>().ok();
    let recommended = KdfParams::RECOMMENDED;
    KdfParams {
        memory_kib: number("KDF_MEMORY_KIB").filter(|m| *m >= 8 * 1024).unwrap_or(recommended.memory_kib),
        iterations: number("KDF_ITERATIONS").filter(|t| *t >= 1).unwrap_or(recommended.iterations),
        parallelism: recommended.parallelism,
    }
}

fn misconfigured(reason: &str) -> AppError {
    AppError::unavailable("Service is not configured").caused_by("config.invalid", reason)
}
