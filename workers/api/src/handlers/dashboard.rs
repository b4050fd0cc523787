//! The dashboard's data: KPIs and the quality review of every completed version (computed in
//! `domain` from the stored documents), and the comparison of two versions.

use domain::auth::Principal;
use domain::blueprints::BlueprintId;
use domain::course::{read_stored, Blueprint};
use domain::generation::Source;
use domain::static_answers::{self, StaticAnswers};
use domain::{compare, kpis, quality, AppError, FieldError};
use edge::db::blueprints::{self, VersionDocument};
use edge::{respond, OrInternal};
use serde_json::{json, Value};
use worker::{Env, Request, Response};

struct Version {
    number: i64,
    created_at: String,
    source: Source,
    blueprint: Blueprint,
    answers: Option<StaticAnswers>,
}

fn read(document: VersionDocument) -> Result<Version, AppError> {
    let blueprint = read_stored(&document.blueprint_json)?;
    let answers = serde_json::from_str::<Value>(&document.static_answers).ok().and_then(|v| static_answers::complete(&v).ok());
    Ok(Version { number: document.version, created_at: document.created_at, source: Source::of_provider(&document.provider), blueprint, answers })
}

async fn versions(env: &Env, principal: &Principal, id: &BlueprintId) -> Result<Vec<Version>, AppError> {
    blueprints::get(env, &principal.user_id, id).await?;
    blueprints::version_documents(env, &principal.user_id, id).await?.into_iter().map(read).collect()
}

/// `GET /api/blueprints/:id/dashboard`.
pub async fn dashboard(env: &Env, principal: &Principal, id: &str) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    let versions = versions(env, principal, &id).await?;
    let Some(latest) = versions.last() else {
        return Err(AppError::conflict("This blueprint has no completed version yet"));
    };
    let history: Vec<Value> = versions
        .iter()
        .map(|v| json!({ "version": v.number, "created_at": v.created_at, "source": v.source, "kpis": kpis::kpis(&v.blueprint), "qualityScore": quality::review(&v.blueprint, v.answers.as_ref()).score }))
        .collect();
    respond::json(
        200,
        &json!({
            "blueprintId": id.as_str(),
            "latest": {
                "version": latest.number,
                "created_at": latest.created_at,
                "source": latest.source,
                "kpis": kpis::kpis(&latest.blueprint),
                "quality": quality::review(&latest.blueprint, latest.answers.as_ref()),
            },
            "versions": history,
        }),
    )
}

/// `GET /api/blueprints/:id/compare?a=1&b=2`.
pub async fn compare(req: Request, env: &Env, principal: &Principal, id: &str) -> Result<Response, AppError> {
    let id = BlueprintId::parse(id)?;
    let url = req.url().or_internal("url")?;
    let number = |name: &str| -> Result<i64, FieldError> {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .and_then(|(_, value)| value.parse::<i64>().ok())
            .filter(|v| *v >= 1)
            .ok_or_else(|| FieldError::new(name, "must be a version number from 1"))
    };
    let (a, b) = match (number("a"), number("b")) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => return Err(AppError::invalid_fields([a.err(), b.err()].into_iter().flatten().collect())),
    };
    let versions = versions(env, principal, &id).await?;
    let find = |n: i64| versions.iter().find(|v| v.number == n).ok_or_else(|| AppError::not_found("Version"));
    let (first, second) = (find(a)?, find(b)?);
    respond::json(200, &json!({ "a": a, "b": b, "comparison": compare::compare(&first.blueprint, &second.blueprint) }))
}
