//! The value a reply still streaming in describes so far, for showing a blueprint as it is
//! written. It uses the same locator and scanner as `extract`, reading the tail as one that
//! may still grow: open strings and brackets are closed, a dangling key or an unfinished
//! literal is dropped, and a number is shown only once something follows it. That makes it
//! monotone for a growing reply: a key that has appeared never disappears.

use super::reply::{value_text, Reading};
use super::scan::{scan, Tail};
use serde_json::Value;

/// The value `prefix` describes so far; `None` while the model is still reasoning, before the
/// value starts, or when what has arrived is not JSON.
pub fn parse_partial(prefix: &str) -> Option<Value> {
    let located = value_text(prefix, Reading::Streaming).ok()?;
    let scanned = scan(&located.text, Tail::Growing).ok()?;
    serde_json::from_str(&scanned.text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;
    use std::collections::BTreeSet;

    fn blueprint() -> Value {
        json!({
            "title": "Pricing Mastery for Frontline Sales — “Café” edition 日本",
            "summary": "A four-week blended course.\nLearners practise \"real\" quotes with C:\\pricing\\tools.",
            "durationWeeks": 4,
            "learningOutcomes": [
                "Explain each pricing tier in under two minutes",
                "Build a quote with discounts within policy"
            ],
            "modules": [
                {
                    "id": "m1",
                    "title": "Tiers and value",
                    "hours": 2.5,
                    "lessons": [
                        { "title": "Why tiers exist", "minutes": 30, "activities": ["discussion", "quiz"] },
                        { "title": "Mapping needs to tiers", "minutes": 45, "activities": [] }
                    ]
                },
                {
                    "id": "m2",
                    "title": "Discount policy",
                    "hours": 3,
                    "lessons": [{ "title": "Approval paths 😀", "minutes": -1e1, "activities": null }]
                }
            ],
            "assessment": { "style": ["quiz", "role-play"], "passMark": 0.8, "certificate": true },
            "published": false,
            "notes": null
        })
    }

    fn top_level_keys(value: &Option<Value>) -> BTreeSet<String> {
        value.as_ref().and_then(Value::as_object).map(|object| object.keys().cloned().collect()).unwrap_or_default()
    }

    fn prefixes(text: &str) -> impl Iterator<Item = &str> {
        text.char_indices().map(|(end, _)| &text[..end]).chain([text])
    }

    fn assert_keys_never_disappear(document: &str) {
        let keys: Vec<BTreeSet<String>> = prefixes(document).map(|prefix| top_level_keys(&parse_partial(prefix))).collect();
        for (i, earlier) in keys.iter().enumerate() {
            for (j, later) in keys.iter().enumerate().skip(i + 1) {
                assert!(earlier.is_subset(later), "keys {earlier:?} at prefix {i} but {later:?} at prefix {j}");
            }
        }
    }

    #[test]
    fn top_level_keys_never_disappear_as_a_blueprint_streams_in() {
        let compact = blueprint().to_string();
        assert_keys_never_disappear(&compact);
        let wrapped = format!("<think>The audience is sales reps, so {{modules}} first.</think>\n```json\n{}\n```\nDone.", serde_json::to_string_pretty(&blueprint()).unwrap());
        assert_keys_never_disappear(&wrapped);
        assert_eq!(parse_partial(&compact), Some(blueprint()));
        assert_eq!(parse_partial(&wrapped), Some(blueprint()));
    }

    #[test]
    fn every_key_eventually_appears() {
        let compact = blueprint().to_string();
        let seen: BTreeSet<String> = prefixes(&compact).flat_map(|prefix| top_level_keys(&parse_partial(prefix))).collect();
        assert_eq!(seen, top_level_keys(&Some(blueprint())));
    }

    #[test]
    fn a_prefix_is_closed_and_its_loose_ends_dropped() {
        assert_eq!(parse_partial("{\"title\": \"Pricing Ma"), Some(json!({"title": "Pricing Ma"})));
        assert_eq!(parse_partial("{\"title\": \"P\", \"modules\": [{\"id\": \"m1\", \"ti"), Some(json!({"title": "P", "modules": [{"id": "m1"}]})));
        assert_eq!(parse_partial("{\"weeks\": 4"), Some(json!({})));
        assert_eq!(parse_partial("{\"weeks\": 4,"), Some(json!({"weeks": 4})));
        assert_eq!(parse_partial("{\"done\": fal"), Some(json!({})));
        assert_eq!(parse_partial("[\"a\", \"b"), Some(json!(["a", "b"])));
    }

    #[test]
    fn nothing_is_shown_before_the_value_starts() {
        assert_eq!(parse_partial(""), None);
        assert_eq!(parse_partial("<think>maybe {\"title\": \"x\"}"), None);
        assert_eq!(parse_partial("<think>done</think>\n```js"), None);
        assert_eq!(parse_partial("<think>done</think>\n```json\n{\"a"), Some(json!({})));
        assert_eq!(parse_partial("{\"a\": nope}"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_input_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_partial(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn json_like_input_never_panics(text in "[\\[\\]{}\",:\\\\ a-z0-9.eE+\\-`<>/é日]{0,300}") {
            let _ = parse_partial(&text);
        }
    }
}
