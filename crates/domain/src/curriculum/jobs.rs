//! Generation jobs (seed 003's job / job-item pipeline): content for some slots of an approved
//! syllabus, one item per slot, written on the queue consumer — never inside a request. The
//! rules here: which slots a request names, what a slot tells the writer, the item lifecycle,
//! the quality gate's retries, and how many items of one job are in flight.
//!
//! Item lifecycle: `pending → processing → completed | needs_review | failed`. A claim is a
//! guarded update with a lease, so a redelivered message finds the item taken (or done) and
//! does nothing, and an item whose consumer died is claimable again once its lease ran out.

use super::content::{passes, ContentKind, Finding, ModuleLesson, SlotContext};
use super::syllabus::{Slot, SlotKind, Syllabus};
use crate::platform::error::{AppError, FieldError};
use crate::platform::input::parse_json;
use serde::{Deserialize, Serialize};

/// Items of one job written at once (each holds a model slot while it runs).
pub const MAX_IN_FLIGHT: usize = 3;
/// A failed quality gate is retried this many times, its findings fed back, before the item is
/// kept as a draft that needs a reviewer's eye.
pub const MAX_GATE_RETRIES: u32 = 2;
/// How long a claim holds an item: longer than the slowest writing of one item (three model
/// calls and a blind answer check), short enough that a dead consumer's item is picked up again
/// by the stale-work recovery within minutes.
pub const ITEM_LEASE_SECS: i64 = 15 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum ItemStatus {
    Pending,
    Processing,
    /// Written and through the quality gate.
    Completed,
    /// Written, kept as a draft with blocking findings (or from the curated fallback): a
    /// reviewer decides.
    NeedsReview,
    /// Could not be written (infrastructure); its error says why.
    Failed,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 5] = [ItemStatus::Pending, ItemStatus::Processing, ItemStatus::Completed, ItemStatus::NeedsReview, ItemStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Pending => "pending",
            ItemStatus::Processing => "processing",
            ItemStatus::Completed => "completed",
            ItemStatus::NeedsReview => "needs_review",
            ItemStatus::Failed => "failed",
        }
    }

    pub fn parse(stored: &str) -> Result<ItemStatus, AppError> {
        ItemStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == stored)
            .ok_or_else(|| AppError::internal().caused_by("generation_item.status", format!("unknown stored status {stored:?}")))
    }

    pub fn is_final(self) -> bool {
        matches!(self, ItemStatus::Completed | ItemStatus::NeedsReview | ItemStatus::Failed)
    }
}

/// A job is done when every item is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum JobStatus {
    Running,
    Completed,
}

impl JobStatus {
    pub fn of(items: &[ItemStatus]) -> JobStatus {
        if items.iter().all(|status| status.is_final()) { JobStatus::Completed } else { JobStatus::Running }
    }
}

