//! Blueprints: the record, the list, autosave answers, questions, versions, the dashboard,
//! comparison, exports and the curated draft. The record keeps seed 000's field names.

use crate::blueprint::compare::Comparison;
use crate::blueprint::document::Blueprint;
use crate::blueprint::generation::{Source, Status};
use crate::blueprint::kpis::Kpis;
use crate::blueprint::quality::QualityReview;
use crate::blueprint::questions::DynamicQuestion;
use crate::blueprint::static_answers::Modality;
use crate::platform::ids::{BlueprintId, ExportId, VersionNumber};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Static answers as saved so far: any field may still be missing (the wizard autosaves).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct StaticAnswersDraft {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub goals: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub constraints: Option<ConstraintsDraft>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub languages: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct ConstraintsDraft {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub time: Option<String>,
    /// Absent when never given or cleared (a merge patch's `null` removes the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub budget: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub modality: Option<Modality>,
}

/// One saved dynamic answer: text (or a date), a number (a scale), or the options picked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum AnswerValue {
    Text(String),
    /// Kept as given (`4` stays `4`, not `4.0`).
    Number(serde_json::Number),
    Choices(Vec<String>),
}

/// Dynamic answers by question id; `null` is an answer cleared.
pub type DynamicAnswers = BTreeMap<String, Option<AnswerValue>>;

/// `GET /api/blueprint/:id` (seed 000) and `/api/blueprints/:id`, and what create and rename
/// answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct BlueprintRecord {
    pub id: BlueprintId,
    pub title: String,
    pub status: Status,
    #[cfg_attr(feature = "contracts", ts(type = "number"))]
    pub version: i64,
    pub static_answers: StaticAnswersDraft,
    pub dynamic_questions: Vec<DynamicQuestion>,
    /// Names this set of questions; sent back with answers so that answers to replaced
    /// questions are refused.
    pub dynamic_questions_set: String,
    pub dynamic_answers: DynamicAnswers,
    /// `{}` until a generation completes; the latest completed document after.
    #[cfg_attr(feature = "contracts", ts(type = "Partial<Blueprint> | null"))]
    pub blueprint_json: serde_json::Value,
    pub blueprint_markdown: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One row of `GET /api/blueprints` (decoded straight from D1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct BlueprintSummary {
    pub id: BlueprintId,
    pub title: String,
    pub status: Status,
    #[cfg_attr(feature = "contracts", ts(type = "number"))]
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// `GET /api/blueprints?limit&cursor`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BlueprintPage {
    pub blueprints: Vec<BlueprintSummary>,
    pub next_cursor: Option<String>,
}

/// `PATCH /api/blueprints/:id/static-answers`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct StaticSaveAnswer {
    pub static_answers: StaticAnswersDraft,
    pub complete: bool,
    /// The fields still needed before questions can be generated.
    pub missing: Vec<String>,
    pub updated_at: String,
}

/// `PATCH /api/blueprints/:id/dynamic-answers`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct DynamicSaveAnswer {
    pub dynamic_answers: DynamicAnswers,
    pub progress: Progress,
    /// Required questions still unanswered.
    pub missing: Vec<String>,
    pub complete: bool,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Progress {
    pub answered: u32,
    pub total: u32,
}

/// Where questions came from: a model tier, or the curated set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum QuestionSource {
    Ollama,
    Openrouter,
    Fallback,
}

impl QuestionSource {
    /// The tier a question set came from, as the question hub names it.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "ollama" => Some(QuestionSource::Ollama),
            "openrouter" => Some(QuestionSource::Openrouter),
            "fallback" => Some(QuestionSource::Fallback),
            _ => None,
        }
    }
}

/// `POST /api/generate-dynamic-questions {blueprintId}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QuestionsAnswer {
    pub blueprint_id: BlueprintId,
    pub dynamic_questions: Vec<DynamicQuestion>,
    pub question_set: String,
    pub source: QuestionSource,
    pub cached: bool,
    pub warning: Option<String>,
}

