//! Seed 000's course blueprint (`BlueprintSchema`): the document a model writes from the
//! user's answers, its caps and its JSON Schema. A model's document is validated and normalised
//! (trimmed text, no blank list items, whole-minute durations) with every wrong field named.

use crate::platform::document::{describe_errors, text_items, too_long};
use crate::platform::error::FieldError;
use crate::platform::text::model_text;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

// Caps on what a blueprint may hold. A completed generation is stored as one D1 row
// (`blueprint_versions`: the inputs, the blueprint JSON, its Markdown, the quality review and
// the timings), and D1 refuses rows over 2 MB. The largest row the validators allow, every text
// at its cap in 4-byte characters, must stay under `ROW_BUDGET_BYTES`; the `row_budget` test
// computes it: 1.29 MB for a version row, 1.35 MB for the working row (`blueprint_generator`,
// which also keeps the raw text of the question attempts). The inputs take 0.84 MB of that
// (static answers 47 KB, 30 follow-up questions 194 KB, their answers 600 KB: 30 long-text
// answers of 5 000 characters), the quality review 40 KB (its evidence is capped), the
// blueprint's JSON and Markdown 0.2 MB each: 4 bytes per character of text in each, hence
// `MAX_BLUEPRINT_CHARS`. The per-field caps are each generous for a real course; only the
// total binds a long one.

