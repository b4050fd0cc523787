//! Seed 000's five static questions (`StaticAnswersSchema`): audience, goals, constraints
//! {time, budget?, modality?}, context, languages. Autosave sends one field at a time, so a
//! PATCH is validated field by field and merged; the answers are complete only when the whole
//! schema passes.

use crate::platform::error::{AppError, FieldError};
use crate::platform::input::parse_json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum Modality {
    #[serde(rename = "online")]
    Online,
    #[serde(rename = "in-person")]
    InPerson,
    #[serde(rename = "blended")]
    Blended,
}

impl Modality {
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Online => "online",
            Modality::InPerson => "in-person",
            Modality::Blended => "blended",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Constraints {
    pub time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub budget: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contracts", ts(optional))]
    pub modality: Option<Modality>,
}

/// Complete, valid static answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct StaticAnswers {
    pub audience: String,
    pub goals: Vec<String>,
    pub constraints: Constraints,
    pub context: String,
    pub languages: Vec<String>,
}

pub const FIELDS: [&str; 5] = ["audience", "goals", "constraints", "context", "languages"];

impl StaticAnswers {
    /// A stable key for "the same input": the canonical JSON of the normalised answers, hashed.
    pub fn fingerprint(&self) -> String {
        let canonical = serde_json::to_value(self).map(|v| v.to_string()).unwrap_or_default();
        Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn text(field: &str, value: &Value, min: usize, max: usize) -> Result<String, FieldError> {
    let Some(raw) = value.as_str() else {
        return Err(FieldError::new(field, "must be text"));
    };
    crate::platform::input::bounded_text(field, raw, min, max)
}

fn text_list(field: &str, value: &Value, min_items: usize, max_items: usize, item: impl Fn(&str, &Value) -> Result<String, FieldError>) -> Result<Vec<String>, FieldError> {
    let Some(items) = value.as_array() else {
        return Err(FieldError::new(field, "must be a list"));
    };
    if items.len() < min_items {
        return Err(FieldError::new(field, format!("must have at least {min_items} item{}", if min_items == 1 { "" } else { "s" })));
    }
    if items.len() > max_items {
        return Err(FieldError::new(field, format!("must have at most {max_items} items")));
    }
    items.iter().enumerate().map(|(i, v)| item(&format!("{field}[{i}]"), v)).collect()
}

fn language_tag(field: &str, value: &Value) -> Result<String, FieldError> {
    let tag = text(field, value, 2, 35)?;
    let mut parts = tag.split('-');
    let primary_ok = parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(tag)
    } else {
        Err(FieldError::new(field, "must be a language tag like en-US"))
    }
}

fn modality(field: &str, value: &Value) -> Result<Modality, FieldError> {
    serde_json::from_value(value.clone()).map_err(|_| FieldError::new(field, "must be one of online, in-person, blended"))
}

/// One top-level field, validated and normalised (trimmed text); `constraints` may be partial
/// here (`partial = true`) because autosave sends one sub-field at a time.
fn field_value(name: &str, value: &Value, partial: bool) -> Result<Value, Vec<FieldError>> {
    let one = |result: Result<Value, FieldError>| result.map_err(|e| vec![e]);
    match name {
        "audience" => one(text("audience", value, 2, 500).map(Value::from)),
        "context" => one(text("context", value, 2, 5000).map(Value::from)),
        "goals" => one(text_list("goals", value, 1, 20, |f, v| text(f, v, 2, 300)).map(|g| json!(g))),
        "languages" => one(text_list("languages", value, 1, 10, language_tag).map(|l| json!(l))),
        "constraints" => constraints_value(value, partial),
        other => Err(vec![FieldError::new(other, "is not one of audience, goals, constraints, context, languages")]),
    }
}

fn constraints_value(value: &Value, partial: bool) -> Result<Value, Vec<FieldError>> {
    let Some(object) = value.as_object() else {
        return Err(vec![FieldError::new("constraints", "must be an object with time, budget, modality")]);
    };
    let mut out = Map::new();
    let mut errors = Vec::new();
    for (key, value) in object {
        let field = format!("constraints.{key}");
        let checked = match (key.as_str(), value) {
            (_, Value::Null) if partial => Ok(Value::Null),
            ("time", v) => text(&field, v, 1, 100).map(Value::from),
            ("budget", Value::Null) => Ok(Value::Null),
            ("budget", v) => text(&field, v, 1, 100).map(Value::from),
            ("modality", Value::Null) => Ok(Value::Null),
            ("modality", v) => modality(&field, v).map(|m| Value::from(m.as_str())),
            _ => Err(FieldError::new(&field, "is not one of time, budget, modality")),
        };
        match checked {
            Ok(v) => {
                out.insert(key.clone(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    if !partial && !out.get("time").is_some_and(Value::is_string) {
        errors.push(FieldError::new("constraints.time", "is required"));
    }
    if errors.is_empty() { Ok(Value::Object(out)) } else { Err(errors) }
}

/// A PATCH body as an RFC 7396 merge patch: only the five fields, each valid; `null` clears a
/// field (the answers become incomplete), so emptying a form field is not an error.
pub fn parse_patch(body: &[u8]) -> Result<Value, AppError> {
    let raw: Map<String, Value> = parse_json(body)?;
    if raw.is_empty() {
        return Err(AppError::bad_request("Send at least one of audience, goals, constraints, context, languages"));
    }
    let mut patch = Map::new();
    let mut errors = Vec::new();
    for (name, value) in &raw {
        if value.is_null() && FIELDS.contains(&name.as_str()) {
            patch.insert(name.clone(), Value::Null);
            continue;
        }
        match field_value(name, value, true) {
            Ok(v) => {
                patch.insert(name.clone(), v);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() { Ok(Value::Object(patch)) } else { Err(AppError::invalid_fields(errors)) }
}

/// Whether stored answers are complete: the answers, or every field that is missing or wrong.
pub fn complete(stored: &Value) -> Result<StaticAnswers, Vec<FieldError>> {
    let empty = Map::new();
    let object = stored.as_object().unwrap_or(&empty);
    let mut errors = Vec::new();
    let mut checked = Map::new();
    for name in FIELDS {
        match object.get(name) {
            None | Some(Value::Null) if name == "languages" => {
                checked.insert(name.to_string(), json!(["en-US"]));
            }
            None | Some(Value::Null) => errors.push(FieldError::new(name, "is required")),
            Some(value) => match field_value(name, value, false) {
                Ok(v) => {
                    checked.insert(name.to_string(), v);
                }
                Err(mut e) => errors.append(&mut e),
            },
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(Value::Object(checked)).map_err(|e| vec![FieldError::new("static_answers", e.to_string())])
}

/// Seed 000's `GenerationInput`: `{type: "new", audience, goals, constraints, context,
/// languages?}` or `{type: "legacy", static_answers: {...}}`, into complete answers.
pub fn parse_generation_input(body: &[u8]) -> Result<StaticAnswers, AppError> {
    let raw: Map<String, Value> = parse_json(body)?;
    let answers = match raw.get("type").and_then(Value::as_str) {
        Some("new") => {
            let mut fields = raw.clone();
            fields.remove("type");
            Value::Object(fields)
        }
        Some("legacy") => match raw.get("static_answers") {
            Some(Value::Object(answers)) => Value::Object(answers.clone()),
            _ => return Err(FieldError::new("static_answers", "is required for type legacy").into()),
        },
        _ => return Err(FieldError::new("type", "must be \"new\" or \"legacy\"").into()),
    };
    if let Some(unknown) = answers.as_object().and_then(|o| o.keys().find(|k| !FIELDS.contains(&k.as_str()))) {
        return Err(FieldError::new(unknown.as_str(), "is not one of audience, goals, constraints, context, languages").into());
    }
    complete(&answers).map_err(AppError::invalid_fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Value {
        json!({
            "audience": "Frontline sales reps",
            "goals": ["Increase product knowledge", "Reduce onboarding time"],
            "constraints": { "time": "4 weeks", "budget": "medium", "modality": "blended" },
            "context": "B2B SaaS with complex pricing",
            "languages": ["en-US"]
        })
    }

    fn fields(error: &AppError) -> Vec<String> {
        error.details.as_ref().unwrap().as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
    }

    #[test]
    fn a_patch_validates_only_what_it_carries() {
        let patch = parse_patch(br#"{"audience":"  Nurses  "}"#).unwrap();
        assert_eq!(patch, json!({ "audience": "Nurses" }));
        let patch = parse_patch(br#"{"constraints":{"time":"6 hours"}}"#).unwrap();
        assert_eq!(patch, json!({ "constraints": { "time": "6 hours" } }));
        assert_eq!(parse_patch(br#"{"context":null}"#).unwrap(), json!({ "context": null }));
    }

    #[test]
    fn a_patch_names_each_bad_field() {
        let error = parse_patch(br#"{"audience":"x","goals":[],"constraints":{"modality":"space","colour":"red"},"extra":1}"#).unwrap_err();
        assert_eq!(fields(&error), ["audience", "constraints.colour", "constraints.modality", "extra", "goals"]);
        let error = parse_patch(br#"{"goals":["ok goal", 5]}"#).unwrap_err();
        assert_eq!(fields(&error), ["goals[1]"]);
        let error = parse_patch(br#"{"languages":["en-US","english!"]}"#).unwrap_err();
        assert_eq!(fields(&error), ["languages[1]"]);
        assert_eq!(parse_patch(b"{}").unwrap_err().status(), 400);
    }

    #[test]
    fn completeness_lists_what_is_missing() {
        let answers = complete(&full()).unwrap();
        assert_eq!(answers.constraints.modality, Some(Modality::Blended));
        let mut partial = full();
        partial.as_object_mut().unwrap().remove("context");
        partial["constraints"] = json!({ "budget": "low" });
        let missing: Vec<String> = complete(&partial).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(missing, ["constraints.time", "context"]);
        let mut no_languages = full();
        no_languages.as_object_mut().unwrap().remove("languages");
        assert_eq!(complete(&no_languages).unwrap().languages, ["en-US"]);
        assert!(complete(&json!({})).is_err());
    }

    #[test]
    fn generation_input_union() {
        let mut new = full();
        new["type"] = json!("new");
        let from_new = parse_generation_input(new.to_string().as_bytes()).unwrap();
        let legacy = json!({ "type": "legacy", "static_answers": full() });
        let from_legacy = parse_generation_input(legacy.to_string().as_bytes()).unwrap();
        assert_eq!(from_new, from_legacy);
        assert_eq!(from_new.fingerprint(), from_legacy.fingerprint());
        let error = parse_generation_input(br#"{"type":"new","audience":"Nurses","goals":[]}"#).unwrap_err();
        assert!(fields(&error).contains(&"goals".to_string()));
        assert_eq!(fields(&parse_generation_input(br#"{"type":"other"}"#).unwrap_err()), ["type"]);
    }

    #[test]
    fn bidi_and_invisible_format_characters_are_stripped() {
        // U+202E would show "Nurses" as "sesruN"-style spoofed text in titles, SCORM pages and
        // the PDF; U+200B and U+2066..U+2069 hide or reorder text the same way.
        let patch = parse_patch("{\"audience\":\"\u{202E}Nur\u{200B}ses\u{202C}\",\"goals\":[\"\u{2067}Quote\u{2069} faster\"],\"constraints\":{\"time\":\"6\u{200F} hours\"}}".as_bytes()).unwrap();
        assert_eq!(patch, json!({ "audience": "Nurses", "goals": ["Quote faster"], "constraints": { "time": "6 hours" } }));
        let mut spoofed = full();
        spoofed["context"] = json!("\u{FEFF}B2B SaaS with complex pricing\u{061C}");
        assert_eq!(complete(&spoofed).unwrap(), complete(&full()).unwrap());
        let error = parse_patch("{\"audience\":\"\u{202E}\u{202E}\u{202E}\"}".as_bytes()).unwrap_err();
        assert_eq!(fields(&error), ["audience"], "nothing visible is left");
    }

    #[test]
    fn fingerprint_ignores_whitespace_differences() {
        let mut spaced = full();
        spaced["audience"] = json!("  Frontline sales reps ");
        assert_eq!(complete(&spaced).unwrap().fingerprint(), complete(&full()).unwrap().fingerprint());
        let mut other = full();
        other["audience"] = json!("Managers");
        assert_ne!(complete(&other).unwrap().fingerprint(), complete(&full()).unwrap().fingerprint());
    }
}
