//! The largest row a completed generation can store, computed from the caps (issue 17 #12).
//! A `blueprint_versions` row holds the inputs (static answers, dynamic questions, dynamic
//! answers), the blueprint JSON, its Markdown, the quality review and the timings; D1 refuses
//! a row over 2 MB. Every input here is the largest its validator accepts, every text is made
//! of 4-byte characters (the most a character can take in the stored JSON and Markdown: their
//! escapes take two bytes, control characters are removed on the way in), and the blueprint is
//! the largest `validate_blueprint` accepts, laid out several ways (many short items, fewer
//! long ones) because the quality review grows with the number of items and the JSON and
//! Markdown with their length. The working row (`blueprint_generator`) is checked too.

use crate::blueprint::answers::{validate_dynamic_answers, LONG_TEXT_MAX};
use crate::blueprint::markdown::render_markdown;
use crate::blueprint::document::{validate_blueprint, Blueprint, Module, MAX_BLUEPRINT_CHARS, MAX_ITEM_CHARS, MAX_LIST_ITEMS, MAX_MODULES, MAX_OVERVIEW_CHARS, MAX_TIMELINE_CHARS, MAX_TITLE_CHARS, ROW_BUDGET_BYTES};
use crate::llm::providers::kept_for_diagnosis;
use crate::blueprint::questions::{normalise_questions, DynamicQuestion, QuestionType, MAX_HINT_CHARS, MAX_LABEL_CHARS, MAX_OPTIONS, MAX_OPTION_CHARS, MAX_QUESTIONS, MAX_SECTION_CHARS};
use crate::blueprint::quality::review;
use crate::blueprint::static_answers::{complete, StaticAnswers};
use serde_json::{json, Map, Value};

/// `chars` characters of 4 bytes each, starting with one that tells texts apart (options must
/// differ, and repeats would shrink the quality review).
fn heavy(chars: usize, seed: usize) -> String {
    let first = char::from_u32(0x1F400 + (seed % 0x100) as u32).unwrap_or('😀');
    let second = char::from_u32(0x1F500 + (seed / 0x100 % 0x100) as u32).unwrap_or('😀');
    [first, second].into_iter().chain(std::iter::repeat('😀')).take(chars).collect()
}

/// The static answers at every limit of `static_answers` (each one character more is refused).
fn largest_static_answers() -> Value {
    let answers = json!({
        "audience": heavy(500, 1),
        "goals": (0..20).map(|i| heavy(300, 10 + i)).collect::<Vec<_>>(),
        "constraints": { "time": format!("6 hours{}", heavy(93, 2)), "budget": heavy(100, 3), "modality": "online" },
        "context": heavy(5000, 4),
        "languages": (0..10).map(|i| format!("abc-{i}1234567-12345678-12345678-12")).collect::<Vec<_>>(),
    });
    assert!(complete(&answers).is_ok(), "the largest answers are accepted");
    for (pointer, longer) in [("/audience", heavy(501, 1)), ("/goals/0", heavy(301, 1)), ("/context", heavy(5001, 1)), ("/constraints/budget", heavy(101, 1)), ("/constraints/time", heavy(101, 1))] {
        let mut over = answers.clone();
        if let Some(slot) = over.pointer_mut(pointer) {
            *slot = Value::from(longer);
        }
        assert!(complete(&over).is_err(), "{pointer} is at its limit");
    }
    answers
}

/// `MAX_QUESTIONS` multi-select questions with every text and option at its cap, as
/// `normalise_questions` keeps them.
fn largest_questions() -> Vec<DynamicQuestion> {
    let questions: Vec<DynamicQuestion> = (0..MAX_QUESTIONS)
        .map(|q| DynamicQuestion {
            id: DynamicQuestion::id_for(q),
            section: heavy(MAX_SECTION_CHARS, q),
            kind: QuestionType::MultiSelect,
            label: heavy(MAX_LABEL_CHARS, q),
            options: Some((0..MAX_OPTIONS).map(|o| heavy(MAX_OPTION_CHARS, o)).collect()),
            required: true,
            placeholder: Some(heavy(MAX_HINT_CHARS, q)),
            help_text: Some(heavy(MAX_HINT_CHARS, q)),
            min: None,
            max: None,
        })
        .collect();
    let normalised = normalise_questions(&serde_json::to_value(&questions).unwrap_or_default());
    assert_eq!(normalised.as_ref(), Ok(&questions), "kept whole");
    questions
}

/// The largest answers to `questions`: every choice of a multi-select, or the longest text
/// answer a long-text question with the same label would take, whichever is larger.
fn largest_answers(questions: &[DynamicQuestion]) -> Map<String, Value> {
    let every_choice: Map<String, Value> = questions.iter().map(|q| (q.id.clone(), json!(q.options))).collect();
    let long_text: Map<String, Value> = questions.iter().map(|q| (q.id.clone(), json!(heavy(LONG_TEXT_MAX, 0)))).collect();
    let as_long_text: Vec<DynamicQuestion> = questions.iter().map(|q| DynamicQuestion { kind: QuestionType::LongText, options: None, ..q.clone() }).collect();
    assert!(validate_dynamic_answers(questions, &every_choice).is_ok());
    assert!(validate_dynamic_answers(&as_long_text, &long_text).is_ok());
    let size = |answers: &Map<String, Value>| Value::Object(answers.clone()).to_string().len();
    if size(&every_choice) >= size(&long_text) { every_choice } else { long_text }
}

