//! The quality gate a generated item passes before it is kept without a reviewer: a list of
//! findings, each a stable check id, a severity and the evidence behind it. A blocking finding
//! fails the gate (the generation is retried with the findings fed back, then stored for
//! review); an advisory one is shown to the reviewer and never fails it. Severities follow one
//! rule: what breaks the item for a learner — a lesson that teaches other objectives or does not
//! fit its slot, a quiz whose answer a test-wise learner can find without knowing the subject or
//! whose key may be wrong, a project that cannot be marked — is blocking; what only weakens it
//! (style, a noisy heuristic) is advisory, so a sound item is never retried for a false alarm.
//!
//! Lesson and project checks are here; the quiz's item-writing lints are in `quiz_flaws`, the
//! second-model answer-key check in `answer_key`.

use super::answer_key::answer_key_findings;
use super::lesson::{Lesson, Level};
use super::project::Project;
use super::quiz_flaws::quiz_findings;
use super::{validate_content, ContentDocument, SlotContext};
use crate::blueprint::quality::bloom_level;
use crate::platform::text::shorten;
use serde::{Deserialize, Serialize};

/// The document breaks a rule of its contract (only a document built by hand, or stored under
/// older caps, can reach the gate like that).
pub const SCHEMA_MINIMUM: &str = "schema_minimum";
pub const OBJECTIVE_OUTSIDE_SLOT: &str = "objective_outside_slot";
pub const SLOT_OBJECTIVE_UNCOVERED: &str = "slot_objective_uncovered";
pub const OBJECTIVE_NOT_MEASURABLE: &str = "objective_not_measurable";
pub const DURATION_OFF_SLOT: &str = "duration_off_slot";
pub const LEVEL_OFF_SLOT: &str = "level_off_slot";
pub const RUBRIC_TOO_THIN: &str = "rubric_too_thin";
pub const DELIVERABLES_MISSING: &str = "deliverables_missing";
pub const CONSTRAINTS_MISSING: &str = "constraints_missing";
pub const TOO_FEW_LESSONS_APPLIED: &str = "too_few_lessons_applied";
pub const LESSON_OUTSIDE_MODULE: &str = "lesson_outside_module";

/// How far a lesson's length may stray from its slot's, in percent either way.
pub const DURATION_TOLERANCE_PERCENT: u32 = 20;
/// Rubric criteria a project needs to be marked on more than one dimension.
pub const MIN_RUBRIC_CRITERIA: usize = 2;
/// Lessons of its module a project applies ("practical application of multiple lessons").
pub const MIN_LESSONS_APPLIED: usize = 2;
/// Characters of model text quoted in evidence.
pub(crate) const QUOTED_CHARS: usize = 80;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum Severity {
    /// Fails the gate.
    Blocking,
    /// Shown to the reviewer; the gate still passes.
    Advisory,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Finding {
    /// A stable snake_case id (`duration_off_slot`), for code and for the UI's wording.
    pub check: String,
    pub severity: Severity,
    /// Where, and the words that show it: `question 2: option D "All of the above" is the key`.
    pub evidence: String,
}

impl Finding {
    pub fn new(check: &str, severity: Severity, evidence: impl Into<String>) -> Finding {
        Finding { check: check.to_string(), severity, evidence: evidence.into() }
    }

    pub fn blocking(check: &str, evidence: impl Into<String>) -> Finding {
        Finding::new(check, Severity::Blocking, evidence)
    }

    pub fn advisory(check: &str, evidence: impl Into<String>) -> Finding {
        Finding::new(check, Severity::Advisory, evidence)
    }

    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Blocking
    }
}

/// The gate: passed when no finding blocks.
pub fn passes(findings: &[Finding]) -> bool {
    !findings.iter().any(Finding::is_blocking)
}

/// Every finding on `document` for `slot`, in check order. A quiz's answer key is reported
/// unverified (advisory): use [`review_content_with_blind_answers`] when a second model answered.
pub fn review_content(document: &ContentDocument, slot: &SlotContext) -> Vec<Finding> {
    review_content_with_blind_answers(document, slot, None)
}

/// [`review_content`], with a second model's answers to a quiz (`answer_key::read_blind_answers`)
/// checked against its key. `blind` is ignored for lessons and projects.
pub fn review_content_with_blind_answers(document: &ContentDocument, slot: &SlotContext, blind: Option<&[u8]>) -> Vec<Finding> {
    let mut findings = schema_findings(document);
    match document {
        ContentDocument::Lesson(lesson) => findings.extend(lesson_findings(lesson, slot)),
        ContentDocument::Quiz(quiz) => {
            findings.extend(quiz_findings(quiz));
            findings.extend(answer_key_findings(quiz, blind));
        }
        ContentDocument::Project(project) => findings.extend(project_findings(project, slot)),
    }
    findings
}