/// `POST /api/generate-questions` (seed 000, stateless).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GeneratedQuestions {
    pub dynamic_questions: Vec<DynamicQuestion>,
    pub cached: bool,
    pub source: QuestionSource,
    pub warning: Option<String>,
}

/// One row of `GET /api/blueprints/:id/versions`, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct VersionSummary {
    pub version: VersionNumber,
    pub created_at: String,
    pub provider: String,
    pub model: String,
    /// `model` or `fallback` (a kept curated draft); derived from `provider`, not stored (a
    /// row has no such column: it decodes as `model` and is then set from `provider`).
    #[serde(default = "model_source")]
    pub source: Source,
    pub modules: u32,
    pub objectives: u32,
}

fn model_source() -> Source {
    Source::Model
}

/// `GET /api/blueprints/:id/versions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct VersionList {
    pub versions: Vec<VersionSummary>,
}

/// `GET /api/blueprints/:id/versions/:version`: the immutable snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct VersionSnapshot {
    pub blueprint_id: BlueprintId,
    pub version: VersionNumber,
    pub status: Status,
    pub static_answers: StaticAnswersDraft,
    pub dynamic_questions: Vec<DynamicQuestion>,
    pub dynamic_answers: DynamicAnswers,
    pub blueprint_json: Blueprint,
    pub blueprint_markdown: String,
    pub provider: String,
    pub model: String,
    pub source: Source,
    /// Milliseconds per attempt, as measured when it was saved.
    pub timings: serde_json::Value,
    /// Versions saved before reviews were stored have none.
    pub quality: Option<QualityReview>,
    pub created_at: String,
}

/// `GET /api/blueprints/:id/dashboard`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub blueprint_id: BlueprintId,
    pub latest: LatestVersion,
    /// Oldest first.
    pub versions: Vec<VersionFigures>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct LatestVersion {
    pub version: VersionNumber,
    pub created_at: String,
    pub source: Source,
    pub kpis: Kpis,
    pub quality: QualityReview,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct VersionFigures {
    pub version: VersionNumber,
    pub created_at: String,
    pub source: Source,
    pub kpis: Kpis,
    #[serde(rename = "qualityScore")]
    pub quality_score: u8,
}

/// `GET /api/blueprints/:id/compare?a&b`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct CompareAnswer {
    pub a: VersionNumber,
    pub b: VersionNumber,
    pub comparison: Comparison,
}

/// `POST /api/blueprints/:id/exports`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExportAnswer {
    pub export_id: ExportId,
    pub format: String,
    pub version: VersionNumber,
    pub source: Source,
    pub filename: String,
    #[cfg_attr(feature = "contracts", ts(type = "number"))]
    pub bytes: i64,
    pub sha256: String,
    pub download_url: String,
}

/// `GET /api/blueprints/:id/draft`: the curated draft, shown, not saved.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct DraftPreview {
    pub blueprint: Blueprint,
    pub markdown: String,
    pub quality: QualityReview,
    pub source: Source,
}

/// `POST /api/blueprints/:id/keep-draft`: the curated draft saved as the next version.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct KeptDraft {
    pub saved_blueprint_id: BlueprintId,
    pub version: VersionNumber,
    pub source: Source,
    pub blueprint: Blueprint,
    pub markdown: String,
    pub quality: QualityReview,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What autosave stored is answered as stored: no `null` added for an absent field, no
    /// `4.0` for a `4`.
    #[test]
    fn saved_answers_round_trip_unchanged() {
        let static_answers = json!({ "audience": "New hires", "constraints": { "time": "4 weeks", "modality": "blended" }, "languages": ["en"] });
        let draft: StaticAnswersDraft = serde_json::from_value(static_answers.clone()).unwrap();
        assert_eq!(serde_json::to_value(&draft).unwrap(), static_answers);
        let dynamic = json!({ "dq_001": "Sales", "dq_002": 4, "dq_003": 2.5, "dq_004": ["a", "b"], "dq_005": null });
        let answers: DynamicAnswers = serde_json::from_value(dynamic.clone()).unwrap();
        assert_eq!(serde_json::to_value(&answers).unwrap(), dynamic);
    }
}
