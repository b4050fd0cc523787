//! The JSON value in a model's finished reply: reasoning, code fences and prose around it are
//! skipped, and a value that is cut off or carries a trailing comma is repaired where only one
//! meaning is possible (see `scan`).

use super::reply::{value_text, Reading};
use super::scan::{scan, Tail};
use serde_json::Value;
use std::fmt;

/// A value read from a reply, and whether it had to be repaired to parse (worth logging: a
/// repaired answer was usually cut off by the token limit).
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub value: Value,
    pub repaired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// Nothing but reasoning, whitespace or an empty code fence.
    Empty,
    /// Text, but no `{` or `[` where a value could start.
    NotJson,
    /// A value starts but is broken in a way that has no single repair.
    Unrepairable { reason: String },
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtractError::Empty => write!(f, "the model's reply is empty"),
            ExtractError::NotJson => write!(f, "the model's reply holds no JSON object or array"),
            ExtractError::Unrepairable { reason } => write!(f, "the model's JSON cannot be repaired: {reason}"),
        }
    }
}

impl std::error::Error for ExtractError {}

/// Reads the JSON object or array a model answered with.
pub fn extract_json(raw: &str) -> Result<Extracted, ExtractError> {
    let located = value_text(raw, Reading::Complete)?;
    let read = read_value(&located.text);
    if located.in_unfinished_thought {
        // Reasoning that never closed: only a whole, valid value in it counts as the answer.
        return match read {
            Ok((extracted, false)) => Ok(extracted),
            _ => Err(ExtractError::Empty),
        };
    }
    read.map(|(extracted, _cut_off)| extracted)
}