/// The largest blueprint `validate_blueprint` accepts with items of `item_chars` characters:
/// every title, the overview and the timeline at their caps, then items dealt out to every list
/// in turn until `MAX_BLUEPRINT_CHARS` is reached. Module items fail every quality check they
/// can (no measurable verb, not assessed, an in-person term in an online course), so each adds
/// evidence.
fn largest_blueprint(item_chars: usize) -> Blueprint {
    let mut blueprint = Blueprint {
        title: heavy(MAX_TITLE_CHARS, 0),
        overview: heavy(MAX_OVERVIEW_CHARS, 0),
        learning_objectives: Vec::new(),
        modules: (0..MAX_MODULES).map(|m| Module { title: heavy(MAX_TITLE_CHARS, m), duration_minutes: 1, objectives: Vec::new(), activities: Vec::new(), assessments: Vec::new() }).collect(),
        timeline: Some(heavy(MAX_TIMELINE_CHARS, 0)),
        resources: Some(Vec::new()),
    };
    // One character is kept back for each list that must not be empty (the course's and each
    // module's objectives), in case long items use up the total first.
    let required = 1 + MAX_MODULES;
    let mut left = MAX_BLUEPRINT_CHARS - MAX_TITLE_CHARS - MAX_OVERVIEW_CHARS - MAX_TIMELINE_CHARS - MAX_MODULES * MAX_TITLE_CHARS - required;
    let mut seed = 0;
    'deal: for _ in 0..MAX_LIST_ITEMS {
        let mut lists: Vec<(&str, &mut Vec<String>)> = vec![("", &mut blueprint.learning_objectives)];
        if let Some(resources) = blueprint.resources.as_mut() {
            lists.push(("", resources));
        }
        for module in &mut blueprint.modules {
            lists.extend([("", &mut module.objectives), ("printed ", &mut module.activities), ("printed ", &mut module.assessments)]);
        }
        for (prefix, list) in lists {
            let chars = item_chars.min(left);
            if chars == 0 {
                break 'deal;
            }
            let prefix = if chars > prefix.len() { prefix } else { "" };
            list.push(format!("{prefix}{}", heavy(chars - prefix.len(), seed)));
            left -= chars;
            seed += 1;
        }
    }
    for objectives in std::iter::once(&mut blueprint.learning_objectives).chain(blueprint.modules.iter_mut().map(|m| &mut m.objectives)) {
        if objectives.is_empty() {
            objectives.push(heavy(1, 0));
        }
    }
    let read = validate_blueprint(&serde_json::to_value(&blueprint).unwrap_or_default());
    assert_eq!(read.as_ref().ok(), Some(&blueprint), "{item_chars}-character items are accepted: {:?}", read.as_ref().err());
    blueprint
}

/// What a completed generation stores, in bytes, by column.
#[derive(Debug)]
struct Row {
    inputs: usize,
    blueprint_json: usize,
    markdown: usize,
    quality: usize,
    timings: usize,
}

impl Row {
    fn total(&self) -> usize {
        self.inputs + self.blueprint_json + self.markdown + self.quality + self.timings
    }
}

fn stored_row(static_answers: &Value, questions: &[DynamicQuestion], answers: &Map<String, Value>, blueprint: &Blueprint) -> Row {
    let parsed: Option<StaticAnswers> = complete(static_answers).ok();
    let questions_json = serde_json::to_string(questions).unwrap_or_default();
    // Three tiers, two attempts each, every one failing with the longest error it can carry.
    let timings = json!({ "totalMs": i64::MAX, "modelMs": i64::MAX, "attempts": vec![json!({ "provider": "openrouter", "model": "m".repeat(200), "ms": i64::MAX, "error": "e".repeat(1_000) }); 6] });
    Row {
        inputs: static_answers.to_string().len() + questions_json.len() + Value::Object(answers.clone()).to_string().len(),
        blueprint_json: serde_json::to_string(blueprint).unwrap_or_default().len(),
        markdown: render_markdown(blueprint).len(),
        quality: serde_json::to_string(&review(blueprint, parsed.as_ref())).unwrap_or_default().len(),
        timings: timings.to_string().len(),
    }
}

#[test]
fn the_largest_accepted_generation_fits_one_d1_row() {
    let static_answers = largest_static_answers();
    let questions = largest_questions();
    let answers = largest_answers(&questions);
    let mut largest: Option<Row> = None;
    for item_chars in [20, 40, 60, 61, 120, 250, MAX_ITEM_CHARS] {
        let row = stored_row(&static_answers, &questions, &answers, &largest_blueprint(item_chars.min(MAX_ITEM_CHARS)));
        eprintln!("{item_chars:>4}-character items: {row:?} = {} bytes", row.total());
        if largest.as_ref().is_none_or(|l| row.total() > l.total()) {
            largest = Some(row);
        }
    }
    let largest = largest.unwrap_or_else(|| panic!("no layout"));
    assert!(largest.total() <= ROW_BUDGET_BYTES, "{largest:?} = {} bytes", largest.total());
    // The working row (`blueprint_generator`) holds the same inputs, JSON and Markdown, no review,
    // and the record of the question generation: up to six attempts (three tiers, two tries),
    // each with its raw text as kept for diagnosis.
    let attempt = json!({ "provider": "openrouter", "model": "m".repeat(200), "ms": i64::MAX, "error": "e".repeat(1_000), "raw": kept_for_diagnosis("\u{1}".repeat(1 << 20)) });
    let raw_record = json!({ "source": "openrouter", "model": "m".repeat(200), "cached": false, "ms": i64::MAX, "at": "2026-12-02T07:05:58.000Z", "attempts": vec![attempt; 6] });
    let working = largest.inputs + largest.blueprint_json + largest.markdown + raw_record.to_string().len();
    eprintln!("working row: {working} bytes");
    assert!(working <= ROW_BUDGET_BYTES, "{working} bytes");
}
