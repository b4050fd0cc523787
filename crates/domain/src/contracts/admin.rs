//! The operations plane (health, wiring diagnostics, job runs, "run now", admin provisioning)
//! and tenant administration (tenants, invitations, members' roles).

use super::auth::UserSummary;
use crate::platform::auth::Role;
use crate::platform::ids::{TenantId, UserId};
use crate::jobs::schedule::RunStatus;
use crate::platform::input::JsonColumn;
use serde::{Deserialize, Serialize};

/// `GET /api/health` (no auth).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Health {
    /// Always `ok`: the worker answered.
    pub status: String,
    pub version: String,
}

/// `GET /api/admin/diagnostics`: what each binding the api depends on answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Diagnostics {
    /// `ok`, `failing` or `missing`.
    pub database: String,
    /// The stream worker's own report (or `{status: "failing", error}`).
    pub stream: serde_json::Value,
}

/// `POST /api/admin/diagnostics/queue-probe` (202): the probe's id, recorded as a run of `job`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QueueProbe {
    pub probe_id: String,
    pub job: String,
}

/// `POST /api/admin/bootstrap` and `PATCH /api/admin/users/:id`: the account as it now is.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct RoleAnswer {
    pub user: UserSummary,
}

/// `GET /api/admin/job-runs?job&limit`, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct JobRunList {
    pub job_runs: Vec<JobRun>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct JobRun {
    pub id: String,
    pub job_name: String,
    pub run_key: String,
    pub status: RunStatus,
    /// `cron` (the platform's scheduler), `manual` ("run now") or `queue` (a probe).
    pub trigger: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    #[cfg_attr(feature = "contracts", ts(type = "number | null"))]
    pub duration_ms: Option<i64>,
    /// What the run did (stored as JSON text; decoded from either form).
    #[cfg_attr(feature = "contracts", ts(type = "JsonValue"))]
    pub details: JsonColumn,
    pub error: Option<String>,
}

/// `POST /api/admin/cron/run` (and the cron worker's internal answer it relays): each job of the
/// schedule and how its slot went.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRun {
    pub cron: String,
    pub scheduled_time: String,
    pub jobs: Vec<JobOutcome>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct JobOutcome {
    pub job: String,
    pub run_key: String,
    /// `succeeded`, `failed`, `skipped`, or `error` (it could not even be recorded).
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub reason: Option<String>,
}

/// `POST /api/admin/tenants` (201): the new tenant and the one-time code its first admin signs
/// up with (shown once; only its hash is kept).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewTenant {
    pub tenant: TenantSummary,
    pub admin_invite_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct TenantSummary {
    pub id: TenantId,
    pub name: String,
}

/// `POST /api/admin/invites` (201): a single-use code into the caller's tenant with `role`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Invite {
    pub invite_code: String,
    pub role: Role,
    pub expires_at: String,
}

/// One account of the caller's tenant (`GET /api/admin/users`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TenantMember {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub platform_admin: bool,
    pub created_at: String,
}

/// `GET /api/admin/users?limit&cursor`: the tenant's accounts, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TenantMemberPage {
    pub users: Vec<TenantMember>,
    pub next_cursor: Option<String>,
}