/// More modules than this is not one course: the document is refused.
pub const MAX_MODULES: usize = 30;
/// Non-blank items per list (course objectives, each module's objectives, activities and
/// assessments, resources); a longer list is refused.
pub const MAX_LIST_ITEMS: usize = 20;
pub const MIN_TITLE_CHARS: usize = 3;
pub const MIN_OVERVIEW_CHARS: usize = 10;
/// Characters of the course title and of each module title.
pub const MAX_TITLE_CHARS: usize = 200;
/// Characters of the overview ("two to four sentences") and of the timeline.
pub const MAX_OVERVIEW_CHARS: usize = 3_000;
pub const MAX_TIMELINE_CHARS: usize = 3_000;
/// Characters of one list item: an objective, activity, assessment or resource.
pub const MAX_ITEM_CHARS: usize = 500;
/// Characters of text in the whole document (titles, overview, every item, timeline): about
/// three times a long real blueprint, and 0.4 MB of JSON and Markdown at 4 bytes a character.
pub const MAX_BLUEPRINT_CHARS: usize = 50_000;
/// The most one stored generation may take: D1 refuses rows over 2 MB, and a quarter is left
/// for what the budget does not count (column overhead, a later column).
pub const ROW_BUDGET_BYTES: usize = 1_500_000;
/// About ten weeks of full days: more than that in one module is a model's mistake.
pub const MAX_MODULE_MINUTES: u32 = 100_000;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Module {
    pub title: String,
    pub duration_minutes: u32,
    pub objectives: Vec<String>,
    #[serde(default)]
    pub activities: Vec<String>,
    #[serde(default)]
    pub assessments: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Blueprint {
    pub title: String,
    pub overview: String,
    pub learning_objectives: Vec<String>,
    pub modules: Vec<Module>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub timeline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub resources: Option<Vec<String>>,
}

impl Blueprint {
    /// The length of the whole course: the sum of its modules.
    pub fn total_minutes(&self) -> u64 {
        self.modules.iter().map(|module| u64::from(module.duration_minutes)).sum()
    }
}

// ---------------------------------------------------------------------------------------------
// Validation

/// A document as a model or a client sent it, validated and normalised: text trimmed and
/// cleaned of invisible format characters, blank list items dropped, durations as whole
/// minutes, an empty `timeline` or `resources` read as absent, unknown fields ignored. Text and
/// lists past their caps are refused, not cut: a model that ran on wrote something no one
/// reviewed, and the next tier or the curated fallback does better than a trimmed runaway.
/// The document may also come wrapped as `{"blueprint": {...}}`. Every wrong field is named
/// (`title`, `modules[2].durationMinutes`, …), in document order.
pub fn validate_blueprint(value: &Value) -> Result<Blueprint, Vec<FieldError>> {
    let Some(object) = unwrap_document(value).as_object() else {
        return Err(vec![FieldError::new("blueprint", "must be an object")]);
    };
    let mut check = Check::default();
    let blueprint = Blueprint {
        title: check.text("title", object.get("title"), MIN_TITLE_CHARS, MAX_TITLE_CHARS),
        overview: check.text("overview", object.get("overview"), MIN_OVERVIEW_CHARS, MAX_OVERVIEW_CHARS),
        learning_objectives: check.list("learningObjectives", object.get("learningObjectives"), 1),
        modules: check.modules(object.get("modules")),
        timeline: check.optional_text("timeline", object.get("timeline"), MAX_TIMELINE_CHARS),
        resources: check.optional_list("resources", object.get("resources")),
    };
    if text_chars(&blueprint) > MAX_BLUEPRINT_CHARS {
        check.fail("blueprint", format!("must have at most {MAX_BLUEPRINT_CHARS} characters of text in all"));
    }
    if check.errors.is_empty() { Ok(blueprint) } else { Err(check.errors) }
}

/// Characters of every text in the document, as counted against `MAX_BLUEPRINT_CHARS`.
fn text_chars(blueprint: &Blueprint) -> usize {
    let chars = |texts: &[String]| texts.iter().map(|text| text.chars().count()).sum::<usize>();
    let modules: usize = blueprint.modules.iter().map(|m| m.title.chars().count() + chars(&m.objectives) + chars(&m.activities) + chars(&m.assessments)).sum();
    blueprint.title.chars().count()
        + blueprint.overview.chars().count()
        + chars(&blueprint.learning_objectives)
        + modules
        + blueprint.timeline.as_deref().map_or(0, |timeline| timeline.chars().count())
        + blueprint.resources.as_deref().map_or(0, chars)
}

/// A blueprint as stored with a version. It was validated when it was saved, under the caps of
/// that day: it is read as it is (never re-validated, so a version saved before a cap tightened
/// still opens and exports), and a document that does not read is corruption — a logged 500.
pub fn read_stored(json: &str) -> Result<Blueprint, crate::AppError> {
    serde_json::from_str(json).map_err(|error| crate::AppError::internal().caused_by("stored_blueprint", error))
}

/// The model's text as a blueprint: extracted (think blocks, fences, repairs) and validated; an
/// error says why it is unusable, naming the first few wrong fields.
pub fn read_blueprint(raw: &str) -> Result<Blueprint, String> {
    let extracted = crate::llm::extract_json(raw).map_err(|e| e.to_string())?;
    validate_blueprint(&extracted.value).map_err(|errors| describe_errors("blueprint", &errors))
}


/// `{"blueprint": {...}}` as the document inside; anything else as itself.
fn unwrap_document(value: &Value) -> &Value {
    match value.get("blueprint") {
        Some(inner @ Value::Object(_)) if value.get("modules").is_none() => inner,
        _ => value,
    }
}

/// Collects every field error while the document is read, so one pass names them all. Each
/// reader returns a placeholder on error; the placeholder is never seen because any error
/// rejects the whole document.
#[derive(Default)]
struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Required text of `min_chars` to `max_chars` characters once trimmed and cleaned
    /// (`text::model_text`: invisible format and control characters removed).
    fn text(&mut self, field: &str, value: Option<&Value>, min_chars: usize, max_chars: usize) -> String {
        match value {
            None | Some(Value::Null) => self.fail(field, "is required"),
            Some(Value::String(raw)) => {
                let cleaned = model_text(raw);
                let chars = cleaned.chars().count();
                if chars > max_chars {
                    self.fail(field, too_long(max_chars));
                } else if chars >= min_chars {
                    return cleaned;
                } else {
                    self.fail(field, if min_chars <= 1 { "must not be empty".to_string() } else { format!("must be at least {min_chars} characters") });
                }
            }
            Some(_) => self.fail(field, "must be text"),
        }
        String::new()
    }

    /// Text that may be absent, of at most `max_chars` characters; blank text counts as absent.
    fn optional_text(&mut self, field: &str, value: Option<&Value>, max_chars: usize) -> Option<String> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(raw)) => {
                let cleaned = Some(model_text(raw)).filter(|text| !text.is_empty());
                if cleaned.as_ref().is_some_and(|text| text.chars().count() > max_chars) {
                    self.fail(field, too_long(max_chars));
                }
                cleaned
            }
            Some(_) => {
                self.fail(field, "must be text");
                None
            }
        }
    }

    /// A list of text with at least `min_items` non-blank items; absent is an empty list when
    /// none are required.
    fn list(&mut self, field: &str, value: Option<&Value>, min_items: usize) -> Vec<String> {
        let items = match value {
            None | Some(Value::Null) if min_items == 0 => Vec::new(),
            None | Some(Value::Null) => {
                self.fail(field, "is required");
                Vec::new()
            }
            Some(Value::Array(raw)) => self.list_items(field, raw),
            Some(_) => {
                self.fail(field, "must be a list of text");
                return Vec::new();
            }
        };
        if value.is_some_and(Value::is_array) && items.len() < min_items {
            self.fail(field, format!("must have at least {min_items} non-empty item{}", if min_items == 1 { "" } else { "s" }));
        }
        items
    }

    /// A list that may be absent; a list with nothing in it counts as absent.
    fn optional_list(&mut self, field: &str, value: Option<&Value>) -> Option<Vec<String>> {
        Some(self.list(field, value, 0)).filter(|items| !items.is_empty())
    }

    /// The list's items (`platform::document::text_items`) under this document's caps.
    fn list_items(&mut self, field: &str, raw: &[Value]) -> Vec<String> {
        text_items(field, raw, MAX_LIST_ITEMS, MAX_ITEM_CHARS, &mut self.errors)
    }

    fn modules(&mut self, value: Option<&Value>) -> Vec<Module> {
        let field = "modules";
        let raw = match value {
            None | Some(Value::Null) => {
                self.fail(field, "is required");
                return Vec::new();
            }
            Some(Value::Array(raw)) => raw,
            Some(_) => {
                self.fail(field, "must be a list of modules");
                return Vec::new();
            }
        };
        if raw.is_empty() {
            self.fail(field, "must have at least 1 module");
        }
        if raw.len() > MAX_MODULES {
            self.fail(field, format!("must have at most {MAX_MODULES} modules"));
        }
        // Only the first `MAX_MODULES` are read (and their errors named): the rest cannot
        // change the verdict.
        raw.iter().take(MAX_MODULES).enumerate().map(|(index, item)| self.module(&format!("{field}[{index}]"), item)).collect()
    }

    fn module(&mut self, field: &str, value: &Value) -> Module {
        let Some(object) = value.as_object() else {
            self.fail(field, "must be an object");
            return Module { title: String::new(), duration_minutes: 1, objectives: Vec::new(), activities: Vec::new(), assessments: Vec::new() };
        };
        let at = |name: &str| format!("{field}.{name}");
        Module {
            title: self.text(&at("title"), object.get("title"), 1, MAX_TITLE_CHARS),
            duration_minutes: self.duration(&at("durationMinutes"), object.get("durationMinutes")),
            objectives: self.list(&at("objectives"), object.get("objectives"), 1),
            activities: self.list(&at("activities"), object.get("activities"), 0),
            assessments: self.list(&at("assessments"), object.get("assessments"), 0),
        }
    }

    /// Whole minutes from 1 to `MAX_MODULE_MINUTES`. Models write `90`, `90.0` or `"90"`
    /// for the same thing, so all three are read; fractions are rounded.
    fn duration(&mut self, field: &str, value: Option<&Value>) -> u32 {
        let minutes = match value {
            None | Some(Value::Null) => {
                self.fail(field, "is required");
                return 1;
            }
            Some(Value::Number(number)) => number.as_f64(),
            Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
            Some(_) => None,
        };
        let rounded = minutes.filter(|m| m.is_finite()).map(f64::round);
        match rounded {
            Some(m) if (1.0..=f64::from(MAX_MODULE_MINUTES)).contains(&m) => m as u32,
            _ => {
                self.fail(field, format!("must be a whole number of minutes from 1 to {MAX_MODULE_MINUTES}"));
                1
            }
        }
    }
}


