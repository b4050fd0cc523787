//! Course content generated from an approved syllabus, one item per slot: a lesson, a quiz or a
//! project. Each kind has its contract (`lesson`, `quiz`, `project`: caps, validator, JSON
//! Schema, all from the same constants; `fields` is the reader they share); what the model is
//! asked, as prompts and as provider requests with a measured token budget (`prompt`); the
//! quality gate an item must pass before it is kept without review
//! (`quality`, with the quiz's item-writing lints in `quiz_flaws` and the second-model answer
//! key check in `answer_key`); and the curated item used when no model answers (`fallback`).
//!
//! The slot is given as plain values ([`SlotContext`]), not as the syllabus's types: this module
//! only needs what a slot says about itself and its module.

pub mod answer_key;
pub mod fallback;
mod fields;
pub mod lesson;
pub mod project;
pub mod prompt;
pub mod quality;
pub mod quiz;
pub mod quiz_flaws;

use crate::platform::error::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use answer_key::{answer_key_findings, blind_answer_json_schema, blind_answer_prompt, blind_answer_request, read_blind_answers};
pub use fallback::curated_content;
pub use prompt::{content_prompt, content_request, content_token_budget};
pub use quality::{passes, review_content, review_content_with_blind_answers, Finding, Severity};
pub use lesson::{Concept, Lesson, LessonExplanation, LessonMetadata, Level, Practice};
pub use project::{Project, RubricCriterion};
pub use quiz::{Quiz, QuizQuestion};

/// What one syllabus slot says about the item to write, and about the module around it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct SlotContext {
    /// `m1.l2`: the slot this item fills.
    pub slot_id: String,
    pub title: String,
    /// The slot's objectives as the syllabus states them; a lesson copies them.
    pub objectives: Vec<String>,
    pub minutes: u32,
    /// beginner, intermediate or advanced, as the syllabus has it (read with `Level::parse`).
    pub level: String,
    pub module_title: String,
    /// The module's lesson slots, in order: what a project may apply.
    pub module_lessons: Vec<ModuleLesson>,
}

/// One lesson slot of the module: its id and its title.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ModuleLesson {
    pub slot_id: String,
    pub title: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum ContentKind {
    Lesson,
    Quiz,
    Project,
}