/// The value and whether the text ended before it did.
fn read_value(text: &str) -> Result<(Extracted, bool), ExtractError> {
    let scanned = scan(text, Tail::Final)?;
    // The scanner checks structure; serde checks what it leaves alone (number shapes, escapes
    // that pair up, nesting depth).
    let value = serde_json::from_str(&scanned.text).map_err(|error| ExtractError::Unrepairable { reason: error.to_string() })?;
    Ok((Extracted { value, repaired: scanned.repaired }, scanned.cut_off))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn clean(raw: &str) -> Value {
        let extracted = extract_json(raw).unwrap();
        assert!(!extracted.repaired, "{raw}");
        extracted.value
    }

    fn repaired(raw: &str) -> Value {
        let extracted = extract_json(raw).unwrap();
        assert!(extracted.repaired, "{raw}");
        extracted.value
    }

    #[test]
    fn plain_json_parses_without_repair() {
        assert_eq!(clean(r#"{"a": [1, "two", {"b": null}]}"#), json!({"a": [1, "two", {"b": null}]}));
        assert_eq!(clean("  [1, 2]  "), json!([1, 2]));
    }

    #[test]
    fn reasoning_is_stripped() {
        assert_eq!(clean("<think>maybe {\"a\": 2}?</think>\n{\"a\": 1}"), json!({"a": 1}));
        assert_eq!(clean("<think>x</think>{\"a\":1}<think>y</think>"), json!({"a": 1}));
        assert_eq!(clean("reasoning without an opening tag [0]</think>[1]"), json!([1]));
    }

    #[test]
    fn an_unclosed_think_with_nothing_after_it_is_empty() {
        assert_eq!(extract_json("<think>Let me think about the audience").unwrap_err(), ExtractError::Empty);
        assert_eq!(clean("<think>{\"a\": 1}"), json!({"a": 1}));
        // Cut-off reasoning that happens to hold a `{` is still reasoning, not a value.
        assert_eq!(extract_json("<think>I will answer {\"a\":").unwrap_err(), ExtractError::Empty);
        assert_eq!(extract_json("<think>maybe {a} or [b]").unwrap_err(), ExtractError::Empty);
    }

    #[test]
    fn fences_are_stripped() {
        assert_eq!(clean("```json\n{\"a\": 1}\n```"), json!({"a": 1}));
        assert_eq!(clean("Here you go:\n```\n[1]\n```\nHope that helps [really]."), json!([1]));
        assert_eq!(clean("Outline [v2]:\n```JSON\n{\"a\": \"```md```\"}\n```"), json!({"a": "```md```"}));
    }

    #[test]
    fn prose_around_the_value_is_skipped() {
        assert_eq!(clean("Sure! Here is the blueprint: {\"a\": {\"b\": \"}\"}} Let me know {if} you need more."), json!({"a": {"b": "}"}}));
    }

    #[test]
    fn trailing_commas_are_repaired() {
        assert_eq!(repaired("{\"a\": [1, 2, ], \"b\": 3, }"), json!({"a": [1, 2], "b": 3}));
    }

    #[test]
    fn a_truncated_tail_is_closed() {
        assert_eq!(repaired("{\"title\": \"Intro to Ru"), json!({"title": "Intro to Ru"}));
        assert_eq!(repaired("{\"a\": [1, {\"b\": \"x\"}, "), json!({"a": [1, {"b": "x"}]}));
        assert_eq!(repaired("{\"a\": 1, \"b\""), json!({"a": 1}));
        assert_eq!(repaired("{\"a\": 1, \"b\":"), json!({"a": 1}));
        assert_eq!(repaired("{\"a\": 1, \"b\": 12."), json!({"a": 1}));
        assert_eq!(repaired("{\"a\": 1, \"b\": tru"), json!({"a": 1}));
        assert_eq!(repaired("{\"a\": 1, \"b\": 12"), json!({"a": 1, "b": 12}));
        assert_eq!(repaired("```json\n{\"a\": [\"x\", 1\n```\nAnything else?"), json!({"a": ["x", 1]}));
    }

    #[test]
    fn escapes_and_multi_byte_text_survive() {
        assert_eq!(clean(r#"{"é": "日本 \"quoted\" \\ back\\"}"#), json!({"é": "日本 \"quoted\" \\ back\\"}));
        assert_eq!(repaired("{\"é\": \"日本"), json!({"é": "日本"}));
    }

    #[test]
    fn errors_say_what_went_wrong() {
        assert_eq!(extract_json("").unwrap_err(), ExtractError::Empty);
        assert_eq!(extract_json("I can't do that.").unwrap_err(), ExtractError::NotJson);
        assert!(matches!(extract_json("{\"a\": 01}"), Err(ExtractError::Unrepairable { .. })));
        assert!(matches!(extract_json("{\"a\": 'x'}"), Err(ExtractError::Unrepairable { .. })));
        assert!(ExtractError::NotJson.to_string().contains("no JSON"));
        assert!(ExtractError::Unrepairable { reason: "r".into() }.to_string().ends_with(": r"));
    }

    #[test]
    fn large_and_deep_inputs_are_read_in_one_pass() {
        let deep = "[".repeat(200_000);
        assert!(matches!(extract_json(&deep), Err(ExtractError::Unrepairable { .. })));
        let tags = format!("{}{{\"a\":1}}", "<think></think><".repeat(50_000));
        assert_eq!(clean(&tags), json!({"a": 1}));
        let orphans = format!("{}[1]", "</think>".repeat(100_000));
        assert_eq!(clean(&orphans), json!([1]));
        let long_text = format!("{{\"a\":\"{}", "é\\\"".repeat(100_000));
        assert!(repaired(&long_text)["a"].as_str().unwrap().ends_with('"'));
    }

    /// Documents whose every prefix is fed to the readers.
    fn documents() -> Vec<String> {
        vec![
            json!({"title": "Café \"Ü\" 日本", "nested": {"list": [1, -2.5, 3e2, true, false, null, [], {}], "path": "C:\\dir\\"}, "emoji": "😀"}).to_string(),
            serde_json::to_string_pretty(&json!([{"a": [{"b": ["é", "日本"]}]}, "tab\there", 0, {"k": {"k": {"k": "v"}}}])).unwrap(),
            "```json\n{\"escaped\": \"\\u00e9\\ud83d\\ude00\\n\", \"n\": 12.75}\n```".to_string(),
        ]
    }

    /// The value a document describes, read once from its full text.
    fn full_value(document: &str) -> Value {
        extract_json(document).unwrap().value
    }

    #[test]
    fn every_prefix_of_a_valid_document_reads_without_panicking() {
        for document in documents() {
            let whole = full_value(&document);
            let value_start = document.find(['{', '[']).unwrap();
            let value_end = document.rfind(['}', ']']).unwrap() + 1;
            for (end, _) in document.char_indices().skip(1).chain([(document.len(), ' ')]) {
                let result = extract_json(&document[..end]);
                // Once the value has started, every cut of a valid document can be closed.
                assert_eq!(result.is_ok(), end > value_start, "{}", &document[..end]);
                if end >= value_end {
                    assert_eq!(result.unwrap().value, whole, "{}", &document[..end]);
                }
            }
        }
    }

    proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = extract_json(&text);
        }

        #[test]
        fn json_like_text_never_panics(text in "[\\[\\]{}\",:\\\\ a-z0-9.eE+\\-`<>/é日]{0,300}") {
            let _ = extract_json(&text);
            let _ = extract_json(&format!("<think>{text}</think>```json\n{text}"));
        }

        #[test]
        fn generated_values_read_back_whole_and_their_prefixes_never_panic(value in json_value()) {
            let document = json!({"root": value}).to_string();
            prop_assert_eq!(&extract_json(&document).unwrap().value, &json!({"root": value}));
            for (end, _) in document.char_indices().skip(1) {
                prop_assert!(extract_json(&document[..end]).is_ok(), "{}", &document[..end]);
            }
        }
    }

    /// Arbitrary JSON values: nested objects and arrays, strings with escapes and non-ASCII.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i32>().prop_map(Value::from),
            // Quarters print and parse back exactly (serde_json's default float parsing may
            // differ from the shortest representation in the last digit).
            (-4_000_000i32..4_000_000).prop_map(|n| Value::from(f64::from(n) / 4.0)),
            "[a-z \"\\\\/\n\té日本😀]{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                proptest::collection::btree_map("[a-zé日\"]{0,6}", inner, 0..6).prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }
}
