//! Exports to R2: build once per version and format under a write-once key, reuse afterwards,
//! download with the right type and file name. Owner-only; every export and download audited.

use crate::router::{Access, Call, Route};
use domain::platform::auth::{Scope, Session};
use domain::platform::ids::{BlueprintId, ExportId, VersionNumber};
use domain::contracts::blueprints::ExportAnswer;
use domain::blueprint::document::read_stored;
use domain::blueprint::markdown::render_markdown;
use domain::blueprint::generation::Source;
use domain::blueprint::exports::{self, content_disposition, filename, object_key, sha256_hex, ExportFormat, PageSize, COSTLY_BUILDS};
use render::pdf;
use render::scorm::{self, PackageMeta};
use domain::{AppError, ErrorKind, Timestamp};
use edge::db::{audit, blueprints, exports as export_rows};
use edge::{clock, random, rate_limit, respond, OrInternal, RequestContext};
use serde_json::{json, Value};
use worker::{Env, Headers, HttpMetadata, Method, Response, ResponseBuilder};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Post, "/api/blueprints/:id/exports", Access::Session(|call, session| Box::pin(create(call, session)))),
    Route::new(Method::Get, "/api/exports/:id/download", Access::Session(|call, session| Box::pin(download(call, session)))),
];

const BUCKET: &str = "OUTPUTS";

async fn create(mut call: Call, session: Session) -> Result<Response, AppError> {
    let id: BlueprintId = call.param("id")?;
    let raw = call.body(4 * 1024).await?;
    let (env, scope, context) = (&call.env, &session.scope, &call.context);
    let request = exports::parse_request(&raw)?;
    let blueprint = blueprints::get(env, scope, &id).await?;
    let version = exports::resolve_version(request.version, blueprint.version)?;
    let snapshot = blueprints::version(env, scope, &id, VersionNumber::new(version).ok_or_else(|| AppError::not_found("Version"))?).await?;
    exports::check_size(snapshot.blueprint_json.len())?;
    if let Some(existing) = export_rows::find(env, scope, &id, version, request.format.as_str(), request.variant()).await? {
        return answer(env, scope, context, existing, Source::of_provider(&snapshot.provider), true).await;
    }
    if request.format.is_costly() {
        rate_limit::hit(env, &call.req, &format!("export_build:{}", id.as_str()), &scope.user, COSTLY_BUILDS).await?;
    }
    let document: Value = serde_json::from_str(&snapshot.blueprint_json).or_internal("export.json")?;
    let created = Timestamp::parse_iso8601(&snapshot.created_at).unwrap_or_else(clock::now);
    let content = match request.format {
        // Rendered afresh (deterministic), so a version stored before today's escaping rules
        // exports without raw HTML or links in its text.
        ExportFormat::Markdown => render_markdown(&read_stored(&snapshot.blueprint_json)?).into_bytes(),
        ExportFormat::Json => {
            let mut pretty = serde_json::to_vec_pretty(&document).or_internal("export.json")?;
            pretty.push(b'\n');
            pretty
        }
        ExportFormat::Pdf | ExportFormat::Scorm => {
            let course = read_stored(&snapshot.blueprint_json)?;
            if request.format == ExportFormat::Pdf {
                let label = format!("Version {version} · {}", created.date());
                // Text beyond Western European needs the embedded fonts; most PDFs do not.
                let fonts = if pdf::needs_embedded_fonts(&course, &label) { Some(super::assets::pdf_fonts(env).await?) } else { None };
                let pair = fonts.as_ref().map(|(regular, bold)| pdf::TrueTypePair { regular, bold });
                pdf::render_with(&course, request.page_size.unwrap_or(PageSize::A4), &label, pair)
            } else {
                let identifier = format!("bp-{}-v{version}", id.as_str());
                scorm::package(&course, &PackageMeta { identifier: &identifier, title: &course.title, version })
                    .map_err(|why| AppError::new(ErrorKind::Unprocessable, format!("This blueprint cannot be packaged: {why}")))?
            }
        }
    };
    let key = object_key(id.as_str(), version, request.format, request.variant());
    let bucket = env.bucket(BUCKET).or_internal("r2.binding")?;
    // Write-once: an object already under this key (same version, same deterministic bytes) is
    // never overwritten.
    if bucket.head(&key).await.or_internal("r2.head")?.is_none() {
        let metadata = HttpMetadata { content_type: Some(request.format.content_type().to_string()), ..HttpMetadata::default() };
        bucket.put(&key, content.clone()).http_metadata(metadata).execute().await.or_internal("r2.put")?;
    }
    // The course's own title names the file; the blueprint's working title if it has none.
    let course_title = document["title"].as_str().map(str::to_string);
    let title = course_title.unwrap_or_else(|| blueprint.title.clone());
    let row = export_rows::Export {
        id: random::id(ExportId::from_random),
        blueprint_id: id.clone(),
        version,
        format: request.format.as_str().to_string(),
        variant: request.variant().to_string(),
        r2_key: key,
        filename: filename(&title, version, created, request.format),
        content_type: request.format.content_type().to_string(),
        bytes: content.len() as i64,
        sha256: sha256_hex(&content),
    };
    let saved = export_rows::record(env, scope, &row).await?;
    answer(env, scope, context, saved, Source::of_provider(&snapshot.provider), false).await
}

