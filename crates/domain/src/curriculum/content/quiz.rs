//! A quiz slot's content: 3 to 10 single-answer multiple-choice questions, each with exactly
//! four options, the index of the one right answer and an explanation shown after answering.
//! Four options because item-writing research (Haladyna, Downing and Rodriguez) finds a fourth
//! plausible distractor rarely adds anything, and a fixed count lets the schema state it.

use super::fields::{object_schema, path, text_schema, Check};
use crate::platform::error::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const MIN_QUESTIONS: usize = 3;
pub const MAX_QUESTIONS: usize = 10;
pub const OPTIONS_PER_QUESTION: usize = 4;
pub const MIN_STEM_CHARS: usize = 10;
pub const MAX_STEM_CHARS: usize = 1_000;
pub const MAX_OPTION_CHARS: usize = 300;
pub const MIN_QUIZ_EXPLANATION_CHARS: usize = 10;
pub const MAX_QUIZ_EXPLANATION_CHARS: usize = 2_000;

const QUIZ_FIELDS: [&str; 1] = ["questions"];
const QUESTION_FIELDS: [&str; 4] = ["question", "options", "correctIndex", "explanation"];

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Quiz {
    pub questions: Vec<QuizQuestion>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct QuizQuestion {
    /// The stem.
    pub question: String,
    pub options: Vec<String>,
    /// 0..=3: which option is right.
    pub correct_index: u8,
    pub explanation: String,
}

impl QuizQuestion {
    /// The right option's text; empty when the index points past the options (only a document
    /// built by hand, never a validated one).
    pub fn key(&self) -> &str {
        self.options.get(usize::from(self.correct_index)).map_or("", String::as_str)
    }

    /// The wrong options with their positions.
    pub fn distractors(&self) -> impl Iterator<Item = (usize, &str)> {
        self.options.iter().enumerate().filter(move |(index, _)| *index != usize::from(self.correct_index)).map(|(index, option)| (index, option.as_str()))
    }
}

/// A quiz as a model or a reviewer wrote it, cleaned, with every wrong field named. Options are
/// not dropped when blank (that would move the answer key): a blank option is an error.
pub fn validate_quiz(value: &Value) -> Result<Quiz, Vec<FieldError>> {
    let mut check = Check::default();
    let Some(object) = check.root(value, "quiz", &QUIZ_FIELDS) else { return Err(check.errors) };
    let questions = check.list("questions", object.get("questions"), MIN_QUESTIONS, MAX_QUESTIONS, "question");
    let quiz = Quiz { questions: questions.into_iter().map(|(at, item)| question(&mut check, &at, item)).collect() };
    check.finish(quiz)
}

fn question(check: &mut Check, field: &str, value: &Value) -> QuizQuestion {
    let Some(object) = check.object(field, Some(value), &QUESTION_FIELDS) else { return QuizQuestion::default() };
    let stem = check.text(&path(field, "question"), object.get("question"), MIN_STEM_CHARS, MAX_STEM_CHARS);
    let options = check.list(&path(field, "options"), object.get("options"), OPTIONS_PER_QUESTION, OPTIONS_PER_QUESTION, "option");
    let last_index = u32::try_from(OPTIONS_PER_QUESTION - 1).unwrap_or(0);
    QuizQuestion {
        question: stem,
        options: options.into_iter().map(|(at, option)| check.text(&at, Some(option), 1, MAX_OPTION_CHARS)).collect(),
        correct_index: u8::try_from(check.whole_number(&path(field, "correctIndex"), object.get("correctIndex"), 0, last_index)).unwrap_or(0),
        explanation: check.text(&path(field, "explanation"), object.get("explanation"), MIN_QUIZ_EXPLANATION_CHARS, MAX_QUIZ_EXPLANATION_CHARS),
    }
}

/// The JSON Schema of a quiz, every rule of `validate_quiz` a schema can state.
pub fn quiz_json_schema() -> Value {
    let question = object_schema(json!({
        "question": text_schema(MIN_STEM_CHARS, MAX_STEM_CHARS, "The stem: a complete question, positively worded."),
        "options": {
            "type": "array",
            "items": { "type": "string", "minLength": 1, "maxLength": MAX_OPTION_CHARS },
            "minItems": OPTIONS_PER_QUESTION,
            "maxItems": OPTIONS_PER_QUESTION,
            "description": "Exactly four options of similar length: one right answer and three plausible distractors."
        },
        "correctIndex": { "type": "integer", "minimum": 0, "maximum": OPTIONS_PER_QUESTION - 1, "description": "The position (0 to 3) of the right option." },
        "explanation": text_schema(MIN_QUIZ_EXPLANATION_CHARS, MAX_QUIZ_EXPLANATION_CHARS, "Why the right option is right and the others are not.")
    }));
    object_schema(json!({
        "questions": { "type": "array", "items": question, "minItems": MIN_QUESTIONS, "maxItems": MAX_QUESTIONS, "description": "The questions, one or more per objective." }
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::llm::schema::check as schema_check;

    /// One flawless question: options of similar length, the key at `key`.
    pub(crate) fn question(stem: &str, options: [&str; 4], key: u8) -> Value {
        json!({"question": stem, "options": options, "correctIndex": key, "explanation": "Because the rule says so, as the lesson showed."})
    }

    /// A quiz that passes the validator and every item-writing lint.
    pub(crate) fn good_quiz() -> Value {
        json!({"questions": [
            question("Which keyword declares a variable that can be reassigned?", ["let mut", "const", "static", "let"], 0),
            question("What happens to a String assigned to a second variable?", ["It is copied", "It is moved", "It is cloned", "It is dropped"], 1),
            question("Which reference type allows changing the borrowed value?", ["&T", "Box<T>", "&mut T", "Rc<T>"], 2),
            question("Which trait lets a type be duplicated implicitly?", ["Clone", "Drop", "Send", "Copy"], 3),
        ]})
    }

    fn fields(value: Value) -> Vec<String> {
        validate_quiz(&value).unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_good_quiz_is_read() {
        let quiz = validate_quiz(&good_quiz()).unwrap();
        assert_eq!(quiz.questions.len(), 4);
        assert_eq!(quiz.questions[1].key(), "It is moved");
        assert_eq!(quiz.questions[1].distractors().map(|(index, _)| index).collect::<Vec<_>>(), [0, 2, 3]);
        assert_eq!(validate_quiz(&serde_json::to_value(&quiz).unwrap()).unwrap(), quiz);
        assert_eq!(validate_quiz(&json!({"quiz": good_quiz()})).unwrap(), quiz);
    }

    #[test]
    fn every_rule_names_its_field() {
        let mut quiz = good_quiz();
        quiz["questions"][0]["options"] = json!(["a", "b", "c"]);
        quiz["questions"][1]["options"][2] = json!("  ");
        quiz["questions"][2]["correctIndex"] = json!(4);
        quiz["questions"][3]["question"] = json!("Short?");
        quiz["questions"][3]["explanation"] = json!("");
        quiz["questions"][3]["hint"] = json!("x");
        assert_eq!(fields(quiz), [
            "questions[0].options",
            "questions[1].options[2]",
            "questions[2].correctIndex",
            "questions[3].hint",
            "questions[3].question",
            "questions[3].explanation"
        ]);
        assert_eq!(fields(json!({"questions": [good_quiz()["questions"][0]]})), ["questions"]);
        assert_eq!(fields(json!({"questions": vec![good_quiz()["questions"][0].clone(); MAX_QUESTIONS + 1]})), ["questions"]);
        assert_eq!(fields(json!({"questions": "q", "title": "t"})), ["title", "questions"]);
        assert_eq!(fields(json!({"questions": [1, 2, 3]})), ["questions[0]", "questions[1]", "questions[2]"]);
    }

    #[test]
    fn the_schema_is_closed_and_agrees_with_the_validator() {
        let schema = quiz_json_schema();
        assert_eq!(schema_check(&schema, &good_quiz()), Ok(()));
        let text = |chars: usize| Value::from("é".repeat(chars));
        let one = good_quiz()["questions"][0].clone();
        type Edit = fn(&mut Value, Value);
        let cases: Vec<(&str, Edit, Value, Value, &str)> = vec![
            ("questions min", |q, v| q["questions"] = v, Value::from(vec![one.clone(); MIN_QUESTIONS]), Value::from(vec![one.clone(); MIN_QUESTIONS - 1]), "questions"),
            ("questions max", |q, v| q["questions"] = v, Value::from(vec![one.clone(); MAX_QUESTIONS]), Value::from(vec![one.clone(); MAX_QUESTIONS + 1]), "questions"),
            ("stem min", |q, v| q["questions"][0]["question"] = v, text(MIN_STEM_CHARS), text(MIN_STEM_CHARS - 1), "questions[0].question"),
            ("stem max", |q, v| q["questions"][0]["question"] = v, text(MAX_STEM_CHARS), text(MAX_STEM_CHARS + 1), "questions[0].question"),
            ("options count", |q, v| q["questions"][0]["options"] = v, json!(["a", "b", "c", "d"]), json!(["a", "b", "c", "d", "e"]), "questions[0].options"),
            ("options too few", |q, v| q["questions"][0]["options"] = v, json!(["a", "b", "c", "d"]), json!(["a", "b", "c"]), "questions[0].options"),
            ("option max", |q, v| q["questions"][0]["options"][0] = v, text(MAX_OPTION_CHARS), text(MAX_OPTION_CHARS + 1), "questions[0].options[0]"),
            ("option min", |q, v| q["questions"][0]["options"][0] = v, text(1), text(0), "questions[0].options[0]"),
            ("key max", |q, v| q["questions"][0]["correctIndex"] = v, json!(3), json!(4), "questions[0].correctIndex"),
            ("key min", |q, v| q["questions"][0]["correctIndex"] = v, json!(0), json!(-1), "questions[0].correctIndex"),
            ("explanation min", |q, v| q["questions"][0]["explanation"] = v, text(MIN_QUIZ_EXPLANATION_CHARS), text(MIN_QUIZ_EXPLANATION_CHARS - 1), "questions[0].explanation"),
            ("explanation max", |q, v| q["questions"][0]["explanation"] = v, text(MAX_QUIZ_EXPLANATION_CHARS), text(MAX_QUIZ_EXPLANATION_CHARS + 1), "questions[0].explanation"),
            ("extra field", |q, v| q["questions"][0]["extra"] = v, Value::Null, json!(1), "questions[0].extra"),
        ];
        for (name, edit, at_cap, past_cap, field) in cases {
            let mut document = good_quiz();
            if name != "extra field" {
                edit(&mut document, at_cap);
                assert_eq!(schema_check(&schema, &document), Ok(()), "{name}: at the cap, the schema");
                assert!(validate_quiz(&document).is_ok(), "{name}: at the cap, the validator: {:?}", validate_quiz(&document).err());
            }
            let mut document = good_quiz();
            edit(&mut document, past_cap);
            assert!(schema_check(&schema, &document).is_err(), "{name}: past the cap, the schema");
            let named: Vec<String> = validate_quiz(&document).err().unwrap_or_default().into_iter().map(|error| error.field).collect();
            assert_eq!(named, [field], "{name}: past the cap, the validator names the field");
        }
    }
}
