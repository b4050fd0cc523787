//! The `course_packages` aggregate (issue 13): numbered, immutable versions of a course. Reads
//! are tenant-scoped; whether a caller sees a course is its syllabus's rule (the author, the
//! tenant's reviewers and admins), applied in the `WHERE`. A version number is taken by the
//! insert itself (the next after the highest), and the table's UNIQUE (course, version) settles
//! two publishes racing; the migration's triggers keep rows insert-only but for archiving.

use super::{all, database, first, int, statement, text};
use domain::contracts::courses::{CourseSummary, CourseVersion};
use domain::curriculum::content::ContentKind;
use domain::delivery::package::{ApprovedItem, PackageStatus};
use domain::platform::auth::Scope;
use domain::platform::ids::{SyllabusId, UserId};
use domain::{AppError, Timestamp};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use worker::Env;

/// Every slot's approved version (the newest approved one, should there be several).
pub async fn approved_items(env: &Env, scope: &Scope, syllabus: &SyllabusId) -> Result<BTreeMap<String, ApprovedItem>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        slot: String,
        id: String,
        version: u32,
        sha256: String,
        kind: ContentKind,
        document: String,
    }
    let db = database(env)?;
    let rows: Vec<Row> = all(
        statement(
            &db,
            "SELECT slot, id, version, sha256, kind, document FROM content_items \
             WHERE syllabus_id = ?1 AND tenant_id = ?2 AND status = 'APPROVED' ORDER BY slot, version DESC",
            &[text(syllabus.as_str()), text(scope.tenant.as_str())],
        )?,
        "courses.approved_items",
    )
    .await?;
    let mut items = BTreeMap::new();
    for row in rows {
        if items.contains_key(&row.slot) {
            continue;
        }
        let content: Value = super::stored(&row.document, "content_items.document")?;
        items.insert(row.slot, ApprovedItem { item_id: row.id, version: row.version, sha256: row.sha256, kind: row.kind, content });
    }
    Ok(items)
}

#[derive(Debug, Deserialize)]
pub struct Package {
    pub course_id: SyllabusId,
    pub version: i64,
    pub status: PackageStatus,
    pub title: String,
    pub summary: String,
    pub lessons: i64,
    pub minutes: i64,
    pub sha256: String,
    pub bytes: i64,
    pub r2_key: String,
    pub created_at: String,
}

impl Package {
    pub fn summary(&self) -> CourseVersion {
        CourseVersion { version: self.version, status: self.status, created_at: self.created_at.clone(), sha256: self.sha256.clone(), bytes: self.bytes, lessons: self.lessons, minutes: self.minutes }
    }
}

const COLUMNS: &str = "course_id, version, status, title, summary, lessons, minutes, sha256, bytes, r2_key, created_at";

/// Who sees a course: its syllabus's author, or anyone who reviews; the two values bound at
/// parameters `?{at}` and `?{at + 1}` (see [`visibility`]).
fn visible(at: u8) -> String {
    format!("EXISTS (SELECT 1 FROM syllabi s WHERE s.id = p.course_id AND s.tenant_id = p.tenant_id AND (?{at} = 1 OR s.author_id = ?{}))", at + 1)
}

fn visibility(scope: &Scope) -> [worker::wasm_bindgen::JsValue; 2] {
    [int(i64::from(scope.role.reviews())), text(scope.user.as_str())]
}

/// The newest version of a course (any status), if it has one.
pub async fn latest(env: &Env, scope: &Scope, course: &SyllabusId) -> Result<Option<Package>, AppError> {
    let db = database(env)?;
    first(
        statement(&db, &format!("SELECT {COLUMNS} FROM course_packages WHERE course_id = ?1 AND tenant_id = ?2 ORDER BY version DESC LIMIT 1"), &[text(course.as_str()), text(scope.tenant.as_str())])?,
        "courses.latest",
    )
    .await
}

pub struct NewPackage<'a> {
    pub course: &'a SyllabusId,
    pub title: &'a str,
    pub summary: &'a str,
    pub lessons: i64,
    pub minutes: i64,
    pub sha256: &'a str,
    pub bytes: i64,
    pub r2_key: &'a str,
    pub published_by: &'a UserId,
}

