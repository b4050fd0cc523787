//! The `content_items` aggregate: the versions of each slot's content of a syllabus. Reads are
//! tenant-scoped (another tenant's content is missing); who sees a draft is
//! `domain::curriculum::review`'s rule, applied by the handlers. A new version is written once
//! per job item (its UNIQUE `job_item_id`), changes to a draft are guarded by its status and
//! `updated_at`, and approved rows are immutable by trigger (migration 0010).

use super::{all, database, first, opt_text, statement, stored, text};
use domain::contracts::curriculum::{ContentRecord, ContentVersionRef, ContentVersionSummary, SlotContent};
use domain::curriculum::content::{ContentKind, Finding};
use domain::curriculum::review::ContentStatus;
use domain::platform::auth::Scope;
use domain::platform::ids::{ContentItemId, JobItemId, SyllabusId, TenantId, UserId};
use domain::{AppError, Timestamp};
use serde::Deserialize;
use serde_json::Value;
use worker::Env;

const COLUMNS: &str = "id, syllabus_id, slot, kind, version, status, source, document, findings, author_id, created_at, updated_at, approved_by, approved_at, note, sha256";

#[derive(Debug, Deserialize)]
pub struct Row {
    pub id: ContentItemId,
    pub syllabus_id: SyllabusId,
    pub slot: String,
    pub kind: ContentKind,
    pub version: u32,
    pub status: String,
    pub source: String,
    pub document: String,
    pub findings: String,
    pub author_id: UserId,
    pub created_at: String,
    pub updated_at: String,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<String>,
    pub note: Option<String>,
    pub sha256: Option<String>,
}

impl Row {
    pub fn status(&self) -> Result<ContentStatus, AppError> {
        ContentStatus::parse(&self.status)
    }

    pub fn document(&self) -> Result<Value, AppError> {
        stored(&self.document, "content_items.document")
    }

    pub fn findings(&self) -> Result<Vec<Finding>, AppError> {
        stored(&self.findings, "content_items.findings")
    }

    pub fn is_authored_by(&self, scope: &Scope) -> bool {
        self.author_id == scope.user
    }

    fn summary(&self) -> Result<ContentVersionSummary, AppError> {
        Ok(ContentVersionSummary { item_id: self.id.clone(), version: self.version, status: self.status()?, source: self.source.clone(), findings: self.findings()?, updated_at: self.updated_at.clone() })
    }

    pub fn to_record(&self, history: &[Row]) -> Result<ContentRecord, AppError> {
        Ok(ContentRecord {
            id: self.id.clone(),
            syllabus_id: self.syllabus_id.clone(),
            slot: self.slot.clone(),
            kind: self.kind,
            version: self.version,
            status: self.status()?,
            source: self.source.clone(),
            content: self.document()?,
            findings: self.findings()?,
            author_id: self.author_id.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            approved_by: self.approved_by.clone(),
            approved_at: self.approved_at.clone(),
            note: self.note.clone(),
            sha256: self.sha256.clone(),
            history: history.iter().map(Row::summary).collect::<Result<_, _>>()?,
        })
    }
}

pub struct NewVersion<'a> {
    pub tenant: &'a TenantId,
    pub syllabus: &'a SyllabusId,
    pub slot: &'a str,
    pub kind: ContentKind,
    pub source: &'a str,
    pub document: &'a Value,
    pub findings: &'a [Finding],
    pub author: &'a UserId,
    /// The job item writing it (none for a person's revision).
    pub job_item: Option<&'a JobItemId>,
}

/// Writes the slot's next version as a draft. A job item writes at most one (a redelivery finds
/// the one it wrote); two writers racing for the same version number: the loser tries the next.
pub async fn insert_version(env: &Env, new: &NewVersion<'_>, now: Timestamp) -> Result<ContentItemId, AppError> {
    let db = database(env)?;
    let document = serde_json::to_string(new.document).map_err(|e| AppError::internal().caused_by("content.insert.document", e))?;
    let findings = serde_json::to_string(new.findings).map_err(|e| AppError::internal().caused_by("content.insert.findings", e))?;
    let at = now.to_iso8601();
    for _ in 0..3 {
        if let Some(job_item) = new.job_item {
            if let Some(existing) = written_by(env, job_item).await? {
                return Ok(existing);
            }
        }
        let id = ContentItemId::from_random(crate::random::bytes());
        let inserted: Option<Value> = first(
            statement(
                &db,
                "INSERT INTO content_items (id, tenant_id, syllabus_id, slot, kind, version, source, document, findings, author_id, job_item_id, created_at, updated_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, COALESCE((SELECT MAX(version) FROM content_items WHERE syllabus_id = ?3 AND slot = ?4), 0) + 1, ?6, ?7, ?8, ?9, ?10, ?11, ?11 \
                 WHERE true ON CONFLICT DO NOTHING RETURNING id",
                &[
                    text(id.as_str()),
                    text(new.tenant.as_str()),
                    text(new.syllabus.as_str()),
                    text(new.slot),
                    text(new.kind.as_str()),
                    text(new.source),
                    text(&document),
                    text(&findings),
                    text(new.author.as_str()),
                    opt_text(new.job_item.map(JobItemId::as_str)),
                    text(&at),
                ],
            )?,
            "content.insert_version",
        )
        .await?;
        if inserted.is_some() {
            return Ok(id);
        }
    }
    Err(AppError::internal().caused_by("content.insert_version", "no version number after three tries"))
}

