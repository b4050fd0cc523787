//! The review a syllabus passes before content is written for it, and the reviewing rules it
//! shares with content items.
//!
//! The lifecycle: `DRAFT → IN_REVIEW → APPROVED`, and back from review to draft when a
//! reviewer rejects it with a note. Only a draft is edited, so what a reviewer approves is what
//! was submitted; the approval stores the SHA-256 of the canonical JSON
//! (`syllabus::canonical_sha256`) as proof of it. Reviewers and admins review; nobody approves
//! their own work, except an admin (a tenant may have no second reviewer), and that approval is
//! marked as a self-approval in the audit.

use crate::platform::auth::Role;
use crate::platform::error::AppError;
use crate::platform::input::{bounded_text, parse_json};
use serde::{Deserialize, Serialize};

/// Where a syllabus stands. Stored as its upper-case name (the migration's CHECK lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum SyllabusStatus {
    Draft,
    InReview,
    Approved,
}

impl SyllabusStatus {
    pub const ALL: [SyllabusStatus; 3] = [SyllabusStatus::Draft, SyllabusStatus::InReview, SyllabusStatus::Approved];

    pub fn as_str(self) -> &'static str {
        match self {
            SyllabusStatus::Draft => "DRAFT",
            SyllabusStatus::InReview => "IN_REVIEW",
            SyllabusStatus::Approved => "APPROVED",
        }
    }

    /// A stored status; anything else means the row is corrupt.
    pub fn parse(stored: &str) -> Result<SyllabusStatus, AppError> {
        SyllabusStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == stored)
            .ok_or_else(|| AppError::internal().caused_by("syllabus.status", format!("unknown stored status {stored:?}")))
    }

    /// `?status=` of a list: one of the stored names, or 400 naming `status`.
    pub fn parse_filter(raw: &str) -> Result<SyllabusStatus, crate::platform::error::FieldError> {
        SyllabusStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| crate::platform::error::FieldError::new("status", "must be DRAFT, IN_REVIEW or APPROVED"))
    }

    /// How a refusal names the status found: "this one is {described}".
    fn described(self) -> &'static str {
        match self {
            SyllabusStatus::Draft => "a draft",
            SyllabusStatus::InReview => "in review",
            SyllabusStatus::Approved => "approved",
        }
    }
}

/// A change of a syllabus, each allowed from some statuses only. The D1 layer writes each as
/// one guarded `UPDATE … WHERE status IN (from)`, so a transition that lost a race changes
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyllabusTransition {
    /// Its author (or a reviewer) replaces the document of a draft.
    Edit,
    /// A draft goes to the reviewers.
    Submit,
    /// A reviewer approves what was submitted.
    Approve,
    /// A reviewer sends it back to draft, with a note saying what to change.
    Reject,
}

impl SyllabusTransition {
    pub const ALL: [SyllabusTransition; 4] = [SyllabusTransition::Edit, SyllabusTransition::Submit, SyllabusTransition::Approve, SyllabusTransition::Reject];

    pub fn from(self) -> &'static [SyllabusStatus] {
        match self {
            SyllabusTransition::Edit | SyllabusTransition::Submit => &[SyllabusStatus::Draft],
            SyllabusTransition::Approve | SyllabusTransition::Reject => &[SyllabusStatus::InReview],
        }
    }

    pub fn to(self) -> SyllabusStatus {
        match self {
            SyllabusTransition::Edit | SyllabusTransition::Reject => SyllabusStatus::Draft,
            SyllabusTransition::Submit => SyllabusStatus::InReview,
            SyllabusTransition::Approve => SyllabusStatus::Approved,
        }
    }

    /// The statuses a guarded `UPDATE` accepts, as SQL: `status IN ('DRAFT')`. Built from the
    /// enum's own names (never from input), so it is safe to splice into a statement.
    pub fn sql_guard(self) -> String {
        let names: Vec<String> = self.from().iter().map(|status| format!("'{}'", status.as_str())).collect();
        format!("status IN ({})", names.join(", "))
    }

    /// Whether the transition may start from `found`, or the 409 it answers.
    pub fn allowed_from(self, found: SyllabusStatus) -> Result<(), AppError> {
        if self.from().contains(&found) {
            Ok(())
        } else {
            Err(self.refusal(found))
        }
    }

    /// The 409 a refused transition answers, given the status found.
    pub fn refusal(self, found: SyllabusStatus) -> AppError {
        let what = match self {
            SyllabusTransition::Edit => "Only a draft syllabus can be edited",
            SyllabusTransition::Submit => "Only a draft syllabus can be submitted for review",
            SyllabusTransition::Approve => "Only a syllabus in review can be approved",
            SyllabusTransition::Reject => "Only a syllabus in review can be sent back",
        };
        let already = if found == self.to() { "already " } else { "" };
        AppError::conflict(format!("{what}; this one is {already}{}", found.described()))
    }
}

