//! A syllabus as a model or a reviewer sent it, checked against the blueprint version it is
//! derived from. The blueprint fixes the structure, so the syllabus may not change it: the same
//! modules in the same order with the same titles, durations and objectives. Within a module
//! the syllabus is free to plan its lessons, under the rules here. Every wrong field is named
//! (`modules[1].lessons[0].minutes`), in document order, and unknown fields are refused: a
//! reviewer's edit that lands in a misspelt field would otherwise vanish without a word.

use super::{lesson_id, module_id, Level, Syllabus, SyllabusLesson, SyllabusModule};
use super::{MAX_ITEM_CHARS, MAX_LESSONS, MAX_LIST_ITEMS, MAX_SYLLABUS_CHARS, MAX_TITLE_CHARS, MIN_LESSONS, MIN_LESSON_MINUTES, MIN_SHORT_LESSON_MINUTES, MIN_SYLLABUS_TITLE_CHARS};
use crate::blueprint::document::{Blueprint, Module, MAX_MODULE_MINUTES};
use crate::platform::document::{describe_errors, text_items};
use crate::platform::error::FieldError;
use crate::platform::text::model_text;
use serde_json::{Map, Value};

const SYLLABUS_FIELDS: [&str; 4] = ["title", "level", "prerequisites", "modules"];
const MODULE_FIELDS: [&str; 6] = ["id", "title", "durationMinutes", "objectives", "lessons", "assessmentHooks"];
const LESSON_FIELDS: [&str; 5] = ["id", "title", "objectives", "minutes", "level"];

/// The syllabus in `value`, normalised: text trimmed and cleaned (`text::model_text`), blank
/// list items dropped, ids recomputed from positions (`m2`, `m2.l3`: a sent id is never
/// trusted), module titles and objectives in the blueprint's own words (they are compared
/// trimmed and case-insensitively), a level in any case. It may come wrapped as
/// `{"syllabus": {...}}`.
///
/// The rules: exactly the blueprint's modules, in order, with its titles, durations and
/// objectives; `MIN_LESSONS..=MAX_LESSONS` lessons a module, titles unique within it; each
/// lesson at least `MIN_LESSON_MINUTES` (`MIN_SHORT_LESSON_MINUTES` in a module shorter than
/// that), the lessons adding up to the module's minutes exactly; every lesson objective one of
/// its module's, and every module objective taught by some lesson; at least one assessment
/// hook a module; caps on every text and list, and `MAX_SYLLABUS_CHARS` in all.
pub fn validate_syllabus(value: &Value, blueprint: &Blueprint) -> Result<Syllabus, Vec<FieldError>> {
    let Some(object) = unwrap_document(value).as_object() else {
        return Err(vec![FieldError::new("syllabus", "must be an object")]);
    };
    let mut check = Check::default();
    let syllabus = Syllabus {
        title: check.text("title", object.get("title"), MIN_SYLLABUS_TITLE_CHARS, MAX_TITLE_CHARS),
        level: check.level("level", object.get("level")),
        prerequisites: check.list("prerequisites", object.get("prerequisites"), 0),
        modules: check.modules(object.get("modules"), blueprint),
    };
    check.no_other_fields("", object, &SYLLABUS_FIELDS);
    if text_chars(&syllabus) > MAX_SYLLABUS_CHARS {
        check.fail("syllabus", format!("must have at most {MAX_SYLLABUS_CHARS} characters of text in all"));
    }
    if check.errors.is_empty() { Ok(syllabus) } else { Err(check.errors) }
}

/// The model's text as a syllabus for `blueprint`: extracted (think blocks, fences, repairs)
/// and validated; an error says why it is unusable, naming the first few wrong fields.
pub fn read_syllabus(raw: &str, blueprint: &Blueprint) -> Result<Syllabus, String> {
    let extracted = crate::llm::extract_json(raw).map_err(|e| e.to_string())?;
    validate_syllabus(&extracted.value, blueprint).map_err(|errors| describe_errors("syllabus", &errors))
}

