//! The blueprint generation's server-sent events (`POST /api/generate-blueprint`, and the replay
//! at `GET /api/generate-blueprint/:id/events`): each event's name and its `data`.

use crate::blueprint::document::Blueprint;
use crate::blueprint::quality::QualityReview;
use crate::platform::ids::BlueprintId;
use serde::{Deserialize, Serialize};

/// One event of a generation: its SSE name and its data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", content = "data", rename_all = "lowercase")]
pub enum GenerationEvent {
    Progress(ProgressEvent),
    Warning(WarningEvent),
    Queued(QueuedEvent),
    Error(ErrorEvent),
    Complete(CompleteEvent),
}

impl GenerationEvent {
    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            GenerationEvent::Progress(_) => "progress",
            GenerationEvent::Warning(_) => "warning",
            GenerationEvent::Queued(_) => "queued",
            GenerationEvent::Error(_) => "error",
            GenerationEvent::Complete(_) => "complete",
        }
    }

    /// The SSE `data:` line.
    pub fn data(&self) -> String {
        let data = match self {
            GenerationEvent::Progress(data) => serde_json::to_string(data),
            GenerationEvent::Warning(data) => serde_json::to_string(data),
            GenerationEvent::Queued(data) => serde_json::to_string(data),
            GenerationEvent::Error(data) => serde_json::to_string(data),
            GenerationEvent::Complete(data) => serde_json::to_string(data),
        };
        // Plain structs of strings, numbers and JSON values always serialise.
        data.unwrap_or_else(|_| "{}".to_string())
    }

    pub fn warning(message: impl Into<String>) -> Self {
        GenerationEvent::Warning(WarningEvent { message: message.into() })
    }
}

/// The blueprint so far. A replay sends older progress events as markers (`superseded`, with
/// the module count then) and only the newest with its partial blueprint.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProgressEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional, type = "Partial<Blueprint>"))]
    pub partial_blueprint: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub superseded: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub modules: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct WarningEvent {
    pub message: String,
}

/// Waiting for a model slot: the place in line (1 is next).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct QueuedEvent {
    pub position: u32,
}

/// The generation ended without a saved version.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ErrorEvent {
    pub message: String,
    /// `no_model` (nothing answered) or `unusable_answer`, when every model tier failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub details: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub hint: Option<String>,
    /// The curated draft built from the answers, which `keep-draft` can save.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub blueprint: Option<Blueprint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub markdown: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub can_keep_draft: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub retry_after_secs: Option<u64>,
}

/// The version was saved (or, without `regenerate`, the saved one is answered again).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CompleteEvent {
    #[cfg_attr(feature = "contracts", ts(type = "Blueprint"))]
    pub blueprint: serde_json::Value,
    pub markdown: Option<String>,
    pub saved_blueprint_id: BlueprintId,
    #[cfg_attr(feature = "contracts", ts(type = "number"))]
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub quality: Option<QualityReview>,
}