/// Where one version of a content item stands. Each edit of a draft changes it in place; a
/// rejection ends the version (a revision is a new draft); an approval freezes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum ContentStatus {
    Draft,
    Approved,
    Rejected,
}

impl ContentStatus {
    pub const ALL: [ContentStatus; 3] = [ContentStatus::Draft, ContentStatus::Approved, ContentStatus::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            ContentStatus::Draft => "DRAFT",
            ContentStatus::Approved => "APPROVED",
            ContentStatus::Rejected => "REJECTED",
        }
    }

    pub fn parse(stored: &str) -> Result<ContentStatus, AppError> {
        ContentStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == stored)
            .ok_or_else(|| AppError::internal().caused_by("content.status", format!("unknown stored status {stored:?}")))
    }

    /// Only a draft changes: it is edited, approved or rejected. 409 otherwise.
    pub fn check_draft(self, action: &str) -> Result<(), AppError> {
        match self {
            ContentStatus::Draft => Ok(()),
            ContentStatus::Approved => Err(AppError::conflict(format!("Only a draft can be {action}; this version is approved (revise it to make a new draft)"))),
            ContentStatus::Rejected => Err(AppError::conflict(format!("Only a draft can be {action}; this version was rejected (revise it to make a new draft)"))),
        }
    }
}

/// Whether an allowed review is the author's own (an admin's, the one case allowed): the audit
/// records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SelfApproval {
    Yes,
    No,
}

/// Whether a caller of `actor_role` may review (approve or reject) work, given whether they
/// wrote it. Users do not review (403); a reviewer never reviews their own work (four eyes,
/// 403); an admin may, and the answer says so for the audit.
pub fn check_reviewer(actor_role: Role, actor_is_author: bool) -> Result<SelfApproval, AppError> {
    if !actor_role.reviews() {
        return Err(AppError::forbidden("Reviewer or admin role required"));
    }
    match (actor_role, actor_is_author) {
        (_, false) => Ok(SelfApproval::No),
        (Role::Admin, true) => Ok(SelfApproval::Yes),
        (_, true) => Err(AppError::forbidden("You cannot approve your own work; ask another reviewer")),
    }
}

/// Who sees a syllabus or a content draft: its author and the tenant's reviewers and admins.
/// To anyone else it does not exist (404, like a missing one).
pub fn visible_to(actor_role: Role, actor_is_author: bool) -> bool {
    actor_is_author || actor_role.reviews()
}

/// Who sees a version of content: an approved one is the tenant's (learners get it through a
/// package); a draft or a rejected one, like a syllabus, only its author's and the reviewers'.
pub fn content_visible_to(status: ContentStatus, actor_role: Role, actor_is_author: bool) -> bool {
    status == ContentStatus::Approved || visible_to(actor_role, actor_is_author)
}

/// Only the author edits and submits their draft; a reviewer who can see it is refused (403).
pub fn check_author(actor_is_author: bool) -> Result<(), AppError> {
    if actor_is_author { Ok(()) } else { Err(AppError::forbidden("Only the author edits or submits this syllabus")) }
}

