//! Answers to the dynamic questions. Autosave sends only what changed, so a PATCH
//! `{answers: {questionId: value}}` is validated id by id against the blueprint's questions and
//! merged; `null` clears an answer. Progress counts the required questions that are answered.

use crate::platform::error::{AppError, FieldError};
use crate::platform::input::bounded_text;
use crate::blueprint::questions::{DynamicQuestion, QuestionType};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub const SHORT_TEXT_MAX: usize = 500;
pub const LONG_TEXT_MAX: usize = 5000;

/// A short name for one set of dynamic questions, from its stored JSON text. Clients send it
/// back with their answers, so answers given to questions that have since been replaced (in
/// another tab, say) are refused instead of being saved against the new ones under the same ids.
pub fn question_set_id(stored_questions: &str) -> String {
    Sha256::digest(stored_questions.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `Err` (409) when the client answered a question set other than the stored one.
pub fn check_question_set(claimed: Option<&str>, stored_questions: &str) -> Result<(), AppError> {
    match claimed {
        Some(claimed) if claimed != question_set_id(stored_questions) => Err(AppError::conflict("The questions changed while you were answering; reload them")),
        _ => Ok(()),
    }
}

/// The validated patch: text trimmed, every value checked against its question's type, `null`
/// kept so the caller can clear the stored answer. Every wrong answer is named, as
/// `answers.<id>` (or `answers.<id>[i]` for one choice of a multi-select).
pub fn validate_dynamic_answers(questions: &[DynamicQuestion], answers: &Map<String, Value>) -> Result<Map<String, Value>, AppError> {
    if answers.is_empty() {
        return Err(AppError::bad_request("Send at least one answer"));
    }
    let mut patch = Map::new();
    let mut errors = Vec::new();
    for (id, value) in answers {
        let field = format!("answers.{id}");
        let Some(question) = questions.iter().find(|q| &q.id == id) else {
            errors.push(FieldError::new(field, "is not a question in this form"));
            continue;
        };
        let checked = if value.is_null() { Ok(Value::Null) } else { answer_value(question, &field, value) };
        match checked {
            Ok(value) => {
                patch.insert(id.clone(), value);
            }
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() { Ok(patch) } else { Err(AppError::invalid_fields(errors)) }
}

/// One answer checked against its question's type.
fn answer_value(question: &DynamicQuestion, field: &str, value: &Value) -> Result<Value, FieldError> {
    let options = question.options.as_deref().unwrap_or_default();
    match question.kind {
        QuestionType::ShortText => text(field, value, SHORT_TEXT_MAX).map(Value::from),
        QuestionType::LongText => text(field, value, LONG_TEXT_MAX).map(Value::from),
        QuestionType::Select => one_of(field, value, options).map(Value::from),
        QuestionType::MultiSelect => some_of(field, value, options).map(Value::from),
        QuestionType::Scale => scale(field, value, question.scale_bounds()),
        QuestionType::Date => date(field, value).map(Value::from),
    }
}

fn text(field: &str, value: &Value, max: usize) -> Result<String, FieldError> {
    let Some(raw) = value.as_str() else {
        return Err(FieldError::new(field, "must be text"));
    };
    // An emptied field is allowed (it counts as unanswered), so the minimum is zero.
    bounded_text(field, raw, 0, max)
}

fn one_of(field: &str, value: &Value, options: &[String]) -> Result<String, FieldError> {
    let choice = value.as_str().map(str::trim).filter(|choice| options.iter().any(|option| option == choice));
    choice.map(str::to_string).ok_or_else(|| FieldError::new(field, format!("must be one of: {}", options.join(", "))))
}

fn some_of(field: &str, value: &Value, options: &[String]) -> Result<Vec<String>, FieldError> {
    let Some(items) = value.as_array() else {
        return Err(FieldError::new(field, "must be a list of options"));
    };
    let mut chosen: Vec<String> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let item_field = format!("{field}[{index}]");
        let choice = one_of(&item_field, item, options)?;
        if chosen.contains(&choice) {
            return Err(FieldError::new(item_field, "is chosen twice"));
        }
        chosen.push(choice);
    }
    Ok(chosen)
}

fn scale(field: &str, value: &Value, (min, max): (f64, f64)) -> Result<Value, FieldError> {
    match value.as_f64() {
        Some(number) if (min..=max).contains(&number) => Ok(value.clone()),
        _ => Err(FieldError::new(field, format!("must be a number from {min} to {max}"))),
    }
}

/// `YYYY-MM-DD` naming a day that exists (no 31 April, 29 February only in leap years).
fn date(field: &str, value: &Value) -> Result<String, FieldError> {
    match value.as_str() {
        Some(text) if is_calendar_date(text) => Ok(text.to_string()),
        _ => Err(FieldError::new(field, "must be a date like 2026-03-31")),
    }
}

fn is_calendar_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-' && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    year >= 1 && (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Whether a stored answer counts: present, and not an emptied text or list.
pub fn is_answered(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(text)) => !text.trim().is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

/// (required questions answered, required questions).
pub fn progress(questions: &[DynamicQuestion], stored: &Map<String, Value>) -> (usize, usize) {
    let required: Vec<&DynamicQuestion> = questions.iter().filter(|q| q.required).collect();
    let answered = required.iter().filter(|q| is_answered(stored.get(&q.id))).count();
    (answered, required.len())
}

/// The ids of required questions still unanswered, in the order they are asked.
pub fn missing_required(questions: &[DynamicQuestion], stored: &Map<String, Value>) -> Vec<String> {
    questions.iter().filter(|q| q.required && !is_answered(stored.get(&q.id))).map(|q| q.id.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_to_a_replaced_question_set_are_refused() {
        let old = r#"[{"id":"dq_001","label":"What went wrong?"}]"#;
        let new = r#"[{"id":"dq_001","label":"What went well?"}]"#;
        let id = question_set_id(old);
        assert_eq!(id.len(), 16);
        assert_eq!(question_set_id(old), id, "stable");
        assert!(check_question_set(Some(&id), old).is_ok());
        assert_eq!(check_question_set(Some(&id), new).unwrap_err().status(), 409);
        assert!(check_question_set(None, new).is_ok(), "clients that do not say which set they answered are not refused");
    }

    fn questions() -> Vec<DynamicQuestion> {
        crate::blueprint::questions::normalise_questions(&json!([
            {"type": "short_text", "label": "Name?"},
            {"type": "long_text", "label": "Story?", "required": false},
            {"type": "select", "label": "Pick one", "options": ["Red", "Blue"]},
            {"type": "multi_select", "label": "Pick some", "options": ["A", "B", "C"]},
            {"type": "scale", "label": "Rate", "min": 1, "max": 10},
            {"type": "date", "label": "When?", "required": false}
        ]))
        .unwrap()
    }

    fn patch(answers: Value) -> Result<Map<String, Value>, AppError> {
        validate_dynamic_answers(&questions(), answers.as_object().unwrap())
    }

    fn error_fields(answers: Value) -> Vec<String> {
        let error = patch(answers).unwrap_err();
        assert_eq!(error.status(), 400);
        let mut fields: Vec<String> = error.details.unwrap().as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
        fields.sort();
        fields
    }

    #[test]
    fn short_text_is_trimmed_and_bounded() {
        assert_eq!(patch(json!({"dq_001": "  Ada  "})).unwrap(), json!({"dq_001": "Ada"}).as_object().unwrap().clone());
        assert_eq!(patch(json!({"dq_001": ""})).unwrap()["dq_001"], "");
        assert!(patch(json!({"dq_001": "é".repeat(SHORT_TEXT_MAX)})).is_ok());
        assert_eq!(error_fields(json!({"dq_001": "é".repeat(SHORT_TEXT_MAX + 1)})), ["answers.dq_001"]);
        assert_eq!(error_fields(json!({"dq_001": 5})), ["answers.dq_001"]);
        assert_eq!(error_fields(json!({"dq_001": "a\u{0}b"})), ["answers.dq_001"]);
    }

    #[test]
    fn long_text_allows_more() {
        assert!(patch(json!({"dq_002": "x\n".repeat(2000)})).is_ok());
        assert!(patch(json!({"dq_002": "x".repeat(LONG_TEXT_MAX)})).is_ok());
        assert_eq!(error_fields(json!({"dq_002": "x".repeat(LONG_TEXT_MAX + 1)})), ["answers.dq_002"]);
    }

    #[test]
    fn select_takes_exactly_one_option() {
        assert_eq!(patch(json!({"dq_003": " Blue "})).unwrap()["dq_003"], "Blue");
        assert_eq!(error_fields(json!({"dq_003": "blue"})), ["answers.dq_003"]);
        assert_eq!(error_fields(json!({"dq_003": ["Red"]})), ["answers.dq_003"]);
    }

    #[test]
    fn multi_select_takes_distinct_options() {
        assert_eq!(patch(json!({"dq_004": ["C", "A"]})).unwrap()["dq_004"], json!(["C", "A"]));
        assert_eq!(patch(json!({"dq_004": []})).unwrap()["dq_004"], json!([]));
        assert_eq!(error_fields(json!({"dq_004": ["A", "A"]})), ["answers.dq_004[1]"]);
        assert_eq!(error_fields(json!({"dq_004": ["A", "Z"]})), ["answers.dq_004[1]"]);
        assert_eq!(error_fields(json!({"dq_004": "A"})), ["answers.dq_004"]);
    }

    #[test]
    fn scale_takes_a_number_in_range() {
        assert_eq!(patch(json!({"dq_005": 7})).unwrap()["dq_005"], 7);
        assert_eq!(patch(json!({"dq_005": 2.5})).unwrap()["dq_005"], 2.5);
        assert!(patch(json!({"dq_005": 1})).is_ok());
        assert!(patch(json!({"dq_005": 10})).is_ok());
        for wrong in [json!(0), json!(10.5), json!("7"), json!(true)] {
            assert_eq!(error_fields(json!({"dq_005": wrong})), ["answers.dq_005"]);
        }
    }

    #[test]
    fn date_must_be_a_real_day() {
        for good in ["2026-03-31", "2024-02-29", "2000-02-29"] {
            assert_eq!(patch(json!({"dq_006": good})).unwrap()["dq_006"], good);
        }
        for bad in ["2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "0000-01-01", "2026-1-01", "26-01-01", "2026/01/01", "2026-01-01T00:00", "２０２６-01-01"] {
            assert_eq!(error_fields(json!({"dq_006": bad})), ["answers.dq_006"], "{bad}");
        }
    }

    #[test]
    fn null_clears_and_unknown_ids_are_named() {
        assert_eq!(patch(json!({"dq_001": null, "dq_005": null})).unwrap(), json!({"dq_001": null, "dq_005": null}).as_object().unwrap().clone());
        assert_eq!(error_fields(json!({"dq_099": "x", "dq_003": "Green", "dq_001": "ok"})), ["answers.dq_003", "answers.dq_099"]);
        assert_eq!(patch(json!({})).unwrap_err().status(), 400);
    }

    #[test]
    fn progress_counts_required_answers_that_say_something() {
        let questions = questions();
        let stored = json!({"dq_001": "  ", "dq_002": "optional", "dq_003": "Red", "dq_004": [], "dq_005": 0}).as_object().unwrap().clone();
        assert_eq!(progress(&questions, &stored), (2, 4));
        assert_eq!(missing_required(&questions, &stored), ["dq_001", "dq_004"]);
        assert_eq!(progress(&questions, &Map::new()), (0, 4));
        let full = json!({"dq_001": "Ada", "dq_003": "Red", "dq_004": ["A"], "dq_005": 3}).as_object().unwrap().clone();
        assert_eq!(progress(&questions, &full), (4, 4));
        assert!(missing_required(&questions, &full).is_empty());
    }
}
