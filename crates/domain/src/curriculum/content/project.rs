//! A project slot's content. The seed asks for "practical application of multiple lessons, not
//! quizzes, not free-form text, evaluated via a clear rubric": so a project is a problem to
//! solve under stated constraints, the deliverables a learner hands in, a rubric of criteria
//! with points, and the lesson slots of its module it applies (`m1.l2`). The schema asks for
//! one rubric criterion and accepts an empty `appliesLessons` so that a thin project still
//! reads and reaches review; the quality gate is what requires two of each.

use super::fields::{object_schema, path, text_schema, texts_schema, Check, MAX_ITEM_CHARS, MAX_TITLE_CHARS};
use crate::platform::error::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const MIN_PROJECT_TITLE_CHARS: usize = 5;
pub const MIN_PROBLEM_CHARS: usize = 50;
pub const MAX_PROBLEM_CHARS: usize = 5_000;
pub const MAX_CONSTRAINTS: usize = 10;
pub const MAX_DELIVERABLES: usize = 10;
pub const MAX_RUBRIC_CRITERIA: usize = 10;
pub const MIN_CRITERION_DESCRIPTION_CHARS: usize = 10;
pub const MAX_CRITERION_DESCRIPTION_CHARS: usize = 1_000;
pub const MIN_POINTS: u32 = 1;
pub const MAX_POINTS: u32 = 100;
pub const MAX_APPLIED_LESSONS: usize = 20;
/// Characters of a slot id (`m1.l2`); an id is a reference, never prose.
pub const MAX_SLOT_ID_CHARS: usize = 40;