/// Characters of a reviewer's note.
pub const MAX_NOTE_CHARS: usize = 2_000;

#[derive(Deserialize)]
struct RawReview {
    #[serde(default)]
    note: Option<String>,
}

/// The note of an approve or reject body (`{"note"?: string}`; an empty body is no note),
/// trimmed and cleaned of invisible format characters; blank is none. `required` (a rejection
/// must say what to change) refuses a missing note: 400 naming `note`, like a note too long.
pub fn parse_review_note(body: &[u8], required: bool) -> Result<Option<String>, AppError> {
    let raw: RawReview = if body.iter().all(u8::is_ascii_whitespace) { RawReview { note: None } } else { parse_json(body)? };
    let text = raw.note.unwrap_or_default();
    if text.trim().is_empty() {
        return if required { Err(AppError::invalid_field("note", "is required: say what to change")) } else { Ok(None) };
    }
    let note = bounded_text("note", &text, 1, MAX_NOTE_CHARS)?;
    Ok(Some(note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approved_content_is_the_tenants_drafts_their_authors_and_reviewers() {
        assert!(content_visible_to(ContentStatus::Approved, Role::User, false));
        assert!(!content_visible_to(ContentStatus::Draft, Role::User, false));
        assert!(!content_visible_to(ContentStatus::Rejected, Role::User, false));
        assert!(content_visible_to(ContentStatus::Draft, Role::User, true));
        assert!(content_visible_to(ContentStatus::Rejected, Role::Reviewer, false));
    }

    #[test]
    fn only_a_content_draft_changes() {
        assert!(ContentStatus::Draft.check_draft("edited").is_ok());
        let approved = ContentStatus::Approved.check_draft("edited").unwrap_err();
        assert_eq!(approved.status(), 409);
        assert!(approved.message.contains("approved"));
        assert!(ContentStatus::Rejected.check_draft("approved").unwrap_err().message.contains("rejected"));
        for status in ContentStatus::ALL {
            assert_eq!(ContentStatus::parse(status.as_str()).unwrap(), status);
        }
    }

    #[test]
    fn authors_and_reviewers_see_drafts_only_authors_change_them() {
        assert!(visible_to(Role::User, true));
        assert!(!visible_to(Role::User, false), "another user's syllabus is not theirs to see");
        assert!(visible_to(Role::Reviewer, false) && visible_to(Role::Admin, false));
        assert!(check_author(true).is_ok());
        assert_eq!(check_author(false).unwrap_err().status(), 403);
    }

    #[test]
    fn statuses_are_stored_by_their_upper_case_names() {
        for status in SyllabusStatus::ALL {
            assert_eq!(SyllabusStatus::parse(status.as_str()).unwrap(), status);
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        assert_eq!(SyllabusStatus::InReview.as_str(), "IN_REVIEW");
        for corrupt in ["draft", "REVIEW", ""] {
            assert_eq!(SyllabusStatus::parse(corrupt).unwrap_err().status(), 500, "{corrupt:?}");
            assert_eq!(SyllabusStatus::parse_filter(corrupt).unwrap_err().field, "status", "a filter names its field");
        }
        assert_eq!(SyllabusStatus::parse_filter("IN_REVIEW").unwrap(), SyllabusStatus::InReview);
    }

    #[test]
    fn each_transition_starts_from_its_statuses_only() {
        use SyllabusStatus::{Approved, Draft, InReview};
        use SyllabusTransition::{Approve, Edit, Reject, Submit};
        let table = [(Edit, Draft, Draft), (Submit, Draft, InReview), (Approve, InReview, Approved), (Reject, InReview, Draft)];
        for (transition, from, to) in table {
            assert_eq!(transition.from(), [from], "{transition:?}");
            assert_eq!(transition.to(), to, "{transition:?}");
            for found in SyllabusStatus::ALL {
                let answer = transition.allowed_from(found);
                assert_eq!(answer.is_ok(), found == from, "{transition:?} from {found:?}");
                if let Err(refused) = answer {
                    assert_eq!(refused.status(), 409);
                }
            }
        }
        assert_eq!(Edit.allowed_from(Approved).unwrap_err().message, "Only a draft syllabus can be edited; this one is approved");
        assert_eq!(Edit.allowed_from(InReview).unwrap_err().message, "Only a draft syllabus can be edited; this one is in review");
        assert_eq!(Submit.allowed_from(InReview).unwrap_err().message, "Only a draft syllabus can be submitted for review; this one is already in review");
        assert_eq!(Approve.allowed_from(Approved).unwrap_err().message, "Only a syllabus in review can be approved; this one is already approved");
        assert_eq!(Approve.allowed_from(Draft).unwrap_err().message, "Only a syllabus in review can be approved; this one is a draft");
        assert_eq!(Reject.allowed_from(Draft).unwrap_err().message, "Only a syllabus in review can be sent back; this one is already a draft");
        assert_eq!(Approve.sql_guard(), "status IN ('IN_REVIEW')");
        assert_eq!(Edit.sql_guard(), "status IN ('DRAFT')");
        // Nothing leaves `APPROVED`: an approved syllabus is what content is written from.
        assert!(SyllabusTransition::ALL.iter().all(|t| !t.from().contains(&Approved)));
    }

    #[test]
    fn reviewers_never_approve_their_own_work_and_admins_are_marked_when_they_do() {
        let refused = check_reviewer(Role::User, false).unwrap_err();
        assert_eq!((refused.status(), refused.message.as_str()), (403, "Reviewer or admin role required"));
        assert_eq!(check_reviewer(Role::User, true).unwrap_err().message, "Reviewer or admin role required");
        let own = check_reviewer(Role::Reviewer, true).unwrap_err();
        assert_eq!((own.status(), own.message.as_str()), (403, "You cannot approve your own work; ask another reviewer"));
        assert_eq!(check_reviewer(Role::Reviewer, false).unwrap(), SelfApproval::No);
        assert_eq!(check_reviewer(Role::Admin, false).unwrap(), SelfApproval::No);
        assert_eq!(check_reviewer(Role::Admin, true).unwrap(), SelfApproval::Yes);
    }

    #[test]
    fn a_rejection_needs_a_note_and_notes_are_bounded() {
        let field = |error: AppError| (error.status(), error.details.unwrap()[0]["field"].as_str().unwrap().to_string());
        assert_eq!(parse_review_note(br#"{"note": "  Split lesson 2. "}"#, true).unwrap().as_deref(), Some("Split lesson 2."));
        assert_eq!(parse_review_note(br#"{"note": "Fine\u200b"}"#, false).unwrap().as_deref(), Some("Fine"));
        for empty in [&b""[..], b"  ", b"{}", br#"{"note": null}"#, br#"{"note": "   "}"#] {
            assert_eq!(parse_review_note(empty, false).unwrap(), None, "{}", String::from_utf8_lossy(empty));
            assert_eq!(field(parse_review_note(empty, true).unwrap_err()), (400, "note".to_string()), "{}", String::from_utf8_lossy(empty));
        }
        let at_cap = format!(r#"{{"note": "{}"}}"#, "é".repeat(MAX_NOTE_CHARS));
        assert_eq!(parse_review_note(at_cap.as_bytes(), true).unwrap().unwrap().chars().count(), MAX_NOTE_CHARS);
        let past_cap = format!(r#"{{"note": "{}"}}"#, "é".repeat(MAX_NOTE_CHARS + 1));
        assert_eq!(field(parse_review_note(past_cap.as_bytes(), false).unwrap_err()), (400, "note".to_string()));
        assert_eq!(field(parse_review_note(br#"{"note": 5}"#, false).unwrap_err()), (400, "note".to_string()));
        assert_eq!(field(parse_review_note(br#"{"note": "a\u0007b"}"#, false).unwrap_err()), (400, "note".to_string()));
        assert_eq!(parse_review_note(b"{", false).unwrap_err().status(), 400);
        assert_eq!(parse_review_note(b"[1]", false).unwrap_err().status(), 400);
    }
}
