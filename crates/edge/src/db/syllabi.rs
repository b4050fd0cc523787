//! The `syllabi` aggregate. Every read is scoped by the caller's tenant (another tenant's
//! syllabus is missing); who within the tenant sees and changes one is
//! `domain::curriculum::review`'s rule, applied by the handlers to the row read here. Each
//! transition is one guarded `UPDATE … WHERE status IN (…)` (the guard from
//! `SyllabusTransition::sql_guard`), so a transition that lost a race changes nothing; approved
//! rows are immutable by trigger (migration 0009).

use super::{all, database, first, opt_text, statement, stored, text, int};
use domain::blueprint::generation::Source;
use domain::contracts::curriculum::{SyllabusRecord, SyllabusSummary};
use domain::curriculum::review::{SyllabusStatus, SyllabusTransition};
use domain::curriculum::syllabus::Syllabus;
use domain::platform::auth::Scope;
use domain::platform::ids::{BlueprintId, SyllabusId, UserId, VersionNumber};
use domain::{AppError, Timestamp};
use serde::Deserialize;
use worker::Env;

#[derive(Debug, Deserialize)]
pub struct Row {
    pub id: SyllabusId,
    pub blueprint_id: BlueprintId,
    pub version: VersionNumber,
    pub author_id: UserId,
    pub status: String,
    pub source: Source,
    pub warning: Option<String>,
    pub syllabus_json: String,
    pub created_at: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<String>,
    pub note: Option<String>,
    pub sha256: Option<String>,
}

const COLUMNS: &str = "id, blueprint_id, version, author_id, status, source, warning, syllabus_json, created_at, updated_at, submitted_at, approved_by, approved_at, note, sha256";

impl Row {
    pub fn status(&self) -> Result<SyllabusStatus, AppError> {
        SyllabusStatus::parse(&self.status)
    }

    pub fn syllabus(&self) -> Result<Syllabus, AppError> {
        stored(&self.syllabus_json, "syllabus_json")
    }

    pub fn is_authored_by(&self, scope: &Scope) -> bool {
        self.author_id == scope.user
    }

    /// The API's record; `review_url` is where the UI opens it while it waits for review.
    pub fn to_record(&self) -> Result<SyllabusRecord, AppError> {
        let status = self.status()?;
        Ok(SyllabusRecord {
            id: self.id.clone(),
            blueprint_id: self.blueprint_id.clone(),
            version: self.version,
            status,
            source: self.source,
            warning: self.warning.clone(),
            syllabus: self.syllabus()?,
            author_id: self.author_id.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            submitted_at: self.submitted_at.clone(),
            approved_by: self.approved_by.clone(),
            approved_at: self.approved_at.clone(),
            note: self.note.clone(),
            sha256: self.sha256.clone(),
            review_url: (status == SyllabusStatus::InReview).then(|| format!("/syllabi/{}", self.id.as_str())),
        })
    }
}

pub struct NewSyllabus<'a> {
    pub id: &'a SyllabusId,
    pub blueprint_id: &'a BlueprintId,
    pub version: VersionNumber,
    pub source: Source,
    pub warning: Option<&'a str>,
    pub syllabus: &'a Syllabus,
}

pub enum Created {
    Row(Row),
    /// The version has a syllabus already (perhaps made by a request racing this one).
    Exists(SyllabusId),
}

/// The syllabus of a blueprint version, if it has one (tenant-scoped).
pub async fn of_version(env: &Env, scope: &Scope, blueprint_id: &BlueprintId, version: VersionNumber) -> Result<Option<SyllabusId>, AppError> {
    #[derive(Deserialize)]
    struct Found {
        id: SyllabusId,
    }
    let db = database(env)?;
    let found: Option<Found> = first(
        statement(&db, "SELECT id FROM syllabi WHERE blueprint_id = ?1 AND version = ?2 AND tenant_id = ?3", &[text(blueprint_id.as_str()), int(version.get()), text(scope.tenant.as_str())])?,
        "syllabi.of_version",
    )
    .await?;
    Ok(found.map(|found| found.id))
}

/// Stores a new draft, unless the version has a syllabus already: one per version, decided by
/// the table's UNIQUE constraint, so two racing requests make one.
pub async fn create(env: &Env, scope: &Scope, new: &NewSyllabus<'_>, now: Timestamp) -> Result<Created, AppError> {
    let db = database(env)?;
    let json = serde_json::to_string(new.syllabus).map_err(|e| AppError::internal().caused_by("syllabi.create.json", e))?;
    let at = now.to_iso8601();
    let row: Option<Row> = first(
        statement(
            &db,
            &format!(
                "INSERT INTO syllabi (id, tenant_id, blueprint_id, version, author_id, source, warning, syllabus_json, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) ON CONFLICT(blueprint_id, version) DO NOTHING RETURNING {COLUMNS}"
            ),
            &[
                text(new.id.as_str()),
                text(scope.tenant.as_str()),
                text(new.blueprint_id.as_str()),
                int(new.version.get()),
                text(scope.user.as_str()),
                text(source_name(new.source)),
                opt_text(new.warning),
                text(&json),
                text(&at),
            ],
        )?,
        "syllabi.create",
    )
    .await?;
    if let Some(row) = row {
        return Ok(Created::Row(row));
    }
    let existing = of_version(env, scope, new.blueprint_id, new.version).await?.ok_or_else(|| AppError::internal().caused_by("syllabi.create", "conflict without a row"))?;
    Ok(Created::Exists(existing))
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Model => "model",
        Source::Fallback => "fallback",
    }
}

