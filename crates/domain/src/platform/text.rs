//! Text as it enters the domain, from a user or a model. Invisible format characters are
//! removed before text is checked or kept: bidirectional controls (U+202A–U+202E,
//! U+2066–U+2069, U+200E/U+200F, U+061C) make a title read differently from what it holds
//! once it reaches a SCORM page, the manifest or the PDF (the "Trojan Source" spoof), and
//! zero-width characters make two texts that look the same differ (or hide text from a
//! reader, and from the model that later reads it as input).

use std::borrow::Cow;

/// `text` without the format characters (Unicode category Cf) that can spoof or hide text:
///
/// - always removed: the bidirectional marks, embeddings, overrides and isolates; the
///   zero-width space, word joiner and invisible operators; the byte-order mark; the soft
///   hyphen (only a hyphenation hint); the Mongolian vowel separator; interlinear annotation
///   and the deprecated format characters U+206A–U+206F;
/// - the zero-width joiner and non-joiner (U+200D, U+200C) are kept only between two visible
///   characters outside ASCII: that is where they do their work (emoji sequences such as
///   👩‍💻, Persian and Indic spelling) and cannot split a Latin word into a look-alike;
/// - tag characters (U+E0001, U+E0020–U+E007F) are kept only inside an emoji flag sequence
///   (🏴 followed by tags and the cancel tag, as in the flag of Scotland); anywhere else they
///   are invisible text, a known way to smuggle instructions past a reader to a model.
///
/// The other Cf characters are visible or belong to one script's layout (Arabic number signs,
/// Egyptian hieroglyph and shorthand format controls, musical beams) and are kept.
pub fn without_format_characters(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_checked) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut kept = String::with_capacity(text.len());
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        if c == BLACK_FLAG {
            let tags = flag_tags(&chars[index + 1..]);
            kept.extend(&chars[index..=index + tags]);
            index += tags + 1;
            continue;
        }
        let keep = if is_joiner(c) {
            let before = kept.chars().next_back();
            let after = chars.get(index + 1).copied();
            before.is_some_and(joins) && after.is_some_and(joins)
        } else {
            !is_always_removed(c) && !is_tag(c)
        };
        if keep {
            kept.push(c);
        }
        index += 1;
    }
    Cow::Owned(kept)
}

/// Text from a model as it is kept: format characters (see [`without_format_characters`]) and
/// control characters other than line breaks and tabs removed, ends trimmed. Nothing a model
/// writes needs a control character, and the renderers would drop them anyway.
pub fn model_text(raw: &str) -> String {
    without_format_characters(raw).chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t')).collect::<String>().trim().to_string()
}

