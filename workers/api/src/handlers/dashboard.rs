//! The dashboard's data: the key figures and quality review of every completed version, and the
//! comparison of two versions. Figures and reviews are computed (in `domain`) once, when a version
//! is saved, and read here as stored: a request loads the small figures of every version and the
//! one document it shows, never every document. Versions saved before the figures were stored
//! have theirs computed when read.

use crate::router::{Access, Call, Route};
use domain::platform::auth::Session;
use domain::contracts::blueprints::{self as contracts, CompareAnswer, Dashboard, LatestVersion};
use domain::platform::ids::{BlueprintId, PathParam, VersionNumber};
use domain::blueprint::document::read_stored;
use domain::blueprint::generation::Source;
use domain::blueprint::kpis::{self, Kpis};
use domain::blueprint::quality::{self, QualityReview};
use domain::blueprint::static_answers::{self, StaticAnswers};
use domain::blueprint::compare;
use domain::{AppError, FieldError};
use edge::db::blueprints::{self, VersionFigures};
use edge::{rate_limit, respond};
use serde_json::Value;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Get, "/api/blueprints/:id/dashboard", Access::Session(|call, session| Box::pin(dashboard(call, session)))),
    Route::new(Method::Get, "/api/blueprints/:id/compare", Access::Session(|call, session| Box::pin(compare(call, session)))),
];

#[derive(Clone)]
struct Figures {
    number: VersionNumber,
    created_at: String,
    source: Source,
    kpis: Kpis,
    score: u8,
}

fn answers_of(stored: &str) -> Option<StaticAnswers> {
    serde_json::from_str::<Value>(stored).ok().and_then(|v| static_answers::complete(&v).ok())
}

fn figures(row: VersionFigures) -> Result<Figures, AppError> {
    let source = Source::of_provider(&row.provider);
    let stored_kpis = row.kpis.as_deref().and_then(|text| serde_json::from_str::<Kpis>(text).ok());
    let stored_score = row.score.and_then(|score| u8::try_from(score).ok());
    let (kpis, score) = match (stored_kpis, stored_score) {
        (Some(kpis), Some(score)) => (kpis, score),
        (kpis, score) => {
            let document = row.legacy_document.as_deref().ok_or_else(|| AppError::internal().caused_by("dashboard.figures", "no figures and no document"))?;
            let blueprint = read_stored(document)?;
            let answers = row.legacy_answers.as_deref().and_then(answers_of);
            (kpis.unwrap_or_else(|| kpis::kpis(&blueprint)), score.unwrap_or_else(|| quality::review(&blueprint, answers.as_ref()).score))
        }
    };
    Ok(Figures { number: row.version, created_at: row.created_at, source, kpis, score })
}

/// `GET /api/blueprints/:id/dashboard`.
async fn dashboard(call: Call, session: Session) -> Result<Response, AppError> {
    let (env, scope) = (&call.env, &session.scope);
    let id: BlueprintId = call.param("id")?;
    blueprints::get(env, scope, &id).await?;
    rate_limit::hit(env, &call.req, "dashboard", &scope.user, call.settings.dashboard_rule).await?;
    let versions: Vec<Figures> = blueprints::version_figures(env, scope, &id).await?.into_iter().map(figures).collect::<Result<_, _>>()?;
    let Some(latest) = versions.last().cloned() else {
        return Err(AppError::conflict("This blueprint has no completed version yet"));
    };
    // The latest version's review as stored with it (reviewed again only if it predates that).
    let row = blueprints::version(env, scope, &id, latest.number).await?;
    let review = match serde_json::from_str::<QualityReview>(&row.quality) {
        Ok(review) => review,
        Err(_) => quality::review(&read_stored(&row.blueprint_json)?, answers_of(&row.static_answers).as_ref()),
    };
    let latest = LatestVersion { version: latest.number, created_at: latest.created_at, source: latest.source, kpis: latest.kpis, quality: review };
    let versions = versions
        .into_iter()
        .map(|v| contracts::VersionFigures { version: v.number, created_at: v.created_at, source: v.source, kpis: v.kpis, quality_score: v.score })
        .collect();
    respond::json(200, &Dashboard { blueprint_id: id, latest, versions })
}

/// `GET /api/blueprints/:id/compare?a=1&b=2`: reads only the two versions compared.
async fn compare(call: Call, session: Session) -> Result<Response, AppError> {
    let (env, scope) = (&call.env, &session.scope);
    let id: BlueprintId = call.param("id")?;
    let query = call.query()?;
    let number = |name: &str| -> Result<VersionNumber, FieldError> {
        query
            .iter()
            .find(|(key, _)| key == name)
            .and_then(|(_, value)| VersionNumber::from_path(value).ok())
            .ok_or_else(|| FieldError::new(name, "must be a version number from 1"))
    };
    let (a, b) = match (number("a"), number("b")) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => return Err(AppError::invalid_fields([a.err(), b.err()].into_iter().flatten().collect())),
    };
    blueprints::get(env, scope, &id).await?;
    rate_limit::hit(env, &call.req, "dashboard", &scope.user, call.settings.dashboard_rule).await?;
    let first = read_stored(&blueprints::version(env, scope, &id, a).await?.blueprint_json)?;
    let second = read_stored(&blueprints::version(env, scope, &id, b).await?.blueprint_json)?;
    respond::json(200, &CompareAnswer { a, b, comparison: compare::compare(&first, &second) })
}
