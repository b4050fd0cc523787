//! The `generation_jobs` and `generation_job_items` aggregate: content generation jobs and
//! their items (`domain::curriculum::jobs`). Reads by API callers are tenant-scoped; the queue
//! consumer works on the item a message names, as the job's requester. Every step of an item is
//! one guarded statement: queueing picks at most `MAX_IN_FLIGHT` in flight per job, a claim takes
//! a pending item (or one whose lease ran out), a finish moves only a claimed one.

use super::{all, batch, database, first, int, opt_text, statement, text};
use domain::contracts::curriculum::{GenerationJob, ItemCounts, JobItem};
use domain::curriculum::content::{ContentKind, Finding};
use domain::curriculum::jobs::{ItemStatus, JobStatus, ITEM_LEASE_SECS, MAX_IN_FLIGHT};
use domain::curriculum::syllabus::Slot;
use domain::platform::auth::Scope;
use domain::platform::ids::{ContentItemId, GenerationJobId, JobItemId, SyllabusId, TenantId, UserId};
use domain::{AppError, Timestamp};
use serde::Deserialize;
use worker::Env;

/// What a job request carries besides its slots.
#[derive(Default)]
pub struct JobRequest<'a> {
    pub idempotency_key: Option<&'a str>,
    /// A reviewer's instructions (a regeneration).
    pub instructions: Option<&'a str>,
}

pub enum Created {
    New(GenerationJobId),
    /// The same user sent the same `Idempotency-Key` before: that job.
    Existing(GenerationJobId),
}

/// The job and one item per slot, in one transaction; with an idempotency key, a second request
/// with the same key finds the first job instead.
pub async fn create(env: &Env, scope: &Scope, syllabus: &SyllabusId, slots: &[Slot], request: &JobRequest<'_>, now: Timestamp) -> Result<Created, AppError> {
    let idempotency_key = request.idempotency_key;
    let db = database(env)?;
    let job = GenerationJobId::from_random(crate::random::bytes());
    let at = now.to_iso8601();
    let mut statements = vec![statement(
        &db,
        "INSERT INTO generation_jobs (id, tenant_id, syllabus_id, requested_by, idempotency_key, instructions, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT(requested_by, idempotency_key) DO NOTHING",
        &[text(job.as_str()), text(scope.tenant.as_str()), text(syllabus.as_str()), text(scope.user.as_str()), opt_text(idempotency_key), opt_text(request.instructions), text(&at)],
    )?];
    for (position, slot) in slots.iter().enumerate() {
        let item = JobItemId::from_random(crate::random::bytes());
        statements.push(statement(
            &db,
            "INSERT INTO generation_job_items (id, job_id, position, slot, kind, updated_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM generation_jobs WHERE id = ?2)",
            &[text(item.as_str()), text(job.as_str()), int(position as i64), text(&slot.id), text(ContentKind::from(slot.kind).as_str()), text(&at)],
        )?);
    }
    batch(&db, statements, "content_jobs.create").await?;
    #[derive(Deserialize)]
    struct Found {
        id: GenerationJobId,
    }
    let found: Option<Found> = match idempotency_key {
        Some(key) => first(statement(&db, "SELECT id FROM generation_jobs WHERE requested_by = ?1 AND idempotency_key = ?2", &[text(scope.user.as_str()), text(key)])?, "content_jobs.create.key").await?,
        None => Some(Found { id: job.clone() }),
    };
    let found = found.ok_or_else(|| AppError::internal().caused_by("content_jobs.create", "job missing after insert"))?;
    Ok(if found.id == job { Created::New(job) } else { Created::Existing(found.id) })
}