/// `source` says whether the exported version came from a model or is a kept curated draft.
async fn answer(env: &Env, scope: &Scope, context: &RequestContext, export: export_rows::Export, source: Source, reused: bool) -> Result<Response, AppError> {
    let metadata = json!({ "format": export.format, "version": export.version, "source": source, "reused": reused });
    let entry = audit::Entry::by(scope, &context.request_id, "export.create", "export", Some(export.id.as_str())).with_metadata(metadata);
    audit::record(env, entry, clock::now()).await;
    let version = VersionNumber::new(export.version).ok_or_else(AppError::internal)?;
    let download_url = format!("/api/exports/{}/download", export.id);
    let answer = ExportAnswer {
        export_id: export.id,
        format: export.format,
        version,
        source,
        filename: export.filename,
        bytes: export.bytes,
        sha256: export.sha256,
        download_url,
    };
    respond::json(201, &answer)
}

/// Removes every export file of a blueprint from R2 (after the blueprint itself was deleted).
pub async fn delete_files(env: &Env, blueprint_id: &BlueprintId) -> Result<usize, AppError> {
    let bucket = env.bucket(BUCKET).or_internal("r2.binding")?;
    let prefix = exports::blueprint_prefix(blueprint_id.as_str());
    let mut deleted = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut listing = bucket.list().prefix(prefix.clone());
        if let Some(cursor) = cursor.take() {
            listing = listing.cursor(cursor);
        }
        let page = listing.execute().await.or_internal("r2.list")?;
        for object in page.objects() {
            bucket.delete(object.key()).await.or_internal("r2.delete")?;
            deleted += 1;
        }
        match page.cursor() {
            Some(next) if page.truncated() => cursor = Some(next),
            _ => return Ok(deleted),
        }
    }
}

async fn download(call: Call, session: Session) -> Result<Response, AppError> {
    let (env, scope, context) = (&call.env, &session.scope, &call.context);
    let export = export_rows::get(env, scope, &call.param("id")?).await?;
    let bucket = env.bucket(BUCKET).or_internal("r2.binding")?;
    let object = bucket.get(&export.r2_key).execute().await.or_internal("r2.get")?.ok_or_else(|| AppError::not_found("Export"))?;
    let body = object.body().ok_or_else(|| AppError::not_found("Export"))?;
    let bytes = body.bytes().await.or_internal("r2.read")?;
    let entry = audit::Entry::by(scope, &context.request_id, "export.download", "export", Some(export.id.as_str()));
    audit::record(env, entry, clock::now()).await;
    let headers = Headers::new();
    let _ = headers.set("content-type", &export.content_type);
    let _ = headers.set("content-disposition", &content_disposition(&export.filename));
    let _ = headers.set("cache-control", "private, no-store");
    let _ = headers.set("x-content-sha256", &export.sha256);
    Ok(ResponseBuilder::new().with_status(200).with_headers(headers).fixed(bytes))
}
