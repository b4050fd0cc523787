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

/// Seed 000 / the foundation issue: 5 failed logins per 15 minutes per email + network.
pub const FAILED_LOGINS: RateRule = RateRule { limit: 5, window_secs: 15 * 60 };
/// Failed logins per account from every network together: a botnet that gives each guess its
/// own address still gets 20 per 15 minutes. It also lets anyone with four networks lock an
/// account for 15 minutes; docs/SECURITY.md says why that is accepted.
pub const FAILED_LOGINS_PER_ACCOUNT: RateRule = RateRule { limit: 20, window_secs: 15 * 60 };
/// Failed logins per network across accounts (credential stuffing: one guess per account). A
/// shared NAT of a few hundred people rarely fails 50 logins in 15 minutes.
pub const FAILED_LOGINS_PER_NETWORK: RateRule = RateRule { limit: 50, window_secs: 15 * 60 };
/// Attempts at `POST /api/admin/bootstrap` per user + network: the secret is long and random,
/// so this only bounds noise and makes guessing visible in the audit log.
pub const ADMIN_BOOTSTRAP: RateRule = RateRule { limit: 5, window_secs: 15 * 60 };
/// Sign-up attempts per network per hour unless `SIGNUP_LIMIT_PER_HOUR` says otherwise: enough
/// for a household or a small team signing up together, and it bounds what the 409 for a taken
/// email can reveal (docs/SECURITY.md).
pub const SIGNUPS_PER_NETWORK_PER_HOUR: u32 = 20;
/// The most a configured sign-up limit may be (the limiter stores one instant per attempt).
const MAX_SIGNUPS_PER_HOUR: u32 = 10_000;

/// The sign-up rule: `configured` is `SIGNUP_LIMIT_PER_HOUR` (a positive integer up to 10 000);
/// anything else means the default.
#[cfg(test)]
mod dashboard_rule_tests {
    use super::*;

    #[test]
    fn the_dashboard_limit_is_configurable_within_bounds() {
        assert_eq!(dashboard_rule(None), DASHBOARD_READS);
        assert_eq!(dashboard_rule(Some("20")).limit, 20);
        assert_eq!(dashboard_rule(Some("0")), DASHBOARD_READS);
        assert_eq!(dashboard_rule(Some("many")), DASHBOARD_READS);
    }
}

pub fn signup_rule(configured: Option<&str>) -> RateRule {
    let limit = configured
        .and_then(|value| value.trim().parse::<u32>().ok())
        .filter(|limit| (1..=MAX_SIGNUPS_PER_HOUR).contains(limit))
        .unwrap_or(SIGNUPS_PER_NETWORK_PER_HOUR);
    RateRule { limit, window_secs: 60 * 60 }
}

/// The network a client address belongs to, as the limits count it. An IPv4 address is its own
/// network. An IPv6 address stands for its /64: one subscriber is usually given a whole /64 and
/// can pick any address in it, so counting single addresses would give them 2^64 fresh budgets.
/// An IPv4-mapped IPv6 address is its IPv4 address. Anything unparseable shares one network.
pub fn network_key(address: &str) -> String {
    use std::net::IpAddr;
    match address.trim().trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => "unknown".to_string(),
    }
}

/// One limit an action is counted under: the limiter (scope and parts), its rule, and what a
/// success does to the attempt counted before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub scope: &'static str,
    pub parts: Vec<String>,
    pub rule: RateRule,
    /// `Some(Reset)` forgets every counted attempt, `Some(Release)` gives back this one, `None`
    /// keeps it (every attempt counts, successful or not).
    pub on_success: Option<LimiterOp>,
}

impl Limit {
    /// The limiter instance's name (see [`limiter_name`]).
    pub fn name(&self) -> String {
        let parts: Vec<&str> = self.parts.iter().map(String::as_str).collect();
        limiter_name(self.scope, &parts)
    }
}

