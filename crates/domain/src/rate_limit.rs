//! Sliding-window rate limits. The limiter keeps the instants of recent hits per key and this
//! module decides; the Durable Object that stores them only does I/O.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateRule {
    pub limit: u32,
    pub window_secs: i64,
}

/// Seed 000 / the foundation issue: 5 failed logins per 15 minutes per email + IP.
pub const FAILED_LOGINS: RateRule = RateRule { limit: 5, window_secs: 15 * 60 };

/// The limiter instance for a scope and its parts (e.g. `login` + email + IP). Hashed so that
/// neither emails nor addresses appear in object names.
pub fn limiter_name(scope: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{scope}:{hex}")
}

/// Seed 000's generation limits, per user + IP over 10 minutes.
pub const GENERATE_QUESTIONS: RateRule = RateRule { limit: 100, window_secs: 10 * 60 };
pub const GENERATE_DYNAMIC_QUESTIONS: RateRule = RateRule { limit: 60, window_secs: 10 * 60 };
pub const GENERATE_BLUEPRINT: RateRule = RateRule { limit: 20, window_secs: 10 * 60 };
/// Dashboard and compare reads, per user + IP: generous for a person clicking around, a wall
/// for a script replaying the heaviest read in a loop.
pub const DASHBOARD_READS: RateRule = RateRule { limit: 120, window_secs: 60 };

/// What a caller asks the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LimiterOp {
    /// Would one more hit be allowed? Records nothing.
    Peek,
    /// Record a hit if allowed (check-and-count, atomically).
    Hit,
    /// Record a hit unconditionally (e.g. a failure that already happened).
    Record,
    /// Forget every hit (e.g. after a successful login).
    Reset,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimiterCommand {
    pub op: LimiterOp,
    pub rule: RateRule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub allowed: bool,
    pub remaining: u32,
    /// Seconds until one more hit would be allowed (0 when allowed now).
    pub retry_after_secs: u64,
}

/// Applies `op` at `now_ms` to the stored hits; returns the hits to store and the verdict.
pub fn apply(mut hits: Vec<i64>, op: LimiterOp, rule: RateRule, now_ms: i64) -> (Vec<i64>, Verdict) {
    let window_ms = rule.window_secs.max(1) * 1000;
    hits.retain(|&at| at > now_ms - window_ms && at <= now_ms);
    hits.sort_unstable();
    match op {
        LimiterOp::Reset => hits.clear(),
        LimiterOp::Record => hits.push(now_ms),
        LimiterOp::Hit if (hits.len() as u64) < u64::from(rule.limit) => hits.push(now_ms),
        LimiterOp::Hit | LimiterOp::Peek => {}
    }
    let used = hits.len() as u64;
    let limit = u64::from(rule.limit);
    // After a Hit that was counted the caller is allowed; otherwise "allowed" means there is room.
    let allowed = match op {
        LimiterOp::Hit => hits.last() == Some(&now_ms) && used <= limit,
        _ => used < limit,
    };
    let remaining = limit.saturating_sub(used) as u32;
    let retry_after_secs = if used < limit {
        0
    } else {
        // The oldest hit that must expire before there is room again.
        let must_expire = hits[(used - limit) as usize];
        let wait_ms = must_expire + window_ms - now_ms;
        (wait_ms.max(1) as u64).div_ceil(1000)
    };
    (hits, Verdict { allowed, remaining, retry_after_secs: if allowed { 0 } else { retry_after_secs } })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: RateRule = RateRule { limit: 3, window_secs: 60 };

    #[test]
    fn hit_counts_until_the_limit() {
        let mut hits = Vec::new();
        for i in 0..3 {
            let (next, verdict) = apply(hits, LimiterOp::Hit, RULE, 1_000 + i);
            assert!(verdict.allowed, "hit {i}");
            hits = next;
        }
        let (hits, verdict) = apply(hits, LimiterOp::Hit, RULE, 2_000);
        assert!(!verdict.allowed);
        assert_eq!(hits.len(), 3, "a refused hit is not counted");
        // The first hit (t=1000) expires at 61000: from t=2000 that is 59 s.
        assert_eq!(verdict.retry_after_secs, 59);
        let (_, verdict) = apply(hits, LimiterOp::Hit, RULE, 61_001);
        assert!(verdict.allowed);
    }

    #[test]
    fn peek_does_not_count_and_record_always_does() {
        let (hits, verdict) = apply(vec![], LimiterOp::Peek, RULE, 0);
        assert!(verdict.allowed && hits.is_empty());
        let mut hits = vec![];
        for _ in 0..5 {
            hits = apply(hits, LimiterOp::Record, RULE, 10).0;
        }
        assert_eq!(hits.len(), 5);
        let (_, verdict) = apply(hits.clone(), LimiterOp::Peek, RULE, 20);
        assert!(!verdict.allowed);
        assert_eq!(verdict.remaining, 0);
        assert!(verdict.retry_after_secs >= 59);
        let (hits, verdict) = apply(hits, LimiterOp::Reset, RULE, 20);
        assert!(verdict.allowed && hits.is_empty());
    }

    #[test]
    fn old_and_future_hits_are_dropped() {
        let (hits, _) = apply(vec![-100_000, 5_000, 999_999], LimiterOp::Peek, RULE, 10_000);
        assert_eq!(hits, vec![5_000]);
    }

    #[test]
    fn limiter_names_hide_their_parts() {
        let name = limiter_name("login", &["ada@example.com", "10.0.0.1"]);
        assert!(name.starts_with("login:") && !name.contains("ada"));
        assert_ne!(name, limiter_name("login", &["ada@example.com1", "0.0.0.1"]));
        assert_eq!(name, limiter_name("login", &["ada@example.com", "10.0.0.1"]));
    }

    #[test]
    fn failed_login_rule_is_five_per_fifteen_minutes() {
        assert_eq!(FAILED_LOGINS, RateRule { limit: 5, window_secs: 900 });
    }
}