async fn written_by(env: &Env, job_item: &JobItemId) -> Result<Option<ContentItemId>, AppError> {
    #[derive(Deserialize)]
    struct Found {
        id: ContentItemId,
    }
    let db = database(env)?;
    let found: Option<Found> = first(statement(&db, "SELECT id FROM content_items WHERE job_item_id = ?1", &[text(job_item.as_str())])?, "content.written_by").await?;
    Ok(found.map(|found| found.id))
}

/// A version of the caller's tenant.
pub async fn find(env: &Env, scope: &Scope, id: &ContentItemId) -> Result<Option<Row>, AppError> {
    let db = database(env)?;
    first(statement(&db, &format!("SELECT {COLUMNS} FROM content_items WHERE id = ?1 AND tenant_id = ?2"), &[text(id.as_str()), text(scope.tenant.as_str())])?, "content.find").await
}

/// Every version of one slot, newest first.
pub async fn history(env: &Env, scope: &Scope, syllabus: &SyllabusId, slot: &str) -> Result<Vec<Row>, AppError> {
    let db = database(env)?;
    all(
        statement(&db, &format!("SELECT {COLUMNS} FROM content_items WHERE syllabus_id = ?1 AND slot = ?2 AND tenant_id = ?3 ORDER BY version DESC"), &[text(syllabus.as_str()), text(slot), text(scope.tenant.as_str())])?,
        "content.history",
    )
    .await
}

/// Each slot's newest version and approved version, for the slots of `syllabus` (in `order`).
pub async fn slots(env: &Env, scope: &Scope, syllabus: &SyllabusId, order: &[(String, ContentKind)]) -> Result<Vec<SlotContent>, AppError> {
    let db = database(env)?;
    let rows: Vec<Row> = all(
        statement(&db, &format!("SELECT {COLUMNS} FROM content_items WHERE syllabus_id = ?1 AND tenant_id = ?2 ORDER BY slot, version DESC"), &[text(syllabus.as_str()), text(scope.tenant.as_str())])?,
        "content.slots",
    )
    .await?;
    order
        .iter()
        .map(|(slot, kind)| {
            let mut versions = rows.iter().filter(|row| &row.slot == slot);
            let latest = versions.clone().next().map(Row::summary).transpose()?;
            let approved = versions.find(|row| row.status == ContentStatus::Approved.as_str()).map(|row| ContentVersionRef { item_id: row.id.clone(), version: row.version });
            Ok(SlotContent { slot: slot.clone(), kind: *kind, latest, approved })
        })
        .collect()
}

/// What a change of a draft writes.
pub enum Change<'a> {
    Edit { document: &'a Value, findings: &'a [Finding] },
    Approve { reviewer: &'a UserId, note: Option<&'a str>, sha256: &'a str },
    Reject { note: &'a str },
}

/// Applies `change` to the draft as it was read (its `updated_at` then), in one guarded
/// statement. `None`: it is no longer that draft.
pub async fn apply(env: &Env, scope: &Scope, id: &ContentItemId, read_at: &str, change: &Change<'_>, now: Timestamp) -> Result<Option<Row>, AppError> {
    let db = database(env)?;
    let at = now.to_iso8601();
    let mut args = vec![text(id.as_str()), text(scope.tenant.as_str()), text(read_at), text(&at)];
    let set = match change {
        Change::Edit { document, findings } => {
            args.push(text(&serde_json::to_string(document).map_err(|e| AppError::internal().caused_by("content.edit.document", e))?));
            args.push(text(&serde_json::to_string(findings).map_err(|e| AppError::internal().caused_by("content.edit.findings", e))?));
            "document = ?5, findings = ?6, source = 'edit'"
        }
        Change::Approve { reviewer, note, sha256 } => {
            args.extend([text(reviewer.as_str()), opt_text(*note), text(sha256)]);
            "status = 'APPROVED', approved_by = ?5, approved_at = ?4, note = ?6, sha256 = ?7"
        }
        Change::Reject { note } => {
            args.push(text(note));
            "status = 'REJECTED', note = ?5"
        }
    };
    first(
        statement(
            &db,
            &format!("UPDATE content_items SET updated_at = ?4, {set} WHERE id = ?1 AND tenant_id = ?2 AND updated_at = ?3 AND status = 'DRAFT' RETURNING {COLUMNS}"),
            &args,
        )?,
        "content.apply",
    )
    .await
}
