//! Where the JSON is in a model's reply: after its reasoning (`<think>…</think>`), inside a
//! Markdown code fence if there is one, from the first `{` or `[` on. Every step here only
//! removes text around the value; the value itself is read by `scan`.

use super::extract::ExtractError;

const THINK_OPEN: &str = "<think>";
const THINK_CLOSE: &str = "</think>";
const FENCE: &str = "```";

/// Whether the reply is complete or still streaming in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    Complete,
    /// A `<think>` that has not closed yet means the model is still reasoning: nothing in it is
    /// the answer, even if it looks like JSON.
    Streaming,
}

/// The reply from the first `{` or `[` of its value on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    /// Prose after the value is still here: only the scanner knows where the value ends.
    pub text: String,
    /// Taken from a `<think>` that never closed, so only a complete value is an answer.
    pub in_unfinished_thought: bool,
}

pub(crate) fn value_text(raw: &str, reading: Reading) -> Result<Located, ExtractError> {
    let answer = answer_text(raw, reading)?;
    let (body, fenced) = match after_opening_fence(&answer.text) {
        Some(content) => (content, true),
        None => (answer.text.as_str(), false),
    };
    match body.find(['{', '[']) {
        Some(start) => Ok(Located { text: body[start..].to_string(), in_unfinished_thought: answer.in_unfinished_thought }),
        None => {
            let prose = if fenced { without_info_word(body) } else { body };
            if prose.chars().any(|c| !c.is_whitespace() && c != '`') {
                Err(ExtractError::NotJson)
            } else {
                Err(ExtractError::Empty)
            }
        }
    }
}

/// The reply without its reasoning, in `Located` form (the text is not yet cut to the value).
fn answer_text(raw: &str, reading: Reading) -> Result<Located, ExtractError> {
    let reply = without_thinking(raw);
    let answer = Located { text: reply.answer, in_unfinished_thought: false };
    let Some(unfinished) = reply.unfinished_thought else {
        return Ok(answer);
    };
    let has_answer = answer.text.chars().any(|c| !c.is_whitespace());
    match reading {
        _ if has_answer => Ok(answer),
        Reading::Streaming => Err(ExtractError::Empty),
        // A finished reply whose `<think>` never closed: some models forget the closing tag
        // and answer anyway, so a value after the tag is still the answer.
        Reading::Complete if unfinished.contains(['{', '[']) => Ok(Located { text: unfinished.to_string(), in_unfinished_thought: true }),
        Reading::Complete => Err(ExtractError::Empty),
    }
}

struct WithoutThinking<'a> {
    answer: String,
    /// The text after a `<think>` that never closed.
    unfinished_thought: Option<&'a str>,
}

/// Drops every `<think>…</think>` block in one pass. A `</think>` with no opening tag means the
/// model's template already opened the block, so everything before it was reasoning.
fn without_thinking(raw: &str) -> WithoutThinking<'_> {
    let mut answer = String::new();
    let mut copy_from = 0;
    let mut open_at: Option<usize> = None;
    let mut at = 0;
    while let Some(offset) = raw[at..].find('<') {
        let tag = at + offset;
        let rest = &raw[tag..];
        if rest.starts_with(THINK_OPEN) {
            if open_at.is_none() {
                answer.push_str(&raw[copy_from..tag]);
                open_at = Some(tag);
            }
            at = tag + THINK_OPEN.len();
        } else if rest.starts_with(THINK_CLOSE) {
            if open_at.take().is_none() {
                answer.clear();
            }
            copy_from = tag + THINK_CLOSE.len();
            at = copy_from;
        } else {
            // `<` is one byte, so the next byte starts a character.
            at = tag + 1;
        }
    }
    match open_at {
        Some(open) => WithoutThinking { answer, unfinished_thought: Some(&raw[open + THINK_OPEN.len()..]) },
        None => {
            answer.push_str(&raw[copy_from..]);
            WithoutThinking { answer, unfinished_thought: None }
        }
    }
}