/// What a login attempt is counted under, before its password is checked, so that parallel
/// attempts cannot all pass a check none of them has counted yet: per email + network (a success
/// forgets the owner's own typos), per account and per network (a success gives back only its
/// own attempt, so the failures of others stay counted).
pub fn login_limits(email: &str, network: &str) -> Vec<Limit> {
    vec![
        Limit { scope: "login", parts: vec![email.to_string(), network.to_string()], rule: FAILED_LOGINS, on_success: Some(LimiterOp::Reset) },
        Limit { scope: "login-account", parts: vec![email.to_string()], rule: FAILED_LOGINS_PER_ACCOUNT, on_success: Some(LimiterOp::Release) },
        Limit { scope: "login-network", parts: vec![network.to_string()], rule: FAILED_LOGINS_PER_NETWORK, on_success: Some(LimiterOp::Release) },
    ]
}

/// Every sign-up attempt from a network counts, whatever its outcome (a taken email included).
pub fn signup_limit(network: &str, rule: RateRule) -> Limit {
    Limit { scope: "signup", parts: vec![network.to_string()], rule, on_success: None }
}

/// Every bootstrap attempt by a user from a network counts.
pub fn admin_bootstrap_limit(user_id: &str, network: &str) -> Limit {
    Limit { scope: "admin-bootstrap", parts: vec![user_id.to_string(), network.to_string()], rule: ADMIN_BOOTSTRAP, on_success: None }
}

/// The outcome of counting one attempt under several limits at once: `None` when each of them
/// counted it, else the longest wait among those that refused (the attempt may go ahead only
/// when all of them would allow it).
pub fn refused(verdicts: &[Verdict]) -> Option<u64> {
    verdicts.iter().filter(|verdict| !verdict.allowed).map(|verdict| verdict.retry_after_secs.max(1)).max()
}

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
/// Batches of learner events a user sends (a page sends one every few seconds at most).
pub const ANALYTICS_BATCHES: RateRule = RateRule { limit: 60, window_secs: 60 };
/// Content generation jobs a user starts (each may write hundreds of items).
pub const GENERATION_JOBS: RateRule = RateRule { limit: 5, window_secs: 60 };
pub const GENERATE_BLUEPRINT: RateRule = RateRule { limit: 20, window_secs: 10 * 60 };
/// Dashboard and compare reads, per user + IP: generous for a person clicking around, a wall
/// for a script replaying the heaviest read in a loop.
pub const DASHBOARD_READS: RateRule = RateRule { limit: 120, window_secs: 60 };

