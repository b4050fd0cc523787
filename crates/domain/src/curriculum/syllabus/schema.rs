//! The JSON Schema of a syllabus, from the same constants as its validator, in two strengths:
//! the general schema states every rule that holds for any blueprint, and the schema for one
//! blueprint also pins what that blueprint fixes (how many modules, their titles, durations and
//! objectives, the lesson floor its modules allow). The second goes with the prompt: a
//! grammar-constrained decoder (Ollama's `format`) then cannot write a syllabus the structure
//! rules refuse. What no schema keyword can say stays with the validator alone: the lessons'
//! minutes adding up to their module's, which module an item belongs to (every enum lists the
//! whole blueprint's), objectives covered, titles unique, text counted after cleaning, the
//! total `MAX_SYLLABUS_CHARS`.

use super::validate::min_lesson_minutes;
use super::{Level, MAX_ITEM_CHARS, MAX_LESSONS, MAX_LIST_ITEMS, MAX_TITLE_CHARS, MIN_LESSONS, MIN_SHORT_LESSON_MINUTES, MIN_SYLLABUS_TITLE_CHARS};
use crate::blueprint::document::{Blueprint, MAX_MODULES, MAX_MODULE_MINUTES};
use serde_json::{json, Value};

/// What the schema pins beyond the general rules.
struct Pins {
    modules: (usize, usize),
    min_lesson_minutes: u32,
    module_titles: Option<Vec<String>>,
    durations: Option<Vec<u32>>,
    objectives: Option<Vec<String>>,
}

/// The schema every valid syllabus passes, whatever its blueprint: required fields, closed
/// objects, the minimum and maximum characters of each text, items per list, lessons per
/// module, whole minutes (at least `MIN_SHORT_LESSON_MINUTES`: only the blueprint says whether
/// a module is long enough for the `MIN_LESSON_MINUTES` floor).
pub fn syllabus_json_schema() -> Value {
    schema(&Pins { modules: (1, MAX_MODULES), min_lesson_minutes: MIN_SHORT_LESSON_MINUTES, module_titles: None, durations: None, objectives: None })
}

/// [`syllabus_json_schema`] for a syllabus of `blueprint`: exactly its number of modules, its
/// module titles, durations and objectives as `enum`s, and the lesson floor its shortest
/// module allows. Every syllabus `validate_syllabus` accepts for this blueprint passes it.
pub fn syllabus_json_schema_for(blueprint: &Blueprint) -> Value {
    let count = blueprint.modules.len();
    let shortest = blueprint.modules.iter().map(|module| module.duration_minutes).min().unwrap_or(MAX_MODULE_MINUTES);
    let mut titles: Vec<String> = Vec::new();
    let mut durations: Vec<u32> = Vec::new();
    let mut objectives: Vec<String> = Vec::new();
    for module in &blueprint.modules {
        push_new(&mut titles, module.title.clone());
        push_new(&mut durations, module.duration_minutes);
        for objective in &module.objectives {
            push_new(&mut objectives, objective.clone());
        }
    }
    schema(&Pins { modules: (count, count), min_lesson_minutes: min_lesson_minutes(shortest), module_titles: Some(titles), durations: Some(durations), objectives: Some(objectives) })
}

fn push_new<T: PartialEq>(values: &mut Vec<T>, value: T) {
    if !values.contains(&value) {
        values.push(value);
    }
}

