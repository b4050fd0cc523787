//! The api worker's settings: every variable and secret it reads, named, defaulted and checked
//! in one place. Read once per isolate (a changed variable or secret is a new deployment, and so
//! new isolates) and handed to every handler with its call.

use domain::platform::auth::tokens::usable_machine_token;
use domain::platform::auth::{KdfParams, TokenKeys};
use domain::platform::rate_limit::{dashboard_rule, signup_rule, RateRule};
use domain::AppError;
use edge::config::{configured, once_per_isolate, secret, var_or};
use std::cell::OnceCell;
use std::rc::Rc;
use worker::Env;

pub struct Settings {
    /// `PUBLIC_ORIGIN`: this deployment's origin behind a custom domain (else the request's).
    pub public_origin: Option<String>,
    /// `CORS_ALLOWLIST`: other origins allowed to call the API with credentials.
    pub cors_allowlist: String,
    /// `SIGNUP_LIMIT_PER_HOUR`: sign-up attempts per network per hour.
    pub signup_rule: RateRule,
    /// `DASHBOARD_READS_PER_MINUTE`: dashboard and compare reads per user.
    pub dashboard_rule: RateRule,
    /// `KDF_MEMORY_KIB` / `KDF_ITERATIONS`: Argon2id for new hashes (never below a safe floor).
    pub kdf: KdfParams,
    /// `ADMIN_BOOTSTRAP_TOKEN` when usable (≥ 32 bytes); without it there is no bootstrap route.
    pub bootstrap_token: Option<String>,
    /// `CRON_TRIGGER_TOKEN` when usable: the local scheduler's credential for "run now".
    pub scheduler_token: Option<String>,
    /// `JWT_SECRET`; checked where tokens are issued or verified (503 naming it when unusable).
    jwt_secret: Option<String>,
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
        let number = |name: &str| configured(name).and_then(|value| value.trim().parse::<u32>().ok());
        let recommended = KdfParams::RECOMMENDED;
        Settings {
            public_origin: configured("PUBLIC_ORIGIN"),
            cors_allowlist: var_or(env, "CORS_ALLOWLIST", ""),
            signup_rule: signup_rule(configured("SIGNUP_LIMIT_PER_HOUR").as_deref()),
            dashboard_rule: dashboard_rule(configured("DASHBOARD_READS_PER_MINUTE").as_deref()),
            kdf: KdfParams {
                memory_kib: number("KDF_MEMORY_KIB").filter(|m| *m >= 8 * 1024).unwrap_or(recommended.memory_kib),
                iterations: number("KDF_ITERATIONS").filter(|t| *t >= 1).unwrap_or(recommended.iterations),
                parallelism: recommended.parallelism,
            },
            bootstrap_token: usable_machine_token(secret(env, "ADMIN_BOOTSTRAP_TOKEN").as_deref()).map(str::to_string),
            scheduler_token: usable_machine_token(secret(env, "CRON_TRIGGER_TOKEN").as_deref()).map(str::to_string),
            jwt_secret: secret(env, "JWT_SECRET"),
        }
    }

    /// The keys that sign and verify tokens. A missing or weak secret is a deployment mistake:
    /// it answers 503 and logs which one.
    pub fn token_keys(&self) -> Result<TokenKeys, AppError> {
        let secret = self.jwt_secret.as_deref().ok_or_else(|| misconfigured("JWT_SECRET is not set"))?;
        TokenKeys::new(secret).map_err(|_| misconfigured("JWT_SECRET is shorter than 32 bytes"))
    }
}

fn misconfigured(reason: &str) -> AppError {
    AppError::unavailable("Service is not configured").caused_by("config.invalid", reason)
}
