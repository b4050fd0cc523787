//! Seed 000's dynamic questions (`DynamicQuestion`): the follow-ups a model writes from the
//! static answers. A model's list is normalised into a form the UI can always render (known
//! types, usable options, sane scales, our own ids); when the model fails, curated questions
//! built from the user's answers take its place.

use crate::blueprint::static_answers::{Modality, StaticAnswers};
use crate::platform::text::shorten;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

// The caps below bound what one question set can store: with every text at its cap in 4-byte
// characters, 30 questions take about 190 KB of JSON, kept in the blueprint's row and in each
// version's (see `document::ROW_BUDGET_BYTES`, and `row_budget` for the sum).

/// More than this is a survey, not a follow-up.
pub const MAX_QUESTIONS: usize = 30;
/// Choices kept per select or multi-select question: more is a list to scroll, not to pick from.
pub const MAX_OPTIONS: usize = 12;
/// Characters of a question's label: a question of a sentence or two.
pub const MAX_LABEL_CHARS: usize = 400;
/// Characters of one choice: a short phrase.
pub const MAX_OPTION_CHARS: usize = 60;
/// Characters of a help text or a placeholder: one sentence, one example.
pub const MAX_HINT_CHARS: usize = 200;
/// Characters of a section heading.
pub const MAX_SECTION_CHARS: usize = 60;
pub const DEFAULT_SECTION: &str = "General";
pub const DEFAULT_SCALE_MIN: f64 = 1.0;
pub const DEFAULT_SCALE_MAX: f64 = 5.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum QuestionType {
    ShortText,
    LongText,
    Select,
    MultiSelect,
    Scale,
    Date,
}