const PROJECT_FIELDS: [&str; 6] = ["title", "problemStatement", "constraints", "deliverables", "rubric", "appliesLessons"];
const CRITERION_FIELDS: [&str; 3] = ["criterion", "description", "points"];

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Project {
    pub title: String,
    pub problem_statement: String,
    pub constraints: Vec<String>,
    pub deliverables: Vec<String>,
    pub rubric: Vec<RubricCriterion>,
    /// Slot ids of the module's lessons the project puts to use.
    pub applies_lessons: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct RubricCriterion {
    pub criterion: String,
    /// What meeting the criterion looks like.
    pub description: String,
    pub points: u32,
}

impl Project {
    pub fn total_points(&self) -> u32 {
        self.rubric.iter().map(|criterion| criterion.points).sum()
    }
}

/// A project as a model or a reviewer wrote it, cleaned, with every wrong field named.
pub fn validate_project(value: &Value) -> Result<Project, Vec<FieldError>> {
    let mut check = Check::default();
    let Some(object) = check.root(value, "project", &PROJECT_FIELDS) else { return Err(check.errors) };
    let title = check.text("title", object.get("title"), MIN_PROJECT_TITLE_CHARS, MAX_TITLE_CHARS);
    let problem_statement = check.text("problemStatement", object.get("problemStatement"), MIN_PROBLEM_CHARS, MAX_PROBLEM_CHARS);
    let constraints = check.texts("constraints", object.get("constraints"), 1, MAX_CONSTRAINTS, MAX_ITEM_CHARS);
    let deliverables = check.texts("deliverables", object.get("deliverables"), 1, MAX_DELIVERABLES, MAX_ITEM_CHARS);
    let rubric = check.list("rubric", object.get("rubric"), 1, MAX_RUBRIC_CRITERIA, "criterion");
    let rubric = rubric.into_iter().map(|(at, item)| criterion(&mut check, &at, item)).collect();
    let applies_lessons = check.texts("appliesLessons", object.get("appliesLessons"), 0, MAX_APPLIED_LESSONS, MAX_SLOT_ID_CHARS);
    check.finish(Project { title, problem_statement, constraints, deliverables, rubric, applies_lessons })
}

fn criterion(check: &mut Check, field: &str, value: &Value) -> RubricCriterion {
    let Some(object) = check.object(field, Some(value), &CRITERION_FIELDS) else { return RubricCriterion::default() };
    RubricCriterion {
        criterion: check.text(&path(field, "criterion"), object.get("criterion"), 1, MAX_TITLE_CHARS),
        description: check.text(&path(field, "description"), object.get("description"), MIN_CRITERION_DESCRIPTION_CHARS, MAX_CRITERION_DESCRIPTION_CHARS),
        points: check.whole_number(&path(field, "points"), object.get("points"), MIN_POINTS, MAX_POINTS),
    }
}

/// The JSON Schema of a project, every rule of `validate_project` a schema can state.
pub fn project_json_schema() -> Value {
    let criterion = object_schema(json!({
        "criterion": text_schema(1, MAX_TITLE_CHARS, "What is assessed, in a few words."),
        "description": text_schema(MIN_CRITERION_DESCRIPTION_CHARS, MAX_CRITERION_DESCRIPTION_CHARS, "What meeting the criterion looks like, observably."),
        "points": { "type": "integer", "minimum": MIN_POINTS, "maximum": MAX_POINTS, "description": "Whole points this criterion is worth." }
    }));
    object_schema(json!({
        "title": text_schema(MIN_PROJECT_TITLE_CHARS, MAX_TITLE_CHARS, "The project's title."),
        "problemStatement": text_schema(MIN_PROBLEM_CHARS, MAX_PROBLEM_CHARS, "The realistic problem the learner solves, and for whom."),
        "constraints": texts_schema(1, MAX_CONSTRAINTS, MAX_ITEM_CHARS, "Limits the solution must respect."),
        "deliverables": texts_schema(1, MAX_DELIVERABLES, MAX_ITEM_CHARS, "What the learner hands in."),
        "rubric": { "type": "array", "items": criterion, "minItems": 1, "maxItems": MAX_RUBRIC_CRITERIA, "description": "At least two criteria, each with points." },
        "appliesLessons": texts_schema(0, MAX_APPLIED_LESSONS, MAX_SLOT_ID_CHARS, "Slot ids of at least two lessons of this module that the project applies.")
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::llm::schema::check as schema_check;

    /// A project that passes the validator and, for `testing_slot`'s module, the quality gate.
    pub(crate) fn good_project() -> Value {
        json!({
            "title": "Refactor a borrowing-heavy module",
            "problemStatement": "A small inventory service clones every value it touches. Rework it to borrow instead, without changing its behaviour.",
            "constraints": ["No new dependencies", "All existing tests keep passing"],
            "deliverables": ["The refactored module", "A one-page note on each ownership decision"],
            "rubric": [
                {"criterion": "Correct borrowing", "description": "No needless clones; every reference has a justified lifetime.", "points": 60},
                {"criterion": "Explanation", "description": "The note explains each move or borrow in the learner's own words.", "points": 40}
            ],
            "appliesLessons": ["m1.l1", "m1.l2"]
        })
    }

    fn fields(value: Value) -> Vec<String> {
        validate_project(&value).unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_good_project_is_read() {
        let project = validate_project(&good_project()).unwrap();
        assert_eq!(project.total_points(), 100);
        assert_eq!(project.applies_lessons, ["m1.l1", "m1.l2"]);
        assert_eq!(validate_project(&serde_json::to_value(&project).unwrap()).unwrap(), project);
        let mut thin = good_project();
        thin["rubric"] = json!([good_project()["rubric"][0]]);
        thin["appliesLessons"] = json!([]);
        assert!(validate_project(&thin).is_ok(), "the quality gate, not the validator, wants two of each");
    }

    #[test]
    fn every_rule_names_its_field() {
        let bad = json!({
            "title": "Tiny",
            "problemStatement": "Fix it.",
            "constraints": [],
            "deliverables": [" "],
            "rubric": [{"criterion": "", "description": "Short", "points": 0, "weight": 1}],
            "appliesLessons": ["m1.l1", "x".repeat(MAX_SLOT_ID_CHARS + 1)],
            "duration": 3
        });
        assert_eq!(fields(bad), [
            "duration",
            "title",
            "problemStatement",
            "constraints",
            "deliverables",
            "rubric[0].weight",
            "rubric[0].criterion",
            "rubric[0].description",
            "rubric[0].points",
            "appliesLessons[1]"
        ]);
        assert_eq!(fields(json!({})), PROJECT_FIELDS);
    }

    #[test]
    fn the_schema_is_closed_and_agrees_with_the_validator() {
        let schema = project_json_schema();
        assert_eq!(schema_check(&schema, &good_project()), Ok(()));
        let text = |chars: usize| Value::from("é".repeat(chars));
        let texts = |items: usize| Value::from((0..items).map(|i| format!("Item {i}")).collect::<Vec<_>>());
        let criterion = good_project()["rubric"][0].clone();
        type Edit = fn(&mut Value, Value);
        let cases: Vec<(&str, Edit, Value, Value, &str)> = vec![
            ("title min", |p, v| p["title"] = v, text(MIN_PROJECT_TITLE_CHARS), text(MIN_PROJECT_TITLE_CHARS - 1), "title"),
            ("title max", |p, v| p["title"] = v, text(MAX_TITLE_CHARS), text(MAX_TITLE_CHARS + 1), "title"),
            ("problem min", |p, v| p["problemStatement"] = v, text(MIN_PROBLEM_CHARS), text(MIN_PROBLEM_CHARS - 1), "problemStatement"),
            ("problem max", |p, v| p["problemStatement"] = v, text(MAX_PROBLEM_CHARS), text(MAX_PROBLEM_CHARS + 1), "problemStatement"),
            ("constraints min", |p, v| p["constraints"] = v, texts(1), texts(0), "constraints"),
            ("constraints max", |p, v| p["constraints"] = v, texts(MAX_CONSTRAINTS), texts(MAX_CONSTRAINTS + 1), "constraints"),
            ("deliverables min", |p, v| p["deliverables"] = v, texts(1), texts(0), "deliverables"),
            ("deliverables max", |p, v| p["deliverables"] = v, texts(MAX_DELIVERABLES), texts(MAX_DELIVERABLES + 1), "deliverables"),
            ("deliverable chars", |p, v| p["deliverables"] = json!([v]), text(MAX_ITEM_CHARS), text(MAX_ITEM_CHARS + 1), "deliverables[0]"),
            ("rubric min", |p, v| p["rubric"] = v, Value::from(vec![criterion.clone(); 1]), json!([]), "rubric"),
            ("rubric max", |p, v| p["rubric"] = v, Value::from(vec![criterion.clone(); MAX_RUBRIC_CRITERIA]), Value::from(vec![criterion.clone(); MAX_RUBRIC_CRITERIA + 1]), "rubric"),
            ("criterion min", |p, v| p["rubric"][0]["criterion"] = v, text(1), text(0), "rubric[0].criterion"),
            ("description min", |p, v| p["rubric"][0]["description"] = v, text(MIN_CRITERION_DESCRIPTION_CHARS), text(MIN_CRITERION_DESCRIPTION_CHARS - 1), "rubric[0].description"),
            ("description max", |p, v| p["rubric"][0]["description"] = v, text(MAX_CRITERION_DESCRIPTION_CHARS), text(MAX_CRITERION_DESCRIPTION_CHARS + 1), "rubric[0].description"),
            ("points min", |p, v| p["rubric"][0]["points"] = v, json!(MIN_POINTS), json!(MIN_POINTS - 1), "rubric[0].points"),
            ("points max", |p, v| p["rubric"][0]["points"] = v, json!(MAX_POINTS), json!(MAX_POINTS + 1), "rubric[0].points"),
            ("lessons max", |p, v| p["appliesLessons"] = v, texts(MAX_APPLIED_LESSONS), texts(MAX_APPLIED_LESSONS + 1), "appliesLessons"),
            ("slot id chars", |p, v| p["appliesLessons"] = json!([v]), text(MAX_SLOT_ID_CHARS), text(MAX_SLOT_ID_CHARS + 1), "appliesLessons[0]"),
            ("extra field", |p, v| p["rubric"][0]["extra"] = v, Value::Null, json!(1), "rubric[0].extra"),
        ];
        for (name, edit, at_cap, past_cap, field) in cases {
            let mut document = good_project();
            if name != "extra field" {
                edit(&mut document, at_cap);
                assert_eq!(schema_check(&schema, &document), Ok(()), "{name}: at the cap, the schema");
                assert!(validate_project(&document).is_ok(), "{name}: at the cap, the validator: {:?}", validate_project(&document).err());
            }
            let mut document = good_project();
            edit(&mut document, past_cap);
            assert!(schema_check(&schema, &document).is_err(), "{name}: past the cap, the schema");
            let named: Vec<String> = validate_project(&document).err().unwrap_or_default().into_iter().map(|error| error.field).collect();
            assert_eq!(named, [field], "{name}: past the cap, the validator names the field");
        }
    }
}