impl From<SlotKind> for ContentKind {
    fn from(kind: SlotKind) -> Self {
        match kind {
            SlotKind::Lesson => ContentKind::Lesson,
            SlotKind::Quiz => ContentKind::Quiz,
            SlotKind::Project => ContentKind::Project,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJobRequest {
    kinds: Option<Vec<String>>,
    slots: Option<Vec<String>>,
}

/// `POST /api/syllabi/:id/generation-jobs {kinds?, slots?}` (an empty body is every slot): the
/// syllabus's slots in course order, narrowed to the kinds and the slots named. A slot the
/// syllabus does not have, or an unknown kind, is a 400 naming it; so is a selection of none.
pub fn select_slots(body: &[u8], syllabus: &Syllabus) -> Result<Vec<Slot>, AppError> {
    let raw = if body.iter().all(u8::is_ascii_whitespace) { RawJobRequest { kinds: None, slots: None } } else { parse_json::<RawJobRequest>(body)? };
    let mut errors = Vec::new();
    let kinds: Option<Vec<ContentKind>> = raw.kinds.map(|kinds| {
        kinds
            .iter()
            .enumerate()
            .filter_map(|(index, kind)| ContentKind::parse(kind).or_else(|| {
                errors.push(FieldError::new(format!("kinds[{index}]"), "must be lesson, quiz or project"));
                None
            }))
            .collect()
    });
    let named: Option<Vec<String>> = raw.slots.map(|slots| {
        slots
            .iter()
            .enumerate()
            .filter_map(|(index, id)| match syllabus.find_slot(id) {
                Some(slot) => Some(slot.id),
                None => {
                    errors.push(FieldError::new(format!("slots[{index}]"), "is not a slot of this syllabus (m1.l1, m1.l1.quiz, m1.project, …)"));
                    None
                }
            })
            .collect()
    });
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let selected: Vec<Slot> = syllabus
        .slots()
        .into_iter()
        .filter(|slot| kinds.as_ref().is_none_or(|kinds| kinds.contains(&ContentKind::from(slot.kind))))
        .filter(|slot| named.as_ref().is_none_or(|named| named.contains(&slot.id)))
        .collect();
    if selected.is_empty() {
        return Err(FieldError::new("slots", "names no slot of this syllabus (with these kinds)").into());
    }
    Ok(selected)
}

/// What the writer of `slot` is told: the lesson's title, objectives, minutes and level (a quiz
/// checks its lesson's objectives); for a project, the module's.
pub fn slot_context(syllabus: &Syllabus, slot: &Slot) -> Option<SlotContext> {
    let module = syllabus.modules.get(slot.module)?;
    let module_lessons = module.lessons.iter().map(|lesson| ModuleLesson { slot_id: lesson.id.clone(), title: lesson.title.clone() }).collect();
    let (title, objectives, minutes, level) = match slot.lesson {
        Some(index) => {
            let lesson = module.lessons.get(index)?;
            let title = if slot.kind == SlotKind::Quiz { format!("Quiz: {}", lesson.title) } else { lesson.title.clone() };
            (title, lesson.objectives.clone(), lesson.minutes, lesson.level)
        }
        None => (format!("Project: {}", module.title), module.objectives.clone(), module.duration_minutes, syllabus.level),
    };
    Some(SlotContext { slot_id: slot.id.clone(), title, objectives, minutes, level: level.as_str().to_string(), module_title: module.title.clone(), module_lessons })
}

/// What to do with a written item after its review.
#[derive(Debug, Clone, PartialEq)]
pub enum GateDecision {
    /// Keep it: it passed.
    Keep,
    /// Write it again with these findings fed back.
    Retry,
    /// Keep it as a draft for a reviewer: the gate still fails after every retry.
    NeedsReview,
}

/// After `retries_done` retries, with these findings.
pub fn gate_decision(findings: &[Finding], retries_done: u32) -> GateDecision {
    if passes(findings) {
        GateDecision::Keep
    } else if retries_done < MAX_GATE_RETRIES {
        GateDecision::Retry
    } else {
        GateDecision::NeedsReview
    }
}

/// Characters of a regeneration's instructions.
pub const MAX_INSTRUCTIONS_CHARS: usize = 2_000;

/// `POST /api/content/:id/regenerate {instructions?}` (an empty body is none).
pub fn parse_instructions(body: &[u8]) -> Result<Option<String>, AppError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        instructions: Option<String>,
    }
    let raw = if body.iter().all(u8::is_ascii_whitespace) { Raw { instructions: None } } else { parse_json::<Raw>(body)? };
    match raw.instructions.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Ok(Some(crate::platform::input::bounded_text("instructions", text, 1, MAX_INSTRUCTIONS_CHARS)?)),
    }
}