impl QuestionType {
    pub const ALL: [QuestionType; 6] =
        [QuestionType::ShortText, QuestionType::LongText, QuestionType::Select, QuestionType::MultiSelect, QuestionType::Scale, QuestionType::Date];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::ShortText => "short_text",
            QuestionType::LongText => "long_text",
            QuestionType::Select => "select",
            QuestionType::MultiSelect => "multi_select",
            QuestionType::Scale => "scale",
            QuestionType::Date => "date",
        }
    }

    /// A type as a model may spell it: our names, or the obvious names of the same control
    /// (`dropdown`, `textarea`, `Multi-Select`…).
    pub fn parse_lenient(raw: &str) -> Option<Self> {
        let name: String = raw.trim().to_ascii_lowercase().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c }).collect();
        let kind = match name.as_str() {
            "short_text" | "text" => QuestionType::ShortText,
            "long_text" | "textarea" | "paragraph" => QuestionType::LongText,
            "select" | "dropdown" | "radio" | "single_select" => QuestionType::Select,
            "multi_select" | "multiselect" | "checkbox" | "checkboxes" => QuestionType::MultiSelect,
            "scale" | "rating" | "likert" => QuestionType::Scale,
            "date" => QuestionType::Date,
            _ => return None,
        };
        Some(kind)
    }

    pub fn has_options(self) -> bool {
        matches!(self, QuestionType::Select | QuestionType::MultiSelect)
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct DynamicQuestion {
    pub id: String,
    pub section: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub options: Option<Vec<String>>,
    #[serde(default = "required_by_default")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub placeholder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub help_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub max: Option<f64>,
}

fn required_by_default() -> bool {
    true
}

impl DynamicQuestion {
    /// The bounds a scale answer must lie in (the defaults when a question carries none).
    pub fn scale_bounds(&self) -> (f64, f64) {
        (self.min.unwrap_or(DEFAULT_SCALE_MIN), self.max.unwrap_or(DEFAULT_SCALE_MAX))
    }

    /// The id of the question at `index` (0-based) in a normalised list.
    pub fn id_for(index: usize) -> String {
        format!("dq_{:03}", index + 1)
    }
}

/// A model's questions in a form the UI can always render. Accepts a list, or an object with
/// `questions`, `dynamicQuestions` or `dynamic_questions`; items that cannot be made usable
/// are dropped rather than guessed at. Ids are ours (`dq_001`, …), so they are unique and
/// stable however the model numbered them.
pub fn normalise_questions(value: &Value) -> Result<Vec<DynamicQuestion>, String> {
    let items = question_list(value).ok_or_else(|| "expected a list of questions or an object with `questions`".to_string())?;
    let questions: Vec<DynamicQuestion> = items
        .iter()
        .filter_map(Value::as_object)
        .filter_map(normalise_question)
        .take(MAX_QUESTIONS)
        .enumerate()
        .map(|(index, question)| DynamicQuestion { id: DynamicQuestion::id_for(index), ..question })
        .collect();
    if questions.is_empty() {
        return Err(format!("none of the {} questions is usable", items.len()));
    }
    Ok(questions)
}

fn question_list(value: &Value) -> Option<&Vec<Value>> {
    match value {
        Value::Array(items) => Some(items),
        Value::Object(object) => ["questions", "dynamicQuestions", "dynamic_questions"].iter().find_map(|key| object.get(*key)?.as_array()),
        _ => None,
    }
}

/// One item, or `None` when it cannot be shown as asked. The id is assigned by the caller.
/// Text past its cap is dropped rather than cut (a cut label or choice would be text the model
/// never wrote): a question without a label that fits goes, like any unusable item; an
/// over-long help text or placeholder is left out, an over-long section becomes the default.
/// Dropping, not refusing the whole list, because one runaway question should not cost the
/// user the others (the curated fallback would replace them all).
fn normalise_question(item: &Map<String, Value>) -> Option<DynamicQuestion> {
    let label = within(trimmed(item.get("label")), MAX_LABEL_CHARS)?;
    let kind = QuestionType::parse_lenient(item.get("type")?.as_str()?)?;
    let options = if kind.has_options() {
        let options = clean_options(item.get("options").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default());
        if options.len() < 2 {
            return None;
        }
        Some(options)
    } else {
        None
    };
    let (min, max) = if kind == QuestionType::Scale {
        let (min, max) = scale_bounds(item.get("min").and_then(Value::as_f64), item.get("max").and_then(Value::as_f64));
        (Some(min), Some(max))
    } else {
        (None, None)
    };
    Some(DynamicQuestion {
        id: String::new(),
        section: within(trimmed(item.get("section")), MAX_SECTION_CHARS).unwrap_or_else(|| DEFAULT_SECTION.to_string()),
        kind,
        label,
        options,
        required: item.get("required").and_then(Value::as_bool).unwrap_or(true),
        placeholder: within(trimmed(item.get("placeholder")), MAX_HINT_CHARS),
        help_text: within(trimmed(item.get("helpText").or_else(|| item.get("help_text"))), MAX_HINT_CHARS),
        min,
        max,
    })
}

/// Text with its ends trimmed and its invisible format and control characters removed
/// (`text::model_text`), or `None` when nothing visible is left.
fn trimmed(value: Option<&Value>) -> Option<String> {
    let text = crate::platform::text::model_text(value?.as_str()?);
    (!text.is_empty()).then_some(text)
}

/// `text` when it has at most `max_chars` characters.
fn within(text: Option<String>, max_chars: usize) -> Option<String> {
    text.filter(|text| text.chars().count() <= max_chars)
}

/// Options as a user can pick them: text only, trimmed, no blanks, none over
/// `MAX_OPTION_CHARS`, and no two that differ only in case (an answer is matched against them
/// exactly, so near-twins would confuse); the first `MAX_OPTIONS` are kept and the rest dropped
/// (a list the user could not read through anyway). Twins are found with a set of lowercase
/// keys, so a model's list of any length costs linear time.
fn clean_options(raw: &[Value]) -> Vec<String> {
    let mut options: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for option in raw.iter().filter_map(|o| within(trimmed(Some(o)), MAX_OPTION_CHARS)) {
        if options.len() == MAX_OPTIONS {
            break;
        }
        if seen.insert(option.to_lowercase()) {
            options.push(option);
        }
    }
    options
}

/// A scale runs low to high: bounds given the wrong way round are swapped; a scale with no
/// range (or a missing or non-numeric bound that leaves none) gets the default 1..5.
fn scale_bounds(min: Option<f64>, max: Option<f64>) -> (f64, f64) {
    let (min, max) = (min.unwrap_or(DEFAULT_SCALE_MIN), max.unwrap_or(DEFAULT_SCALE_MAX));
    if min < max {
        (min, max)
    } else if min > max {
        (max, min)
    } else {
        (DEFAULT_SCALE_MIN, DEFAULT_SCALE_MAX)
    }
}

/// Characters of the id a model gives a question. Ours replace it (`dq_001`…), so the schema
/// only keeps a decoder from spending tokens on it.
pub const MAX_MODEL_ID_CHARS: usize = 20;

/// The JSON Schema of `{"questions": [DynamicQuestion…]}`, stating every rule of
/// `normalise_questions` that a schema can state, from the same constants: 1 to
/// `MAX_QUESTIONS` questions, a known type, a label of 1 to `MAX_LABEL_CHARS` characters, 2 to
/// `MAX_OPTIONS` choices of 1 to `MAX_OPTION_CHARS`, sections and hints within their caps. It
/// goes whole to Ollama (`format`: llama.cpp turns it into a grammar, and without `minItems` an
/// empty list was a perfectly valid answer, issue 16) and as `schema::strict_subset` to
/// OpenRouter. Every property is required and closed; optional fields are nullable instead of
/// absent. What a schema cannot say stays with `normalise_questions`: options only for
/// the select types (a rule across two fields), text counted after cleaning, no two options
/// alike. Where the schema is stricter than the normaliser (which drops what it cannot keep
/// rather than refusing the list), a decoder following it writes only what is kept as written.
pub fn questions_json_schema() -> Value {
    let types: Vec<&str> = QuestionType::ALL.iter().map(|t| t.as_str()).collect();
    use crate::llm::schema::nullable;
    let number = |description: &str| nullable(json!({ "type": "number", "description": description }));
    let hint = |description: &str| nullable(json!({ "type": "string", "minLength": 1, "maxLength": MAX_HINT_CHARS, "description": description }));
    let question = json!({
        "type": "object",
        "properties": {
            "id": { "type": "string", "maxLength": MAX_MODEL_ID_CHARS, "description": "A short id, unique in the list." },
            "section": { "type": "string", "minLength": 1, "maxLength": MAX_SECTION_CHARS, "description": "A short heading that groups related questions." },
            "type": { "type": "string", "enum": types },
            "label": { "type": "string", "minLength": 1, "maxLength": MAX_LABEL_CHARS, "description": "The question, as the user reads it." },
            "options": nullable(json!({
                "type": "array",
                "items": { "type": "string", "minLength": 1, "maxLength": MAX_OPTION_CHARS },
                "minItems": 2,
                "maxItems": MAX_OPTIONS,
                "description": "At least two choices for select and multi_select; null otherwise."
            })),
            "required": { "type": "boolean" },
            "placeholder": hint("Example answer shown in an empty field, or null."),
            "helpText": hint("One sentence on why the question matters, or null."),
            "min": number("The lowest value of a scale; null for other types."),
            "max": number("The highest value of a scale; null for other types.")
        },
        "required": ["id", "section", "type", "label", "options", "required", "placeholder", "helpText", "min", "max"],
        "additionalProperties": false
    });
    json!({
        "type": "object",
        "properties": { "questions": { "type": "array", "items": question, "minItems": 1, "maxItems": MAX_QUESTIONS } },
        "required": ["questions"],
        "additionalProperties": false
    })
}

/// The token budget of a questions answer: `MAX_QUESTIONS` questions with every text at its cap
/// and every choice there, plus the JSON around them, measured by writing that skeleton out, so
/// it follows the caps.
pub fn questions_token_budget() -> u32 {
    let text_per_question = MAX_MODEL_ID_CHARS + MAX_SECTION_CHARS + MAX_LABEL_CHARS + MAX_OPTIONS * MAX_OPTION_CHARS + 2 * MAX_HINT_CHARS;
    let question = json!({"id": "", "section": "", "type": "multi_select", "label": "", "options": vec![""; MAX_OPTIONS], "required": false, "placeholder": "", "helpText": "", "min": null, "max": null});
    let structure = json!({ "questions": vec![question; MAX_QUESTIONS] }).to_string().len();
    crate::llm::providers::token_budget(structure + MAX_QUESTIONS * text_per_question)
}

/// How much of the user's audience is quoted in a fallback label (the whole answer may be
/// longer than a label may be).
const FALLBACK_AUDIENCE_CHARS: usize = 200;

/// Curated questions built from the user's own answers, used when no model produced usable
/// ones. Deterministic, and already in normalised form: the user's text is shortened to fit the
/// caps, so none of it is dropped by `normalise_questions`.
pub fn fallback_questions(answers: &StaticAnswers) -> Vec<DynamicQuestion> {
    let audience = Some(answers.audience.trim()).filter(|a| !a.is_empty()).map(|a| shorten(a, FALLBACK_AUDIENCE_CHARS)).unwrap_or_else(|| "the learners".to_string());
    let goals = clean_options(&answers.goals.iter().map(|g| Value::from(shorten(g, MAX_OPTION_CHARS))).collect::<Vec<_>>());
    let languages = clean_options(&answers.languages.iter().map(|l| Value::from(l.as_str())).collect::<Vec<_>>());

    let mut questions = vec![
        text(
            "Learners",
            QuestionType::LongText,
            &format!("What should {audience} already know or be able to do before starting?"),
            Some("e.g. Comfortable with spreadsheets; knows the basic terminology"),
        ),
        DynamicQuestion {
            help_text: Some("1 = new to the subject, 5 = could teach it.".to_string()),
            min: Some(DEFAULT_SCALE_MIN),
            max: Some(DEFAULT_SCALE_MAX),
            ..text("Learners", QuestionType::Scale, "How would you rate the learners' current proficiency in this subject?", None)
        },
    ];
    questions.push(match goals.as_slice() {
        [] => text("Goals", QuestionType::LongText, "What is the single most important outcome of this course?", None),
        [only] => text("Goals", QuestionType::LongText, &format!("How will you know that \"{only}\" has been achieved?"), Some("e.g. A measurable result or behaviour")),
        _ => choice("Goals", QuestionType::Select, "Which goal matters most if time runs short?", goals.clone()),
    });
    questions.push(text("Goals", QuestionType::LongText, "What should learners be able to do differently after the course?", None));
    questions.push(choice(
        "Assessment",
        QuestionType::MultiSelect,
        "Which assessment styles would you like the course to use?",
        ["Quizzes", "Practical exercises", "Projects", "Peer review", "Reflective writing", "Presentations"].map(String::from).to_vec(),
    ));
    questions.push(choice(
        "Assessment",
        QuestionType::Select,
        "What balance of theory and hands-on practice do you want?",
        ["Mostly theory", "Balanced", "Mostly practice"].map(String::from).to_vec(),
    ));
    questions.push(DynamicQuestion { required: false, ..text("Delivery", QuestionType::Date, "When should the course start?", None) });
    questions.push(DynamicQuestion {
        required: false,
        ..text("Delivery", QuestionType::LongText, &delivery_label(answers), Some("e.g. Sessions only on Tuesdays; no video calls; screen-reader users"))
    });
    if languages.len() >= 2 {
        questions.push(choice("Delivery", QuestionType::Select, "Which language should the main materials be written in?", languages));
    }
    questions.push(DynamicQuestion {
        required: false,
        ..text("Resources", QuestionType::LongText, "Are there existing materials or subject-matter experts the course can draw on?", None)
    });
    questions.into_iter().enumerate().map(|(index, question)| DynamicQuestion { id: DynamicQuestion::id_for(index), ..question }).collect()
}

/// "You mentioned 4 weeks, delivered online, on a low budget. …" from the stated constraints.
fn delivery_label(answers: &StaticAnswers) -> String {
    let constraints = &answers.constraints;
    let mut stated: Vec<String> = Some(constraints.time.trim()).filter(|t| !t.is_empty()).map(str::to_string).into_iter().collect();
    if let Some(modality) = constraints.modality {
        stated.push(match modality {
            Modality::Online => "delivered online".to_string(),
            Modality::InPerson => "delivered in person".to_string(),
            Modality::Blended => "blended (online and in person)".to_string(),
        });
    }
    if let Some(budget) = constraints.budget.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        stated.push(format!("a {budget} budget"));
    }
    let question = "about delivery should the plan work around (fixed dates, tools, accessibility)?";
    if stated.is_empty() {
        format!("What {question}")
    } else {
        format!("You mentioned {}. What else {question}", stated.join(", "))
    }
}

