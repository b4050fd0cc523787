//! The syllabus: the structured plan of one course, derived from one completed blueprint
//! version. The blueprint fixes the structure (its modules, in order, with their titles,
//! durations and objectives); the syllabus adds what teaching needs — lessons with their own
//! objectives, minutes and level, the course's prerequisites and each module's assessment hooks
//! (placeholders the content stage fills).
//!
//! One job per module: the document and its slots (here), validation against the blueprint
//! (`validate`), the JSON Schema sent to a model (`schema`), the prompt (`prompt`) and the
//! curated syllabus used when no model is usable (`curated`).

mod curated;
mod prompt;
mod schema;
mod validate;

pub use curated::curated_syllabus;
pub use prompt::{syllabus_prompt, syllabus_token_budget};
pub use schema::{syllabus_json_schema, syllabus_json_schema_for};
pub use validate::{read_syllabus, validate_syllabus};

use serde::{Deserialize, Serialize};

/// Lessons per module: at least one (a module is taught), at most a dozen (more is a module
/// that should have been split in the blueprint).
pub const MIN_LESSONS: usize = 1;
pub const MAX_LESSONS: usize = 12;
/// The shortest lesson worth scheduling. A module shorter than this (the blueprint allows one
/// minute) has a single lesson holding all its minutes, so the floor there is
/// `MIN_SHORT_LESSON_MINUTES`.
pub const MIN_LESSON_MINUTES: u32 = 5;
pub const MIN_SHORT_LESSON_MINUTES: u32 = 1;
/// Characters of the syllabus title (as the blueprint's) and of a lesson title.
pub const MIN_SYLLABUS_TITLE_CHARS: usize = crate::blueprint::document::MIN_TITLE_CHARS;
pub const MAX_TITLE_CHARS: usize = crate::blueprint::document::MAX_TITLE_CHARS;
/// Items per list (prerequisites, objectives, assessment hooks) and characters per item: the
/// blueprint's caps, since most items are the blueprint's own.
pub const MAX_LIST_ITEMS: usize = crate::blueprint::document::MAX_LIST_ITEMS;
pub const MAX_ITEM_CHARS: usize = crate::blueprint::document::MAX_ITEM_CHARS;
/// Characters of text in the whole syllabus. Lesson objectives repeat their module's, so a
/// syllabus holds up to about three times its blueprint's text (module objectives, lesson
/// objectives, lesson titles drawn from them) plus its hooks: the curated syllabus of the
/// largest blueprint (`MAX_BLUEPRINT_CHARS`, 50 000) stays under this, and at 4 bytes a
/// character the JSON stays under 1 MB, well inside a D1 row.
pub const MAX_SYLLABUS_CHARS: usize = 200_000;