/// Inserts the next version; answers it. Two publishes racing for one number: the loser takes
/// the next (its bytes were stored under a key of its own number).
pub async fn insert(env: &Env, scope: &Scope, new: &NewPackage<'_>, now: Timestamp) -> Result<Package, AppError> {
    let db = database(env)?;
    for _ in 0..3 {
        let next = latest(env, scope, new.course).await?.map_or(1, |package| package.version + 1);
        let inserted: Option<Package> = first(
            statement(
                &db,
                &format!(
                    "INSERT INTO course_packages (id, tenant_id, course_id, version, title, lessons, minutes, sha256, bytes, r2_key, published_by, created_at, summary) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT(course_id, version) DO NOTHING RETURNING {COLUMNS}"
                ),
                &[
                    text(&crate::random::uuid_v4()),
                    text(scope.tenant.as_str()),
                    text(new.course.as_str()),
                    int(next),
                    text(new.title),
                    int(new.lessons),
                    int(new.minutes),
                    text(new.sha256),
                    int(new.bytes),
                    text(new.r2_key),
                    text(new.published_by.as_str()),
                    text(&now.to_iso8601()),
                    text(new.summary),
                ],
            )?,
            "courses.insert",
        )
        .await?;
        if let Some(package) = inserted {
            return Ok(package);
        }
    }
    Err(AppError::conflict("Another publish of this course is under way; try again"))
}

/// The courses the caller sees, with their newest version.
pub async fn list(env: &Env, scope: &Scope) -> Result<Vec<CourseSummary>, AppError> {
    let db = database(env)?;
    let [reviews, user] = visibility(scope);
    let rows: Vec<Package> = all(
        statement(
            &db,
            &format!(
                "SELECT {COLUMNS} FROM course_packages p WHERE p.tenant_id = ?1 AND {visible} \
                 AND p.version = (SELECT MAX(version) FROM course_packages q WHERE q.course_id = p.course_id) ORDER BY p.created_at DESC",
                visible = visible(2)
            ),
            &[text(scope.tenant.as_str()), reviews, user],
        )?,
        "courses.list",
    )
    .await?;
    Ok(rows.into_iter().map(|row| CourseSummary { course_id: row.course_id, title: row.title, latest_version: row.version, status: row.status }).collect())
}

/// Every version of a course the caller sees, newest first (empty: no such course for them).
pub async fn versions(env: &Env, scope: &Scope, course: &SyllabusId) -> Result<Vec<Package>, AppError> {
    let db = database(env)?;
    let [reviews, user] = visibility(scope);
    all(
        statement(&db, &format!("SELECT {COLUMNS} FROM course_packages p WHERE p.tenant_id = ?1 AND p.course_id = ?2 AND {visible} ORDER BY p.version DESC", visible = visible(3)), &[text(scope.tenant.as_str()), text(course.as_str()), reviews, user])?,
        "courses.versions",
    )
    .await
}

/// Archives a published version (tenant admins); `None` when it was not published any more.
pub async fn archive(env: &Env, scope: &Scope, course: &SyllabusId, version: i64) -> Result<Option<Package>, AppError> {
    let db = database(env)?;
    first(
        statement(
            &db,
            &format!("UPDATE course_packages SET status = 'ARCHIVED' WHERE course_id = ?1 AND version = ?2 AND tenant_id = ?3 AND status = 'PUBLISHED' RETURNING {COLUMNS}"),
            &[text(course.as_str()), int(version), text(scope.tenant.as_str())],
        )?,
        "courses.archive",
    )
    .await
}

/// The tenant's published courses, each at its newest published version (what learners are
/// offered; archived versions never are).
pub async fn published(env: &Env, scope: &Scope) -> Result<Vec<Package>, AppError> {
    let db = database(env)?;
    all(
        statement(
            &db,
            &format!(
                "SELECT {COLUMNS} FROM course_packages p WHERE p.tenant_id = ?1 AND p.status = 'PUBLISHED' \
                 AND p.version = (SELECT MAX(version) FROM course_packages q WHERE q.course_id = p.course_id AND q.status = 'PUBLISHED') ORDER BY p.title, p.course_id"
            ),
            &[text(scope.tenant.as_str())],
        )?,
        "courses.published",
    )
    .await
}

/// A published version of a course of the caller's tenant: `version`, or the newest.
pub async fn published_version(env: &Env, scope: &Scope, course: &SyllabusId, version: Option<i64>) -> Result<Option<Package>, AppError> {
    let db = database(env)?;
    first(
        statement(
            &db,
            &format!("SELECT {COLUMNS} FROM course_packages WHERE course_id = ?1 AND tenant_id = ?2 AND status = 'PUBLISHED' AND (?3 = 0 OR version = ?3) ORDER BY version DESC LIMIT 1"),
            &[text(course.as_str()), text(scope.tenant.as_str()), int(version.unwrap_or(0))],
        )?,
        "courses.published_version",
    )
    .await
}