/// What the writer is told besides the slot: a reviewer's instructions come first, as the
/// feedback a failed gate gives, so the prompt asks for them the same way.
pub fn feedback_with_instructions(instructions: Option<&str>, findings: &[Finding]) -> Vec<Finding> {
    let mut feedback: Vec<Finding> = instructions
        .map(|text| Finding { check: "reviewer_instructions".into(), severity: crate::curriculum::content::Severity::Blocking, evidence: text.to_string() })
        .into_iter()
        .collect();
    feedback.extend(findings.iter().cloned());
    feedback
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::content::Severity;
    use crate::curriculum::syllabus::curated_syllabus;
    use crate::testing::sales_onboarding;

    fn syllabus() -> Syllabus {
        curated_syllabus(&sales_onboarding())
    }

    fn ids(slots: &[Slot]) -> Vec<String> {
        slots.iter().map(|slot| slot.id.clone()).collect()
    }

    #[test]
    fn an_empty_request_is_every_slot_in_course_order() {
        let syllabus = syllabus();
        let all = select_slots(b"", &syllabus).unwrap();
        assert_eq!(ids(&all), ids(&syllabus.slots()));
        assert_eq!(all.first().map(|s| s.id.as_str()), Some("m1.l1"));
        assert_eq!(select_slots(b"{}", &syllabus).unwrap().len(), all.len());
    }

    #[test]
    fn kinds_and_slots_narrow_the_selection() {
        let syllabus = syllabus();
        let quizzes = select_slots(br#"{"kinds":["quiz"]}"#, &syllabus).unwrap();
        assert!(quizzes.iter().all(|slot| slot.kind == SlotKind::Quiz) && !quizzes.is_empty());
        let two = select_slots(br#"{"slots":["m1.project","m1.l1"]}"#, &syllabus).unwrap();
        assert_eq!(ids(&two), ["m1.l1", "m1.project"], "course order, not request order");
        let error = select_slots(br#"{"slots":["m1.l1","m9.l1","nonsense"],"kinds":["video"]}"#, &syllabus).unwrap_err();
        let fields: Vec<String> = error.details.unwrap().as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap().to_string()).collect();
        assert_eq!(fields, ["kinds[0]", "slots[1]", "slots[2]"]);
        let none = select_slots(br#"{"kinds":["project"],"slots":["m1.l1"]}"#, &syllabus).unwrap_err();
        assert_eq!(none.details.unwrap()[0]["field"], "slots");
        assert_eq!(select_slots(br#"{"other":1}"#, &syllabus).unwrap_err().status(), 400);
    }

    #[test]
    fn a_slot_tells_its_writer_about_its_lesson_or_module() {
        let syllabus = syllabus();
        let lesson = &syllabus.modules[0].lessons[0];
        let context = slot_context(&syllabus, &syllabus.find_slot("m1.l1").unwrap()).unwrap();
        assert_eq!((context.title.as_str(), context.minutes), (lesson.title.as_str(), lesson.minutes));
        assert_eq!(context.objectives, lesson.objectives);
        let quiz = slot_context(&syllabus, &syllabus.find_slot("m1.l1.quiz").unwrap()).unwrap();
        assert!(quiz.title.starts_with("Quiz: "));
        let project = slot_context(&syllabus, &syllabus.find_slot("m1.project").unwrap()).unwrap();
        assert_eq!(project.minutes, syllabus.modules[0].duration_minutes);
        assert_eq!(project.module_lessons.len(), syllabus.modules[0].lessons.len());
    }

    #[test]
    fn the_gate_retries_twice_then_asks_a_reviewer() {
        let blocking = vec![Finding { check: "x".into(), severity: Severity::Blocking, evidence: "e".into() }];
        let advisory = vec![Finding { check: "y".into(), severity: Severity::Advisory, evidence: "e".into() }];
        assert_eq!(gate_decision(&advisory, 0), GateDecision::Keep);
        assert_eq!(gate_decision(&blocking, 0), GateDecision::Retry);
        assert_eq!(gate_decision(&blocking, 1), GateDecision::Retry);
        assert_eq!(gate_decision(&blocking, 2), GateDecision::NeedsReview);
    }

    #[test]
    fn instructions_are_told_first_and_named_when_wrong() {
        assert_eq!(parse_instructions(b"").unwrap(), None);
        assert_eq!(parse_instructions(br#"{"instructions":"  Use a retail example "}"#).unwrap().as_deref(), Some("Use a retail example"));
        let long = format!(r#"{{"instructions":"{}"}}"#, "x".repeat(MAX_INSTRUCTIONS_CHARS + 1));
        assert_eq!(parse_instructions(long.as_bytes()).unwrap_err().details.unwrap()[0]["field"], "instructions");
        let finding = Finding { check: "duration_off_slot".into(), severity: Severity::Blocking, evidence: "e".into() };
        let told = feedback_with_instructions(Some("Use a retail example"), std::slice::from_ref(&finding));
        assert_eq!(told.iter().map(|f| f.check.as_str()).collect::<Vec<_>>(), ["reviewer_instructions", "duration_off_slot"]);
        assert_eq!(feedback_with_instructions(None, &[]), Vec::new());
    }

    #[test]
    fn a_job_is_done_when_every_item_is_final() {
        assert_eq!(JobStatus::of(&[ItemStatus::Completed, ItemStatus::Failed, ItemStatus::NeedsReview]), JobStatus::Completed);
        assert_eq!(JobStatus::of(&[ItemStatus::Completed, ItemStatus::Processing]), JobStatus::Running);
        for status in ItemStatus::ALL {
            assert_eq!(ItemStatus::parse(status.as_str()).unwrap(), status);
        }
        assert_eq!(ItemStatus::parse("done").unwrap_err().status(), 500);
    }
}
