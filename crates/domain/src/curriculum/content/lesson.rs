//! Seed's `Lesson`: what a model writes for one lesson slot — a title, its length, objectives,
//! an explanation made of concepts, key takeaways, a practice task and its level. The ids
//! (syllabus, module, lesson index) are not the model's to write: the slot carries them. The
//! caps bound the largest lesson to about 54 000 characters: its answer fits the provider's
//! token ceiling (`prompt::content_token_budget` is measured from them), and one stored item
//! stays near 0.2 MB at 4 bytes a character, far under D1's 2 MB row.

use super::fields::{object_schema, path, text_schema, texts_schema, Check, MAX_ITEM_CHARS, MAX_TITLE_CHARS};
use crate::platform::error::FieldError;
use crate::llm::schema::nullable;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const MIN_LESSON_TITLE_CHARS: usize = 5;
pub const MIN_LESSON_MINUTES: u32 = 5;
/// A full day of teaching: a longer lesson is a model's mistake.
pub const MAX_LESSON_MINUTES: u32 = 480;
pub const MAX_OBJECTIVES: usize = 10;
pub const MIN_OVERVIEW_CHARS: usize = 50;
pub const MAX_OVERVIEW_CHARS: usize = 2_000;
pub const MAX_CONCEPTS: usize = 10;
pub const MIN_CONCEPT_EXPLANATION_CHARS: usize = 50;
pub const MAX_CONCEPT_EXPLANATION_CHARS: usize = 1_500;
pub const MAX_EXAMPLE_CHARS: usize = 1_500;
pub const MIN_KEY_TAKEAWAYS: usize = 2;
pub const MAX_KEY_TAKEAWAYS: usize = 10;
pub const MIN_PRACTICE_CHARS: usize = 30;
pub const MAX_PRACTICE_CHARS: usize = 2_000;
pub const MAX_PREREQUISITES: usize = 10;

