//! Reading a content document field by field, the way `blueprint::document` does it: one pass
//! collects every wrong field by its path (`explanation.concepts[1].title`), text is cleaned
//! (`text::model_text`) and measured in characters, and caps are refused rather than cut. Unlike
//! the blueprint, content objects are closed: a field the contract does not name is refused with
//! "must not be present", because the same validator reads a reviewer's edit, and a field the
//! product silently drops is an edit silently lost. The JSON Schema helpers here build each
//! contract's schema from the same constants.

pub use crate::platform::document::{describe_errors, too_long};
use crate::platform::document::text_items;
use crate::platform::error::FieldError;
use crate::platform::text::model_text;
use serde_json::{json, Map, Value};

/// Characters of a title (lesson, concept, project, rubric criterion).
pub const MAX_TITLE_CHARS: usize = 200;
/// Characters of one list item: an objective, a takeaway, a constraint, a deliverable.
pub const MAX_ITEM_CHARS: usize = 500;

/// `parent.name`, or `name` at the top of the document.
pub fn path(parent: &str, name: &str) -> String {
    if parent.is_empty() { name.to_string() } else { format!("{parent}.{name}") }
}

/// Collects every field error while a document is read. Each reader returns a placeholder on
/// error; the placeholder is never seen because any error rejects the whole document.
#[derive(Default)]
pub struct Check {
    pub errors: Vec<FieldError>,
}