/// The text after the opening fence: the first "```" that either comes before any `{` or `[`
/// or starts a line. A JSON string cannot hold a raw line break, so a fence at the start of a
/// line is never inside the value, and one inside a string (Markdown in a lesson) is ignored.
/// The closing fence needs no search: a backtick outside a string ends the scan.
fn after_opening_fence(text: &str) -> Option<&str> {
    let mut at_line_start = true;
    let mut seen_bracket = false;
    for (index, c) in text.char_indices() {
        match c {
            '`' if (at_line_start || !seen_bracket) && text[index..].starts_with(FENCE) => {
                return Some(&text[index + FENCE.len()..]);
            }
            '\n' => at_line_start = true,
            ' ' | '\t' | '\r' => {}
            '{' | '[' => {
                seen_bracket = true;
                at_line_start = false;
            }
            _ => at_line_start = false,
        }
    }
    None
}

/// Fenced content without the fence's language tag (`json`), which is not an answer.
fn without_info_word(content: &str) -> &str {
    content.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn located(raw: &str) -> Result<String, ExtractError> {
        value_text(raw, Reading::Complete).map(|located| located.text)
    }

    #[test]
    fn reasoning_blocks_are_removed_wherever_they_are() {
        assert_eq!(located("<think>use {a}</think>{\"b\":1}").unwrap(), "{\"b\":1}");
        assert_eq!(located("x <think>[1]</think> y <think>{}</think> [2]").unwrap(), "[2]");
        assert_eq!(located("<think>a <think> nested</think>{}").unwrap(), "{}");
    }

    #[test]
    fn an_orphan_close_means_everything_before_was_reasoning() {
        assert_eq!(located("I think {x} is right</think>\n{\"a\":1}").unwrap(), "{\"a\":1}");
        assert_eq!(located("<think>a</think>{b}</think>[3]").unwrap(), "[3]");
    }

    #[test]
    fn an_unclosed_think_is_reasoning_unless_nothing_else_answers() {
        assert_eq!(located("{\"a\":1}<think>more [thoughts").unwrap(), "{\"a\":1}");
        assert_eq!(located("<think>still going").unwrap_err(), ExtractError::Empty);
        let forgot = value_text("<think>forgot to close {\"a\":1}", Reading::Complete).unwrap();
        assert_eq!(forgot, Located { text: "{\"a\":1}".into(), in_unfinished_thought: true });
        assert_eq!(value_text("<think>{\"a\":1}", Reading::Streaming).unwrap_err(), ExtractError::Empty);
    }

    #[test]
    fn fences_are_skipped_and_a_fence_inside_a_string_is_not_one() {
        assert_eq!(located("Here [draft]:\n```json\n{\"a\":1}\n```").unwrap(), "{\"a\":1}\n```");
        assert_eq!(located("```{\"a\":1}```").unwrap(), "{\"a\":1}```");
        assert_eq!(located("{\"code\":\"```rust\"}").unwrap(), "{\"code\":\"```rust\"}");
    }

    #[test]
    fn nothing_and_prose_are_told_apart() {
        assert_eq!(located("   ").unwrap_err(), ExtractError::Empty);
        assert_eq!(located("```json\n```").unwrap_err(), ExtractError::Empty);
        assert_eq!(located("<think>x</think>\n").unwrap_err(), ExtractError::Empty);
        assert_eq!(located("Sorry, I cannot help with that.").unwrap_err(), ExtractError::NotJson);
        assert_eq!(located("```\nnope\n```").unwrap_err(), ExtractError::NotJson);
    }

    #[test]
    fn multi_byte_text_around_tags_is_kept_whole() {
        assert_eq!(located("日本<think>é</think>é {\"é\":\"日本\"}").unwrap(), "{\"é\":\"日本\"}");
        assert_eq!(located("<日本>[1]").unwrap(), "[1]");
    }
}
