//! Enrollments, lesson progress and quiz attempts (issue 13): the learner's own rows, always
//! read and written through the caller's scope (tenant and user from the session, never from a
//! body). Progress is keyed by the lesson's slot and its content's hash; attempts are kept as
//! made (a trigger refuses updates).

use super::{all, database, first, int, statement, text};
use domain::contracts::learn::QuizProgress;
use domain::platform::auth::Scope;
use domain::platform::ids::SyllabusId;
use domain::{AppError, Timestamp};
use serde::Deserialize;
use worker::Env;

#[derive(Debug, Clone, Deserialize)]
pub struct Enrollment {
    pub id: String,
    pub course_id: SyllabusId,
    pub version: i64,
    pub created_at: String,
    pub completed_at: Option<String>,
}

const COLUMNS: &str = "id, course_id, version, created_at, completed_at";

/// The caller's enrollment in a course, if any.
pub async fn find(env: &Env, scope: &Scope, course: &SyllabusId) -> Result<Option<Enrollment>, AppError> {
    let db = database(env)?;
    first(
        statement(&db, &format!("SELECT {COLUMNS} FROM enrollments WHERE user_id = ?1 AND course_id = ?2 AND tenant_id = ?3"), &[text(scope.user.as_str()), text(course.as_str()), text(scope.tenant.as_str())])?,
        "learning.find",
    )
    .await
}

/// The courses the caller is enrolled in.
pub async fn enrolled_courses(env: &Env, scope: &Scope) -> Result<Vec<SyllabusId>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        course_id: SyllabusId,
    }
    let db = database(env)?;
    let rows: Vec<Row> = all(statement(&db, "SELECT course_id FROM enrollments WHERE user_id = ?1 AND tenant_id = ?2", &[text(scope.user.as_str()), text(scope.tenant.as_str())])?, "learning.enrolled").await?;
    Ok(rows.into_iter().map(|row| row.course_id).collect())
}

/// Enrolls the caller in `version` of the course, once: `(enrollment, true)` when it was made
/// now, the existing one otherwise.
pub async fn enroll(env: &Env, scope: &Scope, course: &SyllabusId, version: i64, now: Timestamp) -> Result<(Enrollment, bool), AppError> {
    let db = database(env)?;
    let made: Option<Enrollment> = first(
        statement(
            &db,
            &format!("INSERT INTO enrollments (id, tenant_id, user_id, course_id, version, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(user_id, course_id) DO NOTHING RETURNING {COLUMNS}"),
            &[text(&crate::random::uuid_v4()), text(scope.tenant.as_str()), text(scope.user.as_str()), text(course.as_str()), int(version), text(&now.to_iso8601())],
        )?,
        "learning.enroll",
    )
    .await?;
    match made {
        Some(enrollment) => Ok((enrollment, true)),
        None => Ok((find(env, scope, course).await?.ok_or_else(|| AppError::internal().caused_by("learning.enroll", "conflict without a row"))?, false)),
    }
}

/// Marks a lesson completed (or not); the first completion's time is kept.
pub async fn set_lesson(env: &Env, enrollment: &Enrollment, slot: &str, content_sha256: &str, completed: bool, now: Timestamp) -> Result<(), AppError> {
    let db = database(env)?;
    let at = now.to_iso8601();
    super::run(
        statement(
            &db,
            "INSERT INTO lesson_progress (enrollment_id, slot, content_sha256, completed, completed_at, updated_at) VALUES (?1, ?2, ?3, ?4, CASE WHEN ?4 = 1 THEN ?5 END, ?5) \
             ON CONFLICT(enrollment_id, slot) DO UPDATE SET completed = excluded.completed, content_sha256 = excluded.content_sha256, updated_at = excluded.updated_at, \
             completed_at = CASE WHEN excluded.completed = 1 THEN COALESCE(lesson_progress.completed_at, excluded.completed_at) END",
            &[text(&enrollment.id), text(slot), text(content_sha256), int(i64::from(completed)), text(&at)],
        )?,
        "learning.set_lesson",
    )
    .await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct LessonRow {
    pub slot: String,
    pub completed: i64,
    pub completed_at: Option<String>,
}

pub async fn lessons(env: &Env, enrollment: &Enrollment) -> Result<Vec<LessonRow>, AppError> {
    let db = database(env)?;
    all(statement(&db, "SELECT slot, completed, completed_at FROM lesson_progress WHERE enrollment_id = ?1", &[text(&enrollment.id)])?, "learning.lessons").await
}

/// Each quiz's best score, whether any attempt passed, and how many attempts.
pub async fn quizzes(env: &Env, enrollment: &Enrollment) -> Result<Vec<QuizProgress>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        slot: String,
        best: i64,
        passed: i64,
        attempts: i64,
    }
    let db = database(env)?;
    let rows: Vec<Row> = all(
        statement(&db, "SELECT slot, MAX(score) AS best, MAX(passed) AS passed, COUNT(*) AS attempts FROM quiz_attempts WHERE enrollment_id = ?1 GROUP BY slot", &[text(&enrollment.id)])?,
        "learning.quizzes",
    )
    .await?;
    Ok(rows.into_iter().map(|row| QuizProgress { slot: row.slot, best_score: u32::try_from(row.best).ok(), passed: row.passed == 1, attempts: u32::try_from(row.attempts).unwrap_or(0) }).collect())
}

pub struct Attempt<'a> {
    pub slot: &'a str,
    pub content_sha256: &'a str,
    pub answers: &'a [u8],
    pub score: u32,
    pub passed: bool,
}

pub async fn record_attempt(env: &Env, enrollment: &Enrollment, attempt: &Attempt<'_>, now: Timestamp) -> Result<(), AppError> {
    let db = database(env)?;
    let answers = serde_json::to_string(attempt.answers).map_err(|e| AppError::internal().caused_by("learning.answers", e))?;
    super::run(
        statement(
            &db,
            "INSERT INTO quiz_attempts (id, enrollment_id, slot, content_sha256, answers, score, passed, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            &[text(&crate::random::uuid_v4()), text(&enrollment.id), text(attempt.slot), text(attempt.content_sha256), text(&answers), int(i64::from(attempt.score)), int(i64::from(attempt.passed)), text(&now.to_iso8601())],
        )?,
        "learning.record_attempt",
    )
    .await?;
    Ok(())
}

/// Records the course's completion once; answers the time it completed, and whether it was
/// this call that recorded it.
pub async fn complete(env: &Env, enrollment: &Enrollment, now: Timestamp) -> Result<(Option<String>, bool), AppError> {
    let db = database(env)?;
    let changed = super::run(statement(&db, "UPDATE enrollments SET completed_at = ?2 WHERE id = ?1 AND completed_at IS NULL", &[text(&enrollment.id), text(&now.to_iso8601())])?, "learning.complete").await?;
    #[derive(Deserialize)]
    struct Row {
        completed_at: Option<String>,
    }
    let row: Option<Row> = first(statement(&db, "SELECT completed_at FROM enrollments WHERE id = ?1", &[text(&enrollment.id)])?, "learning.completed_at").await?;
    Ok((row.and_then(|row| row.completed_at), changed > 0))
}
