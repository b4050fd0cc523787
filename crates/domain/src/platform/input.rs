//! Raw request bodies into typed values, with errors that name the field.

use crate::platform::error::{AppError, FieldError};
use serde::de::DeserializeOwned;

/// The default ceiling for a JSON request body.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// A JSON value that may arrive as itself or as JSON text (a D1 column stores JSON as text); text
/// that is not JSON is `null`. Serialises as the value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct JsonColumn(pub serde_json::Value);

impl<'de> serde::Deserialize<'de> for JsonColumn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(JsonColumn(match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
            value => value,
        }))
    }
}

/// Deserialises a JSON body; a wrong type or a missing field names the field's path.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    // Every body we accept is an object; serde would otherwise read `[..]` as a struct.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        let looks_like_json = body.iter().any(|b| !b.is_ascii_whitespace()) && serde_json::from_slice::<serde_json::Value>(body).is_ok();
        return Err(if looks_like_json {
            FieldError::new("body", "must be a JSON object").into()
        } else {
            AppError::bad_request("Malformed JSON").with_details("the request body must be a JSON object")
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return AppError::bad_request("Malformed JSON").with_details(inner.to_string());
        }
        let message = describe_serde_error(&inner);
        match missing_field_name(&message) {
            Some(field) => {
                let full = if path == "." { field.to_string() } else { format!("{path}.{field}") };
                FieldError::new(full, "is required").into()
            }
            None => FieldError::new(if path == "." { "body".to_string() } else { path }, message).into(),
        }
    })?;
    deserializer
        .end()
        .map_err(|_| AppError::bad_request("Malformed JSON").with_details("trailing characters after the JSON value"))?;
    Ok(value)
}

/// serde's messages carry "at line 1 column 9" positions that mean nothing to a form.
fn describe_serde_error(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn missing_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// Trims a text field and checks its length in characters. Invisible format characters
/// (bidirectional controls, zero-width spaces, …; see `text::without_format_characters`) are
/// removed first: they can make a title read differently from what it holds, and they do not
/// count towards the length.
pub fn bounded_text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let visible = crate::platform::text::without_format_characters(raw);
    let trimmed = visible.trim();
    let chars = trimmed.chars().count();
    if chars < min {
        return Err(FieldError::new(
            field,
            if min <= 1 { "must not be empty".to_string() } else { format!("must be at least {min} characters") },
        ));
    }
    if chars > max {
        return Err(FieldError::new(field, format!("must be at most {max} characters")));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_column_reads_as_json_whether_stored_as_text_or_not() {
        #[derive(serde::Deserialize)]
        struct Row {
            details: JsonColumn,
        }
        let read = |raw: &str| serde_json::from_str::<Row>(raw).unwrap().details.0;
        assert_eq!(read(r#"{"details": "{\"recovered\": 2}"}"#), serde_json::json!({ "recovered": 2 }));
        assert_eq!(read(r#"{"details": {"recovered": 2}}"#), serde_json::json!({ "recovered": 2 }));
        assert_eq!(read(r#"{"details": "not json"}"#), serde_json::Value::Null);
    }
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        nested: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn details_field(error: &AppError) -> String {
        error.details.as_ref().unwrap()[0]["field"].as_str().unwrap().to_string()
    }

    #[test]
    fn missing_field_is_named() {
        let error = parse_json::<Body>(br#"{}"#).unwrap_err();
        assert_eq!(error.status(), 400);
        assert_eq!(details_field(&error), "email");
        assert!(error.message.contains("email: is required"), "{}", error.message);
    }

    #[test]
    fn wrong_type_names_the_nested_path() {
        let error = parse_json::<Body>(br#"{"email":"a@b.c","nested":{"count":"x"}}"#).unwrap_err();
        assert_eq!(details_field(&error), "nested.count");
        assert!(!error.message.contains("line"), "{}", error.message);
    }

    #[test]
    fn wrong_top_level_type_names_the_body() {
        let error = parse_json::<Body>(br#"[1,2]"#).unwrap_err();
        assert_eq!(details_field(&error), "body");
    }

    #[test]
    fn malformed_json_is_400() {
        for raw in [&b"{"[..], b"{\"email\":", b"not json", b"", b"   ", b"{\"email\":\"a\"} x"] {
            let error = parse_json::<Body>(raw).unwrap_err();
            assert_eq!(error.status(), 400, "{raw:?}");
        }
    }

    #[test]
    fn bounded_text_trims_and_limits() {
        assert_eq!(bounded_text("name", "  Ada  ", 1, 10).unwrap(), "Ada");
        assert!(bounded_text("name", "   ", 1, 10).is_err());
        assert!(bounded_text("name", "ééééé", 1, 4).is_err());
        assert_eq!(bounded_text("name", "éééé", 1, 4).unwrap(), "éééé");
        assert!(bounded_text("name", "a\u{0}b", 1, 10).is_err());
        assert_eq!(bounded_text("name", " \u{202E}Ada\u{202C}\u{200B} ", 1, 3).unwrap(), "Ada");
        assert!(bounded_text("name", "\u{2066}\u{2069}", 1, 10).is_err());
    }
}