const LESSON_FIELDS: [&str; 7] = ["title", "durationMinutes", "objectives", "explanation", "keyTakeaways", "practice", "metadata"];
const EXPLANATION_FIELDS: [&str; 2] = ["overview", "concepts"];
const CONCEPT_FIELDS: [&str; 3] = ["title", "explanation", "example"];
const PRACTICE_FIELDS: [&str; 2] = ["prompt", "expectedOutcome"];
const METADATA_FIELDS: [&str; 2] = ["level", "prerequisites"];
const LEVELS: [&str; 3] = ["beginner", "intermediate", "advanced"];

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Lesson {
    pub title: String,
    pub duration_minutes: u32,
    pub objectives: Vec<String>,
    pub explanation: LessonExplanation,
    pub key_takeaways: Vec<String>,
    pub practice: Practice,
    pub metadata: LessonMetadata,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct LessonExplanation {
    pub overview: String,
    pub concepts: Vec<Concept>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Concept {
    pub title: String,
    pub explanation: String,
    /// Null when absent: the schema asks for every field, nullable ones included.
    #[serde(default)]
    pub example: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Practice {
    pub prompt: String,
    pub expected_outcome: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct LessonMetadata {
    pub level: Level,
    /// Null when absent: the schema asks for every field, nullable ones included.
    #[serde(default)]
    pub prerequisites: Option<Vec<String>>,
}

/// A lesson's level: the syllabus's scale.
pub use crate::curriculum::syllabus::Level;

/// A lesson as a model or a reviewer wrote it, cleaned (text trimmed, invisible characters
/// removed, blank list items dropped) with every wrong field named in document order.
pub fn validate_lesson(value: &Value) -> Result<Lesson, Vec<FieldError>> {
    let mut check = Check::default();
    let Some(object) = check.root(value, "lesson", &LESSON_FIELDS) else { return Err(check.errors) };
    let lesson = Lesson {
        title: check.text("title", object.get("title"), MIN_LESSON_TITLE_CHARS, MAX_TITLE_CHARS),
        duration_minutes: check.whole_number("durationMinutes", object.get("durationMinutes"), MIN_LESSON_MINUTES, MAX_LESSON_MINUTES),
        objectives: check.texts("objectives", object.get("objectives"), 1, MAX_OBJECTIVES, MAX_ITEM_CHARS),
        explanation: explanation(&mut check, object.get("explanation")),
        key_takeaways: check.texts("keyTakeaways", object.get("keyTakeaways"), MIN_KEY_TAKEAWAYS, MAX_KEY_TAKEAWAYS, MAX_ITEM_CHARS),
        practice: practice(&mut check, object.get("practice")),
        metadata: metadata(&mut check, object.get("metadata")),
    };
    check.finish(lesson)
}

fn explanation(check: &mut Check, value: Option<&Value>) -> LessonExplanation {
    let field = "explanation";
    let Some(object) = check.object(field, value, &EXPLANATION_FIELDS) else { return LessonExplanation::default() };
    let overview = check.text(&path(field, "overview"), object.get("overview"), MIN_OVERVIEW_CHARS, MAX_OVERVIEW_CHARS);
    let concepts = check.list(&path(field, "concepts"), object.get("concepts"), 1, MAX_CONCEPTS, "concept");
    LessonExplanation { overview, concepts: concepts.into_iter().map(|(at, item)| concept(check, &at, item)).collect() }
}

fn concept(check: &mut Check, field: &str, value: &Value) -> Concept {
    let Some(object) = check.object(field, Some(value), &CONCEPT_FIELDS) else { return Concept::default() };
    Concept {
        title: check.text(&path(field, "title"), object.get("title"), 1, MAX_TITLE_CHARS),
        explanation: check.text(&path(field, "explanation"), object.get("explanation"), MIN_CONCEPT_EXPLANATION_CHARS, MAX_CONCEPT_EXPLANATION_CHARS),
        example: check.optional_text(&path(field, "example"), object.get("example"), MAX_EXAMPLE_CHARS),
    }
}

fn practice(check: &mut Check, value: Option<&Value>) -> Practice {
    let field = "practice";
    let Some(object) = check.object(field, value, &PRACTICE_FIELDS) else { return Practice::default() };
    Practice {
        prompt: check.text(&path(field, "prompt"), object.get("prompt"), MIN_PRACTICE_CHARS, MAX_PRACTICE_CHARS),
        expected_outcome: check.text(&path(field, "expectedOutcome"), object.get("expectedOutcome"), MIN_PRACTICE_CHARS, MAX_PRACTICE_CHARS),
    }
}

fn metadata(check: &mut Check, value: Option<&Value>) -> LessonMetadata {
    let field = "metadata";
    let Some(object) = check.object(field, value, &METADATA_FIELDS) else { return LessonMetadata::default() };
    let level = check.choice(&path(field, "level"), object.get("level"), &LEVELS);
    LessonMetadata {
        level: Level::parse(level).unwrap_or(Level::Intermediate),
        prerequisites: check.optional_texts(&path(field, "prerequisites"), object.get("prerequisites"), MAX_PREREQUISITES, MAX_ITEM_CHARS),
    }
}

/// The JSON Schema of a lesson, every rule of `validate_lesson` a schema can state, from the
/// same constants (see `blueprint::document::blueprint_json_schema` for why all of them). What
/// it cannot say stays with the validator: text measured after cleaning, blank items dropped.
pub fn lesson_json_schema() -> Value {
    let concept = object_schema(json!({
        "title": text_schema(1, MAX_TITLE_CHARS, "The concept's name."),
        "explanation": text_schema(MIN_CONCEPT_EXPLANATION_CHARS, MAX_CONCEPT_EXPLANATION_CHARS, "What the concept is and why it matters, for this level."),
        "example": nullable(text_schema(1, MAX_EXAMPLE_CHARS, "A worked example, or null."))
    }));
    object_schema(json!({
        "title": text_schema(MIN_LESSON_TITLE_CHARS, MAX_TITLE_CHARS, "The lesson's title."),
        "durationMinutes": { "type": "integer", "minimum": MIN_LESSON_MINUTES, "maximum": MAX_LESSON_MINUTES, "description": "Whole minutes: the slot's length." },
        "objectives": texts_schema(1, MAX_OBJECTIVES, MAX_ITEM_CHARS, "The slot's objectives, copied word for word."),
        "explanation": object_schema(json!({
            "overview": text_schema(MIN_OVERVIEW_CHARS, MAX_OVERVIEW_CHARS, "What the lesson covers and why, in a short paragraph."),
            "concepts": { "type": "array", "items": concept, "minItems": 1, "maxItems": MAX_CONCEPTS, "description": "The concepts taught, in teaching order." }
        })),
        "keyTakeaways": texts_schema(MIN_KEY_TAKEAWAYS, MAX_KEY_TAKEAWAYS, MAX_ITEM_CHARS, "What a learner should remember."),
        "practice": object_schema(json!({
            "prompt": text_schema(MIN_PRACTICE_CHARS, MAX_PRACTICE_CHARS, "A task that practises the objectives."),
            "expectedOutcome": text_schema(MIN_PRACTICE_CHARS, MAX_PRACTICE_CHARS, "What a good answer to the task looks like.")
        })),
        "metadata": object_schema(json!({
            "level": { "type": "string", "enum": LEVELS, "description": "The learners' level." },
            "prerequisites": nullable(texts_schema(0, MAX_PREREQUISITES, MAX_ITEM_CHARS, "What learners must know first, or null."))
        }))
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::llm::schema::check as schema_check;

    /// A lesson that passes the validator and, for the slot `testing_slot`, the quality gate.
    pub(crate) fn good_lesson() -> Value {
        json!({
            "title": "Ownership and borrowing",
            "durationMinutes": 45,
            "objectives": ["Explain how ownership moves a value", "Apply borrowing rules to fix a compile error"],
            "explanation": {
                "overview": "Every value in Rust has one owner; this lesson shows how ownership moves and how borrowing lends access.",
                "concepts": [
                    {"title": "Moves", "explanation": "Assigning a heap value to another variable moves ownership, and the old name can no longer be used.", "example": "let b = a; // a is moved"},
                    {"title": "Borrows", "explanation": "A reference lends access without taking ownership; many shared or one mutable at a time.", "example": null}
                ]
            },
            "keyTakeaways": ["Each value has exactly one owner", "References never outlive what they point to"],
            "practice": {"prompt": "Fix the three borrow-checker errors in the given snippet.", "expectedOutcome": "The snippet compiles and each fix is justified in one sentence."},
            "metadata": {"level": "beginner", "prerequisites": null}
        })
    }

    fn fields(value: Value) -> Vec<String> {
        validate_lesson(&value).unwrap_err().into_iter().map(|e| e.field).collect()
    }

    fn with(edit: impl FnOnce(&mut Value)) -> Value {
        let mut lesson = good_lesson();
        edit(&mut lesson);
        lesson
    }

    #[test]
    fn a_good_lesson_is_read_and_cleaned() {
        let lesson = validate_lesson(&with(|l| {
            l["title"] = json!("  Ownership and borrowing\u{200B} ");
            l["keyTakeaways"] = json!(["Each value has exactly one owner", "  ", null, "References never outlive what they point to"]);
            l["metadata"]["level"] = json!(" Beginner ");
        }))
        .unwrap();
        assert_eq!(lesson.title, "Ownership and borrowing");
        assert_eq!(lesson.key_takeaways.len(), 2);
        assert_eq!(lesson.metadata.level, Level::Beginner);
        assert_eq!(lesson.explanation.concepts[1].example, None);
        assert_eq!(validate_lesson(&json!({"lesson": good_lesson()})).unwrap(), lesson, "a wrapped lesson reads the same");
        assert_eq!(validate_lesson(&serde_json::to_value(&lesson).unwrap()).unwrap(), lesson, "what passes once passes again");
    }

    #[test]
    fn every_minimum_is_named() {
        let short = json!({
            "title": "Own",
            "durationMinutes": 4,
            "objectives": [],
            "explanation": {"overview": "Too short.", "concepts": []},
            "keyTakeaways": ["Only one"],
            "practice": {"prompt": "Do it.", "expectedOutcome": "Done."},
            "metadata": {"level": "expert"}
        });
        assert_eq!(fields(short), [
            "title",
            "durationMinutes",
            "objectives",
            "explanation.overview",
            "explanation.concepts",
            "keyTakeaways",
            "practice.prompt",
            "practice.expectedOutcome",
            "metadata.level"
        ]);
        let concept = with(|l| l["explanation"]["concepts"][1] = json!({"title": " ", "explanation": "Short.", "example": 3}));
        assert_eq!(fields(concept), ["explanation.concepts[1].title", "explanation.concepts[1].explanation", "explanation.concepts[1].example"]);
    }

    #[test]
    fn missing_wrong_typed_and_extra_fields_are_named() {
        assert_eq!(fields(json!({})), LESSON_FIELDS);
        assert_eq!(fields(json!("lesson")), ["lesson"]);
        let wrong = with(|l| {
            l["durationMinutes"] = json!("45");
            l["objectives"] = json!("Explain");
            l["explanation"] = json!([]);
            l["syllabusId"] = json!("s1");
            l["practice"]["hint"] = json!("x");
        });
        let errors = validate_lesson(&wrong).unwrap_err();
        let named: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(named, [
            "syllabusId: must not be present",
            "durationMinutes: must be a whole number from 5 to 480",
            "objectives: must be a list of text",
            "explanation: must be an object",
            "practice.hint: must not be present"
        ]);
    }

    #[test]
    fn caps_are_refused_not_cut() {
        let long = |chars: usize| "é".repeat(chars);
        let runaway = with(|l| {
            l["title"] = json!(long(MAX_TITLE_CHARS + 1));
            l["durationMinutes"] = json!(MAX_LESSON_MINUTES + 1);
            l["objectives"] = Value::from(vec!["Explain x"; MAX_OBJECTIVES + 1]);
            l["explanation"]["concepts"] = Value::from(vec![good_lesson()["explanation"]["concepts"][0].clone(); MAX_CONCEPTS + 1]);
            l["metadata"]["prerequisites"] = json!([long(MAX_ITEM_CHARS + 1)]);
        });
        assert_eq!(fields(runaway), ["title", "durationMinutes", "objectives", "explanation.concepts", "metadata.prerequisites[0]"]);
    }

    #[test]
    fn the_schema_is_closed_and_agrees_with_the_validator() {
        let schema = lesson_json_schema();
        assert_eq!(schema_check(&schema, &good_lesson()), Ok(()));
        let text = |chars: usize| Value::from("é".repeat(chars));
        let texts = |items: usize| Value::from((0..items).map(|i| format!("Item {i}")).collect::<Vec<_>>());
        let concept = good_lesson()["explanation"]["concepts"][0].clone();
        type Edit = fn(&mut Value, Value);
        let cases: Vec<(&str, Edit, Value, Value, &str)> = vec![
            ("title min", |l, v| l["title"] = v, text(MIN_LESSON_TITLE_CHARS), text(MIN_LESSON_TITLE_CHARS - 1), "title"),
            ("title max", |l, v| l["title"] = v, text(MAX_TITLE_CHARS), text(MAX_TITLE_CHARS + 1), "title"),
            ("minutes min", |l, v| l["durationMinutes"] = v, json!(MIN_LESSON_MINUTES), json!(MIN_LESSON_MINUTES - 1), "durationMinutes"),
            ("minutes max", |l, v| l["durationMinutes"] = v, json!(MAX_LESSON_MINUTES), json!(MAX_LESSON_MINUTES + 1), "durationMinutes"),
            ("objectives min", |l, v| l["objectives"] = v, texts(1), texts(0), "objectives"),
            ("objectives max", |l, v| l["objectives"] = v, texts(MAX_OBJECTIVES), texts(MAX_OBJECTIVES + 1), "objectives"),
            ("objective chars", |l, v| l["objectives"] = json!([v]), text(MAX_ITEM_CHARS), text(MAX_ITEM_CHARS + 1), "objectives[0]"),
            ("overview min", |l, v| l["explanation"]["overview"] = v, text(MIN_OVERVIEW_CHARS), text(MIN_OVERVIEW_CHARS - 1), "explanation.overview"),
            ("overview max", |l, v| l["explanation"]["overview"] = v, text(MAX_OVERVIEW_CHARS), text(MAX_OVERVIEW_CHARS + 1), "explanation.overview"),
            ("concepts min", |l, v| l["explanation"]["concepts"] = v, Value::from(vec![concept.clone(); 1]), json!([]), "explanation.concepts"),
            ("concepts max", |l, v| l["explanation"]["concepts"] = v, Value::from(vec![concept.clone(); MAX_CONCEPTS]), Value::from(vec![concept.clone(); MAX_CONCEPTS + 1]), "explanation.concepts"),
            ("concept title min", |l, v| l["explanation"]["concepts"][0]["title"] = v, text(1), text(0), "explanation.concepts[0].title"),
            ("concept explanation min", |l, v| l["explanation"]["concepts"][0]["explanation"] = v, text(MIN_CONCEPT_EXPLANATION_CHARS), text(MIN_CONCEPT_EXPLANATION_CHARS - 1), "explanation.concepts[0].explanation"),
            ("concept explanation max", |l, v| l["explanation"]["concepts"][0]["explanation"] = v, text(MAX_CONCEPT_EXPLANATION_CHARS), text(MAX_CONCEPT_EXPLANATION_CHARS + 1), "explanation.concepts[0].explanation"),
            ("example max", |l, v| l["explanation"]["concepts"][0]["example"] = v, text(MAX_EXAMPLE_CHARS), text(MAX_EXAMPLE_CHARS + 1), "explanation.concepts[0].example"),
            ("takeaways min", |l, v| l["keyTakeaways"] = v, texts(MIN_KEY_TAKEAWAYS), texts(MIN_KEY_TAKEAWAYS - 1), "keyTakeaways"),
            ("takeaways max", |l, v| l["keyTakeaways"] = v, texts(MAX_KEY_TAKEAWAYS), texts(MAX_KEY_TAKEAWAYS + 1), "keyTakeaways"),
            ("prompt min", |l, v| l["practice"]["prompt"] = v, text(MIN_PRACTICE_CHARS), text(MIN_PRACTICE_CHARS - 1), "practice.prompt"),
            ("prompt max", |l, v| l["practice"]["prompt"] = v, text(MAX_PRACTICE_CHARS), text(MAX_PRACTICE_CHARS + 1), "practice.prompt"),
            ("outcome min", |l, v| l["practice"]["expectedOutcome"] = v, text(MIN_PRACTICE_CHARS), text(MIN_PRACTICE_CHARS - 1), "practice.expectedOutcome"),
            ("level", |l, v| l["metadata"]["level"] = v, json!("advanced"), json!("expert"), "metadata.level"),
            ("prerequisites max", |l, v| l["metadata"]["prerequisites"] = v, texts(MAX_PREREQUISITES), texts(MAX_PREREQUISITES + 1), "metadata.prerequisites"),
            ("extra field", |l, v| l["explanation"]["extra"] = v, Value::Null, json!(1), "explanation.extra"),
        ];
        for (name, edit, at_cap, past_cap, field) in cases {
            let mut document = good_lesson();
            if name != "extra field" {
                edit(&mut document, at_cap);
                assert_eq!(schema_check(&schema, &document), Ok(()), "{name}: at the cap, the schema");
                assert!(validate_lesson(&document).is_ok(), "{name}: at the cap, the validator: {:?}", validate_lesson(&document).err());
            }
            let mut document = good_lesson();
            edit(&mut document, past_cap);
            assert!(schema_check(&schema, &document).is_err(), "{name}: past the cap, the schema");
            let named: Vec<String> = validate_lesson(&document).err().unwrap_or_default().into_iter().map(|error| error.field).collect();
            assert_eq!(named, [field], "{name}: past the cap, the validator names the field");
        }
        for field in LESSON_FIELDS {
            let mut document = good_lesson();
            document.as_object_mut().map(|object| object.remove(field));
            assert!(schema_check(&schema, &document).is_err() && validate_lesson(&document).is_err(), "{field}");
        }
    }
}