/// The contract's own rules, again: a document that reached the gate without the validator (a
/// stored one, one built in code) must still meet the minima.
fn schema_findings(document: &ContentDocument) -> Vec<Finding> {
    match validate_content(document.kind(), &document.to_value()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(|error| Finding::blocking(SCHEMA_MINIMUM, error.to_string())).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Lesson

fn lesson_findings(lesson: &Lesson, slot: &SlotContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    let slot_objectives: Vec<String> = slot.objectives.iter().map(|objective| normalised_objective(objective)).collect();
    let lesson_objectives: Vec<String> = lesson.objectives.iter().map(|objective| normalised_objective(objective)).collect();
    // Blocking: a lesson that teaches objectives its slot does not have breaks the syllabus's
    // alignment (what the quiz and the project assess).
    for (index, objective) in lesson.objectives.iter().enumerate() {
        if !slot_objectives.contains(&lesson_objectives[index]) {
            findings.push(Finding::blocking(OBJECTIVE_OUTSIDE_SLOT, format!("objective {}: {} is not one of the slot's objectives", index + 1, quoted(objective))));
        }
    }
    // Advisory: a slot objective the lesson leaves out may be taught by a later item, and the
    // reviewer decides.
    for (index, objective) in slot.objectives.iter().enumerate() {
        if !lesson_objectives.contains(&slot_objectives[index]) {
            findings.push(Finding::advisory(SLOT_OBJECTIVE_UNCOVERED, format!("slot objective {}: {} is not among the lesson's objectives", index + 1, quoted(objective))));
        }
    }
    // Advisory: the lesson copies its slot's objectives, so a vague verb is the syllabus's
    // wording; blocking it would make the lesson fail however often it is retried.
    for (index, objective) in lesson.objectives.iter().enumerate() {
        if bloom_level(objective).is_none() {
            findings.push(Finding::advisory(OBJECTIVE_NOT_MEASURABLE, format!("objective {}: {} does not start with a measurable (Bloom) verb", index + 1, quoted(objective))));
        }
    }
    // Blocking: the slot's minutes are what the schedule holds for it.
    let (low, high) = duration_range(slot.minutes);
    if !(low..=high).contains(&lesson.duration_minutes) {
        findings.push(Finding::blocking(
            DURATION_OFF_SLOT,
            format!("durationMinutes is {}; the slot has {} minutes, so {low} to {high} within ±{DURATION_TOLERANCE_PERCENT}%", lesson.duration_minutes, slot.minutes),
        ));
    }
    // Advisory: the level is a label the reviewer can correct; the text is what matters.
    if let Some(level) = Level::parse(&slot.level).filter(|level| *level != lesson.metadata.level) {
        findings.push(Finding::advisory(LEVEL_OFF_SLOT, format!("metadata.level is {}; the slot is {}", lesson.metadata.level.as_str(), level.as_str())));
    }
    findings
}

/// The whole minutes within `DURATION_TOLERANCE_PERCENT` of `minutes`, rounded inwards.
fn duration_range(minutes: u32) -> (u32, u32) {
    let minutes = u64::from(minutes);
    let percent = u64::from(DURATION_TOLERANCE_PERCENT);
    let low = (minutes * (100 - percent)).div_ceil(100);
    let high = minutes * (100 + percent) / 100;
    (u32::try_from(low).unwrap_or(u32::MAX), u32::try_from(high).unwrap_or(u32::MAX))
}

/// An objective as compared with the slot's: trimmed, case-insensitive, runs of spaces as
/// one, a final full stop ignored.
fn normalised_objective(objective: &str) -> String {
    objective.split_whitespace().collect::<Vec<_>>().join(" ").trim_end_matches(['.', ';']).to_lowercase()
}

// ---------------------------------------------------------------------------------------------
// Project

/// All blocking: a project with one criterion, nothing to hand in or no limits cannot be marked
/// fairly, and one that applies fewer than two of its module's lessons (or lessons of another
/// module) is not the seed's "practical application of multiple lessons".
fn project_findings(project: &Project, slot: &SlotContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    if project.rubric.len() < MIN_RUBRIC_CRITERIA {
        findings.push(Finding::blocking(RUBRIC_TOO_THIN, format!("the rubric has {} with points; at least {MIN_RUBRIC_CRITERIA} are needed", count(project.rubric.len(), "criterion", "criteria"))));
    }
    if project.deliverables.is_empty() {
        findings.push(Finding::blocking(DELIVERABLES_MISSING, "the project names nothing to hand in"));
    }
    if project.constraints.is_empty() {
        findings.push(Finding::blocking(CONSTRAINTS_MISSING, "the project states no constraints"));
    }
    let is_module_lesson = |id: &str| slot.module_lessons.iter().any(|lesson| lesson.slot_id.trim().eq_ignore_ascii_case(id.trim()));
    let mut applied: Vec<String> = Vec::new();
    for id in &project.applies_lessons {
        if !is_module_lesson(id) {
            let lessons: Vec<&str> = slot.module_lessons.iter().map(|lesson| lesson.slot_id.as_str()).collect();
            findings.push(Finding::blocking(
                LESSON_OUTSIDE_MODULE,
                format!("appliesLessons names {} which is not a lesson of the module {} (its lessons: {})", quoted(id), quoted(&slot.module_title), lessons.join(", ")),
            ));
        } else if !applied.iter().any(|seen| seen.eq_ignore_ascii_case(id.trim())) {
            applied.push(id.trim().to_string());
        }
    }
    // A module with a single lesson cannot offer two; the project then applies what there is.
    let needed = MIN_LESSONS_APPLIED.min(slot.module_lessons.len());
    if applied.len() < needed {
        findings.push(Finding::blocking(
            TOO_FEW_LESSONS_APPLIED,
            format!("the project applies {} of its module ({}); at least {needed} are needed", count(applied.len(), "lesson", "lessons"), if applied.is_empty() { "none".to_string() } else { applied.join(", ") }),
        ));
    }
    findings
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Model text in evidence: quoted, and short.
pub(crate) fn quoted(text: &str) -> String {
    format!("\"{}\"", shorten(text, QUOTED_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::content::tests::{good, testing_slot};
    use crate::curriculum::content::{validate_content, ContentKind, ModuleLesson};

    fn document(kind: ContentKind, edit: impl FnOnce(&mut serde_json::Value)) -> ContentDocument {
        let mut value = good(kind);
        edit(&mut value);
        validate_content(kind, &value).unwrap()
    }

    fn checks(findings: &[Finding]) -> Vec<(&str, Severity)> {
        findings.iter().map(|finding| (finding.check.as_str(), finding.severity)).collect()
    }

    #[test]
    fn good_lessons_and_projects_pass_with_nothing_to_say() {
        for kind in [ContentKind::Lesson, ContentKind::Project] {
            let findings = review_content(&document(kind, |_| {}), &testing_slot());
            assert_eq!(findings, [], "{kind:?}");
            assert!(passes(&findings));
        }
    }

    #[test]
    fn findings_are_camel_case_json_with_lowercase_severities() {
        let finding = Finding::blocking(DURATION_OFF_SLOT, "x");
        assert_eq!(serde_json::to_value(&finding).unwrap(), serde_json::json!({"check": "duration_off_slot", "severity": "blocking", "evidence": "x"}));
        assert!(passes(&[Finding::advisory(OBJECTIVE_NOT_MEASURABLE, "y")]));
        assert!(!passes(&[Finding::advisory(OBJECTIVE_NOT_MEASURABLE, "y"), finding]));
        assert!(passes(&[]));
    }

    #[test]
    fn lesson_objectives_trace_to_the_slot() {
        let traced = document(ContentKind::Lesson, |l| l["objectives"] = serde_json::json!(["  explain HOW ownership  moves a value. ", "Apply borrowing rules to fix a compile error"]));
        assert_eq!(review_content(&traced, &testing_slot()), [], "trimmed, case-insensitive");
        let drifted = document(ContentKind::Lesson, |l| l["objectives"] = serde_json::json!(["Explain how ownership moves a value", "Describe the heap"]));
        let findings = review_content(&drifted, &testing_slot());
        assert_eq!(checks(&findings), [(OBJECTIVE_OUTSIDE_SLOT, Severity::Blocking), (SLOT_OBJECTIVE_UNCOVERED, Severity::Advisory)]);
        assert_eq!(findings[0].evidence, "objective 2: \"Describe the heap\" is not one of the slot's objectives");
        assert_eq!(findings[1].evidence, "slot objective 2: \"Apply borrowing rules to fix a compile error\" is not among the lesson's objectives");
        assert!(!passes(&findings));
    }

    #[test]
    fn vague_objectives_are_advisory() {
        let mut slot = testing_slot();
        slot.objectives = vec!["Understand ownership".into()];
        let lesson = document(ContentKind::Lesson, |l| l["objectives"] = serde_json::json!(["Understand ownership"]));
        let findings = review_content(&lesson, &slot);
        assert_eq!(checks(&findings), [(OBJECTIVE_NOT_MEASURABLE, Severity::Advisory)]);
        assert_eq!(findings[0].evidence, "objective 1: \"Understand ownership\" does not start with a measurable (Bloom) verb");
        assert!(passes(&findings));
    }

    #[test]
    fn the_duration_fits_the_slot_within_twenty_percent() {
        let at = |minutes: u32| document(ContentKind::Lesson, |l| l["durationMinutes"] = minutes.into());
        let slot = testing_slot();
        assert_eq!(duration_range(45), (36, 54));
        for fits in [36, 45, 54] {
            assert_eq!(review_content(&at(fits), &slot), [], "{fits}");
        }
        for off in [35, 55] {
            let findings = review_content(&at(off), &slot);
            assert_eq!(checks(&findings), [(DURATION_OFF_SLOT, Severity::Blocking)], "{off}");
        }
        assert_eq!(review_content(&at(90), &slot)[0].evidence, "durationMinutes is 90; the slot has 45 minutes, so 36 to 54 within ±20%");
        assert_eq!(duration_range(u32::MAX).1, u32::MAX);
    }

    #[test]
    fn a_level_other_than_the_slots_is_advisory() {
        let advanced = document(ContentKind::Lesson, |l| l["metadata"]["level"] = "advanced".into());
        let findings = review_content(&advanced, &testing_slot());
        assert_eq!(checks(&findings), [(LEVEL_OFF_SLOT, Severity::Advisory)]);
        assert_eq!(findings[0].evidence, "metadata.level is advanced; the slot is beginner");
        let mut unstated = testing_slot();
        unstated.level = "mixed".into();
        assert_eq!(review_content(&advanced, &unstated), [], "a level the slot does not state is not judged");
    }

    #[test]
    fn a_hand_built_document_is_held_to_the_minima() {
        let mut lesson = match document(ContentKind::Lesson, |_| {}) {
            ContentDocument::Lesson(lesson) => lesson,
            _ => unreachable!(),
        };
        lesson.key_takeaways.truncate(1);
        let findings = review_content(&ContentDocument::Lesson(lesson), &testing_slot());
        assert_eq!(checks(&findings), [(SCHEMA_MINIMUM, Severity::Blocking)]);
        assert_eq!(findings[0].evidence, "keyTakeaways: must have at least 2 non-empty items");
    }

    #[test]
    fn a_project_needs_two_criteria_and_two_lessons_of_its_module() {
        let thin = document(ContentKind::Project, |p| {
            p["rubric"] = serde_json::json!([p["rubric"][0]]);
            p["appliesLessons"] = serde_json::json!(["m1.l1", "M1.L1", "m2.l1"]);
        });
        let findings = review_content(&thin, &testing_slot());
        assert_eq!(checks(&findings), [(RUBRIC_TOO_THIN, Severity::Blocking), (LESSON_OUTSIDE_MODULE, Severity::Blocking), (TOO_FEW_LESSONS_APPLIED, Severity::Blocking)]);
        assert_eq!(findings[0].evidence, "the rubric has 1 criterion with points; at least 2 are needed");
        assert_eq!(findings[1].evidence, "appliesLessons names \"m2.l1\" which is not a lesson of the module \"Memory without a garbage collector\" (its lessons: m1.l1, m1.l2, m1.l3)");
        assert_eq!(findings[2].evidence, "the project applies 1 lesson of its module (m1.l1); at least 2 are needed");
        let none = document(ContentKind::Project, |p| p["appliesLessons"] = serde_json::json!([]));
        assert_eq!(review_content(&none, &testing_slot())[0].evidence, "the project applies 0 lessons of its module (none); at least 2 are needed");

        let mut single = testing_slot();
        single.module_lessons = vec![ModuleLesson { slot_id: "m1.l1".into(), title: "Only".into() }];
        let one = document(ContentKind::Project, |p| p["appliesLessons"] = serde_json::json!(["m1.l1"]));
        assert_eq!(review_content(&one, &single), [], "a one-lesson module offers one");
    }

    #[test]
    fn a_project_without_deliverables_or_constraints_is_blocked() {
        let mut project = match document(ContentKind::Project, |_| {}) {
            ContentDocument::Project(project) => project,
            _ => unreachable!(),
        };
        project.deliverables.clear();
        project.constraints.clear();
        let findings = review_content(&ContentDocument::Project(project), &testing_slot());
        assert_eq!(checks(&findings), [
            (SCHEMA_MINIMUM, Severity::Blocking),
            (SCHEMA_MINIMUM, Severity::Blocking),
            (DELIVERABLES_MISSING, Severity::Blocking),
            (CONSTRAINTS_MISSING, Severity::Blocking)
        ]);
    }
}