/// How demanding a course or a lesson is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum Level {
    Beginner,
    /// What nothing else states: a blueprint names no level, a placeholder takes this one.
    #[default]
    Intermediate,
    Advanced,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Beginner, Level::Intermediate, Level::Advanced];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }

    /// A level as written, ignoring case and surrounding space (`"Beginner"` is a beginner).
    pub fn parse(raw: &str) -> Option<Level> {
        let wanted = raw.trim();
        Level::ALL.into_iter().find(|level| level.as_str().eq_ignore_ascii_case(wanted))
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Syllabus {
    pub title: String,
    pub level: Level,
    pub prerequisites: Vec<String>,
    pub modules: Vec<SyllabusModule>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct SyllabusModule {
    /// `m1`, `m2`…: the module's place in the course, recomputed on every validation.
    pub id: String,
    pub title: String,
    pub duration_minutes: u32,
    /// The blueprint module's objectives, as the blueprint words them.
    pub objectives: Vec<String>,
    pub lessons: Vec<SyllabusLesson>,
    /// Placeholders for how the module is assessed; the content stage writes them.
    pub assessment_hooks: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct SyllabusLesson {
    /// `m1.l1`, `m1.l2`…, recomputed like the module's.
    pub id: String,
    pub title: String,
    /// Some of the module's objectives, worded as the module words them.
    pub objectives: Vec<String>,
    pub minutes: u32,
    pub level: Level,
}

/// The id of module `index` (0-based): `m1` for the first.
pub fn module_id(index: usize) -> String {
    format!("m{}", index + 1)
}

/// The id of lesson `lesson` of module `module` (both 0-based): `m1.l1` for the first.
pub fn lesson_id(module: usize, lesson: usize) -> String {
    format!("m{}.l{}", module + 1, lesson + 1)
}

// ---------------------------------------------------------------------------------------------
// Canonical form

/// The syllabus as the JSON its approval hashes: the struct's field order, no whitespace. Two
/// syllabi with the same content have the same text, so the stored hash proves what a reviewer
/// approved.
pub fn canonical_json(syllabus: &Syllabus) -> String {
    // Strings, integers and enums only: serialising cannot fail.
    serde_json::to_string(syllabus).unwrap_or_default()
}

/// The lower-case hex SHA-256 of the canonical JSON, as an approval stores it.
pub fn canonical_sha256(syllabus: &Syllabus) -> String {
    crate::blueprint::exports::sha256_hex(canonical_json(syllabus).as_bytes())
}

// ---------------------------------------------------------------------------------------------
// Content slots

/// What one piece of a course's content is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum SlotKind {
    Lesson,
    Quiz,
    Project,
}

/// One piece of content a syllabus calls for: a lesson (`m1.l2`), the quiz after it
/// (`m1.l2.quiz`) or a module's project (`m1.project`). `module` and `lesson` are 0-based
/// indexes into the syllabus; the id counts from 1.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Slot {
    pub id: String,
    pub kind: SlotKind,
    #[cfg_attr(feature = "contracts", ts(type = "number"))]
    pub module: usize,
    #[cfg_attr(feature = "contracts", ts(type = "number | null"))]
    pub lesson: Option<usize>,
}

impl Slot {
    fn lesson(module: usize, lesson: usize) -> Slot {
        Slot { id: lesson_id(module, lesson), kind: SlotKind::Lesson, module, lesson: Some(lesson) }
    }

    fn quiz(module: usize, lesson: usize) -> Slot {
        Slot { id: format!("{}.quiz", lesson_id(module, lesson)), kind: SlotKind::Quiz, module, lesson: Some(lesson) }
    }

    fn project(module: usize) -> Slot {
        Slot { id: format!("{}.project", module_id(module)), kind: SlotKind::Project, module, lesson: None }
    }
}

impl Syllabus {
    /// Every content slot in course order: per module, each lesson followed by its quiz, then
    /// the module's project.
    pub fn slots(&self) -> Vec<Slot> {
        let mut slots = Vec::new();
        for (module_index, module) in self.modules.iter().enumerate() {
            for lesson_index in 0..module.lessons.len() {
                slots.push(Slot::lesson(module_index, lesson_index));
                slots.push(Slot::quiz(module_index, lesson_index));
            }
            slots.push(Slot::project(module_index));
        }
        slots
    }

    /// The slot `id` names, when this syllabus has it.
    pub fn find_slot(&self, id: &str) -> Option<Slot> {
        let slot = parse_slot(id)?;
        let module = self.modules.get(slot.module)?;
        match slot.lesson {
            Some(lesson) if lesson >= module.lessons.len() => None,
            _ => Some(slot),
        }
    }
}

/// A slot id (`m2.l3`, `m2.l3.quiz`, `m2.project`) read back, in its canonical spelling only
/// (numbers from 1, no leading zeros, lower case): any other text names no slot. Whether a
/// syllabus has it is [`Syllabus::find_slot`].
pub fn parse_slot(id: &str) -> Option<Slot> {
    let mut parts = id.split('.');
    let module = parts.next().and_then(|part| position(part, 'm'))?;
    let slot = match (parts.next(), parts.next()) {
        (Some("project"), None) => Slot::project(module),
        (Some(lesson), None) => Slot::lesson(module, position(lesson, 'l')?),
        (Some(lesson), Some("quiz")) => Slot::quiz(module, position(lesson, 'l')?),
        _ => return None,
    };
    parts.next().is_none().then_some(slot)
}

/// `m3` (with `prefix` `m`) as the 0-based index 2; `m0`, `m03`, `m` and `M3` are no position.
fn position(part: &str, prefix: char) -> Option<usize> {
    let digits = part.strip_prefix(prefix)?;
    let canonical = !digits.is_empty() && digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
    if !canonical {
        return None;
    }
    digits.parse::<usize>().ok()?.checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::sales_onboarding;

    #[test]
    fn slots_follow_the_course_and_read_back() {
        let syllabus = curated_syllabus(&sales_onboarding());
        let ids: Vec<String> = syllabus.slots().into_iter().map(|slot| slot.id).collect();
        assert_eq!(ids, ["m1.l1", "m1.l1.quiz", "m1.project", "m2.l1", "m2.l1.quiz", "m2.project"]);
        for slot in syllabus.slots() {
            assert_eq!(parse_slot(&slot.id).as_ref(), Some(&slot));
            assert_eq!(syllabus.find_slot(&slot.id), Some(slot));
        }
        assert_eq!(parse_slot("m2.l3.quiz"), Some(Slot { id: "m2.l3.quiz".into(), kind: SlotKind::Quiz, module: 1, lesson: Some(2) }));
        assert_eq!(parse_slot("m12.project"), Some(Slot { id: "m12.project".into(), kind: SlotKind::Project, module: 11, lesson: None }));
        for bad in ["", "m", "m0.l1", "m01.l1", "M1.l1", "m1", "m1.l0", "m1.l1.quiz.x", "m1.project.quiz", "m1.l1.test", "m-1.l1", "m1.l", "m99999.l1", " m1.l1", "m1..l1"] {
            assert_eq!(parse_slot(bad), None, "{bad:?}");
        }
        assert_eq!(syllabus.find_slot("m1.l2"), None, "the first module has one lesson");
        assert_eq!(syllabus.find_slot("m3.project"), None, "two modules");
        assert_eq!(serde_json::to_value(parse_slot("m1.project").unwrap()).unwrap(), serde_json::json!({"id": "m1.project", "kind": "project", "module": 0, "lesson": null}));
    }

    #[test]
    fn the_canonical_json_is_compact_ordered_and_hashed() {
        let syllabus = curated_syllabus(&sales_onboarding());
        let json = canonical_json(&syllabus);
        assert!(json.starts_with(r#"{"title":"Sales onboarding","level":"intermediate","prerequisites":[],"modules":[{"id":"m1","title":"Pricing basics","durationMinutes":90,"#), "{json}");
        assert!(!json.contains("\": ") && !json.contains(", \"") && !json.contains('\n'));
        let hash = canonical_sha256(&syllabus);
        assert_eq!(hash.len(), 64);
        assert!(hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        // Reading it back and writing it again gives the same text, so the same hash.
        let again: Syllabus = serde_json::from_str(&json).unwrap();
        assert_eq!(canonical_sha256(&again), hash);
        let mut edited = syllabus.clone();
        edited.modules[0].lessons[0].title.push('!');
        assert_ne!(canonical_sha256(&edited), hash);
    }

    #[test]
    fn levels_read_in_any_case() {
        assert_eq!(Level::parse(" Beginner "), Some(Level::Beginner));
        assert_eq!(Level::parse("ADVANCED"), Some(Level::Advanced));
        assert_eq!(Level::parse("expert"), None);
        assert_eq!(serde_json::to_value(Level::Intermediate).unwrap(), "intermediate");
    }
}