impl Check {
    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// The document's object. A model sometimes wraps its answer as `{"lesson": {...}}`: a lone
    /// key named after the document, holding an object, is read as the document itself.
    pub fn root<'a>(&mut self, value: &'a Value, name: &str, allowed: &[&str]) -> Option<&'a Map<String, Value>> {
        let document = match value.as_object() {
            Some(object) if object.len() == 1 && !allowed.contains(&name) => match object.get(name) {
                Some(inner @ Value::Object(_)) => inner,
                _ => value,
            },
            _ => value,
        };
        let Some(object) = document.as_object() else {
            self.fail(name, "must be an object");
            return None;
        };
        self.closed(object, "", allowed);
        Some(object)
    }

    /// A required object whose fields are `allowed` and nothing else.
    pub fn object<'a>(&mut self, field: &str, value: Option<&'a Value>, allowed: &[&str]) -> Option<&'a Map<String, Value>> {
        match value {
            None | Some(Value::Null) => self.fail(field, "is required"),
            Some(Value::Object(object)) => {
                self.closed(object, field, allowed);
                return Some(object);
            }
            Some(_) => self.fail(field, "must be an object"),
        }
        None
    }

    /// Every key the contract does not name is an error of its own.
    fn closed(&mut self, object: &Map<String, Value>, field: &str, allowed: &[&str]) {
        for key in object.keys().filter(|key| !allowed.contains(&key.as_str())) {
            self.fail(&path(field, key), "must not be present");
        }
    }

    /// Required text of `min_chars` to `max_chars` characters once cleaned and trimmed.
    pub fn text(&mut self, field: &str, value: Option<&Value>, min_chars: usize, max_chars: usize) -> String {
        match value {
            None | Some(Value::Null) => self.fail(field, "is required"),
            Some(Value::String(raw)) => {
                let cleaned = model_text(raw);
                let chars = cleaned.chars().count();
                if chars > max_chars {
                    self.fail(field, too_long(max_chars));
                } else if chars >= min_chars {
                    return cleaned;
                } else if min_chars <= 1 {
                    self.fail(field, "must not be empty");
                } else {
                    self.fail(field, format!("must be at least {min_chars} characters"));
                }
            }
            Some(_) => self.fail(field, "must be text"),
        }
        String::new()
    }

    /// Text that may be absent or null, of at most `max_chars` characters; blank counts as
    /// absent.
    pub fn optional_text(&mut self, field: &str, value: Option<&Value>, max_chars: usize) -> Option<String> {
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

    /// A required list of `min_items` to `max_items` non-blank texts of at most `max_chars`
    /// characters each. Blank and null items are dropped (a model's stray `""` costs nothing);
    /// what follows the first item past the cap is not read.
    pub fn texts(&mut self, field: &str, value: Option<&Value>, min_items: usize, max_items: usize, max_chars: usize) -> Vec<String> {
        let raw = match value {
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
        let items = text_items(field, raw, max_items, max_chars, &mut self.errors);
        if items.len() < min_items {
            self.fail(field, format!("must have at least {min_items} non-empty item{}", if min_items == 1 { "" } else { "s" }));
        }
        items
    }

    /// A list that may be absent or null; an empty one counts as absent.
    pub fn optional_texts(&mut self, field: &str, value: Option<&Value>, max_items: usize, max_chars: usize) -> Option<Vec<String>> {
        match value {
            None | Some(Value::Null) => None,
            Some(_) => Some(self.texts(field, value, 0, max_items, max_chars)).filter(|items| !items.is_empty()),
        }
    }

    /// A required list of `min_items` to `max_items` values, each read by the caller with its
    /// path (`field[index]`). Only the first `max_items` are handed out: the rest cannot change
    /// the verdict.
    pub fn list<'a>(&mut self, field: &str, value: Option<&'a Value>, min_items: usize, max_items: usize, noun: &str) -> Vec<(String, &'a Value)> {
        let raw = match value {
            None | Some(Value::Null) => {
                self.fail(field, "is required");
                return Vec::new();
            }
            Some(Value::Array(raw)) => raw,
            Some(_) => {
                self.fail(field, format!("must be a list of {noun}s"));
                return Vec::new();
            }
        };
        if min_items == max_items && raw.len() != min_items {
            self.fail(field, format!("must have exactly {min_items} {noun}s"));
        } else if raw.len() < min_items {
            self.fail(field, format!("must have at least {min_items} {noun}{}", if min_items == 1 { "" } else { "s" }));
        } else if raw.len() > max_items {
            self.fail(field, format!("must have at most {max_items} {noun}s"));
        }
        raw.iter().take(max_items).enumerate().map(|(index, item)| (format!("{field}[{index}]"), item)).collect()
    }

    /// A whole number from `min` to `max`. `90` and `90.0` are the same number; text (`"90"`)
    /// and fractions are refused, as the schema's `integer` refuses them.
    pub fn whole_number(&mut self, field: &str, value: Option<&Value>, min: u32, max: u32) -> u32 {
        let number = match value {
            None | Some(Value::Null) => {
                self.fail(field, "is required");
                return min;
            }
            Some(Value::Number(number)) => number.as_f64(),
            Some(_) => None,
        };
        match number.filter(|n| n.is_finite() && n.fract() == 0.0) {
            Some(n) if (f64::from(min)..=f64::from(max)).contains(&n) => n as u32,
            _ => {
                self.fail(field, format!("must be a whole number from {min} to {max}"));
                min
            }
        }
    }

    /// One of `choices`, read case-insensitively once trimmed; the first choice on error.
    pub fn choice(&mut self, field: &str, value: Option<&Value>, choices: &[&'static str]) -> &'static str {
        let fallback = choices.first().copied().unwrap_or_default();
        match value {
            None | Some(Value::Null) => self.fail(field, "is required"),
            Some(Value::String(raw)) => {
                let wanted = raw.trim().to_lowercase();
                if let Some(choice) = choices.iter().find(|choice| **choice == wanted) {
                    return choice;
                }
                self.fail(field, format!("must be one of {}", choices.join(", ")));
            }
            Some(_) => self.fail(field, format!("must be one of {}", choices.join(", "))),
        }
        fallback
    }

    pub fn finish<T>(self, document: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() { Ok(document) } else { Err(self.errors) }
    }
}

// ---------------------------------------------------------------------------------------------
// Schema pieces

/// A string of `min_chars` to `max_chars` characters.
pub fn text_schema(min_chars: usize, max_chars: usize, description: &str) -> Value {
    json!({ "type": "string", "minLength": min_chars, "maxLength": max_chars, "description": description })
}

/// A list of `min_items` to `max_items` non-empty strings of at most `max_chars` characters.
pub fn texts_schema(min_items: usize, max_items: usize, max_chars: usize, description: &str) -> Value {
    json!({
        "type": "array",
        "items": { "type": "string", "minLength": 1, "maxLength": max_chars },
        "minItems": min_items,
        "maxItems": max_items,
        "description": description
    })
}

/// A closed object: every property required (strict structured outputs want that; optional
/// fields are nullable instead) and no other property allowed.
pub fn object_schema(properties: Value) -> Value {
    let required: Vec<Value> = properties.as_object().map(|p| p.keys().map(|key| Value::from(key.as_str())).collect()).unwrap_or_default();
    json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(read: impl FnOnce(&mut Check)) -> Vec<String> {
        let mut check = Check::default();
        read(&mut check);
        check.errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn closed_objects_name_each_unknown_field() {
        let value = json!({"a": 1, "b": 2, "c": 3});
        assert_eq!(errors(|check| { check.object("x", Some(&value), &["a"]); }), ["x.b: must not be present", "x.c: must not be present"]);
        assert_eq!(errors(|check| { check.root(&value, "doc", &["a", "b"]); }), ["c: must not be present"]);
        assert_eq!(errors(|check| { check.object("x", None, &[]); }), ["x: is required"]);
        assert_eq!(errors(|check| { check.root(&json!([1]), "doc", &[]); }), ["doc: must be an object"]);
    }

    #[test]
    fn a_wrapped_document_is_unwrapped_only_when_alone() {
        let mut check = Check::default();
        let wrapped = json!({"doc": {"a": 1}});
        assert!(check.root(&wrapped, "doc", &["a"]).is_some_and(|object| object.contains_key("a")));
        assert!(check.errors.is_empty());
        assert_eq!(errors(|check| { check.root(&json!({"doc": 1}), "doc", &["a"]); }), ["doc: must not be present"]);
    }

    #[test]
    fn whole_numbers_refuse_text_and_fractions() {
        let read = |value: Value| {
            let mut check = Check::default();
            let number = check.whole_number("n", Some(&value), 1, 10);
            (number, check.errors.len())
        };
        assert_eq!(read(json!(10)), (10, 0));
        assert_eq!(read(json!(3.0)), (3, 0));
        for bad in [json!(11), json!(0), json!(2.5), json!("3"), json!(-1), json!(true)] {
            assert_eq!(read(bad.clone()).1, 1, "{bad}");
        }
    }

    #[test]
    fn lists_count_their_items() {
        let five = json!([1, 2, 3, 4, 5]);
        assert_eq!(errors(|check| { check.list("l", Some(&five), 4, 4, "option"); }), ["l: must have exactly 4 options"]);
        assert_eq!(errors(|check| { check.list("l", Some(&five), 6, 9, "concept"); }), ["l: must have at least 6 concepts"]);
        assert_eq!(errors(|check| { check.list("l", Some(&five), 1, 3, "concept"); }), ["l: must have at most 3 concepts"]);
        let mut check = Check::default();
        assert_eq!(check.list("l", Some(&five), 1, 3, "concept").len(), 3, "only the capped items are read");
        assert_eq!(errors(|check| { check.texts("t", Some(&json!(["a", " ", null, 3])), 2, 5, 10); }), ["t[3]: must be text", "t: must have at least 2 non-empty items"]);
        assert_eq!(errors(|check| { check.choice("c", Some(&json!("Big")), &["small", "medium"]); }), ["c: must be one of small, medium"]);
    }
}