fn schema(pins: &Pins) -> Value {
    let item = json!({ "type": "string", "minLength": 1, "maxLength": MAX_ITEM_CHARS });
    let mut objective = item.clone();
    let mut module_title = json!({ "type": "string", "minLength": 1, "maxLength": MAX_TITLE_CHARS, "description": "The blueprint module's title, as written there." });
    let mut duration = json!({ "type": "integer", "minimum": 1, "maximum": MAX_MODULE_MINUTES, "description": "The blueprint module's durationMinutes." });
    if let Some(objectives) = &pins.objectives {
        objective["enum"] = json!(objectives);
    }
    if let Some(titles) = &pins.module_titles {
        module_title["enum"] = json!(titles);
    }
    if let Some(durations) = &pins.durations {
        duration["enum"] = json!(durations);
    }
    let objectives = |description: &str| json!({ "type": "array", "items": objective, "minItems": 1, "maxItems": MAX_LIST_ITEMS, "description": description });
    let level = json!({ "type": "string", "enum": Level::ALL.map(Level::as_str) });
    let id = |description: &str| json!({ "type": "string", "minLength": 2, "maxLength": 12, "description": description });
    let lesson = json!({
        "type": "object",
        "properties": {
            "id": id("m1.l1 for the first lesson of the first module, m1.l2 for the next…"),
            "title": { "type": "string", "minLength": 1, "maxLength": MAX_TITLE_CHARS, "description": "A short title, unique within the module." },
            "objectives": objectives("The module objectives this lesson teaches, copied word for word from the module."),
            "minutes": { "type": "integer", "minimum": pins.min_lesson_minutes, "maximum": MAX_MODULE_MINUTES, "description": "Whole minutes; a module's lessons add up to its durationMinutes." },
            "level": level
        },
        "required": ["id", "title", "objectives", "minutes", "level"],
        "additionalProperties": false
    });
    let module = json!({
        "type": "object",
        "properties": {
            "id": id("m1 for the first module, m2 for the next…"),
            "title": module_title,
            "durationMinutes": duration,
            "objectives": objectives("The blueprint module's objectives, in order, as written there."),
            "lessons": { "type": "array", "items": lesson, "minItems": MIN_LESSONS, "maxItems": MAX_LESSONS, "description": "The module's lessons in teaching order." },
            "assessmentHooks": { "type": "array", "items": item, "minItems": 1, "maxItems": MAX_LIST_ITEMS, "description": "Placeholders for how the module is assessed (a quiz, a project)." }
        },
        "required": ["id", "title", "durationMinutes", "objectives", "lessons", "assessmentHooks"],
        "additionalProperties": false
    });
    json!({
        "type": "object",
        "properties": {
            "title": { "type": "string", "minLength": MIN_SYLLABUS_TITLE_CHARS, "maxLength": MAX_TITLE_CHARS, "description": "The course title." },
            "level": level,
            "prerequisites": { "type": "array", "items": item, "maxItems": MAX_LIST_ITEMS, "description": "What learners must know or have before the course; may be empty." },
            "modules": { "type": "array", "items": module, "minItems": pins.modules.0, "maxItems": pins.modules.1, "description": "The blueprint's modules, in order." }
        },
        "required": ["title", "level", "prerequisites", "modules"],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::syllabus::{curated_syllabus, validate_syllabus, MAX_SYLLABUS_CHARS, MIN_LESSON_MINUTES};
    use crate::llm::schema::{check, keywords_used, strict_subset, STRICT_UNSUPPORTED};
    use crate::testing::{module, sales_onboarding};

    fn blueprint() -> Blueprint {
        let mut blueprint = sales_onboarding();
        blueprint.modules = vec![module("Pricing", 60, &["Explain the tiers", "Apply discounts"], &[], &["Quiz"]), module("Quoting", 30, &["Build a quote"], &[], &[])];
        blueprint
    }

    #[test]
    fn the_schemas_are_closed_and_state_every_cap() {
        for schema in [syllabus_json_schema(), syllabus_json_schema_for(&blueprint())] {
            let module = &schema["properties"]["modules"]["items"];
            for object in [&schema, module, &module["properties"]["lessons"]["items"]] {
                assert_eq!(object["additionalProperties"], json!(false));
                let mut properties: Vec<&str> = object["properties"].as_object().unwrap().keys().map(String::as_str).collect();
                let mut required: Vec<&str> = object["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
                properties.sort_unstable();
                required.sort_unstable();
                assert_eq!(properties, required);
            }
            let used = keywords_used(&schema);
            for keyword in STRICT_UNSUPPORTED {
                assert!(used.contains(keyword), "the full schema states {keyword}");
            }
            let strict = keywords_used(&strict_subset(&schema));
            assert!(STRICT_UNSUPPORTED.iter().all(|k| !strict.contains(*k)), "{strict:?}");
            assert_eq!(module["properties"]["lessons"]["maxItems"], MAX_LESSONS);
        }
        let general = syllabus_json_schema();
        assert_eq!(general["properties"]["modules"]["maxItems"], MAX_MODULES);
        assert_eq!(general["properties"]["modules"]["items"]["properties"]["lessons"]["items"]["properties"]["minutes"]["minimum"], MIN_SHORT_LESSON_MINUTES);
        let pinned = syllabus_json_schema_for(&blueprint());
        assert_eq!((&pinned["properties"]["modules"]["minItems"], &pinned["properties"]["modules"]["maxItems"]), (&json!(2), &json!(2)));
        let module = &pinned["properties"]["modules"]["items"]["properties"];
        assert_eq!(module["title"]["enum"], json!(["Pricing", "Quoting"]));
        assert_eq!(module["durationMinutes"]["enum"], json!([60, 30]));
        assert_eq!(module["objectives"]["items"]["enum"], json!(["Explain the tiers", "Apply discounts", "Build a quote"]));
        assert_eq!(module["lessons"]["items"]["properties"]["minutes"]["minimum"], MIN_LESSON_MINUTES);
        let mut short = blueprint();
        short.modules[1].duration_minutes = 4;
        assert_eq!(syllabus_json_schema_for(&short)["properties"]["modules"]["items"]["properties"]["lessons"]["items"]["properties"]["minutes"]["minimum"], MIN_SHORT_LESSON_MINUTES);
        // The text total is the validator's alone; the prompt's budget covers it.
        assert!(crate::llm::providers::token_budget(MAX_SYLLABUS_CHARS) >= crate::llm::providers::MAX_TOKEN_BUDGET);
    }

    /// A constrained decoder writes exactly what the schema allows, so the schema must refuse
    /// what the validator refuses wherever a schema can: at each limit both accept, one step
    /// past it both refuse. Text is in 'é' (two bytes, one character): both count characters.
    #[test]
    fn the_schemas_and_the_validator_agree_at_every_cap() {
        let blueprint = blueprint();
        let base = || serde_json::to_value(curated_syllabus(&blueprint)).unwrap();
        let text = |chars: usize| Value::from("é".repeat(chars));
        let list = |items: usize| Value::from((0..items).map(|i| format!("Item {i}")).collect::<Vec<_>>());
        let lessons = |count: usize, minutes: &[u32]| -> Value {
            (0..count).map(|i| json!({"id": format!("m1.l{}", i + 1), "title": format!("Lesson {i}"), "objectives": ["Explain the tiers", "Apply discounts"], "minutes": minutes[i.min(minutes.len() - 1)], "level": "beginner"})).collect::<Vec<_>>().into()
        };
        let with = |path: &[&str], value: Value| {
            let mut document = base();
            let mut at = &mut document;
            for key in path {
                at = match key.parse::<usize>() {
                    Ok(index) => &mut at[index],
                    Err(_) => &mut at[*key],
                };
            }
            *at = value;
            document
        };
        let title = ["modules", "0", "lessons", "0", "title"];
        let cases: Vec<(&str, Value, Value)> = vec![
            ("title max", with(&["title"], text(MAX_TITLE_CHARS)), with(&["title"], text(MAX_TITLE_CHARS + 1))),
            ("title min", with(&["title"], text(MIN_SYLLABUS_TITLE_CHARS)), with(&["title"], text(MIN_SYLLABUS_TITLE_CHARS - 1))),
            ("lesson title max", with(&title, text(MAX_TITLE_CHARS)), with(&title, text(MAX_TITLE_CHARS + 1))),
            ("lesson title min", with(&title, text(1)), with(&title, text(0))),
            ("prerequisites max", with(&["prerequisites"], list(MAX_LIST_ITEMS)), with(&["prerequisites"], list(MAX_LIST_ITEMS + 1))),
            ("prerequisite chars", with(&["prerequisites"], json!([text(MAX_ITEM_CHARS)])), with(&["prerequisites"], json!([text(MAX_ITEM_CHARS + 1)]))),
            ("hooks max", with(&["modules", "0", "assessmentHooks"], list(MAX_LIST_ITEMS)), with(&["modules", "0", "assessmentHooks"], list(MAX_LIST_ITEMS + 1))),
            ("hooks min", with(&["modules", "0", "assessmentHooks"], list(1)), with(&["modules", "0", "assessmentHooks"], list(0))),
            ("hook chars", with(&["modules", "0", "assessmentHooks"], json!([text(MAX_ITEM_CHARS)])), with(&["modules", "0", "assessmentHooks"], json!([text(MAX_ITEM_CHARS + 1)]))),
            ("lessons max", with(&["modules", "0", "lessons"], lessons(MAX_LESSONS, &[5])), with(&["modules", "0", "lessons"], lessons(MAX_LESSONS + 1, &[5, 4]))),
            ("lessons min", with(&["modules", "0", "lessons"], lessons(1, &[60])), with(&["modules", "0", "lessons"], json!([]))),
            ("lesson minutes min", with(&["modules", "0", "lessons"], lessons(2, &[5, 55])), with(&["modules", "0", "lessons"], lessons(2, &[4, 56]))),
            ("lesson objectives min", with(&["modules", "0", "lessons"], lessons(1, &[60])), with(&["modules", "0", "lessons", "0", "objectives"], json!([]))),
            ("level", with(&["level"], json!("advanced")), with(&["level"], json!("expert"))),
            ("module title", with(&["modules", "1", "title"], json!("Quoting")), with(&["modules", "1", "title"], json!("Quoting!"))),
            ("module minutes", with(&["modules", "1", "durationMinutes"], json!(30)), with(&["modules", "1", "durationMinutes"], json!(31))),
            ("module objective", with(&["modules", "1", "objectives"], json!(["Build a quote"])), with(&["modules", "1", "objectives"], json!(["Build a quote fast"]))),
            ("modules", base(), with(&["modules"], json!([base()["modules"][0]]))),
        ];
        let general = syllabus_json_schema();
        let pinned = syllabus_json_schema_for(&blueprint);
        for (name, at_cap, past_cap) in cases {
            assert_eq!(validate_syllabus(&at_cap, &blueprint).err(), None, "{name}: at the cap, the validator");
            assert_eq!(check(&pinned, &at_cap), Ok(()), "{name}: at the cap, the blueprint's schema");
            assert_eq!(check(&general, &at_cap), Ok(()), "{name}: at the cap, the general schema");
            assert!(validate_syllabus(&past_cap, &blueprint).is_err(), "{name}: past the cap, the validator");
            assert!(check(&pinned, &past_cap).is_err(), "{name}: past the cap, the blueprint's schema");
        }
        // Missing fields fail both.
        for field in ["title", "level", "modules"] {
            let mut document = base();
            document.as_object_mut().unwrap().remove(field);
            assert!(check(&general, &document).is_err() && validate_syllabus(&document, &blueprint).is_err(), "{field}");
        }
    }
}
