//! Our own rate limiter (Cloudflare's binding only has 10 s / 60 s windows; seed 000 wants
//! 10 and 15 minutes): a `RateLimiter` Durable Object per hashed key, bound as `RATE_LIMITER`.
//! Which limits an action counts under, and their numbers, are `domain::platform::rate_limit`'s.

use crate::durable;
use domain::platform::rate_limit::{limiter_name, network_key, refused, Limit, LimiterCommand, LimiterOp, RateRule, Verdict};
use domain::AppError;
use futures_util::future::join_all;
use worker::{Env, Request};

pub const BINDING: &str = "RATE_LIMITER";

pub async fn apply(env: &Env, scope: &str, parts: &[&str], rule: RateRule, op: LimiterOp) -> Result<Verdict, AppError> {
    durable::call(env, BINDING, &limiter_name(scope, parts), &LimiterCommand { op, rule }).await
}

async fn apply_limit(env: &Env, limit: &Limit, op: LimiterOp) -> Result<Verdict, AppError> {
    durable::call(env, BINDING, &limit.name(), &LimiterCommand { op, rule: limit.rule }).await
}

/// Counts one request for `user` from this request's network; 429 with `Retry-After` beyond
/// the rule.
pub async fn hit(env: &Env, req: &Request, scope: &str, user_id: &domain::platform::ids::UserId, rule: RateRule) -> Result<(), AppError> {
    let verdict = apply(env, scope, &[user_id.as_str(), &client_network(req)], rule, LimiterOp::Hit).await?;
    if verdict.allowed {
        Ok(())
    } else {
        Err(AppError::too_many_requests(verdict.retry_after_secs))
    }
}

/// Counts one attempt under every limit, before the work they protect (a password check, say).
/// Each limiter checks and counts in one step (a Durable Object serves one request at a time), so
/// parallel attempts cannot all pass a check that none of them has counted yet. When any limit
/// refuses, the others give their count back and the answer is 429 with the longest wait.
pub async fn reserve(env: &Env, limits: &[Limit]) -> Result<(), AppError> {
    let verdicts = join_all(limits.iter().map(|limit| apply_limit(env, limit, LimiterOp::Hit))).await;
    let verdicts = verdicts.into_iter().collect::<Result<Vec<Verdict>, AppError>>()?;
    let Some(wait) = refused(&verdicts) else { return Ok(()) };
    let granted = limits.iter().zip(&verdicts).filter(|(_, verdict)| verdict.allowed);
    // Best effort: a release that fails leaves one extra count, which expires with its window.
    let _ = join_all(granted.map(|(limit, _)| apply_limit(env, limit, LimiterOp::Release))).await;
    Err(AppError::too_many_requests(wait))
}

/// After the attempt succeeded: what each limit does with it (`Limit::on_success`).
pub async fn settle_success(env: &Env, limits: &[Limit]) -> Result<(), AppError> {
    let settled = join_all(limits.iter().filter_map(|limit| limit.on_success.map(|op| apply_limit(env, limit, op)))).await;
    settled.into_iter().try_for_each(|outcome| outcome.map(|_| ()))
}

/// The caller's network as the limits count it (`domain::platform::rate_limit::network_key`: an IPv4
/// address, or an IPv6 /64), from the address Cloudflare reports. Cloudflare's edge sets
/// `CF-Connecting-IP` itself, whatever the client sent.
pub fn client_network(req: &Request) -> String {
    network_key(&req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_default())
}
