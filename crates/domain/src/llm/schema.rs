//! The JSON Schemas we send with a generation, in the two dialects our providers take. Each
//! output contract (`blueprint::document::blueprint_json_schema`, `blueprint::questions::questions_json_schema`) is
//! written once, in full, from the same caps its validator enforces: that full schema goes to
//! Ollama as `format`, where llama.cpp compiles it into a grammar and the model cannot write
//! anything the schema refuses — so every rule a schema can state must be in it, or a
//! constrained decoder will happily produce an empty list or an empty title (issue 16).
//! OpenRouter's strict structured outputs accept less: [`strict_subset`] derives what it gets
//! from the full schema, so the two cannot drift apart. A small checker for the keywords we
//! use lets the unit tests prove that each schema and its validator agree at every cap.

use serde_json::{Map, Value};

/// Keywords the full schema uses that strict structured outputs do not take from every model
/// OpenRouter routes to: OpenAI's strict mode documents `minItems`/`maxItems`/`minimum`/
/// `maximum` for its own recent models only and refuses `minLength`/`maxLength`, and the
/// strictest common subset across providers has no numeric or length constraints. Our
/// validators check all of them again on the answer, so leaving them out loses no rule.
pub const STRICT_UNSUPPORTED: [&str; 6] = ["minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum"];

/// `schema` or null, as `anyOf` of the two rather than `"type": [kind, "null"]`: a grammar
/// compiler that reads a list of types may drop the length and count limits beside it
/// (node-llama-cpp's does: the real-model stage saw a 200-character help text run on for
/// thousands), while each branch of an `anyOf` keeps its own. llama.cpp and OpenAI's strict
/// mode both take `anyOf`. `description` stays outside, on the field.
pub fn nullable(mut schema: Value) -> Value {
    let description = schema.as_object_mut().and_then(|object| object.remove("description"));
    let mut field = serde_json::json!({ "anyOf": [schema, { "type": "null" }] });
    if let Some(description) = description {
        field["description"] = description;
    }
    field
}

/// `schema` without the [`STRICT_UNSUPPORTED`] keywords, for OpenRouter's
/// `response_format.json_schema.schema`. Keys inside `properties` are property names, not
/// keywords: a property called `minimum` would be kept.
pub fn strict_subset(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => {
            let mut kept = Map::new();
            for (key, value) in object {
                if STRICT_UNSUPPORTED.contains(&key.as_str()) {
                    continue;
                }
                let value = match (key.as_str(), value) {
                    ("properties", Value::Object(properties)) => Value::Object(properties.iter().map(|(name, property)| (name.clone(), strict_subset(property))).collect()),
                    _ => strict_subset(value),
                };
                kept.insert(key.clone(), value);
            }
            Value::Object(kept)
        }
        Value::Array(items) => Value::Array(items.iter().map(strict_subset).collect()),
        other => other.clone(),
    }
}

/// Whether `value` satisfies `schema`, for the keywords our schemas use (`type`, `anyOf`, `enum`,
/// `properties`, `required`, `additionalProperties: false`, `items`, `minItems`, `maxItems`,
/// `minLength`, `maxLength` in characters, `minimum`, `maximum`). The first violation is named
/// by its path. Only for tests: the product validates with the domain validators, which also
/// clean text and name fields the way the UI shows them.
#[cfg(test)]
pub fn check(schema: &Value, value: &Value) -> Result<(), String> {
    check_at("$", schema, value)
}

