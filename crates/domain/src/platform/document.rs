//! What every validator of a written document shares — a blueprint, a syllabus, a lesson, a
//! quiz, a project, each written by a model or edited by a person: lists of text read item by
//! item, a cap on their length, and a summary of the wrong fields for logs and retries.

use crate::platform::error::FieldError;
use crate::platform::text::model_text;
use serde_json::Value;

/// Wrong fields a summary names; the rest are counted. A document with every field wrong would
/// otherwise produce a log line thousands of characters long.
const ERRORS_DESCRIBED: usize = 10;

pub fn too_long(max_chars: usize) -> String {
    format!("must be at most {max_chars} characters")
}

/// The cleaned text items (`text::model_text`) of `raw`, each at most `max_chars` characters,
/// blanks and nulls dropped. More than `max_items` of them is an error on the list, and what
/// follows the first one too many is not read: a list of any length costs at most the cap.
pub fn text_items(field: &str, raw: &[Value], max_items: usize, max_chars: usize, errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut items = Vec::new();
    for (index, item) in raw.iter().enumerate() {
        match item {
            Value::String(text) => {
                let cleaned = model_text(text);
                if cleaned.is_empty() {
                    continue;
                }
                if items.len() == max_items {
                    errors.push(FieldError::new(field, format!("must have at most {max_items} items")));
                    break;
                }
                if cleaned.chars().count() > max_chars {
                    errors.push(FieldError::new(format!("{field}[{index}]"), too_long(max_chars)));
                }
                items.push(cleaned);
            }
            Value::Null => {}
            _ => errors.push(FieldError::new(format!("{field}[{index}]"), "must be text")),
        }
    }
    items
}

/// "the lesson is invalid: title: …; …" with the first few errors and a count of the rest.
pub fn describe_errors(what: &str, errors: &[FieldError]) -> String {
    let named: Vec<String> = errors.iter().take(ERRORS_DESCRIBED).map(ToString::to_string).collect();
    let more = errors.len().saturating_sub(ERRORS_DESCRIBED);
    let tail = if more > 0 { format!(" (and {more} more)") } else { String::new() };
    format!("the {what} is invalid: {}{tail}", named.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_are_cleaned_capped_and_named() {
        let mut errors = Vec::new();
        let raw = json!(["  one ", "", null, 3, "x".repeat(6), "two", "three"]);
        let items = text_items("list", raw.as_array().unwrap(), 3, 5, &mut errors);
        assert_eq!(items, ["one", "xxxxxx", "two"]);
        let named: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(named, ["list[3]: must be text", "list[4]: must be at most 5 characters", "list: must have at most 3 items"]);
        let many: Vec<FieldError> = (0..12).map(|i| FieldError::new(format!("f{i}"), "bad")).collect();
        assert!(describe_errors("quiz", &many).starts_with("the quiz is invalid: f0: bad;") && describe_errors("quiz", &many).ends_with("(and 2 more)"));
    }
}
