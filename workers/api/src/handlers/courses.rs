//! Courses (issue 13, seed 002 phases 7.6 and 8): publishing an approved syllabus with the
//! approved version of every slot as a numbered, immutable package — the row in D1, the frozen
//! JSON in R2 under a content-addressed key written once — and the read-only authoring views of
//! its versions. No model is involved; an unchanged course publishes no new version. The only
//! change a package ever sees is archiving (tenant admins); every other write is refused by the
//! router (405) and by D1 triggers.

use crate::router::{Access, Call, Route};
use domain::contracts::courses::{CourseList, CourseVersions, Published};
use domain::curriculum::review::{visible_to, SyllabusStatus};
use domain::curriculum::syllabus::canonical_sha256;
use domain::delivery::package::{assemble, freeze, storage_key, totals};
use domain::platform::auth::Scope;
use domain::platform::ids::{SyllabusId, VersionNumber};
use domain::AppError;
use edge::db::courses::{self, NewPackage, Package};
use domain::blueprint::document::read_stored;
use edge::db::{audit, blueprints, syllabi};
use edge::session::Member;
use edge::{clock, respond, OrInternal};
use serde_json::json;
use worker::{Headers, HttpMetadata, Method, Response, ResponseBuilder};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Post, "/api/syllabi/:id/publish", Access::Member(|call, member| Box::pin(publish(call, member)))),
    Route::new(Method::Get, "/api/courses", Access::Member(|call, member| Box::pin(list(call, member)))),
    Route::new(Method::Get, "/api/courses/:courseId", Access::Member(|call, member| Box::pin(versions(call, member)))),
    Route::new(Method::Get, "/api/courses/:courseId/:version", Access::Member(|call, member| Box::pin(package(call, member)))),
    Route::new(Method::Post, "/api/courses/:courseId/:version/archive", Access::TenantAdmin(|call, member| Box::pin(archive(call, member)))),
];

const BUCKET: &str = "OUTPUTS";

/// `POST /api/syllabi/:id/publish` (who sees the syllabus): 201 a new version; 200 the latest
/// when the package would be identical to it; 409 (`details.missing`) while a slot has no
/// approved version; 413 past the size guard — nothing written in either case.
async fn publish(call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let id: SyllabusId = call.param("id")?;
    let row = syllabi::find(&call.env, &scope, &id)
        .await?
        .filter(|row| visible_to(scope.role, row.is_authored_by(&scope)))
        .ok_or_else(|| AppError::not_found("Syllabus"))?;
    if row.status()? != SyllabusStatus::Approved {
        return Err(AppError::conflict("Only an approved syllabus is published"));
    }
    let syllabus = row.syllabus()?;
    // What the course is about, for its catalogue entry: the blueprint's overview (the blueprint
    // is its author's, who made the syllabus from it).
    let owner = Scope::on_behalf_of(scope.tenant.clone(), row.author_id.clone());
    let summary = read_stored(&blueprints::version(&call.env, &owner, &row.blueprint_id, row.version).await?.blueprint_json)?.overview;
    let approved = courses::approved_items(&call.env, &scope, &id).await?;
    let package = assemble(id.as_str(), &syllabus, &canonical_sha256(&syllabus), &summary, &approved)?;
    let (bytes, sha256) = freeze(&package)?;
    if let Some(latest) = courses::latest(&call.env, &scope, &id).await?.filter(|latest| latest.sha256 == sha256) {
        return respond::json(200, &published(&latest));
    }
    let (lessons, minutes) = totals(&package);
    let key = storage_key(scope.tenant.as_str(), id.as_str(), &sha256);
    let new = NewPackage { course: &id, title: &package.title, summary: &package.summary, lessons: lessons as i64, minutes: i64::from(minutes), sha256: &sha256, bytes: bytes.len() as i64, r2_key: &key, published_by: &scope.user };
    // The bytes first: a row never names an object that is not there. Write-once: a key already
    // present holds these very bytes (it is their hash).
    let bucket = call.env.bucket(BUCKET).or_internal("r2.binding")?;
    if bucket.head(&key).await.or_internal("r2.head")?.is_none() {
        let metadata = HttpMetadata { content_type: Some("application/json".to_string()), ..HttpMetadata::default() };
        bucket.put(&key, bytes.clone()).http_metadata(metadata).execute().await.or_internal("r2.put")?;
    }
    let saved = courses::insert(&call.env, &scope, &new, clock::now()).await?;
    record(&call, &scope, "COURSE_PACKAGE_PUBLISHED", &saved, json!({ "sha256": sha256, "bytes": bytes.len() })).await;
    respond::json(201, &published(&saved))
}