/// The dashboard limit as configured (`DASHBOARD_READS_PER_MINUTE`, 1–10 000); anything else is
/// the default. (The test stack lowers it: 120 reads in a burst is a load test, not a test.)
pub fn dashboard_rule(configured: Option<&str>) -> RateRule {
    let limit = configured.and_then(|value| value.trim().parse::<u32>().ok()).filter(|limit| (1..=10_000).contains(limit)).unwrap_or(DASHBOARD_READS.limit);
    RateRule { limit, ..DASHBOARD_READS }
}

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
    /// Give back one counted hit (an attempt counted in advance that turned out to succeed, or
    /// that another limit refused). Hits are interchangeable, so the newest one goes.
    Release,
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
        LimiterOp::Release => {
            hits.pop();
        }
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

    #[test]
    fn release_gives_back_one_hit() {
        let (hits, _) = apply(vec![10, 20, 30], LimiterOp::Release, RULE, 40);
        assert_eq!(hits, vec![10, 20]);
        let (hits, verdict) = apply(vec![], LimiterOp::Release, RULE, 40);
        assert!(hits.is_empty() && verdict.allowed);
        // A full limiter has room again after a release.
        let (hits, verdict) = apply(vec![10, 20, 30], LimiterOp::Hit, RULE, 40);
        assert!(!verdict.allowed);
        let (hits, _) = apply(hits, LimiterOp::Release, RULE, 41);
        assert!(apply(hits, LimiterOp::Hit, RULE, 42).1.allowed);
    }

    #[test]
    fn parallel_reservations_never_exceed_the_limit() {
        // Thirty attempts reach the limiter one after another (it is single-threaded per key):
        // each is counted and answered before the next, so only `limit` go ahead, however many
        // password checks are still running.
        let mut hits = Vec::new();
        let mut allowed = 0;
        for i in 0..30 {
            let (next, verdict) = apply(hits, LimiterOp::Hit, FAILED_LOGINS, 1_000 + i);
            hits = next;
            allowed += usize::from(verdict.allowed);
        }
        assert_eq!(allowed, 5);
    }

    #[test]
    fn ipv6_addresses_count_per_64() {
        assert_eq!(network_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
        assert_eq!(network_key("2001:db8:1:2::1"), network_key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assert_ne!(network_key("2001:db8:1:2::1"), network_key("2001:db8:1:3::1"));
        // Zero-compressed and upper-case spellings of one /64 are one network.
        assert_eq!(network_key("2001:DB8:0:0:1::1"), network_key("2001:db8::1:0:0:2"));
        assert_eq!(network_key("[2001:db8::1]"), "2001:db8:0:0::/64");
        assert_eq!(network_key("::1"), "0:0:0:0::/64");
    }

    #[test]
    fn ipv4_addresses_are_their_own_network() {
        assert_eq!(network_key("203.0.113.7"), "203.0.113.7");
        assert_ne!(network_key("203.0.113.7"), network_key("203.0.113.8"));
        assert_eq!(network_key(" 127.0.0.1 "), "127.0.0.1");
        // An IPv4 client seen through an IPv6 socket is the same client.
        assert_eq!(network_key("::ffff:203.0.113.7"), "203.0.113.7");
        for junk in ["", "unknown", "203.0.113", "1.2.3.4.5", "2001:db8::g", "localhost"] {
            assert_eq!(network_key(junk), "unknown", "{junk}");
        }
    }

    #[test]
    fn a_refusal_by_any_limit_refuses_with_the_longest_wait() {
        let allowed = Verdict { allowed: true, remaining: 3, retry_after_secs: 0 };
        let refused_for = |secs| Verdict { allowed: false, remaining: 0, retry_after_secs: secs };
        assert_eq!(refused(&[allowed, allowed]), None);
        assert_eq!(refused(&[]), None);
        assert_eq!(refused(&[allowed, refused_for(30), refused_for(700)]), Some(700));
        assert_eq!(refused(&[refused_for(0)]), Some(1), "a refusal always asks for a wait");
    }

    #[test]
    fn login_limits_cover_email_and_network_the_account_and_the_network() {
        let limits = login_limits("ada@example.com", "2001:db8:1:2::/64");
        let rules: Vec<RateRule> = limits.iter().map(|l| l.rule).collect();
        assert_eq!(rules, [FAILED_LOGINS, FAILED_LOGINS_PER_ACCOUNT, FAILED_LOGINS_PER_NETWORK]);
        let names: std::collections::HashSet<String> = limits.iter().map(Limit::name).collect();
        assert_eq!(names.len(), 3, "three distinct limiters");
        assert_eq!(limits[0].on_success, Some(LimiterOp::Reset));
        assert!(limits[1..].iter().all(|l| l.on_success == Some(LimiterOp::Release)));
        // Another account on the same network shares only the network's limiter.
        let other = login_limits("bob@example.com", "2001:db8:1:2::/64");
        assert_ne!(limits[0].name(), other[0].name());
        assert_ne!(limits[1].name(), other[1].name());
        assert_eq!(limits[2].name(), other[2].name());
    }

    #[test]
    fn signup_limit_is_configurable_within_bounds() {
        assert_eq!(signup_rule(None), RateRule { limit: SIGNUPS_PER_NETWORK_PER_HOUR, window_secs: 3600 });
        assert_eq!(signup_rule(Some(" 300 ")).limit, 300);
        for bad in ["", "0", "-5", "ten", "10001", "99999999999"] {
            assert_eq!(signup_rule(Some(bad)).limit, SIGNUPS_PER_NETWORK_PER_HOUR, "{bad}");
        }
        let limit = signup_limit("203.0.113.7", signup_rule(None));
        assert_eq!(limit.on_success, None, "a sign-up that worked still counts");
    }
}
