//! Syllabi: the record (one syllabus derived from one blueprint version, with its review
//! state), the list, a reviewer's edit and the body of an approval or a rejection.

use crate::blueprint::generation::Source;
use crate::curriculum::content::{ContentKind, Finding};
use crate::curriculum::jobs::{ItemStatus, JobStatus};
use crate::curriculum::review::{ContentStatus, SyllabusStatus};
use crate::curriculum::syllabus::Syllabus;
use crate::platform::ids::{BlueprintId, ContentItemId, GenerationJobId, JobItemId, SyllabusId, UserId, VersionNumber};
use serde::{Deserialize, Serialize};

/// `GET /api/syllabi/:id`, and what generating, editing, submitting, approving and rejecting
/// answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SyllabusRecord {
    pub id: SyllabusId,
    pub blueprint_id: BlueprintId,
    /// The blueprint version the syllabus is derived from.
    pub version: VersionNumber,
    pub status: SyllabusStatus,
    /// `model`, or `fallback` for the curated syllabus (as blueprint versions name theirs).
    pub source: Source,
    /// Why the curated syllabus was used (no model reachable, answers unusable), when it was.
    pub warning: Option<String>,
    pub syllabus: Syllabus,
    pub author_id: UserId,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub submitted_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub approved_by: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub approved_at: Option<String>,
    /// The last reviewer's note (a rejection always has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub note: Option<String>,
    /// The SHA-256 of the approved syllabus's canonical JSON (`syllabus::canonical_sha256`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub sha256: Option<String>,
    /// Where a reviewer opens it in the UI, while it waits for review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub review_url: Option<String>,
}

/// One row of `GET /api/syllabi` (a blueprint's syllabi, or those waiting for review).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SyllabusSummary {
    pub id: SyllabusId,
    pub blueprint_id: BlueprintId,
    pub version: VersionNumber,
    pub status: SyllabusStatus,
    pub source: Source,
    pub title: String,
    pub author_id: UserId,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub approved_at: Option<String>,
}

/// `GET /api/syllabi`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct SyllabusList {
    pub syllabi: Vec<SyllabusSummary>,
}

/// `PUT /api/syllabi/:id {syllabus}`: a draft's new document. Read as raw JSON so that
/// `validate_syllabus` names every wrong field against the blueprint (a typed read would stop
/// at the first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct UpdateSyllabus {
    #[cfg_attr(feature = "contracts", ts(type = "Syllabus"))]
    pub syllabus: serde_json::Value,
}

/// `POST /api/syllabi/:id/approve` and `/reject`: the reviewer's note (required to reject;
/// parsed by `review::parse_review_note`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct ReviewRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub note: Option<String>,
}

/// `POST /api/syllabi/:id/generation-jobs` (202): the job and its items, in course order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GenerationJob {
    pub job_id: GenerationJobId,
    pub syllabus_id: SyllabusId,
    pub status: JobStatus,
    pub items: Vec<JobItem>,
    pub counts: ItemCounts,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub completed_at: Option<String>,
}

/// One slot of a job (`GET /api/generation-jobs/:id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct JobItem {
    pub id: JobItemId,
    pub slot: String,
    pub kind: ContentKind,
    pub status: ItemStatus,
    pub attempts: u32,
    pub content_item_id: Option<ContentItemId>,
    pub findings: Vec<Finding>,
    pub error: Option<String>,
}

/// How many items are in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ItemCounts {
    pub pending: u32,
    pub processing: u32,
    pub completed: u32,
    pub needs_review: u32,
    pub failed: u32,
}

impl ItemCounts {
    pub fn of(statuses: impl IntoIterator<Item = ItemStatus>) -> ItemCounts {
        let mut counts = ItemCounts::default();
        for status in statuses {
            let count = match status {
                ItemStatus::Pending => &mut counts.pending,
                ItemStatus::Processing => &mut counts.processing,
                ItemStatus::Completed => &mut counts.completed,
                ItemStatus::NeedsReview => &mut counts.needs_review,
                ItemStatus::Failed => &mut counts.failed,
            };
            *count += 1;
        }
        counts
    }
}