fn published(package: &Package) -> Published {
    Published { course_id: package.course_id.clone(), version: package.version, sha256: package.sha256.clone(), bytes: package.bytes }
}

async fn list(call: Call, member: Member) -> Result<Response, AppError> {
    respond::json(200, &CourseList { courses: courses::list(&call.env, member.scope()).await? })
}

/// Every version of a course the caller sees (404 for one they do not, or that has none).
async fn versions_of(call: &Call, scope: &Scope) -> Result<(SyllabusId, Vec<Package>), AppError> {
    let id: SyllabusId = call.param("courseId")?;
    let versions = courses::versions(&call.env, scope, &id).await?;
    if versions.is_empty() {
        return Err(AppError::not_found("Course"));
    }
    Ok((id, versions))
}

async fn versions(call: Call, member: Member) -> Result<Response, AppError> {
    let (id, versions) = versions_of(&call, member.scope()).await?;
    let title = versions.first().map(|latest| latest.title.clone()).unwrap_or_default();
    respond::json(200, &CourseVersions { course_id: id, title, versions: versions.iter().map(Package::summary).collect() })
}

/// The frozen package, byte for byte as published.
async fn package(call: Call, member: Member) -> Result<Response, AppError> {
    let version: VersionNumber = call.param("version")?;
    let (_, versions) = versions_of(&call, member.scope()).await?;
    let package = versions.into_iter().find(|package| package.version == version.get()).ok_or_else(|| AppError::not_found("Course version"))?;
    let bucket = call.env.bucket(BUCKET).or_internal("r2.binding")?;
    let object = bucket.get(&package.r2_key).execute().await.or_internal("r2.get")?.ok_or_else(|| AppError::internal().caused_by("courses.package", "object missing"))?;
    let bytes = object.body().ok_or_else(|| AppError::internal().caused_by("courses.package", "no body"))?.bytes().await.or_internal("r2.read")?;
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json; charset=utf-8");
    let _ = headers.set("cache-control", "private, no-store");
    let _ = headers.set("x-content-sha256", &package.sha256);
    Ok(ResponseBuilder::new().with_status(200).with_headers(headers).fixed(bytes))
}

/// `POST /api/courses/:courseId/:version/archive` (tenant admins): never served to learners
/// again; 409 when it is archived already.
async fn archive(call: Call, member: Member) -> Result<Response, AppError> {
    let scope = member.scope().clone();
    let version: VersionNumber = call.param("version")?;
    let (id, versions) = versions_of(&call, &scope).await?;
    let found = versions.into_iter().find(|package| package.version == version.get()).ok_or_else(|| AppError::not_found("Course version"))?;
    found.status.check_archive()?;
    let archived = courses::archive(&call.env, &scope, &id, version.get()).await?.ok_or_else(|| AppError::conflict("This course version is archived already"))?;
    record(&call, &scope, "COURSE_PACKAGE_ARCHIVED", &archived, json!({})).await;
    respond::json(200, &archived.summary())
}

async fn record(call: &Call, scope: &Scope, action: &str, package: &Package, metadata: serde_json::Value) {
    let entity = format!("{}@{}", package.course_id.as_str(), package.version);
    let entry = audit::Entry::by(scope, &call.context.request_id, action, "course_package", Some(&entity)).with_metadata(metadata);
    audit::record(&call.env, entry, clock::now()).await;
}