/// Marks up to the job's free in-flight places of its next pending items as queued and answers
/// them (to send to the queue). One statement: two consumers pumping at once never queue more
/// than `MAX_IN_FLIGHT`.
pub async fn queue_next(env: &Env, job: &GenerationJobId, now: Timestamp) -> Result<Vec<JobItemId>, AppError> {
    #[derive(Deserialize)]
    struct Queued {
        id: JobItemId,
    }
    let db = database(env)?;
    let queued: Vec<Queued> = all(
        statement(
            &db,
            "UPDATE generation_job_items SET queued_at = ?2 WHERE id IN ( \
               SELECT id FROM generation_job_items WHERE job_id = ?1 AND status = 'pending' AND queued_at IS NULL ORDER BY position \
               LIMIT max(0, ?3 - (SELECT COUNT(*) FROM generation_job_items WHERE job_id = ?1 AND (status = 'processing' OR (status = 'pending' AND queued_at IS NOT NULL))))) \
             RETURNING id",
            &[text(job.as_str()), text(&now.to_iso8601()), int(MAX_IN_FLIGHT as i64)],
        )?,
        "content_jobs.queue_next",
    )
    .await?;
    Ok(queued.into_iter().map(|q| q.id).collect())
}

/// What a consumer holds once it claimed an item.
#[derive(Debug, Deserialize)]
pub struct Claim {
    pub id: JobItemId,
    pub job_id: GenerationJobId,
    pub slot: String,
    pub kind: ContentKind,
    pub attempts: u32,
    pub tenant_id: TenantId,
    pub syllabus_id: SyllabusId,
    pub requested_by: UserId,
    pub instructions: Option<String>,
}

/// Takes the item for writing: a pending one, or one whose claim's lease ran out (its consumer
/// died). `None`: someone holds it or it is done — a redelivered message does nothing.
pub async fn claim(env: &Env, item: &JobItemId, now: Timestamp) -> Result<Option<Claim>, AppError> {
    let db = database(env)?;
    let at = now.to_iso8601();
    let claimed: Option<serde_json::Value> = first(
        statement(
            &db,
            "UPDATE generation_job_items SET status = 'processing', attempts = attempts + 1, lease_until = ?3, updated_at = ?2 \
             WHERE id = ?1 AND (status = 'pending' OR (status = 'processing' AND lease_until < ?2)) RETURNING id",
            &[text(item.as_str()), text(&at), text(&now.plus_seconds(ITEM_LEASE_SECS).to_iso8601())],
        )?,
        "content_jobs.claim",
    )
    .await?;
    if claimed.is_none() {
        return Ok(None);
    }
    first(
        statement(
            &db,
            "SELECT i.id, i.job_id, i.slot, i.kind, i.attempts, j.tenant_id, j.syllabus_id, j.requested_by, j.instructions \
             FROM generation_job_items i JOIN generation_jobs j ON j.id = i.job_id WHERE i.id = ?1",
            &[text(item.as_str())],
        )?,
        "content_jobs.claim.read",
    )
    .await
}

/// How a claimed item ended.
pub struct Outcome<'a> {
    pub status: ItemStatus,
    pub content_item: Option<&'a ContentItemId>,
    pub findings: &'a [Finding],
    pub error: Option<&'a str>,
}

/// Ends a claimed item (only while it is still `processing`: a finish after the stale-work
/// recovery took it back changes nothing).
pub async fn finish(env: &Env, item: &JobItemId, outcome: &Outcome<'_>, now: Timestamp) -> Result<bool, AppError> {
    let db = database(env)?;
    let findings = serde_json::to_string(outcome.findings).map_err(|e| AppError::internal().caused_by("content_jobs.finish.findings", e))?;
    let changed: Option<serde_json::Value> = first(
        statement(
            &db,
            "UPDATE generation_job_items SET status = ?2, content_item_id = ?3, findings = ?4, error = ?5, lease_until = NULL, updated_at = ?6 \
             WHERE id = ?1 AND status = 'processing' RETURNING id",
            &[text(item.as_str()), text(outcome.status.as_str()), opt_text(outcome.content_item.map(ContentItemId::as_str)), text(&findings), opt_text(outcome.error), text(&now.to_iso8601())],
        )?,
        "content_jobs.finish",
    )
    .await?;
    Ok(changed.is_some())
}