/// `GET /api/syllabi/:id/content`: every slot of the syllabus in course order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct SyllabusContent {
    pub slots: Vec<SlotContent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SlotContent {
    pub slot: String,
    pub kind: ContentKind,
    /// The newest version, whatever its status (none before anything was written).
    pub latest: Option<ContentVersionSummary>,
    /// The approved version, if one is.
    pub approved: Option<ContentVersionRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContentVersionSummary {
    pub item_id: ContentItemId,
    pub version: u32,
    pub status: ContentStatus,
    pub source: String,
    pub findings: Vec<Finding>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContentVersionRef {
    pub item_id: ContentItemId,
    pub version: u32,
}

/// `GET /api/content/:itemId`, and what editing, approving and rejecting answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContentRecord {
    pub id: ContentItemId,
    pub syllabus_id: SyllabusId,
    pub slot: String,
    pub kind: ContentKind,
    pub version: u32,
    pub status: ContentStatus,
    /// `model`, `fallback` (the curated item) or `edit` (a person's revision).
    pub source: String,
    /// The lesson, quiz or project.
    pub content: serde_json::Value,
    pub findings: Vec<Finding>,
    pub author_id: UserId,
    pub created_at: String,
    pub updated_at: String,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<String>,
    pub note: Option<String>,
    pub sha256: Option<String>,
    /// Every version of this slot, newest first.
    pub history: Vec<ContentVersionSummary>,
}

/// `PUT /api/content/:itemId {content}`: a draft's new document, read raw so the validator
/// names every wrong field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct UpdateContent {
    pub content: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::syllabus::{curated_syllabus, validate_syllabus};
    use crate::platform::input::parse_json;
    use crate::testing::sales_onboarding;
    use serde_json::json;

    const SYLLABUS: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const BLUEPRINT: &str = "1f8fad5b-d9cb-469f-a165-70867728950e";
    const AUTHOR: &str = "2f8fad5b-d9cb-469f-a165-70867728950e";

    #[test]
    fn a_draft_record_omits_what_it_does_not_have_yet() {
        let record = SyllabusRecord {
            id: SyllabusId::parse(SYLLABUS).unwrap(),
            blueprint_id: BlueprintId::parse(BLUEPRINT).unwrap(),
            version: VersionNumber::new(2).unwrap(),
            status: SyllabusStatus::Draft,
            source: Source::Fallback,
            warning: None,
            syllabus: curated_syllabus(&sales_onboarding()),
            author_id: UserId::parse(AUTHOR).unwrap(),
            created_at: "2026-12-02T14:00:00Z".into(),
            updated_at: "2026-12-02T14:00:00Z".into(),
            submitted_at: None,
            approved_by: None,
            approved_at: None,
            note: None,
            sha256: None,
            review_url: None,
        };
        let value = serde_json::to_value(&record).unwrap();
        let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["authorId", "blueprintId", "createdAt", "id", "source", "status", "syllabus", "updatedAt", "version", "warning"]);
        assert_eq!(value["status"], "DRAFT");
        assert_eq!(value["source"], "fallback");
        assert_eq!(value["syllabus"]["modules"][0]["durationMinutes"], 90);
        assert_eq!(serde_json::from_value::<SyllabusRecord>(value).unwrap(), record);
    }

    #[test]
    fn an_edit_carries_the_raw_document_to_the_validator() {
        let blueprint = sales_onboarding();
        let syllabus = curated_syllabus(&blueprint);
        let body = json!({ "syllabus": syllabus }).to_string();
        let update: UpdateSyllabus = parse_json(body.as_bytes()).unwrap();
        assert_eq!(validate_syllabus(&update.syllabus, &blueprint).unwrap(), syllabus);
        assert_eq!(parse_json::<ReviewRequest>(br#"{}"#).unwrap(), ReviewRequest::default());
        assert_eq!(parse_json::<ReviewRequest>(br#"{"note": "ok"}"#).unwrap().note.as_deref(), Some("ok"));
    }
}