// ---------------------------------------------------------------------------------------------
// Schema

/// The JSON Schema of a blueprint, stating every rule of `validate_blueprint` that a schema can
/// state, from the same constants: required fields, closed objects, the minimum and maximum
/// characters of each text, items per list and modules per course, whole minutes from 1 to
/// `MAX_MODULE_MINUTES`. It goes whole to Ollama (`format`: llama.cpp turns it into a grammar,
/// so a rule left out is a rule the model may break) and as `schema::strict_subset` to
/// OpenRouter. Optional fields are nullable instead of absent (strict mode wants every property
/// required). What no schema keyword can say stays with the validator alone: text counted after
/// trimming and cleaning (`"   "` has three characters here), blank list items not counting,
/// and the whole document's `MAX_BLUEPRINT_CHARS`.
pub fn blueprint_json_schema() -> Value {
    use crate::llm::schema::nullable;
    let item = json!({ "type": "string", "minLength": 1, "maxLength": MAX_ITEM_CHARS });
    let texts = |min_items: usize, description: &str| json!({ "type": "array", "items": item, "minItems": min_items, "maxItems": MAX_LIST_ITEMS, "description": description });
    let module = json!({
        "type": "object",
        "properties": {
            "title": { "type": "string", "minLength": 1, "maxLength": MAX_TITLE_CHARS, "description": "A short, specific module title." },
            "durationMinutes": { "type": "integer", "minimum": 1, "maximum": MAX_MODULE_MINUTES, "description": "Whole minutes, at least 1; all modules together fill the available time." },
            "objectives": texts(1, "At least one measurable objective, each starting with a Bloom's taxonomy verb."),
            "activities": texts(0, "What learners do, suited to the delivery modality."),
            "assessments": texts(0, "How each objective of this module is checked.")
        },
        "required": ["title", "durationMinutes", "objectives", "activities", "assessments"],
        "additionalProperties": false
    });
    json!({
        "type": "object",
        "properties": {
            "title": { "type": "string", "minLength": MIN_TITLE_CHARS, "maxLength": MAX_TITLE_CHARS, "description": "The course title." },
            "overview": { "type": "string", "minLength": MIN_OVERVIEW_CHARS, "maxLength": MAX_OVERVIEW_CHARS, "description": "Two to four sentences: who the course is for and what it achieves." },
            "learningObjectives": texts(1, "At least one measurable course-level objective, each starting with a Bloom's taxonomy verb."),
            "modules": { "type": "array", "items": module, "minItems": 1, "maxItems": MAX_MODULES, "description": "At least one module, in teaching order." },
            "timeline": nullable(json!({ "type": "string", "maxLength": MAX_TIMELINE_CHARS, "description": "How the modules are scheduled over the available time, or null." })),
            "resources": nullable(json!({ "type": "array", "items": item, "maxItems": MAX_LIST_ITEMS, "description": "Materials, tools and people the course needs, or null." }))
        },
        "required": ["title", "overview", "learningObjectives", "modules", "timeline", "resources"],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::fallback::fallback_blueprint;
    use crate::testing::{sales_onboarding as small, static_answers as answers};
    use proptest::prelude::*;

    fn fields(value: Value) -> Vec<String> {
        validate_blueprint(&value).unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_valid_document_is_normalised() {
        let blueprint = validate_blueprint(&json!({
            "title": "  Sales onboarding ",
            "overview": " Get new reps quoting confidently. ",
            "learningObjectives": ["Explain the pricing tiers", "  ", "Build a quote", null],
            "modules": [
                {"title": " Pricing basics ", "durationMinutes": 90, "objectives": ["Explain the pricing tiers", ""], "activities": [" Walkthrough "], "assessments": ["Quiz"]},
                {"title": "Quoting", "durationMinutes": "60", "objectives": ["Build a quote"], "extra": true}
            ],
            "timeline": " Two half-days. ",
            "resources": ["Price list", " "],
            "unknown": 1
        }))
        .unwrap();
        assert_eq!(blueprint, small());
    }

    #[test]
    fn format_characters_are_stripped_from_model_text() {
        let blueprint = validate_blueprint(&json!({
            "title": "\u{202E}Sales onboarding\u{202C}",
            "overview": "Get new reps\u{200B} quoting confidently.\u{2066}",
            "learningObjectives": ["Explain the \u{200F}pricing tiers", "\u{2067}\u{2069}", "Build a quote"],
            "modules": [
                {"title": "Pricing\u{200D} basics", "durationMinutes": 90, "objectives": ["Explain the pricing tiers\u{FEFF}"], "activities": ["Walk\u{00AD}through"], "assessments": ["Quiz\u{061C}"]},
                {"title": "Quoting", "durationMinutes": 60, "objectives": ["Build a quote"]}
            ],
            "timeline": "Two\u{2068} half-days.",
            "resources": ["Price list\u{202A}", "\u{200E}"]
        }))
        .unwrap();
        assert_eq!(blueprint, small());
        let fields = fields(json!({"title": "\u{202E}ab\u{202C}\u{200B}", "overview": "Ten chars!", "learningObjectives": ["a"], "modules": [{"title": "\u{200B}", "durationMinutes": 5, "objectives": ["o"]}]}));
        assert_eq!(fields, ["title", "modules[0].title"], "invisible characters do not count towards a minimum length");
    }

    #[test]
    fn durations_accept_integers_numeric_text_and_rounded_fractions() {
        let duration = |value: Value| {
            validate_blueprint(&json!({"title": "Tit", "overview": "Ten chars!", "learningObjectives": ["a"], "modules": [{"title": "m", "durationMinutes": value, "objectives": ["o"]}]}))
                .map(|b| b.modules[0].duration_minutes)
        };
        assert_eq!(duration(json!(45)).unwrap(), 45);
        assert_eq!(duration(json!(44.6)).unwrap(), 45);
        assert_eq!(duration(json!(" 30 ")).unwrap(), 30);
        assert_eq!(duration(json!("12.5")).unwrap(), 13);
        assert_eq!(duration(json!(0.5)).unwrap(), 1);
        assert_eq!(duration(json!(100_000)).unwrap(), 100_000);
        for bad in [json!(0), json!(0.4), json!(-5), json!(100_001), json!("ninety"), json!("NaN"), json!("inf"), json!(true), json!([90]), json!(1e300)] {
            assert!(duration(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_wrong_field_is_named() {
        let errors = fields(json!({
            "title": "ab",
            "overview": 5,
            "learningObjectives": ["", " "],
            "modules": [
                {"title": "ok", "durationMinutes": 30, "objectives": ["o"]},
                "not a module",
                {"title": " ", "durationMinutes": 0, "objectives": [], "activities": "talk", "assessments": [1, "fine"]}
            ],
            "timeline": ["no"],
            "resources": {"no": 1}
        }));
        assert_eq!(errors, [
            "title",
            "overview",
            "learningObjectives",
            "modules[1]",
            "modules[2].title",
            "modules[2].durationMinutes",
            "modules[2].objectives",
            "modules[2].activities",
            "modules[2].assessments[0]",
            "timeline",
            "resources",
        ]);
        assert_eq!(fields(json!({})), ["title", "overview", "learningObjectives", "modules"]);
        assert_eq!(fields(json!({"title": "Tit", "overview": "Ten chars!", "learningObjectives": ["a"], "modules": [{}]})), [
            "modules[0].title",
            "modules[0].durationMinutes",
            "modules[0].objectives"
        ]);
        assert_eq!(fields(json!({"title": "Tit", "overview": "Ten chars!", "learningObjectives": "a", "modules": []})), ["learningObjectives", "modules"]);
        assert_eq!(fields(json!([1])), ["blueprint"]);
        assert_eq!(fields(json!("text")), ["blueprint"]);
    }

    #[test]
    fn a_wrapped_document_is_read_and_empty_optionals_are_absent() {
        let mut document = serde_json::to_value(small()).unwrap();
        document["timeline"] = json!("  ");
        document["resources"] = json!(["", null]);
        let blueprint = validate_blueprint(&json!({ "blueprint": document })).unwrap();
        assert_eq!(blueprint.timeline, None);
        assert_eq!(blueprint.resources, None);
        assert_eq!(blueprint.modules, small().modules);
        let strict_shaped = json!({"blueprint": {"title": "Tit", "overview": "Ten chars!", "learningObjectives": ["a"],
            "modules": [{"title": "m", "durationMinutes": 5, "objectives": ["o"], "activities": [], "assessments": []}], "timeline": null, "resources": null}});
        assert!(validate_blueprint(&strict_shaped).is_ok());
    }

    #[test]
    fn lists_up_to_their_cap_pass_and_longer_ones_are_refused() {
        let items = |count: usize| -> Vec<String> { (0..count).map(|i| format!("item {i}")).collect() };
        let module = |i: usize, objectives: Vec<String>| json!({"title": format!("M{i}"), "durationMinutes": 10, "objectives": objectives});
        let at_cap: Vec<Value> = (0..MAX_MODULES).map(|i| module(i, items(MAX_LIST_ITEMS))).collect();
        let blueprint = validate_blueprint(&json!({"title": "Tit", "overview": "Ten chars!", "learningObjectives": items(MAX_LIST_ITEMS), "modules": at_cap})).unwrap();
        assert_eq!(blueprint.modules.len(), MAX_MODULES);
        assert_eq!(blueprint.learning_objectives.len(), MAX_LIST_ITEMS);
        assert_eq!(blueprint.modules[MAX_MODULES - 1].objectives[MAX_LIST_ITEMS - 1], format!("item {}", MAX_LIST_ITEMS - 1));
        // One more is refused, naming the list: a model that ran on is not quietly trimmed.
        let over: Vec<Value> = (0..=MAX_MODULES).map(|i| module(i, items(1))).collect();
        let errors = validate_blueprint(&json!({"title": "Tit", "overview": "Ten chars!", "learningObjectives": items(MAX_LIST_ITEMS + 1), "modules": over})).unwrap_err();
        assert_eq!(errors.iter().map(ToString::to_string).collect::<Vec<_>>(), [
            format!("learningObjectives: must have at most {MAX_LIST_ITEMS} items"),
            format!("modules: must have at most {MAX_MODULES} modules"),
        ]);
        // Blanks do not use up the cap.
        let mut padded = vec![json!(" "); 5];
        padded.extend(items(MAX_LIST_ITEMS).iter().map(|i| json!(i)));
        let blueprint = validate_blueprint(&json!({"title": "Tit", "overview": "Ten chars!", "learningObjectives": padded, "modules": [module(0, items(1))]})).unwrap();
        assert_eq!(blueprint.learning_objectives[0], "item 0");
        assert_eq!(blueprint.learning_objectives.len(), MAX_LIST_ITEMS);
    }

    /// Issue 17 #6: nothing bounded what a model may write. Every string and list past its cap
    /// is refused with the field named, and a list of any length is read only up to its cap.
    #[test]
    fn a_runaway_document_is_refused_naming_each_field() {
        let long = |chars: usize| "é".repeat(chars);
        let activities: Vec<String> = (0..26_000).map(|i| format!("Activity {i}")).collect();
        let runaway = json!({
            "title": long(MAX_TITLE_CHARS + 1),
            "overview": long(MAX_OVERVIEW_CHARS + 1),
            "learningObjectives": ["Explain a", long(MAX_ITEM_CHARS + 1)],
            "modules": [{"title": long(MAX_TITLE_CHARS + 1), "durationMinutes": 5, "objectives": ["o"], "activities": activities, "assessments": [long(MAX_ITEM_CHARS + 1)]}],
            "timeline": long(MAX_TIMELINE_CHARS + 1),
            "resources": [long(MAX_ITEM_CHARS + 1)]
        });
        assert_eq!(fields(runaway.clone()), [
            "title",
            "overview",
            "learningObjectives[1]",
            "modules[0].title",
            "modules[0].activities",
            "modules[0].assessments[0]",
            "timeline",
            "resources[0]"
        ]);
        let error = read_blueprint(&runaway.to_string()).unwrap_err();
        assert!(error.starts_with(&format!("the blueprint is invalid: title: must be at most {MAX_TITLE_CHARS} characters; overview: must be at most {MAX_OVERVIEW_CHARS} characters")), "{error}");
        assert!(error.contains(&format!("modules[0].activities: must have at most {MAX_LIST_ITEMS} items")), "{error}");

        let at_caps = json!({
            "title": long(MAX_TITLE_CHARS),
            "overview": long(MAX_OVERVIEW_CHARS),
            "learningObjectives": [long(MAX_ITEM_CHARS)],
            "modules": [{"title": long(MAX_TITLE_CHARS), "durationMinutes": 5, "objectives": [long(MAX_ITEM_CHARS)], "activities": [long(MAX_ITEM_CHARS)], "assessments": [long(MAX_ITEM_CHARS)]}],
            "timeline": long(MAX_TIMELINE_CHARS),
            "resources": [long(MAX_ITEM_CHARS)]
        });
        assert!(validate_blueprint(&at_caps).is_ok());
    }

    #[test]
    fn a_document_past_the_total_is_refused() {
        // Every field within its own cap; together exactly at `MAX_BLUEPRINT_CHARS`, or one past.
        let document = |extra: usize| {
            let mut left = MAX_BLUEPRINT_CHARS + extra - "Tit".len() - "Ten chars!".len() - "a".len();
            let mut modules = Vec::new();
            while left > 0 {
                left -= "m".len();
                let mut objectives = Vec::new();
                while left > 0 && objectives.len() < MAX_LIST_ITEMS {
                    let chars = left.min(MAX_ITEM_CHARS);
                    objectives.push("x".repeat(chars));
                    left -= chars;
                }
                modules.push(json!({"title": "m", "durationMinutes": 5, "objectives": objectives}));
            }
            json!({"title": "Tit", "overview": "Ten chars!", "learningObjectives": ["a"], "modules": modules})
        };
        let at_total = validate_blueprint(&document(0)).unwrap();
        assert_eq!(text_chars(&at_total), MAX_BLUEPRINT_CHARS);
        let error = read_blueprint(&document(1).to_string()).unwrap_err();
        assert_eq!(error, format!("the blueprint is invalid: blueprint: must have at most {MAX_BLUEPRINT_CHARS} characters of text in all"));
    }

    #[test]
    fn reading_a_models_reply() {
        let document = serde_json::to_string(&small()).unwrap();
        assert_eq!(read_blueprint(&format!("<think>plan</think>\n```json\n{document}\n```")).unwrap(), small());
        let error = read_blueprint(r#"{"title": "ab", "overview": "short", "learningObjectives": [], "modules": []}"#).unwrap_err();
        assert_eq!(
            error,
            "the blueprint is invalid: title: must be at least 3 characters; overview: must be at least 10 characters; \
learningObjectives: must have at least 1 non-empty item; modules: must have at least 1 module"
        );
        let many: Vec<Value> = (0..20).map(|_| json!({})).collect();
        assert!(read_blueprint(&json!({"title": "Tit", "overview": "Ten chars!", "learningObjectives": ["a"], "modules": many}).to_string()).unwrap_err().ends_with("(and 50 more)"));
        assert!(read_blueprint("no json here").is_err());
    }

    #[test]
    fn the_schema_is_strict_shaped_and_accepts_what_it_describes() {
        let schema = blueprint_json_schema();
        for object in [&schema, &schema["properties"]["modules"]["items"]] {
            assert_eq!(object["additionalProperties"], json!(false));
            let mut properties: Vec<&str> = object["properties"].as_object().unwrap().keys().map(String::as_str).collect();
            let mut required: Vec<&str> = object["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            properties.sort_unstable();
            required.sort_unstable();
            assert_eq!(properties, required);
        }
        assert_eq!(schema["properties"]["timeline"]["anyOf"][1], json!({"type": "null"}));
        assert_eq!(schema["properties"]["resources"]["anyOf"][0]["maxItems"], MAX_LIST_ITEMS);
        // Issue 16: the full schema (Ollama's `format`) states the caps; only the strict subset
        // sent to OpenRouter leaves them out. (This test asserted their absence from the one
        // schema before.)
        let used = crate::llm::schema::keywords_used(&schema);
        for keyword in crate::llm::schema::STRICT_UNSUPPORTED {
            assert!(used.contains(keyword), "the full schema states {keyword}");
        }
        assert!(!used.contains("$schema"));
        let strict = crate::llm::schema::keywords_used(&crate::llm::schema::strict_subset(&schema));
        assert!(crate::llm::schema::STRICT_UNSUPPORTED.iter().all(|k| !strict.contains(*k)), "{strict:?}");
        let mut document = serde_json::to_value(small()).unwrap();
        document["timeline"] = Value::Null;
        document["resources"] = Value::Null;
        assert!(validate_blueprint(&document).is_ok());
        assert_eq!(crate::llm::schema::check(&schema, &document), Ok(()));
    }

    /// Issue 16: a constrained decoder writes exactly what the schema allows, so the schema
    /// must refuse what the validator refuses. For every rule a schema can state, a document at
    /// the limit passes both, and one step past it fails both. Text is in 'é' (two bytes, one
    /// character): both count characters.
    #[test]
    fn the_schema_and_the_validator_agree_at_every_cap() {
        let text = |chars: usize| "é".repeat(chars);
        let list = |items: usize| Value::from((0..items).map(|i| format!("Item {i}")).collect::<Vec<_>>());
        let base = || {
            let mut document = serde_json::to_value(small()).unwrap();
            document["timeline"] = Value::Null;
            document["resources"] = Value::Null;
            document
        };
        type Edit = Box<dyn Fn(&mut Value)>;
        let set = |path: &'static [&'static str], value: Value| -> Edit {
            Box::new(move |document: &mut Value| {
                let mut at = &mut *document;
                for key in path {
                    at = match key.parse::<usize>() {
                        Ok(index) => &mut at[index],
                        Err(_) => &mut at[*key],
                    };
                }
                *at = value.clone();
            })
        };
        let module = json!({"title": "M", "durationMinutes": 30, "objectives": ["Explain x"], "activities": [], "assessments": []});
        let cases: Vec<(&str, Edit, Edit)> = vec![
            ("title max", set(&["title"], text(MAX_TITLE_CHARS).into()), set(&["title"], text(MAX_TITLE_CHARS + 1).into())),
            ("title min", set(&["title"], text(MIN_TITLE_CHARS).into()), set(&["title"], text(MIN_TITLE_CHARS - 1).into())),
            ("overview max", set(&["overview"], text(MAX_OVERVIEW_CHARS).into()), set(&["overview"], text(MAX_OVERVIEW_CHARS + 1).into())),
            ("overview min", set(&["overview"], text(MIN_OVERVIEW_CHARS).into()), set(&["overview"], text(MIN_OVERVIEW_CHARS - 1).into())),
            ("timeline max", set(&["timeline"], text(MAX_TIMELINE_CHARS).into()), set(&["timeline"], text(MAX_TIMELINE_CHARS + 1).into())),
            ("objectives max", set(&["learningObjectives"], list(MAX_LIST_ITEMS)), set(&["learningObjectives"], list(MAX_LIST_ITEMS + 1))),
            ("objectives min", set(&["learningObjectives"], list(1)), set(&["learningObjectives"], list(0))),
            ("objective chars", set(&["learningObjectives"], json!([text(MAX_ITEM_CHARS)])), set(&["learningObjectives"], json!([text(MAX_ITEM_CHARS + 1)]))),
            ("resources max", set(&["resources"], list(MAX_LIST_ITEMS)), set(&["resources"], list(MAX_LIST_ITEMS + 1))),
            ("resource chars", set(&["resources"], json!([text(MAX_ITEM_CHARS)])), set(&["resources"], json!([text(MAX_ITEM_CHARS + 1)]))),
            ("modules max", set(&["modules"], Value::from(vec![module.clone(); MAX_MODULES])), set(&["modules"], Value::from(vec![module.clone(); MAX_MODULES + 1]))),
            ("modules min", set(&["modules"], Value::from(vec![module.clone(); 1])), set(&["modules"], json!([]))),
            ("module title max", set(&["modules", "0", "title"], text(MAX_TITLE_CHARS).into()), set(&["modules", "0", "title"], text(MAX_TITLE_CHARS + 1).into())),
            ("module title min", set(&["modules", "0", "title"], text(1).into()), set(&["modules", "0", "title"], text(0).into())),
            ("duration max", set(&["modules", "0", "durationMinutes"], MAX_MODULE_MINUTES.into()), set(&["modules", "0", "durationMinutes"], (MAX_MODULE_MINUTES + 1).into())),
            ("duration min", set(&["modules", "0", "durationMinutes"], 1.into()), set(&["modules", "0", "durationMinutes"], 0.into())),
            ("module objectives max", set(&["modules", "0", "objectives"], list(MAX_LIST_ITEMS)), set(&["modules", "0", "objectives"], list(MAX_LIST_ITEMS + 1))),
            ("module objectives min", set(&["modules", "0", "objectives"], list(1)), set(&["modules", "0", "objectives"], list(0))),
            ("activities max", set(&["modules", "0", "activities"], list(MAX_LIST_ITEMS)), set(&["modules", "0", "activities"], list(MAX_LIST_ITEMS + 1))),
            ("assessments max", set(&["modules", "0", "assessments"], list(MAX_LIST_ITEMS)), set(&["modules", "0", "assessments"], list(MAX_LIST_ITEMS + 1))),
            ("assessment chars", set(&["modules", "0", "assessments"], json!([text(MAX_ITEM_CHARS)])), set(&["modules", "0", "assessments"], json!([text(MAX_ITEM_CHARS + 1)]))),
        ];
        let schema = blueprint_json_schema();
        for (name, at_cap, past_cap) in cases {
            let mut document = base();
            at_cap(&mut document);
            assert_eq!(crate::llm::schema::check(&schema, &document), Ok(()), "{name}: at the cap, the schema");
            assert!(validate_blueprint(&document).is_ok(), "{name}: at the cap, the validator: {:?}", validate_blueprint(&document).err());
            let mut document = base();
            past_cap(&mut document);
            assert!(crate::llm::schema::check(&schema, &document).is_err(), "{name}: past the cap, the schema");
            assert!(validate_blueprint(&document).is_err(), "{name}: past the cap, the validator");
        }
        // Missing fields and unknown types fail both as well.
        for field in ["title", "overview", "learningObjectives", "modules"] {
            let mut document = base();
            document.as_object_mut().unwrap().remove(field);
            assert!(crate::llm::schema::check(&schema, &document).is_err() && validate_blueprint(&document).is_err(), "{field}");
        }
    }

    #[test]
    fn stored_documents_are_read_as_saved_and_corruption_is_a_500() {
        let mut long = fallback_blueprint(&answers(&["Know the tiers"], "6 hours", None));
        long.modules = std::iter::repeat_n(long.modules[1].clone(), MAX_MODULES + 5).collect();
        let stored = serde_json::to_string(&long).unwrap();
        assert!(validate_blueprint(&serde_json::from_str(&stored).unwrap()).is_err(), "past today's caps");
        assert_eq!(read_stored(&stored).unwrap(), long, "still opens");
        assert_eq!(read_stored("{\"title\": 3}").unwrap_err().status(), 500);
    }

    /// JSON-ish values from strings and numbers, nested, with the blueprint's own keys among
    /// the random ones so the validator's deeper paths are reached.
    fn json_ish() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[ a-z0-9.#\\-\n]{0,12}".prop_map(Value::from),
            "-?[0-9]{1,8}(\\.[0-9]{1,3})?".prop_map(Value::from),
        ];
        let key = prop_oneof![
            proptest::sample::select(vec!["title", "overview", "learningObjectives", "modules", "durationMinutes", "objectives", "activities", "assessments", "timeline", "resources", "blueprint"])
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
        fn validation_never_panics(value in json_ish()) {
            if let Ok(blueprint) = validate_blueprint(&value) {
                // What passes once passes again unchanged.
                prop_assert_eq!(validate_blueprint(&serde_json::to_value(&blueprint).unwrap()).unwrap(), blueprint);
            }
        }

        #[test]
        fn blueprint_shaped_values_never_panic(title in json_ish(), modules in proptest::collection::vec(json_ish(), 0..4), duration in json_ish()) {
            let mut modules = modules;
            modules.push(json!({"title": title, "durationMinutes": duration, "objectives": ["o"]}));
            let _ = validate_blueprint(&json!({"title": title, "overview": "Ten chars!", "learningObjectives": ["a"], "modules": modules}));
        }
    }
}
