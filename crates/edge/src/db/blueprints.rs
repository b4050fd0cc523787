//! The `blueprint_generator` aggregate. Every read and write is scoped by the caller's tenant
//! and user: a blueprint that belongs to someone else is indistinguishable from one that does
//! not exist. Versions are reached through their blueprint's owner (user ids are global, and a
//! blueprint never changes tenant — migration 0007's trigger).

use super::{all, database, first, int, opt_text, run, statement, stored, stored_json, text};
use domain::platform::auth::Scope;
use domain::contracts::blueprints::{BlueprintPage, BlueprintRecord, BlueprintSummary, VersionSnapshot, VersionSummary};
use domain::blueprint::resource::{Cursor, PageRequest};
use domain::platform::ids::{BlueprintId, VersionNumber};
use domain::blueprint::generation::{Source, Status, Transition};
use domain::{AppError, Timestamp};
use serde::Deserialize;
use serde_json::Value;
use worker::Env;

#[derive(Debug, Deserialize)]
pub struct Blueprint {
    pub id: BlueprintId,
    pub title: String,
    pub status: Status,
    pub version: i64,
    pub static_answers: String,
    pub dynamic_questions: String,
    pub dynamic_answers: String,
    pub blueprint_json: String,
    pub blueprint_markdown: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Blueprint {
    /// Seed 000's `GET /api/blueprint/:id` shape (plus title and the generated artefacts).
    pub fn to_record(&self) -> Result<BlueprintRecord, AppError> {
        Ok(BlueprintRecord {
            id: self.id.clone(),
            title: self.title.clone(),
            status: self.status,
            version: self.version,
            static_answers: stored(&self.static_answers, "static_answers")?,
            dynamic_questions: stored(&self.dynamic_questions, "dynamic_questions")?,
            dynamic_questions_set: domain::blueprint::answers::question_set_id(&self.dynamic_questions),
            dynamic_answers: stored(&self.dynamic_answers, "dynamic_answers")?,
            blueprint_json: stored_json(&self.blueprint_json, "blueprint_json")?,
            blueprint_markdown: self.blueprint_markdown.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
        })
    }
}

const COLUMNS: &str = "id, title, status, version, static_answers, dynamic_questions, dynamic_answers, blueprint_json, blueprint_markdown, created_at, updated_at";

pub async fn create(env: &Env, scope: &Scope, id: &BlueprintId, title: &str, now: Timestamp) -> Result<Blueprint, AppError> {
    let db = database(env)?;
    let now = now.to_iso8601();
    first(
        statement(
            &db,
            &format!("INSERT INTO blueprint_generator (id, user_id, tenant_id, title, created_at, updated_at) VALUES (?1, ?2, ?5, ?3, ?4, ?4) RETURNING {COLUMNS}"),
            &[text(id.as_str()), text(scope.user.as_str()), text(title), text(&now), text(scope.tenant.as_str())],
        )?,
        "blueprints.create",
    )
    .await?
    .ok_or_else(AppError::internal)
}

/// The owner's blueprint; `None` when it is missing or someone else's (the same thing).
pub async fn find(env: &Env, scope: &Scope, id: &BlueprintId) -> Result<Option<Blueprint>, AppError> {
    let db = database(env)?;
    first(
        statement(&db, &format!("SELECT {COLUMNS} FROM blueprint_generator WHERE id = ?1 AND user_id = ?2 AND tenant_id = ?3"), &[text(id.as_str()), text(scope.user.as_str()), text(scope.tenant.as_str())])?,
        "blueprints.get",
    )
    .await
}

/// The owner's blueprint, or 404.
pub async fn get(env: &Env, scope: &Scope, id: &BlueprintId) -> Result<Blueprint, AppError> {
    find(env, scope, id).await?.ok_or_else(|| AppError::not_found("Blueprint"))
}

/// Renames the owner's blueprint; `None` when it is missing or someone else's.
pub async fn rename(env: &Env, scope: &Scope, id: &BlueprintId, title: &str) -> Result<Option<Blueprint>, AppError> {
    let db = database(env)?;
    first(
        statement(
            &db,
            &format!("UPDATE blueprint_generator SET title = ?3 WHERE id = ?1 AND user_id = ?2 AND tenant_id = ?4 RETURNING {COLUMNS}"),
            &[text(id.as_str()), text(scope.user.as_str()), text(title), text(scope.tenant.as_str())],
        )?,
        "blueprints.rename",
    )
    .await
}

/// One page of the owner's blueprints, newest first, and the cursor of the next page.
pub async fn list(env: &Env, scope: &Scope, page: &PageRequest) -> Result<BlueprintPage, AppError> {
    let db = database(env)?;
    let (after_created, after_id) = match &page.after {
        Some(cursor) => (Some(cursor.created_at.as_str()), Some(cursor.id.as_str())),
        None => (None, None),
    };
    let mut rows: Vec<BlueprintSummary> = all(
        statement(
            &db,
            "SELECT id, title, status, version, created_at, updated_at FROM blueprint_generator \
             WHERE tenant_id = ?5 AND user_id = ?1 AND (?2 IS NULL OR (created_at, id) < (?2, ?3)) \
             ORDER BY created_at DESC, id DESC LIMIT ?4",
            &[text(scope.user.as_str()), opt_text(after_created), opt_text(after_id), int(i64::from(page.limit) + 1), text(scope.tenant.as_str())],
        )?,
        "blueprints.list",
    )
    .await?;
    let next = if rows.len() > page.limit as usize {
        rows.truncate(page.limit as usize);
        rows.last().map(|last| Cursor { created_at: last.created_at.clone(), id: last.id.to_string() }.encode())
    } else {
        None
    };
    Ok(BlueprintPage { blueprints: rows, next_cursor: next })
}

pub enum Deleted {
    Yes,
    /// No such blueprint of this owner.
    Missing,
    /// It has a syllabus: courses are built from it, so it is kept (migration 0009's trigger
    /// refuses the delete whatever the caller).
    KeptForSyllabus,
}

/// Deletes the blueprint and, by cascade, everything derived from it, unless a syllabus was
/// made from it.
pub async fn delete(env: &Env, scope: &Scope, id: &BlueprintId) -> Result<Deleted, AppError> {
    let db = database(env)?;
    let owned = [text(id.as_str()), text(scope.user.as_str()), text(scope.tenant.as_str())];
    // RETURNING, not the change count: cascaded deletes are counted too.
    let deleted: Option<Value> = first(
        statement(&db, "DELETE FROM blueprint_generator WHERE id = ?1 AND user_id = ?2 AND tenant_id = ?3 AND NOT EXISTS (SELECT 1 FROM syllabi WHERE blueprint_id = ?1) RETURNING id", &owned)?,
        "blueprints.delete",
    )
    .await?;
    if deleted.is_some() {
        return Ok(Deleted::Yes);
    }
    let kept: Option<Value> = first(statement(&db, "SELECT id FROM blueprint_generator WHERE id = ?1 AND user_id = ?2 AND tenant_id = ?3", &owned)?, "blueprints.delete.kept").await?;
    Ok(if kept.is_some() { Deleted::KeptForSyllabus } else { Deleted::Missing })
}

/// What an autosave answers: the merged answers and when they were saved.
#[derive(Debug, Deserialize)]
pub struct Saved {
    pub answers: String,
    pub updated_at: String,
}

/// Merges `patch` (an RFC 7396 merge patch) into one JSON column in a single statement, so
/// concurrent autosaves of different fields never lose each other's writes. Refused (409)
/// while a generation is running: its inputs are being read.
///
/// `questions_seen` (the dynamic questions the patch was validated against, as stored) makes
/// the write conditional on them being unchanged: answers to replaced questions are refused.
pub async fn merge_answers(env: &Env, scope: &Scope, id: &BlueprintId, column: AnswerColumn, patch: &Value, questions_seen: Option<&str>) -> Result<Saved, AppError> {
    let db = database(env)?;
    let column = column.name();
    let saved: Option<Saved> = first(
        statement(
            &db,
            &format!(
                "UPDATE blueprint_generator SET {column} = json_patch({column}, ?3), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
                 WHERE id = ?1 AND user_id = ?2 AND tenant_id = ?5 AND {editable} AND (?4 IS NULL OR dynamic_questions = ?4) \
                 RETURNING {column} AS answers, updated_at",
                editable = Status::editable_sql_guard()
            ),
            &[text(id.as_str()), text(scope.user.as_str()), text(&patch.to_string()), opt_text(questions_seen), text(scope.tenant.as_str())],
        )?,
        "blueprints.merge_answers",
    )
    .await?;
    match saved {
        Some(saved) => Ok(saved),
        None => {
            // Missing (or not the owner's), busy generating, or questions replaced meanwhile.
            let current = get(env, scope, id).await?;
            Err(current.status.edit_refusal().unwrap_or_else(|| AppError::conflict("The questions changed while you were answering; reload them")))
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum AnswerColumn {
    Static,
    Dynamic,
}

impl AnswerColumn {
    fn name(self) -> &'static str {
        match self {
            AnswerColumn::Static => "static_answers",
            AnswerColumn::Dynamic => "dynamic_answers",
        }
    }
}

/// Stores freshly generated dynamic questions (and every attempt's raw text), clears answers
/// to the previous questions, and puts the blueprint back in `draft`. `false` when the
/// blueprint is missing or its generation is running.
pub async fn save_dynamic_questions(env: &Env, scope: &Scope, id: &BlueprintId, questions: &Value, raw: &Value) -> Result<bool, AppError> {
    let db = database(env)?;
    // RETURNING, not the change count: D1 counts the rows the updated_at trigger touches too.
    let saved: Option<Value> = first(
        statement(
            &db,
            &format!(
                "UPDATE blueprint_generator SET dynamic_questions = ?3, dynamic_questions_raw = ?4, dynamic_answers = '{{}}', status = ?5 \
                 WHERE id = ?1 AND user_id = ?2 AND tenant_id = ?6 AND {} RETURNING id",
                Transition::NewQuestions.sql_guard()
            ),
            &[
                text(id.as_str()),
                text(scope.user.as_str()),
                text(&questions.to_string()),
                text(&raw.to_string()),
                text(Transition::NewQuestions.to().as_str()),
                text(scope.tenant.as_str()),
            ],
        )?,
        "blueprints.save_dynamic_questions",
    )
    .await?;
    Ok(saved.is_some())
}

/// What asking to start a generation came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Started,
    /// Missing, or not the owner's.
    Missing,
    /// Another of the owner's blueprints is generating: one at a time per user.
    Busy,
}

/// Marks the blueprint `generating` (from any other state: a `generating` left by a dead run
/// is taken over), unless another of the owner's blueprints is generating (one at a time per
/// user, so one account cannot hold every model slot). One statement: two starts racing for
/// two blueprints cannot both pass. A `generating` row untouched since `stale_before` is a dead
/// run and does not count.
pub async fn start_generation(env: &Env, scope: &Scope, id: &BlueprintId, stale_before: Timestamp) -> Result<Start, AppError> {
    let db = database(env)?;
    let started: Option<Value> = first(
        statement(
            &db,
            &format!(
                "UPDATE blueprint_generator SET status = ?3 WHERE id = ?1 AND user_id = ?2 AND tenant_id = ?5 AND {} \
                 AND NOT EXISTS (SELECT 1 FROM blueprint_generator other WHERE other.user_id = ?2 AND other.id != ?1 AND other.status = ?3 AND other.updated_at > ?4) \
                 RETURNING id",
                Transition::Start.sql_guard()
            ),
            &[text(id.as_str()), text(scope.user.as_str()), text(Transition::Start.to().as_str()), text(&stale_before.to_iso8601()), text(scope.tenant.as_str())],
        )?,
        "blueprints.start_generation",
    )
    .await?;
    if started.is_some() {
        return Ok(Start::Started);
    }
    Ok(match find(env, scope, id).await? {
        Some(_) => Start::Busy,
        None => Start::Missing,
    })
}

/// What a successful generation leaves behind.
pub struct Completion<'a> {
    pub blueprint_json: &'a Value,
    pub markdown: &'a str,
    pub version_id: &'a str,
    pub provider: &'a str,
    pub model: &'a str,
    pub timings: &'a Value,
    pub quality: &'a Value,
    /// The version's key figures (`domain::blueprint::kpis`), stored beside its review.
    pub kpis: &'a Value,
}

/// In one transaction: the artefacts, status `completed` (the trigger bumps `version`), and the
/// immutable snapshot of that version with its inputs. The status change is guarded by the
/// transition's allowed statuses, and the snapshot is taken only of a version that has none
/// yet, so a completion that lost a race (the run was given up, the draft kept twice) writes
/// nothing. Answers the new version, or `None` when nothing was written.
pub async fn complete_generation(env: &Env, scope: &Scope, id: &BlueprintId, transition: Transition, done: &Completion<'_>) -> Result<Option<i64>, AppError> {
    let db = database(env)?;
    let save = statement(
        &db,
        &format!("UPDATE blueprint_generator SET blueprint_json = ?3, blueprint_markdown = ?4, status = ?5 WHERE id = ?1 AND user_id = ?2 AND tenant_id = ?6 AND {}", transition.sql_guard()),
        &[
            text(id.as_str()),
            text(scope.user.as_str()),
            text(&done.blueprint_json.to_string()),
            text(done.markdown),
            text(transition.to().as_str()),
            text(scope.tenant.as_str()),
        ],
    )?;
    let snapshot = statement(
        &db,
        "INSERT INTO blueprint_versions (id, blueprint_id, user_id, version, static_answers, dynamic_questions, dynamic_answers, blueprint_json, blueprint_markdown, provider, model, timings, quality, kpis) \
         SELECT ?1, g.id, g.user_id, g.version, g.static_answers, g.dynamic_questions, g.dynamic_answers, g.blueprint_json, g.blueprint_markdown, ?4, ?5, ?6, ?7, ?9 \
         FROM blueprint_generator g WHERE g.id = ?2 AND g.user_id = ?3 AND g.tenant_id = ?10 AND g.status = ?8 \
         AND NOT EXISTS (SELECT 1 FROM blueprint_versions v WHERE v.blueprint_id = g.id AND v.version = g.version)",
        &[
            text(done.version_id),
            text(id.as_str()),
            text(scope.user.as_str()),
            text(done.provider),
            text(done.model),
            text(&done.timings.to_string()),
            text(&done.quality.to_string()),
            text(transition.to().as_str()),
            text(&done.kpis.to_string()),
            text(scope.tenant.as_str()),
        ],
    )?;
    super::batch(&db, vec![save, snapshot], "blueprints.complete_generation").await?;
    let saved: Option<Value> = first(statement(&db, "SELECT version FROM blueprint_versions WHERE id = ?1", &[text(done.version_id)])?, "blueprints.saved_version").await?;
    Ok(saved.and_then(|row| row["version"].as_i64()))
}

pub async fn fail_generation(env: &Env, scope: &Scope, id: &BlueprintId) -> Result<(), AppError> {
    let db = database(env)?;
    run(
        statement(
            &db,
            &format!("UPDATE blueprint_generator SET status = ?3 WHERE id = ?1 AND user_id = ?2 AND tenant_id = ?4 AND {}", Transition::Fail.sql_guard()),
            &[text(id.as_str()), text(scope.user.as_str()), text(Transition::Fail.to().as_str()), text(scope.tenant.as_str())],
        )?,
        "blueprints.fail_generation",
    )
    .await?;
    Ok(())
}

/// The owner's versions of a blueprint, newest first, with module and objective counts.
pub async fn versions(env: &Env, scope: &Scope, id: &BlueprintId) -> Result<Vec<VersionSummary>, AppError> {
    let db = database(env)?;
    let versions: Vec<VersionSummary> = all(
        statement(
            &db,
            "SELECT version, created_at, provider, model, \
             COALESCE(json_array_length(blueprint_json, '$.modules'), 0) AS modules, \
             COALESCE(json_array_length(blueprint_json, '$.learningObjectives'), 0) AS objectives \
             FROM blueprint_versions WHERE blueprint_id = ?1 AND user_id = ?2 ORDER BY version DESC",
            &[text(id.as_str()), text(scope.user.as_str())],
        )?,
        "blueprints.versions",
    )
    .await?;
    Ok(versions.into_iter().map(|version| VersionSummary { source: Source::of_provider(&version.provider), ..version }).collect())
}

#[derive(Debug, Deserialize)]
pub struct VersionRow {
    pub version: VersionNumber,
    pub static_answers: String,
    pub dynamic_questions: String,
    pub dynamic_answers: String,
    pub blueprint_json: String,
    pub blueprint_markdown: String,
    pub provider: String,
    pub model: String,
    pub timings: String,
    pub quality: String,
    pub created_at: String,
}

impl VersionRow {
    pub fn to_snapshot(&self, blueprint_id: &BlueprintId) -> Result<VersionSnapshot, AppError> {
        Ok(VersionSnapshot {
            blueprint_id: blueprint_id.clone(),
            version: self.version,
            status: Status::Completed,
            static_answers: stored(&self.static_answers, "static_answers")?,
            dynamic_questions: stored(&self.dynamic_questions, "dynamic_questions")?,
            dynamic_answers: stored(&self.dynamic_answers, "dynamic_answers")?,
            blueprint_json: stored(&self.blueprint_json, "blueprint_json")?,
            blueprint_markdown: self.blueprint_markdown.clone(),
            provider: self.provider.clone(),
            model: self.model.clone(),
            source: Source::of_provider(&self.provider),
            timings: stored_json(&self.timings, "timings")?,
            // A version saved before reviews were stored has none (or an older shape).
            quality: serde_json::from_str(&self.quality).ok(),
            created_at: self.created_at.clone(),
        })
    }
}

/// What the dashboard shows of each version, oldest first: the figures stored when it was
/// saved. A version saved before the figures were stored also brings its document and answers
/// (`legacy_*`) so they can be computed; no other row carries its document.
#[derive(Debug, Deserialize)]
pub struct VersionFigures {
    pub version: VersionNumber,
    pub created_at: String,
    pub provider: String,
    pub kpis: Option<String>,
    pub score: Option<i64>,
    pub legacy_document: Option<String>,
    pub legacy_answers: Option<String>,
}

pub async fn version_figures(env: &Env, scope: &Scope, id: &BlueprintId) -> Result<Vec<VersionFigures>, AppError> {
    let db = database(env)?;
    all(
        statement(
            &db,
            "SELECT version, created_at, provider, kpis, json_extract(quality, '$.score') AS score, \
             CASE WHEN kpis IS NULL OR json_extract(quality, '$.score') IS NULL THEN blueprint_json END AS legacy_document, \
             CASE WHEN kpis IS NULL OR json_extract(quality, '$.score') IS NULL THEN static_answers END AS legacy_answers \
             FROM blueprint_versions WHERE blueprint_id = ?1 AND user_id = ?2 ORDER BY version",
            &[text(id.as_str()), text(scope.user.as_str())],
        )?,
        "blueprints.version_figures",
    )
    .await
}

pub async fn version(env: &Env, scope: &Scope, id: &BlueprintId, version: VersionNumber) -> Result<VersionRow, AppError> {
    let db = database(env)?;
    first(
        statement(
            &db,
            "SELECT version, static_answers, dynamic_questions, dynamic_answers, blueprint_json, blueprint_markdown, provider, model, timings, quality, created_at \
             FROM blueprint_versions WHERE blueprint_id = ?1 AND user_id = ?2 AND version = ?3",
            &[text(id.as_str()), text(scope.user.as_str()), int(version.get())],
        )?,
        "blueprints.version",
    )
    .await?
    .ok_or_else(|| AppError::not_found("Version"))
}

/// Moves generations that have not progressed since `cutoff` to `error`, so their owners can
/// start again. Answers how many were recovered.
pub async fn fail_stale_generations(env: &Env, cutoff: Timestamp) -> Result<usize, AppError> {
    let db = database(env)?;
    run(
        statement(
            &db,
            &format!("UPDATE blueprint_generator SET status = ?2 WHERE {} AND updated_at < ?1", Transition::GiveUp.sql_guard()),
            &[text(&cutoff.to_iso8601()), text(Transition::GiveUp.to().as_str())],
        )?,
        "blueprints.fail_stale",
    )
    .await
}