#[cfg(test)]
fn check_at(path: &str, schema: &Value, value: &Value) -> Result<(), String> {
    let fail = |why: String| Err(format!("{path}: {why}"));
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        if !branches.iter().any(|branch| check_at(path, branch, value).is_ok()) {
            return fail(format!("{value} matches no branch of anyOf"));
        }
    }
    if let Some(kind) = schema.get("type") {
        let kinds: Vec<&str> = match kind {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let is = |name: &str| match name {
            "string" => value.is_string(),
            "number" => value.is_number(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            "null" => value.is_null(),
            _ => false,
        };
        if !kinds.iter().any(|kind| is(kind)) {
            return fail(format!("is not {kinds:?}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return fail(format!("{value} is not one of {allowed:?}"));
        }
    }
    let bound = |name: &str| schema.get(name).and_then(Value::as_f64);
    match value {
        Value::String(text) => {
            let chars = text.chars().count() as f64;
            if bound("minLength").is_some_and(|min| chars < min) || bound("maxLength").is_some_and(|max| chars > max) {
                return fail(format!("{chars} characters"));
            }
        }
        Value::Number(number) => {
            let number = number.as_f64().unwrap_or(f64::NAN);
            if bound("minimum").is_some_and(|min| number < min) || bound("maximum").is_some_and(|max| number > max) {
                return fail(format!("{number} is out of range"));
            }
        }
        Value::Array(items) => {
            let count = items.len() as f64;
            if bound("minItems").is_some_and(|min| count < min) || bound("maxItems").is_some_and(|max| count > max) {
                return fail(format!("{count} items"));
            }
            if let Some(item_schema) = schema.get("items") {
                for (index, item) in items.iter().enumerate() {
                    check_at(&format!("{path}[{index}]"), item_schema, item)?;
                }
            }
        }
        Value::Object(object) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for name in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    return fail(format!("`{name}` is required"));
                }
            }
            for (name, item) in object {
                match properties.and_then(|p| p.get(name)) {
                    Some(property) => check_at(&format!("{path}.{name}"), property, item)?,
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => return fail(format!("`{name}` is not allowed")),
                    None => {}
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Every keyword of `keywords` that occurs anywhere in `schema` as a keyword (not as a property
/// name), for the tests that say which rules a schema states.
#[cfg(test)]
pub fn keywords_used(schema: &Value) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    fn walk(schema: &Value, found: &mut std::collections::BTreeSet<String>) {
        match schema {
            Value::Object(object) => {
                for (key, value) in object {
                    found.insert(key.clone());
                    match (key.as_str(), value) {
                        ("properties", Value::Object(properties)) => properties.values().for_each(|p| walk(p, found)),
                        _ => walk(value, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, found)),
            _ => {}
        }
    }
    walk(schema, &mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_strict_subset_drops_only_the_unsupported_keywords() {
        let full = json!({
            "type": "object",
            "properties": {
                "minimum": { "type": "integer", "minimum": 1, "maximum": 9 },
                "list": { "type": ["array", "null"], "minItems": 1, "maxItems": 3, "items": { "type": "string", "minLength": 1, "maxLength": 5, "enum": ["a", "b"] } }
            },
            "required": ["minimum", "list"],
            "additionalProperties": false
        });
        let strict = strict_subset(&full);
        assert_eq!(strict, json!({
            "type": "object",
            "properties": {
                "minimum": { "type": "integer" },
                "list": { "type": ["array", "null"], "items": { "type": "string", "enum": ["a", "b"] } }
            },
            "required": ["minimum", "list"],
            "additionalProperties": false
        }));
        assert!(keywords_used(&strict).iter().all(|k| !STRICT_UNSUPPORTED.contains(&k.as_str())));
    }

    #[test]
    fn nullable_keeps_the_limits_on_their_branch() {
        let field = nullable(json!({ "type": "string", "maxLength": 2, "description": "d" }));
        assert_eq!(field, json!({ "anyOf": [{ "type": "string", "maxLength": 2 }, { "type": "null" }], "description": "d" }));
        assert_eq!(check(&field, &json!("ab")), Ok(()));
        assert_eq!(check(&field, &Value::Null), Ok(()));
        assert!(check(&field, &json!("abc")).is_err());
        assert!(check(&field, &json!(1)).is_err());
        assert_eq!(strict_subset(&field), json!({ "anyOf": [{ "type": "string" }, { "type": "null" }], "description": "d" }));
    }

    #[test]
    fn the_checker_reads_each_keyword() {
        let schema = json!({
            "type": "object",
            "properties": {
                "n": { "type": "integer", "minimum": 1, "maximum": 3 },
                "s": { "type": ["string", "null"], "minLength": 2, "maxLength": 3 },
                "l": { "type": "array", "minItems": 1, "maxItems": 2, "items": { "enum": ["x", "y"] } }
            },
            "required": ["n", "s", "l"],
            "additionalProperties": false
        });
        assert_eq!(check(&schema, &json!({"n": 3, "s": "éé", "l": ["x"]})), Ok(()));
        assert_eq!(check(&schema, &json!({"n": 1, "s": null, "l": ["x", "y"]})), Ok(()));
        for bad in [
            json!({"n": 4, "s": "ab", "l": ["x"]}),
            json!({"n": 1.5, "s": "ab", "l": ["x"]}),
            json!({"n": 1, "s": "a", "l": ["x"]}),
            json!({"n": 1, "s": "abcd", "l": ["x"]}),
            json!({"n": 1, "s": "ab", "l": []}),
            json!({"n": 1, "s": "ab", "l": ["x", "y", "x"]}),
            json!({"n": 1, "s": "ab", "l": ["z"]}),
            json!({"n": 1, "s": "ab"}),
            json!({"n": 1, "s": "ab", "l": ["x"], "extra": 1}),
        ] {
            assert!(check(&schema, &bad).is_err(), "{bad}");
        }
    }
}