/// At most `max_chars` characters, cut at a character boundary and marked with `…`.
pub fn shorten(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';

/// How many of `after` (what follows a 🏴) form its flag's tag sequence: tag letters and digits
/// ended by the cancel tag, or none.
fn flag_tags(after: &[char]) -> usize {
    let letters = after.iter().take_while(|c| ('\u{E0020}'..='\u{E007E}').contains(*c)).count();
    if letters > 0 && after.get(letters) == Some(&CANCEL_TAG) {
        letters + 1
    } else {
        0
    }
}

/// Whether `c` needs a look (the fast path leaves text without any of them untouched).
fn is_checked(c: char) -> bool {
    is_always_removed(c) || is_joiner(c) || is_tag(c) || c == BLACK_FLAG
}

fn is_always_removed(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

fn is_tag(c: char) -> bool {
    c == '\u{E0001}' || ('\u{E0020}'..=CANCEL_TAG).contains(&c)
}

/// A character a joiner may stand next to: visible and outside ASCII (the black flag too: the
/// pirate flag is 🏴 + ZWJ + ☠️).
fn joins(c: char) -> bool {
    !c.is_ascii() && !c.is_whitespace() && !c.is_control() && !is_always_removed(c) && !is_joiner(c) && !is_tag(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALWAYS_REMOVED: [char; 24] = [
        '\u{00AD}', '\u{061C}', '\u{180E}', '\u{200B}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2060}', '\u{2063}', '\u{2064}', '\u{2066}',
        '\u{2067}', '\u{2068}', '\u{2069}', '\u{206A}', '\u{206F}', '\u{FEFF}', '\u{FFF9}', '\u{FFFB}', '\u{E0001}',
    ];

    #[test]
    fn bidi_controls_and_invisible_characters_are_removed() {
        for c in ALWAYS_REMOVED {
            assert_eq!(without_format_characters(&format!("a{c}b{c}")), "ab", "U+{:04X}", c as u32);
        }
        assert_eq!(without_format_characters("Invoice \u{202E}fdp.exe\u{202C}"), "Invoice fdp.exe");
        assert_eq!(without_format_characters("\u{2067}שלום\u{2069} world"), "שלום world");
    }

    #[test]
    fn joiners_stay_where_a_script_or_an_emoji_needs_them() {
        for kept in [
            "\u{1F469}\u{200D}\u{1F4BB}",                                     // woman technologist
            "\u{2764}\u{FE0F}\u{200D}\u{1F525}",                              // heart on fire (after a variation selector)
            "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}", // Persian with ZWNJ
            "\u{0915}\u{094D}\u{200D}\u{0937}",                               // Devanagari half form
            "\u{1F3F4}\u{200D}\u{2620}\u{FE0F}",                              // pirate flag
        ] {
            assert_eq!(without_format_characters(kept), kept);
        }
        for (spoofed, plain) in [("Sa\u{200D}les", "Sales"), ("\u{200D}\u{1F4BB}", "\u{1F4BB}"), ("\u{1F469}\u{200D}", "\u{1F469}"), ("\u{1F469}\u{200D} x", "\u{1F469} x"), ("\u{1F469}\u{200D}\u{200D}\u{1F4BB}", "\u{1F469}\u{200D}\u{1F4BB}"), ("é\u{200C}e", "ée")] {
            assert_eq!(without_format_characters(spoofed), plain, "{spoofed:?}");
        }
    }

    #[test]
    fn tags_stay_only_in_a_flag() {
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert_eq!(without_format_characters(&format!("Go {scotland}!")), format!("Go {scotland}!"));
        let smuggled = "Title\u{E0069}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065}";
        assert_eq!(without_format_characters(smuggled), "Title");
        assert_eq!(without_format_characters("\u{1F3F4}\u{E0067}\u{E0062} unfinished"), "\u{1F3F4} unfinished");
        assert_eq!(without_format_characters("\u{1F3F4}\u{E007F}"), "\u{1F3F4}");
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for text in ["", "Sales onboarding", "Négociation 2027 — été", "日本語のコース", "\u{0645}\u{062B}\u{0627}\u{0644}", "\u{1F600}\u{FE0F}", "\u{0600}\u{0661}"] {
            assert!(matches!(without_format_characters(text), Cow::Borrowed(t) if t == text), "{text:?}");
        }
    }

    #[test]
    fn model_text_also_drops_control_characters_and_trims() {
        assert_eq!(model_text("  \u{1b}[31mRed\u{0}\u{202E} line\nnext\ttab\r\n "), "[31mRed line\nnext\ttab");
        assert_eq!(model_text("\u{200B} \u{7f}"), "");
    }

    #[test]
    fn shortening_marks_the_cut() {
        assert_eq!(shorten("  short ", 10), "short");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("ab cdef", 4), "ab…");
        assert_eq!(shorten("日本語のコース", 3).chars().count(), 3);
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn nothing_that_spoofs_survives_and_stripping_is_idempotent(raw in "([a-zé日\u{1F469}\u{1F3F4} ]|[\u{00AD}\u{061C}\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2060}-\u{206F}\u{FEFF}\u{E0001}\u{E0020}-\u{E007F}]){0,24}") {
            let once = without_format_characters(&raw).into_owned();
            prop_assert!(!once.chars().any(is_always_removed), "{:?}", once);
            prop_assert_eq!(without_format_characters(&once).into_owned(), once.clone());
            let chars: Vec<char> = once.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if is_joiner(*c) {
                    prop_assert!(i > 0 && joins(chars[i - 1]) && chars.get(i + 1).is_some_and(|n| joins(*n)), "{:?}", once);
                }
                if is_tag(*c) {
                    let start = chars[..i].iter().rposition(|p| !is_tag(*p));
                    prop_assert!(start.is_some_and(|s| chars[s] == BLACK_FLAG), "{:?}", once);
                }
            }
        }

        #[test]
        fn other_text_is_left_alone(raw in "\\PC{0,40}") {
            if !raw.chars().any(is_checked) {
                prop_assert_eq!(without_format_characters(&raw), raw.as_str());
            }
        }
    }
}