impl ContentKind {
    pub const ALL: [ContentKind; 3] = [ContentKind::Lesson, ContentKind::Quiz, ContentKind::Project];

    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Lesson => "lesson",
            ContentKind::Quiz => "quiz",
            ContentKind::Project => "project",
        }
    }

    /// `lesson`, `quiz` or `project` in any case; `None` for anything else.
    pub fn parse(text: &str) -> Option<ContentKind> {
        ContentKind::ALL.into_iter().find(|kind| kind.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// One slot's content, of its kind. Stored and sent as `{"kind": "lesson", "document": {...}}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind", content = "document", rename_all = "lowercase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum ContentDocument {
    Lesson(Lesson),
    Quiz(Quiz),
    Project(Project),
}

impl ContentDocument {
    pub fn kind(&self) -> ContentKind {
        match self {
            ContentDocument::Lesson(_) => ContentKind::Lesson,
            ContentDocument::Quiz(_) => ContentKind::Quiz,
            ContentDocument::Project(_) => ContentKind::Project,
        }
    }

    /// The document alone, as the model wrote it and `validate_content` reads it.
    pub fn to_value(&self) -> Value {
        let value = match self {
            ContentDocument::Lesson(lesson) => serde_json::to_value(lesson),
            ContentDocument::Quiz(quiz) => serde_json::to_value(quiz),
            ContentDocument::Project(project) => serde_json::to_value(project),
        };
        // Plain structs of strings and numbers always serialise; Null is unreachable.
        value.unwrap_or(Value::Null)
    }
}

/// A document of `kind` as a model or a reviewer wrote it: cleaned and checked against its
/// contract, with every wrong field named (`explanation.concepts[1].title`). A reviewer's edit
/// goes through here as a model's answer does.
pub fn validate_content(kind: ContentKind, value: &Value) -> Result<ContentDocument, Vec<FieldError>> {
    match kind {
        ContentKind::Lesson => lesson::validate_lesson(value).map(ContentDocument::Lesson),
        ContentKind::Quiz => quiz::validate_quiz(value).map(ContentDocument::Quiz),
        ContentKind::Project => project::validate_project(value).map(ContentDocument::Project),
    }
}

/// The model's text as a document of `kind`: extracted (reasoning, fences, repairs) and
/// validated; an error says why it is unusable, naming the first few wrong fields.
pub fn read_content(kind: ContentKind, raw_model_text: &str) -> Result<ContentDocument, String> {
    let extracted = crate::llm::extract_json(raw_model_text).map_err(|error| error.to_string())?;
    validate_content(kind, &extracted.value).map_err(|errors| fields::describe_errors(kind.as_str(), &errors))
}

/// The JSON Schema sent with a generation of `kind` (whole to Ollama, as
/// `llm::schema::strict_subset` to OpenRouter).
pub fn content_json_schema(kind: ContentKind) -> Value {
    match kind {
        ContentKind::Lesson => lesson::lesson_json_schema(),
        ContentKind::Quiz => quiz::quiz_json_schema(),
        ContentKind::Project => project::project_json_schema(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// The slot the tests write for: lesson `m1.l2` of a three-lesson module.
    pub(crate) fn testing_slot() -> SlotContext {
        SlotContext {
            slot_id: "m1.l2".into(),
            title: "Ownership and borrowing".into(),
            objectives: vec!["Explain how ownership moves a value".into(), "Apply borrowing rules to fix a compile error".into()],
            minutes: 45,
            level: "beginner".into(),
            module_title: "Memory without a garbage collector".into(),
            module_lessons: vec![
                ModuleLesson { slot_id: "m1.l1".into(), title: "Stack and heap".into() },
                ModuleLesson { slot_id: "m1.l2".into(), title: "Ownership and borrowing".into() },
                ModuleLesson { slot_id: "m1.l3".into(), title: "Lifetimes".into() },
            ],
        }
    }

    pub(crate) fn good(kind: ContentKind) -> Value {
        match kind {
            ContentKind::Lesson => lesson::tests::good_lesson(),
            ContentKind::Quiz => quiz::tests::good_quiz(),
            ContentKind::Project => project::tests::good_project(),
        }
    }

    #[test]
    fn each_kind_reads_its_own_contract() {
        for kind in ContentKind::ALL {
            let document = read_content(kind, &format!("<think>plan</think>```json\n{}\n```", good(kind))).unwrap();
            assert_eq!(document.kind(), kind);
            assert_eq!(validate_content(kind, &document.to_value()).unwrap(), document);
            assert_eq!(crate::llm::schema::check(&content_json_schema(kind), &document.to_value()), Ok(()), "{kind:?}: accepted documents fit the schema");
            for other in ContentKind::ALL.into_iter().filter(|other| *other != kind) {
                assert!(validate_content(other, &good(kind)).is_err(), "a {kind:?} is no {other:?}");
            }
        }
        assert_eq!(read_content(ContentKind::Quiz, "no json").unwrap_err(), "the model's reply holds no JSON object or array");
        assert_eq!(read_content(ContentKind::Quiz, r#"{"questions": []}"#).unwrap_err(), "the quiz is invalid: questions: must have at least 3 questions");
        let many = read_content(ContentKind::Project, r#"{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1}"#).unwrap_err();
        assert!(many.ends_with("(and 2 more)"), "{many}");
    }

    #[test]
    fn kinds_and_documents_are_tagged_json() {
        assert_eq!(ContentKind::parse(" Quiz "), Some(ContentKind::Quiz));
        assert_eq!(ContentKind::parse("exam"), None);
        assert_eq!(serde_json::to_value(ContentKind::Project).unwrap(), json!("project"));
        let document = validate_content(ContentKind::Quiz, &good(ContentKind::Quiz)).unwrap();
        let tagged = serde_json::to_value(&document).unwrap();
        assert_eq!(tagged["kind"], "quiz");
        assert_eq!(tagged["document"]["questions"][0]["correctIndex"], 0);
        assert_eq!(serde_json::from_value::<ContentDocument>(tagged).unwrap(), document);
        assert_eq!(serde_json::to_value(testing_slot()).unwrap()["moduleLessons"][0]["slotId"], "m1.l1");
    }

    /// JSON-ish values with the contracts' own keys among the random ones, so the validators'
    /// deeper paths are reached.
    fn json_ish() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[ a-zA-Z0-9.*\\-\n]{0,12}".prop_map(Value::from),
        ];
        let key = prop_oneof![
            proptest::sample::select(vec![
                "title", "durationMinutes", "objectives", "explanation", "overview", "concepts", "example", "keyTakeaways", "practice", "prompt", "expectedOutcome", "metadata", "level",
                "prerequisites", "questions", "question", "options", "correctIndex", "problemStatement", "constraints", "deliverables", "rubric", "criterion", "description", "points",
                "appliesLessons", "lesson", "quiz", "project",
            ])
            .prop_map(str::to_string),
            "[a-z]{0,6}",
        ];
        leaf.prop_recursive(4, 64, 8, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
                proptest::collection::btree_map(key.clone(), inner, 0..8).prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn reading_arbitrary_text_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), text in "[\\[\\]{}\",:\\\\ a-z0-9.`<>/é]{0,300}") {
            for kind in ContentKind::ALL {
                let _ = read_content(kind, &String::from_utf8_lossy(&bytes));
                let _ = read_content(kind, &text);
            }
        }

        #[test]
        fn validation_never_panics_and_is_stable(value in json_ish()) {
            for kind in ContentKind::ALL {
                if let Ok(document) = validate_content(kind, &value) {
                    prop_assert_eq!(validate_content(kind, &document.to_value()).unwrap(), document);
                }
            }
        }

        #[test]
        fn documents_with_one_field_replaced_never_panic(field in json_ish(), at in 0usize..8) {
            for kind in ContentKind::ALL {
                let mut document = good(kind);
                if let Some(object) = document.as_object_mut() {
                    let key = object.keys().nth(at % object.len()).cloned().unwrap_or_default();
                    object.insert(key, field.clone());
                }
                let _ = validate_content(kind, &document);
            }
        }
    }
}