fn text(section: &str, kind: QuestionType, label: &str, placeholder: Option<&str>) -> DynamicQuestion {
    DynamicQuestion {
        id: String::new(),
        section: section.to_string(),
        kind,
        label: label.trim().to_string(),
        options: None,
        required: true,
        placeholder: placeholder.map(str::to_string),
        help_text: None,
        min: None,
        max: None,
    }
}

fn choice(section: &str, kind: QuestionType, label: &str, options: Vec<String>) -> DynamicQuestion {
    DynamicQuestion { options: Some(options), ..text(section, kind, label, None) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::static_answers::Constraints;

    fn answers(goals: &[&str], languages: &[&str], modality: Option<Modality>) -> StaticAnswers {
        StaticAnswers {
            audience: "Frontline sales reps".into(),
            goals: goals.iter().map(|g| g.to_string()).collect(),
            constraints: Constraints { time: "4 weeks".into(), budget: Some("low".into()), modality },
            context: "B2B SaaS".into(),
            languages: languages.iter().map(|l| l.to_string()).collect(),
        }
    }

    fn one(item: Value) -> Option<DynamicQuestion> {
        normalise_questions(&json!([item])).ok().map(|mut q| q.remove(0))
    }

    #[test]
    fn the_wire_format_is_camel_case_with_type_and_without_absent_fields() {
        let question = DynamicQuestion { help_text: Some("Why".into()), ..text("S", QuestionType::ShortText, "Name?", None) };
        let wire = serde_json::to_value(&question).unwrap();
        assert_eq!(wire, json!({"id": "", "section": "S", "type": "short_text", "label": "Name?", "required": true, "helpText": "Why"}));
        let read: DynamicQuestion = serde_json::from_value(json!({"id": "q", "section": "S", "type": "date", "label": "When?"})).unwrap();
        assert!(read.required);
    }

    #[test]
    fn accepts_a_list_or_an_object_holding_one() {
        let item = json!({"type": "text", "label": "Name?"});
        for wrapped in [json!([item]), json!({"questions": [item]}), json!({"dynamicQuestions": [item]}), json!({"dynamic_questions": [item]})] {
            assert_eq!(normalise_questions(&wrapped).unwrap().len(), 1, "{wrapped}");
        }
        assert!(normalise_questions(&json!({"other": [item]})).is_err());
        assert!(normalise_questions(&json!("questions")).is_err());
    }

    #[test]
    fn text_is_trimmed_and_defaults_filled() {
        let question = one(json!({"type": "short_text", "label": "  Name?  ", "section": "  ", "placeholder": " e.g. Ada ", "helpText": "  ", "required": false})).unwrap();
        assert_eq!(question.label, "Name?");
        assert_eq!(question.section, DEFAULT_SECTION);
        assert_eq!(question.placeholder.as_deref(), Some("e.g. Ada"));
        assert_eq!(question.help_text, None);
        assert!(!question.required);
        assert!(one(json!({"type": "date", "label": "When?", "required": "no"})).unwrap().required);
    }

    #[test]
    fn items_without_a_label_or_a_known_type_are_dropped() {
        assert!(one(json!({"type": "short_text", "label": "   "})).is_none());
        assert!(one(json!({"type": "short_text"})).is_none());
        assert!(one(json!({"type": "file_upload", "label": "CV?"})).is_none());
        assert!(one(json!({"label": "No type?"})).is_none());
        assert!(one(json!("just text")).is_none());
    }

    #[test]
    fn format_characters_are_stripped_from_model_text() {
        let question = one(json!({"type": "select", "section": "\u{202E}Goals", "label": "Wh\u{200B}ich\u{2066}?\u{2069}", "helpText": "\u{200E}", "placeholder": "e.g.\u{FEFF} this",
            "options": ["\u{202D}Yes", "Yes\u{200B}", "No\u{061C}"]})).unwrap();
        assert_eq!(question.section, "Goals");
        assert_eq!(question.label, "Which?");
        assert_eq!(question.help_text, None, "nothing visible is left");
        assert_eq!(question.placeholder.as_deref(), Some("e.g. this"));
        assert_eq!(question.options, Some(vec!["Yes".to_string(), "No".to_string()]), "twins once the invisible characters are gone");
    }

    #[test]
    fn type_aliases_are_understood() {
        let cases = [
            ("text", QuestionType::ShortText),
            ("textarea", QuestionType::LongText),
            ("Paragraph", QuestionType::LongText),
            ("dropdown", QuestionType::Select),
            ("radio", QuestionType::Select),
            ("single-select", QuestionType::Select),
            ("checkbox", QuestionType::MultiSelect),
            ("checkboxes", QuestionType::MultiSelect),
            ("multiselect", QuestionType::MultiSelect),
            ("Multi Select", QuestionType::MultiSelect),
            ("rating", QuestionType::Scale),
            ("likert", QuestionType::Scale),
        ];
        for (alias, kind) in cases {
            let question = one(json!({"type": alias, "label": "Q?", "options": ["a", "b"]})).unwrap();
            assert_eq!(question.kind, kind, "{alias}");
        }
    }

    #[test]
    fn options_are_cleaned_and_kept_only_where_they_mean_something() {
        let question = one(json!({"type": "select", "label": "Q?", "options": [" Yes ", "yes", "", "No", 3, "No"]})).unwrap();
        assert_eq!(question.options, Some(vec!["Yes".to_string(), "No".to_string()]));
        assert!(one(json!({"type": "multi_select", "label": "Q?", "options": ["only", " only "]})).is_none());
        assert!(one(json!({"type": "select", "label": "Q?"})).is_none());
        assert_eq!(one(json!({"type": "short_text", "label": "Q?", "options": ["a", "b"], "min": 1})).unwrap().options, None);
    }

    /// Issue 17 #6: a 26 000-option answer made another user wait 14 s (quadratic
    /// de-duplication). Options past the cap are dropped, and the work is linear: this input
    /// finishes at once (a timing is not asserted).
    #[test]
    fn a_26000_option_answer_is_cut_to_the_cap() {
        let distinct: Vec<String> = (0..26_000).map(|i| format!("Option {i}")).collect();
        let question = one(json!({"type": "select", "label": "Q?", "options": distinct})).unwrap();
        let options = question.options.unwrap();
        assert_eq!(options.len(), MAX_OPTIONS);
        assert_eq!((options[0].as_str(), options[MAX_OPTIONS - 1].as_str()), ("Option 0", format!("Option {}", MAX_OPTIONS - 1).as_str()));

        // Near-twins among many: de-duplication by a set of normalised keys, first spelling kept.
        let twins: Vec<String> = (0..26_000).map(|i| if i % 2 == 0 { format!("choice {}", i % 7) } else { format!(" CHOICE {} ", i % 7) }).collect();
        let many = vec![json!({"type": "multi_select", "label": "Q?", "options": twins}); MAX_QUESTIONS];
        let questions = normalise_questions(&Value::from(many)).unwrap();
        assert_eq!(questions.len(), MAX_QUESTIONS);
        assert_eq!(questions[0].options.as_deref().unwrap(), ["choice 0", "CHOICE 1", "choice 2", "CHOICE 3", "choice 4", "CHOICE 5", "choice 6"]);
    }

    #[test]
    fn text_past_its_cap_is_dropped_never_cut() {
        let long = |chars: usize| "é".repeat(chars);
        // A label too long to show as asked: the question goes, like any unusable item.
        assert!(one(json!({"type": "short_text", "label": long(MAX_LABEL_CHARS + 1)})).is_none());
        assert_eq!(one(json!({"type": "short_text", "label": long(MAX_LABEL_CHARS)})).unwrap().label.chars().count(), MAX_LABEL_CHARS);
        // An over-long choice is dropped (an answer must equal a choice, so cutting it would
        // offer text the model never wrote); the question stays while two choices remain.
        let options = one(json!({"type": "select", "label": "Q?", "options": ["a", long(MAX_OPTION_CHARS + 1), long(MAX_OPTION_CHARS)]})).unwrap().options.unwrap();
        assert_eq!(options, ["a".to_string(), long(MAX_OPTION_CHARS)]);
        assert!(one(json!({"type": "select", "label": "Q?", "options": ["a", long(MAX_OPTION_CHARS + 1)]})).is_none());
        // Optional hints go; an over-long section falls back to the default.
        let question = one(json!({"type": "date", "label": "When?", "section": long(MAX_SECTION_CHARS + 1), "helpText": long(MAX_HINT_CHARS + 1), "placeholder": long(MAX_HINT_CHARS + 1)})).unwrap();
        assert_eq!((question.section.as_str(), question.help_text, question.placeholder), (DEFAULT_SECTION, None, None));
        let question = one(json!({"type": "date", "label": "When?", "section": long(MAX_SECTION_CHARS), "helpText": long(MAX_HINT_CHARS), "placeholder": long(MAX_HINT_CHARS)})).unwrap();
        assert_eq!(question.section, long(MAX_SECTION_CHARS));
        assert_eq!((question.help_text.unwrap().chars().count(), question.placeholder.unwrap().chars().count()), (MAX_HINT_CHARS, MAX_HINT_CHARS));
    }

    #[test]
    fn fallback_questions_stay_within_the_caps_for_the_longest_answers() {
        let longest = StaticAnswers {
            audience: "a".repeat(500),
            goals: (0..20).map(|i| format!("{i:02}{}", "g".repeat(298))).collect(),
            constraints: Constraints { time: "t".repeat(100), budget: Some("b".repeat(100)), modality: Some(Modality::Blended) },
            context: "c".repeat(5000),
            languages: (0..10).map(|i| format!("en-{i:02}")).collect(),
        };
        let questions = fallback_questions(&longest);
        assert_eq!(normalise_questions(&serde_json::to_value(&questions).unwrap()).unwrap(), questions, "already normal, nothing dropped");
        let goal = questions.iter().find(|q| q.section == "Goals" && q.kind == QuestionType::Select).unwrap();
        assert_eq!(goal.options.as_ref().unwrap().len(), MAX_OPTIONS);
    }

    #[test]
    fn scales_get_a_usable_range_and_other_types_none() {
        let bounds = |item: Value| {
            let q = one(item).unwrap();
            (q.min, q.max)
        };
        assert_eq!(bounds(json!({"type": "scale", "label": "Q?"})), (Some(1.0), Some(5.0)));
        assert_eq!(bounds(json!({"type": "scale", "label": "Q?", "min": 0, "max": 10})), (Some(0.0), Some(10.0)));
        assert_eq!(bounds(json!({"type": "scale", "label": "Q?", "min": 10, "max": 0})), (Some(0.0), Some(10.0)));
        assert_eq!(bounds(json!({"type": "scale", "label": "Q?", "min": 3, "max": 3})), (Some(1.0), Some(5.0)));
        assert_eq!(bounds(json!({"type": "scale", "label": "Q?", "min": "1", "max": 7})), (Some(1.0), Some(7.0)));
        assert_eq!(bounds(json!({"type": "long_text", "label": "Q?", "min": 1, "max": 3})), (None, None));
    }

    #[test]
    fn ids_are_reassigned_in_order_and_the_list_is_capped() {
        let items: Vec<Value> = (0..40).map(|i| json!({"id": "same", "type": "short_text", "label": format!("Q{i}?")})).collect();
        let questions = normalise_questions(&Value::from(items)).unwrap();
        assert_eq!(questions.len(), MAX_QUESTIONS);
        assert_eq!(questions[0].id, "dq_001");
        assert_eq!(questions[29].id, "dq_030");
        assert_eq!(questions[29].label, "Q29?");
        let mixed = normalise_questions(&json!([{"type": "bogus", "label": "x"}, {"type": "date", "label": "When?"}])).unwrap();
        assert_eq!(mixed[0].id, "dq_001");
    }

    #[test]
    fn nothing_usable_is_an_error() {
        assert!(normalise_questions(&json!([])).is_err());
        assert!(normalise_questions(&json!({"questions": [{"type": "select", "label": "Q?", "options": ["a"]}]})).is_err());
    }

    #[test]
    fn the_schema_is_closed_and_lists_every_type() {
        let schema = questions_json_schema();
        assert_eq!(schema["required"], json!(["questions"]));
        let item = &schema["properties"]["questions"]["items"];
        assert_eq!(item["additionalProperties"], json!(false));
        assert_eq!(item["properties"]["type"]["enum"], json!(["short_text", "long_text", "select", "multi_select", "scale", "date"]));
        let properties: Vec<&String> = item["properties"].as_object().unwrap().keys().collect();
        let mut required: Vec<&str> = item["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        required.sort_unstable();
        assert_eq!(properties, required);
    }

    /// Issue 16: every rule of `normalise_questions` a schema can state is in the schema, from
    /// the same caps. A list at each cap passes the schema and is kept exactly as written; one
    /// step past it fails the schema, and the normaliser would not keep it as written either
    /// (it drops the item, the choice or the hint, or refuses a list with nothing usable).
    #[test]
    fn the_schema_and_the_normaliser_agree_at_every_cap() {
        let schema = questions_json_schema();
        let used = crate::llm::schema::keywords_used(&schema);
        for keyword in ["minItems", "maxItems", "minLength", "maxLength", "enum", "required"] {
            assert!(used.contains(keyword), "{keyword}");
        }
        let text = |chars: usize| "é".repeat(chars);
        let question = |i: usize| json!({"id": format!("q{i}"), "section": "S", "type": "short_text", "label": format!("Question {i}?"), "options": null, "required": true, "placeholder": null, "helpText": null, "min": null, "max": null});
        let with = |field: &str, value: Value| {
            let mut q = json!({"id": "q", "section": "S", "type": "select", "label": "Q?", "options": ["a", "b"], "required": true, "placeholder": null, "helpText": null, "min": null, "max": null});
            q[field] = value;
            json!({"questions": [q]})
        };
        let kept_as_written = |document: &Value| {
            let Ok(normal) = normalise_questions(document) else { return false };
            let written = document["questions"].as_array().unwrap();
            normal.len() == written.len()
                && normal.iter().zip(written).all(|(n, w)| {
                    n.label == w["label"].as_str().unwrap_or_default()
                        && n.section == w["section"].as_str().unwrap_or_default()
                        && n.options.as_ref().map(Vec::len) == w["options"].as_array().map(Vec::len)
                        && n.help_text.as_deref() == w["helpText"].as_str()
                        && n.placeholder.as_deref() == w["placeholder"].as_str()
                })
        };
        let options = |count: usize| Value::from((0..count).map(|i| format!("Choice {i}")).collect::<Vec<_>>());
        let cases = [
            ("questions max", json!({"questions": (0..MAX_QUESTIONS).map(question).collect::<Vec<_>>()}), json!({"questions": (0..=MAX_QUESTIONS).map(question).collect::<Vec<_>>()})),
            ("questions min", json!({"questions": [question(0)]}), json!({"questions": []})),
            ("label max", with("label", text(MAX_LABEL_CHARS).into()), with("label", text(MAX_LABEL_CHARS + 1).into())),
            ("label min", with("label", text(1).into()), with("label", "".into())),
            ("section max", with("section", text(MAX_SECTION_CHARS).into()), with("section", text(MAX_SECTION_CHARS + 1).into())),
            ("section min", with("section", text(1).into()), with("section", "".into())),
            ("options max", with("options", options(MAX_OPTIONS)), with("options", options(MAX_OPTIONS + 1))),
            ("options min", with("options", options(2)), with("options", options(1))),
            ("option chars", with("options", json!(["a", text(MAX_OPTION_CHARS)])), with("options", json!(["a", text(MAX_OPTION_CHARS + 1)]))),
            ("option min chars", with("options", json!(["a", "b"])), with("options", json!(["a", "", "b"]))),
            ("help max", with("helpText", text(MAX_HINT_CHARS).into()), with("helpText", text(MAX_HINT_CHARS + 1).into())),
            ("placeholder max", with("placeholder", text(MAX_HINT_CHARS).into()), with("placeholder", text(MAX_HINT_CHARS + 1).into())),
            ("type", with("type", "multi_select".into()), with("type", "file_upload".into())),
        ];
        for (name, at_cap, past_cap) in cases {
            assert_eq!(crate::llm::schema::check(&schema, &at_cap), Ok(()), "{name}: at the cap, the schema");
            assert!(kept_as_written(&at_cap), "{name}: at the cap, kept as written");
            assert!(crate::llm::schema::check(&schema, &past_cap).is_err(), "{name}: past the cap, the schema");
            assert!(!kept_as_written(&past_cap), "{name}: past the cap, not kept as written");
        }
    }

    #[test]
    fn the_token_budget_fits_the_largest_list_the_schema_allows() {
        let budget = questions_token_budget();
        assert!(budget < crate::llm::providers::MAX_TOKEN_BUDGET, "sized by the caps, not the ceiling: {budget}");
        let text = |chars: usize| "x".repeat(chars);
        let question = json!({"id": text(MAX_MODEL_ID_CHARS), "section": text(MAX_SECTION_CHARS), "type": "multi_select", "label": text(MAX_LABEL_CHARS),
            "options": (0..MAX_OPTIONS).map(|i| format!("{i:02}{}", text(MAX_OPTION_CHARS - 2))).collect::<Vec<_>>(), "required": false,
            "placeholder": text(MAX_HINT_CHARS), "helpText": text(MAX_HINT_CHARS), "min": null, "max": null});
        let largest = json!({"questions": vec![question; MAX_QUESTIONS]});
        assert_eq!(crate::llm::schema::check(&questions_json_schema(), &largest), Ok(()));
        let chars = largest.to_string().chars().count();
        assert!(chars <= budget as usize * crate::llm::providers::CHARS_PER_TOKEN, "{chars} characters, budget {budget} tokens");
    }

    #[test]
    fn what_the_schema_allows_normalises() {
        let strict_shaped = json!({"questions": [
            {"id": "x", "section": "S", "type": "multi_select", "label": "Q?", "options": ["a", "b"], "required": true, "placeholder": null, "helpText": null, "min": null, "max": null},
            {"id": "y", "section": "S", "type": "scale", "label": "R?", "options": null, "required": false, "placeholder": null, "helpText": "h", "min": 1, "max": 10}
        ]});
        let questions = normalise_questions(&strict_shaped).unwrap();
        assert_eq!(questions[0].placeholder, None);
        assert_eq!(questions[1].max, Some(10.0));
    }

    #[test]
    fn fallback_questions_come_from_the_answers_and_are_already_normal() {
        for case in [
            answers(&["Know the tiers", "Quote faster", " quote faster "], &["en-US"], Some(Modality::Blended)),
            answers(&["Know the tiers"], &["en-US", "fr-FR"], None),
            answers(&["Know the tiers", "know the tiers"], &["en-US"], Some(Modality::InPerson)),
        ] {
            let questions = fallback_questions(&case);
            assert!((8..=12).contains(&questions.len()), "{}", questions.len());
            let again = normalise_questions(&serde_json::to_value(&questions).unwrap()).unwrap();
            assert_eq!(again, questions);
            assert_eq!(fallback_questions(&case), questions);
            assert!(questions[0].label.contains("Frontline sales reps"));
            assert!(questions.iter().any(|q| q.label.contains("4 weeks")));
        }
    }

    #[test]
    fn fallback_questions_survive_blank_answers() {
        let blank = StaticAnswers {
            audience: " ".into(),
            goals: vec![],
            constraints: Constraints { time: "".into(), budget: Some(" ".into()), modality: None },
            context: "".into(),
            languages: vec![],
        };
        let questions = fallback_questions(&blank);
        assert!((8..=12).contains(&questions.len()));
        assert_eq!(normalise_questions(&serde_json::to_value(&questions).unwrap()).unwrap(), questions);
        assert!(questions[0].label.contains("the learners"));
        assert!(questions.iter().all(|q| !q.label.contains("mentioned")));
    }

    #[test]
    fn fallback_questions_ask_which_goal_matters_only_when_there_is_a_choice() {
        let several = fallback_questions(&answers(&["Know the tiers", "Quote faster"], &["en-US"], Some(Modality::Online)));
        let goal = several.iter().find(|q| q.section == "Goals" && q.kind == QuestionType::Select).unwrap();
        assert_eq!(goal.options, Some(vec!["Know the tiers".to_string(), "Quote faster".to_string()]));
        assert!(several.iter().any(|q| q.label.contains("delivered online") && q.label.contains("a low budget")));

        let single = fallback_questions(&answers(&["Know the tiers"], &["en-US"], None));
        assert!(!single.iter().any(|q| q.section == "Goals" && q.kind == QuestionType::Select));
        assert!(single.iter().any(|q| q.label.contains("\"Know the tiers\"")));
        assert!(!single.iter().any(|q| q.label.contains("language")));

        let bilingual = fallback_questions(&answers(&["Know the tiers"], &["en-US", "fr-FR"], None));
        let language = bilingual.iter().find(|q| q.label.contains("language")).unwrap();
        assert_eq!(language.options, Some(vec!["en-US".to_string(), "fr-FR".to_string()]));
    }
}