/// Marks the job completed once every item is final; `true` for the one call that did (it
/// audits the completion).
pub async fn complete_if_done(env: &Env, job: &GenerationJobId, now: Timestamp) -> Result<bool, AppError> {
    let db = database(env)?;
    let done: Option<serde_json::Value> = first(
        statement(
            &db,
            "UPDATE generation_jobs SET status = 'completed', completed_at = ?2 WHERE id = ?1 AND status = 'running' \
             AND NOT EXISTS (SELECT 1 FROM generation_job_items WHERE job_id = ?1 AND status IN ('pending', 'processing')) RETURNING id",
            &[text(job.as_str()), text(&now.to_iso8601())],
        )?,
        "content_jobs.complete_if_done",
    )
    .await?;
    Ok(done.is_some())
}

#[derive(Deserialize)]
struct JobRow {
    id: GenerationJobId,
    syllabus_id: SyllabusId,
    requested_by: UserId,
    created_at: String,
    completed_at: Option<String>,
}

#[derive(Deserialize)]
struct ItemRow {
    id: JobItemId,
    slot: String,
    kind: ContentKind,
    status: String,
    attempts: u32,
    content_item_id: Option<ContentItemId>,
    findings: String,
    error: Option<String>,
}

/// A job of the caller's tenant with its items in course order, and who asked for it.
pub async fn get(env: &Env, scope: &Scope, job: &GenerationJobId) -> Result<Option<(GenerationJob, UserId)>, AppError> {
    let db = database(env)?;
    let Some(row): Option<JobRow> = first(
        statement(&db, "SELECT id, syllabus_id, requested_by, created_at, completed_at FROM generation_jobs WHERE id = ?1 AND tenant_id = ?2", &[text(job.as_str()), text(scope.tenant.as_str())])?,
        "content_jobs.get",
    )
    .await?
    else {
        return Ok(None);
    };
    let rows: Vec<ItemRow> = all(
        statement(&db, "SELECT id, slot, kind, status, attempts, content_item_id, findings, error FROM generation_job_items WHERE job_id = ?1 ORDER BY position", &[text(job.as_str())])?,
        "content_jobs.get.items",
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|item| {
            Ok(JobItem {
                id: item.id,
                slot: item.slot,
                kind: item.kind,
                status: ItemStatus::parse(&item.status)?,
                attempts: item.attempts,
                content_item_id: item.content_item_id,
                findings: super::stored(&item.findings, "generation_job_items.findings")?,
                error: item.error,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let statuses: Vec<ItemStatus> = items.iter().map(|item| item.status).collect();
    let answer = GenerationJob {
        job_id: row.id,
        syllabus_id: row.syllabus_id,
        status: JobStatus::of(&statuses),
        counts: ItemCounts::of(statuses),
        items,
        created_at: row.created_at,
        completed_at: row.completed_at,
    };
    Ok(Some((answer, row.requested_by)))
}

/// Stale-work recovery: items whose claim's lease ran out (their consumer died) go back to
/// pending, and queued items whose message never arrived are queued again; answers the jobs
/// concerned, to pump.
pub async fn recover_stale(env: &Env, now: Timestamp) -> Result<Vec<GenerationJobId>, AppError> {
    #[derive(Deserialize)]
    struct Job {
        job_id: GenerationJobId,
    }
    let db = database(env)?;
    let at = now.to_iso8601();
    let stale_queue = now.minus_seconds(ITEM_LEASE_SECS).to_iso8601();
    let jobs: Vec<Job> = all(
        statement(
            &db,
            "UPDATE generation_job_items SET status = 'pending', queued_at = NULL, lease_until = NULL, updated_at = ?1 \
             WHERE (status = 'processing' AND lease_until < ?1) OR (status = 'pending' AND queued_at < ?2) RETURNING job_id",
            &[text(&at), text(&stale_queue)],
        )?,
        "content_jobs.recover_stale",
    )
    .await?;
    let mut ids: Vec<GenerationJobId> = jobs.into_iter().map(|job| job.job_id).collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}
