//! Our own rate limiter (Cloudflare's binding only has 10 s / 60 s windows; seed 000 wants
//! 10 and 15 minutes): a `RateLimiter` Durable Object per hashed key, bound as `RATE_LIMITER`.

use crate::durable;
use domain::rate_limit::{limiter_name, LimiterCommand, LimiterOp, RateRule, Verdict};
use domain::AppError;
use worker::{Env, Request};

pub const BINDING: &str = "RATE_LIMITER";

pub async fn apply(env: &Env, scope: &str, parts: &[&str], rule: RateRule, op: LimiterOp) -> Result<Verdict, AppError> {
    durable::call(env, BINDING, &limiter_name(scope, parts), &LimiterCommand { op, rule }).await
}

/// Counts one request for `user` from this request's address; 429 with `Retry-After` beyond
/// the rule.
pub async fn hit(env: &Env, req: &Request, scope: &str, user_id: &str, rule: RateRule) -> Result<(), AppError> {
    let verdict = apply(env, scope, &[user_id, &client_ip(req)], rule, LimiterOp::Hit).await?;
    if verdict.allowed {
        Ok(())
    } else {
        Err(AppError::too_many_requests(verdict.retry_after_secs))
    }
}

/// The caller's address as Cloudflare reports it.
pub fn client_ip(req: &Request) -> String {
    req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_else(|| "unknown".to_string())
}