/// A syllabus of the caller's tenant.
pub async fn find(env: &Env, scope: &Scope, id: &SyllabusId) -> Result<Option<Row>, AppError> {
    let db = database(env)?;
    first(statement(&db, &format!("SELECT {COLUMNS} FROM syllabi WHERE id = ?1 AND tenant_id = ?2"), &[text(id.as_str()), text(scope.tenant.as_str())])?, "syllabi.find").await
}

/// The caller's own syllabi, or (`whole_tenant`: reviewers and admins) the tenant's, newest
/// first, optionally of one status. At most `limit`.
pub async fn list(env: &Env, scope: &Scope, whole_tenant: bool, status: Option<SyllabusStatus>, limit: u32) -> Result<Vec<SyllabusSummary>, AppError> {
    #[derive(Deserialize)]
    struct Listed {
        id: SyllabusId,
        blueprint_id: BlueprintId,
        version: VersionNumber,
        status: String,
        source: Source,
        title: String,
        author_id: UserId,
        created_at: String,
        updated_at: String,
        approved_at: Option<String>,
    }
    let db = database(env)?;
    let rows: Vec<Listed> = all(
        statement(
            &db,
            "SELECT id, blueprint_id, version, status, source, json_extract(syllabus_json, '$.title') AS title, author_id, created_at, updated_at, approved_at \
             FROM syllabi WHERE tenant_id = ?1 AND (?2 = 1 OR author_id = ?3) AND (?4 = '' OR status = ?4) \
             ORDER BY updated_at DESC, id DESC LIMIT ?5",
            &[text(scope.tenant.as_str()), int(i64::from(whole_tenant)), text(scope.user.as_str()), text(status.map_or("", SyllabusStatus::as_str)), int(i64::from(limit))],
        )?,
        "syllabi.list",
    )
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(SyllabusSummary {
                id: row.id,
                blueprint_id: row.blueprint_id,
                version: row.version,
                status: SyllabusStatus::parse(&row.status)?,
                source: row.source,
                title: row.title,
                author_id: row.author_id,
                created_at: row.created_at,
                updated_at: row.updated_at,
                approved_at: row.approved_at,
            })
        })
        .collect()
}

/// What a transition writes besides the status.
pub enum Change<'a> {
    Edit { syllabus: &'a Syllabus },
    Submit,
    Approve { reviewer: &'a UserId, note: Option<&'a str>, sha256: &'a str },
    Reject { note: &'a str },
}

impl Change<'_> {
    pub fn transition(&self) -> SyllabusTransition {
        match self {
            Change::Edit { .. } => SyllabusTransition::Edit,
            Change::Submit => SyllabusTransition::Submit,
            Change::Approve { .. } => SyllabusTransition::Approve,
            Change::Reject { .. } => SyllabusTransition::Reject,
        }
    }
}

/// Applies `change` to the syllabus as it was read (`read_at`: its `updated_at` then), in one
/// guarded statement: only from the transition's statuses and only if nobody changed it since
/// (what a reviewer approves is what they read). `None`: the guard refused; the caller reads the
/// row again to say why.
pub async fn apply(env: &Env, scope: &Scope, id: &SyllabusId, read_at: &str, change: &Change<'_>, now: Timestamp) -> Result<Option<Row>, AppError> {
    let db = database(env)?;
    let transition = change.transition();
    let at = now.to_iso8601();
    let (set, extra): (&str, Vec<worker::wasm_bindgen::JsValue>) = match change {
        Change::Edit { syllabus } => {
            let json = serde_json::to_string(syllabus).map_err(|e| AppError::internal().caused_by("syllabi.edit.json", e))?;
            ("syllabus_json = ?6", vec![text(&json)])
        }
        Change::Submit => ("submitted_at = ?5", vec![]),
        Change::Approve { reviewer, note, sha256 } => ("approved_by = ?6, approved_at = ?5, note = ?7, sha256 = ?8", vec![text(reviewer.as_str()), opt_text(*note), text(sha256)]),
        Change::Reject { note } => ("note = ?6, submitted_at = NULL", vec![text(note)]),
    };
    let mut args = vec![text(id.as_str()), text(scope.tenant.as_str()), text(read_at), text(transition.to().as_str()), text(&at)];
    args.extend(extra);
    first(
        statement(
            &db,
            &format!(
                "UPDATE syllabi SET status = ?4, updated_at = ?5, {set} \
                 WHERE id = ?1 AND tenant_id = ?2 AND updated_at = ?3 AND {guard} RETURNING {COLUMNS}",
                guard = transition.sql_guard()
            ),
            &args,
        )?,
        "syllabi.apply",
    )
    .await
}
