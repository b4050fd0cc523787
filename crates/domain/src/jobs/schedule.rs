//! Scheduled jobs: which run on which cron expression, the slot each run is idempotent for,
//! and the lease rule of the job lock.

use crate::platform::error::{AppError, FieldError};
use crate::platform::input::parse_json;
use crate::platform::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The cron expressions in `workers/cron/wrangler.toml`; each maps to the jobs it runs.
pub const EVERY_FIVE_MINUTES: &str = "*/5 * * * *";
pub const DAILY: &str = "17 3 * * *";

/// A generation with no progress for this long is considered dead (its worker was evicted or
/// crashed) and is moved to `error` so the user can try again.
pub const STALE_GENERATION_SECS: i64 = 10 * 60;
/// Expired refresh tokens are kept a day (so a late reuse still reads as "expired", not
/// "unknown") and then deleted.
pub const EXPIRED_SESSION_GRACE_SECS: i64 = 24 * 60 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    RecoverStaleGenerations,
    PruneExpiredSessions,
    PruneAuditLog,
}

/// How long audit entries are kept (the migration's trigger refuses deleting younger ones).
pub const AUDIT_RETENTION_DAYS: i64 = 400;

impl Job {
    pub fn name(self) -> &'static str {
        match self {
            Job::RecoverStaleGenerations => "recover_stale_generations",
            Job::PruneExpiredSessions => "prune_expired_sessions",
            Job::PruneAuditLog => "prune_audit_log",
        }
    }

    /// The length of the slot a run is idempotent for.
    pub fn slot_secs(self) -> i64 {
        match self {
            Job::RecoverStaleGenerations => 5 * 60,
            Job::PruneExpiredSessions | Job::PruneAuditLog => 24 * 60 * 60,
        }
    }

    /// How long a lock taken for this job lives if its holder dies without releasing it.
    pub fn lock_ttl_secs(self) -> i64 {
        match self {
            Job::RecoverStaleGenerations => 4 * 60,
            Job::PruneExpiredSessions | Job::PruneAuditLog => 30 * 60,
        }
    }

    /// The slot key (`2026-11-22T18:40:00.000Z`) of a run scheduled at `scheduled`.
    pub fn run_key(self, scheduled: Timestamp) -> String {
        scheduled.floor_to(self.slot_secs()).to_iso8601()
    }
}

pub fn jobs_for_cron(cron: &str) -> &'static [Job] {
    match cron.trim() {
        EVERY_FIVE_MINUTES => &[Job::RecoverStaleGenerations],
        DAILY => &[Job::PruneExpiredSessions, Job::PruneAuditLog],
        _ => &[],
    }
}

/// Where one recorded attempt of a job stands (`job_runs.status`; the migration's CHECK and its
/// unique partial index — one running-or-succeeded run per slot — name the same values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
    /// Not executed: the lock was held or the slot already done.
    Skipped,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Skipped => "skipped",
        }
    }

    /// How a finished execution is recorded.
    pub fn finished(succeeded: bool) -> RunStatus {
        if succeeded {
            RunStatus::Succeeded
        } else {
            RunStatus::Failed
        }
    }
}

/// How far back "run now" may name a slot: backfills of the last week. Older slots are refused.
pub const BACKFILL_WINDOW_SECS: i64 = 7 * 24 * 3600;
/// A caller's clock may run this far ahead of the worker's.
pub const CLOCK_SKEW_SECS: i64 = 60;

/// The instant a job acts as of: its scheduled time, but never later than now. A run for a
/// slot that is not yet due must not expire sessions or give up generations early.
pub fn acting_time(scheduled: Timestamp, now: Timestamp) -> Timestamp {
    scheduled.min(now)
}

/// A request to run a schedule now: `{cron, scheduledTime?}` (epoch milliseconds; default now).
/// The time may name a slot of the last week (a backfill), never a future one: a future slot
/// would act early and, repeated per future slot, wipe every session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    pub cron: String,
    pub scheduled_time: Option<Timestamp>,
}