/// `{"syllabus": {...}}` as the document inside; anything else as itself.
fn unwrap_document(value: &Value) -> &Value {
    match value.as_object() {
        Some(object) if object.len() == 1 && object.get("syllabus").is_some_and(Value::is_object) => &object["syllabus"],
        _ => value,
    }
}

/// Characters of every text in the syllabus, as counted against `MAX_SYLLABUS_CHARS`.
pub(super) fn text_chars(syllabus: &Syllabus) -> usize {
    let chars = |texts: &[String]| texts.iter().map(|text| text.chars().count()).sum::<usize>();
    let lessons = |lessons: &[SyllabusLesson]| lessons.iter().map(|lesson| lesson.title.chars().count() + chars(&lesson.objectives)).sum::<usize>();
    let modules: usize = syllabus.modules.iter().map(|m| m.title.chars().count() + chars(&m.objectives) + lessons(&m.lessons) + chars(&m.assessment_hooks)).sum();
    syllabus.title.chars().count() + chars(&syllabus.prerequisites) + modules
}

/// How texts are compared with the blueprint's: trimmed, cleaned and case-insensitively.
fn key(text: &str) -> String {
    model_text(text).to_lowercase()
}

/// The fewest minutes a lesson of a module of `module_minutes` may have.
pub(super) fn min_lesson_minutes(module_minutes: u32) -> u32 {
    if module_minutes < MIN_LESSON_MINUTES { MIN_SHORT_LESSON_MINUTES } else { MIN_LESSON_MINUTES }
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

    /// Whether no error was added since there were `count`.
    fn clean_since(&self, count: usize) -> bool {
        self.errors.len() == count
    }

    /// `field.name: must not be present` for every key of `object` not in `known`.
    fn no_other_fields(&mut self, field: &str, object: &Map<String, Value>, known: &[&str]) {
        for name in object.keys().filter(|name| !known.contains(&name.as_str())) {
            let path = if field.is_empty() { name.clone() } else { format!("{field}.{name}") };
            self.fail(&path, "must not be present");
        }
    }

    /// Required text of `min_chars` to `max_chars` characters once trimmed and cleaned.
    fn text(&mut self, field: &str, value: Option<&Value>, min_chars: usize, max_chars: usize) -> String {
        match value {
            None | Some(Value::Null) => self.fail(field, "is required"),
            Some(Value::String(raw)) => {
                let cleaned = model_text(raw);
                let chars = cleaned.chars().count();
                if chars > max_chars {
                    self.fail(field, format!("must be at most {max_chars} characters"));
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

    fn level(&mut self, field: &str, value: Option<&Value>) -> Level {
        match value {
            None | Some(Value::Null) => self.fail(field, "is required"),
            Some(Value::String(raw)) => match Level::parse(raw) {
                Some(level) => return level,
                None => self.fail(field, "must be \"beginner\", \"intermediate\" or \"advanced\""),
            },
            Some(_) => self.fail(field, "must be \"beginner\", \"intermediate\" or \"advanced\""),
        }
        Level::Intermediate
    }

    /// A list of cleaned text items (each at most `MAX_ITEM_CHARS`, blanks dropped) with
    /// `min_items..=MAX_LIST_ITEMS` of them; absent is an empty list when none are required.
    /// What follows the first item too many is not read.
    fn list(&mut self, field: &str, value: Option<&Value>, min_items: usize) -> Vec<String> {
        let raw = match value {
            None | Some(Value::Null) if min_items == 0 => return Vec::new(),
            None | Some(Value::Null) => {
                self.fail(field, "is required");
                return Vec::new();
            }
            Some(Value::Array(raw)) => raw,
            Some(_) => {
                self.fail(field, "must be a list of text");
                return Vec::new();
            }
        };
        let items = text_items(field, raw, MAX_LIST_ITEMS, MAX_ITEM_CHARS, &mut self.errors);
        if items.len() < min_items {
            self.fail(field, format!("must have at least {min_items} non-empty item{}", if min_items == 1 { "" } else { "s" }));
        }
        items
    }

    /// A whole number of minutes (`90` or `90.0`; text is not read: the schema says integer)
    /// from `min` to `MAX_MODULE_MINUTES`.
    fn minutes(&mut self, field: &str, value: Option<&Value>, min: u32) -> Option<u32> {
        let whole = match value {
            None | Some(Value::Null) => {
                self.fail(field, "is required");
                return None;
            }
            Some(Value::Number(number)) => number.as_u64().or_else(|| number.as_f64().filter(|m| m.fract() == 0.0 && *m >= 0.0 && *m <= f64::from(u32::MAX)).map(|m| m as u64)),
            Some(_) => None,
        };
        match whole.and_then(|m| u32::try_from(m).ok()) {
            Some(m) if (min..=MAX_MODULE_MINUTES).contains(&m) => Some(m),
            _ => {
                self.fail(field, format!("must be a whole number of minutes from {min} to {MAX_MODULE_MINUTES}"));
                None
            }
        }
    }

    fn modules(&mut self, value: Option<&Value>, blueprint: &Blueprint) -> Vec<SyllabusModule> {
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
        let expected = blueprint.modules.len();
        if raw.len() != expected {
            let plural = if expected == 1 { "" } else { "s" };
            self.fail(field, format!("must have exactly {expected} module{plural}, the blueprint's, in order"));
        }
        // A module past the blueprint's has nothing to be checked against: the count names it.
        raw.iter().zip(&blueprint.modules).enumerate().map(|(index, (item, planned))| self.module(index, item, planned)).collect()
    }

    fn module(&mut self, index: usize, value: &Value, planned: &Module) -> SyllabusModule {
        let field = format!("modules[{index}]");
        let mut module = SyllabusModule {
            id: module_id(index),
            title: planned.title.clone(),
            duration_minutes: planned.duration_minutes,
            objectives: planned.objectives.clone(),
            lessons: Vec::new(),
            assessment_hooks: Vec::new(),
        };
        let Some(object) = value.as_object() else {
            self.fail(&field, "must be an object");
            return module;
        };
        let at = |name: &str| format!("{field}.{name}");

        let before = self.errors.len();
        let title = self.text(&at("title"), object.get("title"), 1, MAX_TITLE_CHARS);
        if self.clean_since(before) && key(&title) != key(&planned.title) {
            self.fail(&at("title"), format!("must be the blueprint's module title {:?}", planned.title));
        }

        let duration = self.minutes(&at("durationMinutes"), object.get("durationMinutes"), 1);
        if duration.is_some_and(|minutes| minutes != planned.duration_minutes) {
            self.fail(&at("durationMinutes"), format!("must be {}, the blueprint module's duration", planned.duration_minutes));
        }

        let before = self.errors.len();
        let objectives = self.list(&at("objectives"), object.get("objectives"), 1);
        if self.clean_since(before) {
            if objectives.len() != planned.objectives.len() {
                let count = planned.objectives.len();
                let plural = if count == 1 { "" } else { "s" };
                self.fail(&at("objectives"), format!("must be the blueprint module's {count} objective{plural}, in order"));
            } else {
                for (position, (given, wanted)) in objectives.iter().zip(&planned.objectives).enumerate() {
                    if key(given) != key(wanted) {
                        self.fail(&format!("{field}.objectives[{position}]"), format!("must be the blueprint's objective {wanted:?}"));
                    }
                }
            }
        }

        module.lessons = self.lessons(&field, index, object.get("lessons"), planned);
        module.assessment_hooks = self.list(&at("assessmentHooks"), object.get("assessmentHooks"), 1);
        self.no_other_fields(&field, object, &MODULE_FIELDS);
        module
    }

    /// The module's lessons, then the rules across them: unique titles, minutes adding up to the
    /// module's, every module objective taught.
    fn lessons(&mut self, module_field: &str, module_index: usize, value: Option<&Value>, planned: &Module) -> Vec<SyllabusLesson> {
        let field = format!("{module_field}.lessons");
        let raw = match value {
            None | Some(Value::Null) => {
                self.fail(&field, "is required");
                return Vec::new();
            }
            Some(Value::Array(raw)) => raw,
            Some(_) => {
                self.fail(&field, "must be a list of lessons");
                return Vec::new();
            }
        };
        if raw.len() < MIN_LESSONS {
            self.fail(&field, format!("must have at least {MIN_LESSONS} lesson"));
            return Vec::new();
        }
        if raw.len() > MAX_LESSONS {
            self.fail(&field, format!("must have at most {MAX_LESSONS} lessons"));
        }
        let min_minutes = min_lesson_minutes(planned.duration_minutes);
        let mut lessons = Vec::new();
        let mut every_minutes_read = true;
        for (index, item) in raw.iter().take(MAX_LESSONS).enumerate() {
            let (lesson, minutes_read) = self.lesson(&format!("{field}[{index}]"), lesson_id(module_index, index), item, planned, min_minutes);
            every_minutes_read &= minutes_read;
            lessons.push(lesson);
        }

        let all_read = raw.len() <= MAX_LESSONS;
        for (index, lesson) in lessons.iter().enumerate() {
            let repeated = lessons[..index].iter().position(|earlier| !lesson.title.is_empty() && key(&earlier.title) == key(&lesson.title));
            if let Some(earlier) = repeated {
                self.fail(&format!("{field}[{index}].title"), format!("repeats the title of lessons[{earlier}]"));
            }
        }
        if every_minutes_read && all_read {
            let sum: u64 = lessons.iter().map(|lesson| u64::from(lesson.minutes)).sum();
            if sum != u64::from(planned.duration_minutes) {
                self.fail(&field, format!("the lessons' minutes add up to {sum}; they must add up to {}, the module's durationMinutes", planned.duration_minutes));
            }
        }
        // Past the cap the lessons after it were not read: whether they teach an objective is
        // unknown, and the count already names the list.
        for (index, objective) in planned.objectives.iter().enumerate().filter(|_| all_read) {
            let taught = lessons.iter().any(|lesson| lesson.objectives.iter().any(|given| key(given) == key(objective)));
            if !taught {
                self.fail(&format!("{module_field}.objectives[{index}]"), "not covered by any lesson");
            }
        }
        lessons
    }

    /// One lesson, and whether its minutes could be read (the module's sum needs them all).
    fn lesson(&mut self, field: &str, id: String, value: &Value, planned: &Module, min_minutes: u32) -> (SyllabusLesson, bool) {
        let mut lesson = SyllabusLesson { id, title: String::new(), objectives: Vec::new(), minutes: 0, level: Level::Intermediate };
        let Some(object) = value.as_object() else {
            self.fail(field, "must be an object");
            return (lesson, false);
        };
        let at = |name: &str| format!("{field}.{name}");
        lesson.title = self.text(&at("title"), object.get("title"), 1, MAX_TITLE_CHARS);
        let given = self.list(&at("objectives"), object.get("objectives"), 1);
        for (index, objective) in given.iter().enumerate() {
            let Some(wanted) = planned.objectives.iter().find(|wanted| key(wanted) == key(objective)) else {
                self.fail(&format!("{field}.objectives[{index}]"), "must be one of this module's objectives");
                continue;
            };
            if lesson.objectives.iter().any(|kept| key(kept) == key(wanted)) {
                self.fail(&format!("{field}.objectives[{index}]"), "is listed twice in this lesson");
                continue;
            }
            lesson.objectives.push(wanted.clone());
        }
        let minutes = self.minutes(&at("minutes"), object.get("minutes"), min_minutes);
        lesson.minutes = minutes.unwrap_or(0);
        lesson.level = self.level(&at("level"), object.get("level"));
        self.no_other_fields(field, object, &LESSON_FIELDS);
        (lesson, minutes.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::syllabus::{curated_syllabus, MAX_LESSONS};
    use crate::testing::{module, sales_onboarding};
    use serde_json::json;

    /// Two modules: one of an hour with two objectives, one of three minutes.
    fn blueprint() -> Blueprint {
        let mut blueprint = sales_onboarding();
        blueprint.modules = vec![module("Pricing", 60, &["Explain the tiers", "Apply discounts"], &[], &["Quiz"]), module("Wrap-up", 3, &["List the steps"], &[], &[])];
        blueprint
    }

    fn valid() -> Value {
        json!({
            "title": "Sales onboarding",
            "level": "beginner",
            "prerequisites": ["A CRM login"],
            "modules": [
                {"id": "m1", "title": "Pricing", "durationMinutes": 60, "objectives": ["Explain the tiers", "Apply discounts"], "lessons": [
                    {"id": "m1.l1", "title": "The tiers", "objectives": ["Explain the tiers"], "minutes": 25, "level": "beginner"},
                    {"id": "m1.l2", "title": "Discounts", "objectives": ["Apply discounts", "Explain the tiers"], "minutes": 35, "level": "intermediate"}
                ], "assessmentHooks": ["Quiz: tiers"]},
                {"id": "m2", "title": "Wrap-up", "durationMinutes": 3, "objectives": ["List the steps"], "lessons": [
                    {"id": "m2.l1", "title": "Steps", "objectives": ["List the steps"], "minutes": 3, "level": "beginner"}
                ], "assessmentHooks": ["Checklist"]}
            ]
        })
    }

    fn fields(value: &Value) -> Vec<String> {
        validate_syllabus(value, &blueprint()).unwrap_err().into_iter().map(|error| error.field).collect()
    }

    fn messages(value: &Value) -> Vec<String> {
        validate_syllabus(value, &blueprint()).unwrap_err().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_valid_syllabus_is_normalised_in_the_blueprints_words() {
        let mut sent = valid();
        sent["title"] = json!("  Sales onboarding\u{200B} ");
        sent["level"] = json!(" Beginner");
        sent["prerequisites"] = json!([" A CRM login ", "  ", null]);
        sent["modules"][0]["id"] = json!("x9");
        sent["modules"][0]["title"] = json!(" pricing ");
        sent["modules"][0]["durationMinutes"] = json!(60.0);
        sent["modules"][0]["objectives"] = json!(["explain THE tiers ", "Apply discounts"]);
        sent["modules"][0]["lessons"][1]["objectives"] = json!([" apply discounts", "EXPLAIN the tiers"]);
        sent["modules"][0]["lessons"][1]["id"] = json!("whatever");
        let syllabus = validate_syllabus(&json!({ "syllabus": sent }), &blueprint()).unwrap();
        assert_eq!(syllabus, validate_syllabus(&valid(), &blueprint()).unwrap());
        assert_eq!(syllabus.title, "Sales onboarding");
        assert_eq!(syllabus.level, Level::Beginner);
        assert_eq!(syllabus.prerequisites, ["A CRM login"]);
        assert_eq!(syllabus.modules[0].id, "m1");
        assert_eq!(syllabus.modules[0].title, "Pricing");
        assert_eq!(syllabus.modules[0].objectives, ["Explain the tiers", "Apply discounts"]);
        assert_eq!(syllabus.modules[0].lessons[1].id, "m1.l2");
        assert_eq!(syllabus.modules[0].lessons[1].objectives, ["Apply discounts", "Explain the tiers"]);
        // The hand-written syllabus passes both schemas too.
        assert_eq!(crate::llm::schema::check(&crate::curriculum::syllabus::syllabus_json_schema(), &valid()), Ok(()));
        assert_eq!(crate::llm::schema::check(&crate::curriculum::syllabus::syllabus_json_schema_for(&blueprint()), &valid()), Ok(()));
        // What passes once passes again unchanged.
        assert_eq!(validate_syllabus(&serde_json::to_value(&syllabus).unwrap(), &blueprint()).unwrap(), syllabus);
        // Prerequisites may be empty or absent.
        let mut none = valid();
        none.as_object_mut().unwrap().remove("prerequisites");
        assert!(validate_syllabus(&none, &blueprint()).unwrap().prerequisites.is_empty());
    }

    #[test]
    fn the_structure_is_the_blueprints() {
        let mut moved = valid();
        moved["modules"][0]["title"] = json!("Pricing basics");
        moved["modules"][0]["durationMinutes"] = json!(50);
        moved["modules"][0]["objectives"] = json!(["Explain the tiers", "Apply discount"]);
        moved["modules"][1]["objectives"] = json!(["List the steps", "More"]);
        assert_eq!(messages(&moved), [
            "modules[0].title: must be the blueprint's module title \"Pricing\"",
            "modules[0].durationMinutes: must be 60, the blueprint module's duration",
            "modules[0].objectives[1]: must be the blueprint's objective \"Apply discounts\"",
            "modules[1].objectives: must be the blueprint module's 1 objective, in order",
        ]);
        let mut fewer = valid();
        fewer["modules"].as_array_mut().unwrap().pop();
        assert_eq!(messages(&fewer), ["modules: must have exactly 2 modules, the blueprint's, in order"]);
        let mut more = valid();
        let extra = more["modules"][1].clone();
        more["modules"].as_array_mut().unwrap().push(extra);
        assert_eq!(fields(&more), ["modules"]);
        let mut swapped = valid();
        swapped["modules"].as_array_mut().unwrap().swap(0, 1);
        assert!(fields(&swapped).starts_with(&["modules[0].title".to_string(), "modules[0].durationMinutes".to_string()]), "{:?}", fields(&swapped));
    }

    #[test]
    fn lessons_fit_their_module() {
        let mut document = valid();
        document["modules"][0]["lessons"][0]["minutes"] = json!(4);
        assert_eq!(messages(&document), [format!("modules[0].lessons[0].minutes: must be a whole number of minutes from 5 to {MAX_MODULE_MINUTES}")]);
        document["modules"][0]["lessons"][0]["minutes"] = json!(20);
        assert_eq!(messages(&document), ["modules[0].lessons: the lessons' minutes add up to 55; they must add up to 60, the module's durationMinutes"]);
        for bad in [json!(25.5), json!("25"), json!(-25), json!(null), json!(true)] {
            document["modules"][0]["lessons"][0]["minutes"] = bad.clone();
            assert_eq!(fields(&document), ["modules[0].lessons[0].minutes"], "{bad}");
        }
        // A module under 5 minutes: lessons of at least one minute, still adding up.
        let mut short = valid();
        short["modules"][1]["lessons"] = json!([
            {"id": "m2.l1", "title": "Steps", "objectives": ["List the steps"], "minutes": 1, "level": "beginner"},
            {"id": "m2.l2", "title": "Recap", "objectives": ["List the steps"], "minutes": 2, "level": "beginner"}
        ]);
        assert!(validate_syllabus(&short, &blueprint()).is_ok());
        short["modules"][1]["lessons"][1]["minutes"] = json!(0);
        assert_eq!(fields(&short), ["modules[1].lessons[1].minutes"]);

        let lesson = |i: usize| json!({"id": "", "title": format!("Lesson {i}"), "objectives": ["Explain the tiers", "Apply discounts"], "minutes": 5, "level": "beginner"});
        let mut twelve = valid();
        twelve["modules"][0]["lessons"] = Value::from((0..MAX_LESSONS).map(lesson).collect::<Vec<_>>());
        assert!(validate_syllabus(&twelve, &blueprint()).is_ok());
        twelve["modules"][0]["lessons"].as_array_mut().unwrap().push(lesson(99));
        assert_eq!(messages(&twelve), ["modules[0].lessons: must have at most 12 lessons"]);
        // What follows the cap is not read, so an objective it might teach is not called uncovered.
        twelve["modules"][0]["lessons"] = Value::from((0..30).map(|i| json!({"title": format!("L{i}"), "objectives": ["Explain the tiers"], "minutes": 2, "level": "beginner"})).collect::<Vec<_>>());
        assert_eq!(fields(&twelve), std::iter::once("modules[0].lessons".to_string()).chain((0..MAX_LESSONS).map(|i| format!("modules[0].lessons[{i}].minutes"))).collect::<Vec<_>>());
        let mut none = valid();
        none["modules"][0]["lessons"] = json!([]);
        assert_eq!(messages(&none), ["modules[0].lessons: must have at least 1 lesson"]);
    }

    #[test]
    fn lesson_objectives_come_from_their_module_and_cover_it() {
        let mut document = valid();
        document["modules"][0]["lessons"][1]["objectives"] = json!(["List the steps", "Explain the tiers", "explain the tiers "]);
        assert_eq!(messages(&document), [
            "modules[0].lessons[1].objectives[0]: must be one of this module's objectives",
            "modules[0].lessons[1].objectives[2]: is listed twice in this lesson",
            "modules[0].objectives[1]: not covered by any lesson",
        ]);
        document["modules"][0]["lessons"][1]["objectives"] = json!([]);
        assert_eq!(fields(&document), ["modules[0].lessons[1].objectives", "modules[0].objectives[1]"]);
    }

    #[test]
    fn lesson_titles_are_unique_within_a_module() {
        let mut document = valid();
        document["modules"][0]["lessons"][1]["title"] = json!(" the TIERS");
        assert_eq!(messages(&document), ["modules[0].lessons[1].title: repeats the title of lessons[0]"]);
        // The same title in another module is fine.
        let mut across = valid();
        across["modules"][1]["lessons"][0]["title"] = json!("The tiers");
        assert!(validate_syllabus(&across, &blueprint()).is_ok());
    }

    #[test]
    fn extra_fields_are_refused_and_every_wrong_field_is_named() {
        let mut document = valid();
        document["author"] = json!("me");
        document["modules"][0]["notes"] = json!("x");
        document["modules"][0]["lessons"][0]["durationMinutes"] = json!(25);
        assert_eq!(messages(&document), [
            "modules[0].lessons[0].durationMinutes: must not be present",
            "modules[0].notes: must not be present",
            "author: must not be present",
        ]);
        let wrong = json!({
            "title": "ab",
            "level": "expert",
            "prerequisites": "none",
            "modules": [
                {"title": 5, "durationMinutes": "60", "objectives": [], "lessons": [{"title": "", "objectives": [1], "level": 3}, "no"], "assessmentHooks": []},
                "not a module"
            ]
        });
        assert_eq!(fields(&wrong), [
            "title",
            "level",
            "prerequisites",
            "modules[0].title",
            "modules[0].durationMinutes",
            "modules[0].objectives",
            "modules[0].lessons[0].title",
            "modules[0].lessons[0].objectives[0]",
            "modules[0].lessons[0].objectives",
            "modules[0].lessons[0].minutes",
            "modules[0].lessons[0].level",
            "modules[0].lessons[1]",
            "modules[0].objectives[0]",
            "modules[0].objectives[1]",
            "modules[0].assessmentHooks",
            "modules[1]",
        ]);
        assert_eq!(fields(&json!({})), ["title", "level", "modules"]);
        assert_eq!(fields(&json!([1])), ["syllabus"]);
        assert_eq!(fields(&json!({"syllabus": valid(), "extra": 1})), ["title", "level", "modules", "extra", "syllabus"], "a wrapper with company is no wrapper");
    }

    #[test]
    fn texts_and_lists_past_their_caps_are_refused() {
        let long = |chars: usize| "é".repeat(chars);
        let list = |items: usize| Value::from((0..items).map(|i| format!("Item {i}")).collect::<Vec<_>>());
        let mut document = valid();
        document["title"] = json!(long(MAX_TITLE_CHARS + 1));
        document["prerequisites"] = list(MAX_LIST_ITEMS + 1);
        document["modules"][0]["lessons"][0]["title"] = json!(long(MAX_TITLE_CHARS + 1));
        document["modules"][0]["assessmentHooks"] = json!([long(MAX_ITEM_CHARS + 1)]);
        document["modules"][1]["assessmentHooks"] = list(MAX_LIST_ITEMS + 1);
        assert_eq!(fields(&document), ["title", "prerequisites", "modules[0].lessons[0].title", "modules[0].assessmentHooks[0]", "modules[1].assessmentHooks"]);
        let mut at_caps = valid();
        at_caps["title"] = json!(long(MAX_TITLE_CHARS));
        at_caps["prerequisites"] = Value::from(vec![long(MAX_ITEM_CHARS); MAX_LIST_ITEMS]);
        at_caps["modules"][0]["lessons"][0]["title"] = json!(long(MAX_TITLE_CHARS));
        at_caps["modules"][0]["assessmentHooks"] = Value::from(vec![long(MAX_ITEM_CHARS); MAX_LIST_ITEMS]);
        assert!(validate_syllabus(&at_caps, &blueprint()).is_ok());
    }

    #[test]
    fn a_syllabus_past_the_total_is_refused() {
        // Thirty modules of hooks at their caps: 300 000 characters, every field within its own.
        let modules: Vec<Module> = (0..30).map(|i| module(&format!("M{i}"), 5, &["Explain it"], &[], &[])).collect();
        let mut big = blueprint();
        big.modules = modules;
        let mut syllabus = curated_syllabus(&big);
        for module in &mut syllabus.modules {
            module.assessment_hooks = vec!["h".repeat(MAX_ITEM_CHARS); MAX_LIST_ITEMS];
        }
        let errors = validate_syllabus(&serde_json::to_value(&syllabus).unwrap(), &big).unwrap_err();
        assert_eq!(errors.iter().map(ToString::to_string).collect::<Vec<_>>(), [format!("syllabus: must have at most {MAX_SYLLABUS_CHARS} characters of text in all")]);
    }

    #[test]
    fn reading_a_models_reply() {
        let document = valid().to_string();
        let read = read_syllabus(&format!("<think>plan</think>\n```json\n{document}\n```"), &blueprint()).unwrap();
        assert_eq!(read.modules.len(), 2);
        let error = read_syllabus(r#"{"title": "ab", "level": "beginner", "modules": []}"#, &blueprint()).unwrap_err();
        assert_eq!(error, "the syllabus is invalid: title: must be at least 3 characters; modules: must have exactly 2 modules, the blueprint's, in order");
        assert!(read_syllabus("no json here", &blueprint()).is_err());
        let many: Vec<Value> = (0..2).map(|_| json!({"lessons": [{}, {}, {}]})).collect();
        assert!(read_syllabus(&json!({"title": "Tit", "level": "x", "modules": many}).to_string(), &blueprint()).unwrap_err().contains(" more)"));
    }

    /// JSON-ish values with the syllabus's own keys among the random ones, so the validator's
    /// deeper paths are reached.
    fn json_ish() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[ a-zA-Z0-9.\\-]{0,12}".prop_map(Value::from),
            proptest::sample::select(vec!["Pricing", "Explain the tiers", "Apply discounts", "beginner"]).prop_map(Value::from),
        ];
        let key = prop_oneof![
            proptest::sample::select(vec!["title", "level", "prerequisites", "modules", "id", "durationMinutes", "objectives", "lessons", "minutes", "assessmentHooks", "syllabus"]).prop_map(str::to_string),
            "[a-z]{0,6}",
        ];
        leaf.prop_recursive(4, 64, 8, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
                proptest::collection::btree_map(key.clone(), inner, 0..8).prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..proptest::prelude::ProptestConfig::default() })]

        #[test]
        fn validation_never_panics(value in json_ish(), modules in proptest::collection::vec(json_ish(), 0..3)) {
            if let Ok(syllabus) = validate_syllabus(&value, &blueprint()) {
                proptest::prop_assert_eq!(validate_syllabus(&serde_json::to_value(&syllabus).unwrap(), &blueprint()).unwrap(), syllabus);
            }
            let _ = validate_syllabus(&json!({"title": "Tit", "level": "beginner", "modules": modules}), &blueprint());
        }
    }
}