impl RunRequest {
    pub fn parse(body: &[u8], now: Timestamp) -> Result<Self, AppError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Raw {
            cron: String,
            scheduled_time: Option<i64>,
        }
        let raw: Raw = parse_json(body)?;
        let mut errors = Vec::new();
        if jobs_for_cron(&raw.cron).is_empty() {
            errors.push(FieldError::new("cron", format!("must be one of the configured schedules: \"{EVERY_FIVE_MINUTES}\", \"{DAILY}\"")));
        }
        if let Some(ms) = raw.scheduled_time {
            let (earliest, latest) = (now.minus_seconds(BACKFILL_WINDOW_SECS), now.plus_seconds(CLOCK_SKEW_SECS));
            if ms > latest.millis() {
                errors.push(FieldError::new("scheduledTime", "must not be in the future (epoch milliseconds)"));
            } else if ms < earliest.millis() {
                errors.push(FieldError::new("scheduledTime", "must be within the last 7 days (epoch milliseconds)"));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        Ok(RunRequest { cron: raw.cron.trim().to_string(), scheduled_time: raw.scheduled_time.map(Timestamp::from_millis) })
    }
}

/// A held lock: who holds it and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    pub owner: String,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum LockCommand {
    #[serde(rename_all = "camelCase")]
    Acquire { owner: String, ttl_secs: i64 },
    #[serde(rename_all = "camelCase")]
    Release { owner: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockReply {
    pub granted: bool,
    pub holder: Option<Lease>,
}

/// Applies a lock command to the current lease; an expired lease counts as free (that is the
/// stale-lock recovery: a crashed holder blocks others for at most its TTL).
pub fn apply_lock(current: Option<Lease>, command: &LockCommand, now_ms: i64) -> (Option<Lease>, LockReply) {
    let live = current.filter(|lease| lease.expires_at_ms > now_ms);
    match command {
        LockCommand::Acquire { owner, ttl_secs } => match live {
            Some(lease) if &lease.owner != owner => (Some(lease.clone()), LockReply { granted: false, holder: Some(lease) }),
            _ => {
                let lease = Lease { owner: owner.clone(), expires_at_ms: now_ms + ttl_secs.max(&1) * 1000 };
                (Some(lease.clone()), LockReply { granted: true, holder: Some(lease) })
            }
        },
        LockCommand::Release { owner } => match live {
            Some(lease) if &lease.owner != owner => (Some(lease.clone()), LockReply { granted: false, holder: Some(lease) }),
            _ => (None, LockReply { granted: true, holder: None }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crons_map_to_jobs() {
        assert_eq!(jobs_for_cron("*/5 * * * *"), &[Job::RecoverStaleGenerations]);
        assert_eq!(jobs_for_cron(DAILY), &[Job::PruneExpiredSessions, Job::PruneAuditLog]);
        assert!(jobs_for_cron("0 0 * * *").is_empty());
    }

    #[test]
    fn run_requests_name_a_known_schedule() {
        let now = Timestamp::from_millis(1_925_089_600_000);
        let request = RunRequest::parse(br#"{"cron":"*/5 * * * *","scheduledTime":1925089600000}"#, now).unwrap();
        assert_eq!(request.scheduled_time, Some(now));
        assert_eq!(RunRequest::parse(br#"{"cron":"17 3 * * *"}"#, now).unwrap().scheduled_time, None);
        let error = RunRequest::parse(br#"{"cron":"* * * * *","scheduledTime":1925089600}"#, now).unwrap_err();
        let fields: Vec<_> = error.details.unwrap().as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
        assert_eq!(fields, ["cron", "scheduledTime"]);
    }

    /// The attack: "run now" for slots in the future pruned every session and gave up every
    /// running generation, once per future slot.
    #[test]
    fn future_slots_are_refused_and_backfills_bounded() {
        let now = Timestamp::from_millis(1_925_089_600_000);
        let at = |ms: i64| format!(r#"{{"cron":"17 3 * * *","scheduledTime":{ms}}}"#);
        let refused = |ms: i64| RunRequest::parse(at(ms).as_bytes(), now).unwrap_err().details.unwrap()[0]["message"].as_str().unwrap().to_string();
        assert!(refused(now.plus_seconds(3600).millis()).contains("future"));
        assert!(refused(4_102_444_000_000).contains("future"), "2100");
        assert!(RunRequest::parse(at(now.plus_seconds(CLOCK_SKEW_SECS).millis()).as_bytes(), now).is_ok(), "a little clock skew");
        assert!(RunRequest::parse(at(now.minus_seconds(BACKFILL_WINDOW_SECS).millis()).as_bytes(), now).is_ok(), "a week back");
        assert!(refused(now.minus_seconds(BACKFILL_WINDOW_SECS + 1).millis()).contains("last 7 days"));
        assert_eq!(acting_time(now.plus_seconds(30), now), now, "never acts ahead of now");
        assert_eq!(acting_time(now.minus_seconds(30), now), now.minus_seconds(30));
    }

    #[test]
    fn run_keys_are_slots() {
        let t = Timestamp::parse_iso8601("2026-11-22T18:43:10.000Z").unwrap();
        assert_eq!(Job::RecoverStaleGenerations.run_key(t), "2026-11-22T18:40:00.000Z");
        assert_eq!(Job::RecoverStaleGenerations.run_key(t.plus_seconds(100)), "2026-11-22T18:40:00.000Z");
        assert_eq!(Job::PruneExpiredSessions.run_key(t), "2026-11-22T00:00:00.000Z");
    }

    #[test]
    fn lock_is_exclusive_until_released_or_expired() {
        let acquire = |owner: &str| LockCommand::Acquire { owner: owner.into(), ttl_secs: 60 };
        let (lease, reply) = apply_lock(None, &acquire("a"), 0);
        assert!(reply.granted);
        let (lease, reply) = apply_lock(lease, &acquire("b"), 1_000);
        assert!(!reply.granted);
        assert_eq!(reply.holder.unwrap().owner, "a");
        // b cannot release a's lock.
        let (lease, reply) = apply_lock(lease, &LockCommand::Release { owner: "b".into() }, 2_000);
        assert!(!reply.granted);
        // After the TTL, b takes over a dead holder's lock.
        let (lease, reply) = apply_lock(lease, &acquire("b"), 60_001);
        assert!(reply.granted);
        let (lease, reply) = apply_lock(lease, &LockCommand::Release { owner: "b".into() }, 60_002);
        assert!(reply.granted && lease.is_none());
    }
}
