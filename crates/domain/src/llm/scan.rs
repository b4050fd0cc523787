//! One linear pass over a JSON value as a model wrote it. It copies the value compactly, finds
//! where it ends (so prose after it is ignored) and repairs only what has a single meaning:
//! a comma before `}` or `]`, a raw control character inside a string, and a cut-off tail,
//! which is closed or cut back to the last complete member. It never adds content beyond
//! closing quotes and brackets; anything else that is wrong is reported, not guessed at.

use super::extract::ExtractError;

/// How to read a token the text ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// The text will not grow: a number that ends in a digit is complete.
    Final,
    /// More text may follow: `12` may become `123`, so a number counts only once something
    /// follows it. This keeps a streamed value from showing numbers that later change.
    Growing,
}

/// The value's text, ready for `serde_json`, and whether anything had to be repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scanned {
    pub text: String,
    pub repaired: bool,
    /// The text ended before the value did.
    pub cut_off: bool,
}

/// Scans `text`, which starts at the value's `{` or `[`.
pub(crate) fn scan(text: &str, tail: Tail) -> Result<Scanned, ExtractError> {
    let mut scanner = Scanner { out: String::with_capacity(text.len() + 8), frames: Vec::new(), token: Token::Between, repaired: false };
    for (index, c) in text.chars().enumerate() {
        match scanner.step(c) {
            Ok(Step::More) => {}
            Ok(Step::Complete) => return Ok(Scanned { text: scanner.out, repaired: scanner.repaired, cut_off: false }),
            Ok(Step::EndOfValue) => break,
            Err(reason) => return Err(ExtractError::Unrepairable { reason: format!("{reason} at character {index} of the value") }),
        }
    }
    scanner.close_cut_off(tail)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

impl Container {
    fn closer(self) -> char {
        match self {
            Container::Object => '}',
            Container::Array => ']',
        }
    }
}

/// Where the scan is inside one open object or array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    /// Just after `{` or `[`.
    Open,
    AfterComma,
    /// Objects only: a key has been read, `:` comes next.
    AfterKey,
    /// Objects only: the value of a key comes next.
    AfterColon,
    AfterValue,
}

struct Frame {
    container: Container,
    position: Position,
    /// The output length up to the last complete member: cutting back to it and closing the
    /// open brackets always leaves valid JSON.
    complete_up_to: usize,
}

enum Token {
    /// Between tokens: structure and whitespace.
    Between,
    Text(Text),
    Number,
    /// `true`, `false` or `null`, starting at this output index.
    Literal { start: usize },
}

struct Text {
    is_key: bool,
    escape: Escape,
    /// Where a `\uD800`–`\uDBFF` escape that has not met its low half yet starts: a cut between
    /// the two halves would leave a lone surrogate, which is not valid JSON.
    high_surrogate_at: Option<usize>,
}

enum Escape {
    None,
    Backslash { start: usize },
    Unicode { start: usize, digits: u8, code: u32 },
}

enum Step {
    More,
    /// The outermost value closed.
    Complete,
    /// A backtick outside a string: the closing code fence, so the text stops here.
    EndOfValue,
}

struct Scanner {
    out: String,
    frames: Vec<Frame>,
    token: Token,
    repaired: bool,
}

impl Scanner {
    fn step(&mut self, c: char) -> Result<Step, String> {
        match &mut self.token {
            Token::Text(text) => {
                if read_text_char(text, c, &mut self.out, &mut self.repaired)? {
                    let is_key = text.is_key;
                    self.token = Token::Between;
                    if is_key {
                        self.set_position(Position::AfterKey);
                    } else {
                        self.value_done();
                    }
                }
                return Ok(Step::More);
            }
            Token::Number if is_number_char(c) => {
                self.out.push(c);
                return Ok(Step::More);
            }
            Token::Number => {
                self.token = Token::Between;
                self.value_done();
            }
            Token::Literal { .. } if c.is_ascii_alphabetic() => {
                self.out.push(c);
                return Ok(Step::More);
            }
            Token::Literal { start } => {
                let word = &self.out[*start..];
                if !is_literal(word) {
                    return Err(format!("`{word}` is not a JSON value"));
                }
                self.token = Token::Between;
                self.value_done();
            }
            Token::Between => {}
        }
        self.structure(c)
    }

    /// A character between tokens.
    fn structure(&mut self, c: char) -> Result<Step, String> {
        if c == '`' {
            return Ok(Step::EndOfValue);
        }
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            return Ok(Step::More);
        }
        if c.is_whitespace() {
            // Not JSON whitespace (a no-break space, say), but it can only mean a gap.
            self.repaired = true;
            return Ok(Step::More);
        }
        let Some(frame) = self.frames.last() else {
            // Only the first character gets here: the text starts at the value.
            return match c {
                '{' | '[' => {
                    self.start_value(c);
                    Ok(Step::More)
                }
                _ => Err(format!("unexpected {c:?}")),
            };
        };
        let (container, position) = (frame.container, frame.position);
        match (container, position, c) {
            (Container::Array, Position::Open | Position::AfterComma, _) | (Container::Object, Position::AfterColon, _) if starts_value(c) => {
                self.start_value(c);
            }
            (Container::Object, Position::Open | Position::AfterComma, '"') => {
                self.out.push('"');
                self.token = Token::Text(Text { is_key: true, escape: Escape::None, high_surrogate_at: None });
            }
            (Container::Object, Position::AfterKey, ':') => {
                self.out.push(':');
                self.set_position(Position::AfterColon);
            }
            (_, Position::AfterValue, ',') => {
                self.out.push(',');
                self.set_position(Position::AfterComma);
            }
            (_, Position::Open | Position::AfterComma | Position::AfterValue, _) if c == container.closer() => {
                if position == Position::AfterComma {
                    self.out.pop();
                    self.repaired = true;
                }
                self.out.push(c);
                self.frames.pop();
                if self.frames.is_empty() {
                    return Ok(Step::Complete);
                }
                self.value_done();
            }
            _ => return Err(format!("unexpected {c:?}")),
        }
        Ok(Step::More)
    }

    fn start_value(&mut self, c: char) {
        match c {
            '{' | '[' => {
                self.out.push(c);
                let container = if c == '{' { Container::Object } else { Container::Array };
                self.frames.push(Frame { container, position: Position::Open, complete_up_to: self.out.len() });
            }
            '"' => {
                self.out.push(c);
                self.token = Token::Text(Text { is_key: false, escape: Escape::None, high_surrogate_at: None });
            }
            't' | 'f' | 'n' => {
                self.token = Token::Literal { start: self.out.len() };
                self.out.push(c);
            }
            _ => {
                self.out.push(c);
                self.token = Token::Number;
            }
        }
    }

    fn set_position(&mut self, position: Position) {
        if let Some(frame) = self.frames.last_mut() {
            frame.position = position;
        }
    }

    /// A member (or element) is complete: the output so far is a safe place to cut back to.
    fn value_done(&mut self) {
        if let Some(frame) = self.frames.last_mut() {
            frame.position = Position::AfterValue;
            frame.complete_up_to = self.out.len();
        }
    }

    /// The text ended before the value did: keep what is complete, close the rest.
    fn close_cut_off(mut self, tail: Tail) -> Result<Scanned, ExtractError> {
        if self.frames.is_empty() {
            return Err(ExtractError::Empty);
        }
        self.repaired = true;
        match std::mem::replace(&mut self.token, Token::Between) {
            Token::Text(text) if !text.is_key => {
                if let Escape::Backslash { start } | Escape::Unicode { start, .. } = text.escape {
                    self.out.truncate(start);
                }
                if let Some(start) = text.high_surrogate_at {
                    self.out.truncate(start);
                }
                self.out.push('"');
                self.value_done();
            }
            // A key without its value is dropped with everything after the last member.
            Token::Text(_) | Token::Between => {}
            Token::Number => {
                if tail == Tail::Final && self.out.ends_with(|c: char| c.is_ascii_digit()) {
                    self.value_done();
                }
            }
            Token::Literal { start } => {
                if is_literal(&self.out[start..]) {
                    self.value_done();
                }
            }
        }
        if let Some(frame) = self.frames.last() {
            self.out.truncate(frame.complete_up_to);
        }
        for frame in self.frames.iter().rev() {
            self.out.push(frame.container.closer());
        }
        Ok(Scanned { text: self.out, repaired: self.repaired, cut_off: true })
    }
}

/// One character inside a string; `true` when it was the closing quote.
fn read_text_char(text: &mut Text, c: char, out: &mut String, repaired: &mut bool) -> Result<bool, String> {
    match text.escape {
        Escape::Backslash { start } => {
            match c {
                'u' => text.escape = Escape::Unicode { start, digits: 0, code: 0 },
                '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' => {
                    text.escape = Escape::None;
                    text.high_surrogate_at = None;
                }
                _ => return Err(format!("invalid escape \\{c}")),
            }
            out.push(c);
        }
        Escape::Unicode { start, digits, code } => {
            let Some(digit) = c.to_digit(16) else {
                return Err(format!("invalid \\u escape digit {c:?}"));
            };
            out.push(c);
            let code = code * 16 + digit;
            if digits + 1 < 4 {
                text.escape = Escape::Unicode { start, digits: digits + 1, code };
            } else {
                text.escape = Escape::None;
                text.high_surrogate_at = (0xD800..=0xDBFF).contains(&code).then_some(start);
            }
        }
        Escape::None => match c {
            '"' => {
                out.push('"');
                return Ok(true);
            }
            '\\' => {
                text.escape = Escape::Backslash { start: out.len() };
                out.push('\\');
            }
            c if (c as u32) < 0x20 => {
                // A raw line break or tab in a string can only mean itself.
                push_escaped_control(c, out);
                *repaired = true;
                text.high_surrogate_at = None;
            }
            c => {
                out.push(c);
                text.high_surrogate_at = None;
            }
        },
    }
    Ok(false)
}

fn push_escaped_control(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => out.push_str(&format!("\\u{:04x}", c as u32)),
    }
}

fn starts_value(c: char) -> bool {
    matches!(c, '{' | '[' | '"' | '-' | '0'..='9' | 't' | 'f' | 'n')
}

/// The characters a number can hold; `serde_json` checks their order afterwards.
fn is_number_char(c: char) -> bool {
    matches!(c, '0'..='9' | '.' | 'e' | 'E' | '+' | '-')
}

fn is_literal(word: &str) -> bool {
    matches!(word, "true" | "false" | "null")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn final_text(text: &str) -> (String, bool) {
        let scanned = scan(text, Tail::Final).unwrap();
        (scanned.text, scanned.repaired)
    }

    fn growing_text(text: &str) -> String {
        scan(text, Tail::Growing).unwrap().text
    }

    #[test]
    fn a_complete_value_is_copied_compactly_and_ends_at_its_bracket() {
        assert_eq!(final_text("{ \"a\" : [1, 2.5e3, true, null] , \"b\":{}} tail {"), ("{\"a\":[1,2.5e3,true,null],\"b\":{}}".to_string(), false));
        assert_eq!(final_text("[\"}]\\\"\\\\\"]]"), ("[\"}]\\\"\\\\\"]".to_string(), false));
    }

    #[test]
    fn trailing_commas_are_dropped() {
        assert_eq!(final_text("{\"a\":[1,2,],}"), ("{\"a\":[1,2]}".to_string(), true));
    }

    #[test]
    fn raw_control_characters_in_strings_are_escaped() {
        assert_eq!(final_text("[\"a\nb\tc\u{1}\"]"), ("[\"a\\nb\\tc\\u0001\"]".to_string(), true));
    }

    #[test]
    fn a_cut_off_tail_is_closed_or_cut_back() {
        let cases = [
            ("{\"a\":\"hel", "{\"a\":\"hel\"}"),
            ("{\"a\":1,", "{\"a\":1}"),
            ("{\"a\":1,\"b", "{\"a\":1}"),
            ("{\"a\":1,\"b\"", "{\"a\":1}"),
            ("{\"a\":1,\"b\":", "{\"a\":1}"),
            ("{\"a\":1,\"b\":12.", "{\"a\":1}"),
            ("{\"a\":1,\"b\":tru", "{\"a\":1}"),
            ("{\"a\":1,\"b\":true", "{\"a\":1,\"b\":true}"),
            ("{\"a\":[1,{\"b\":[\"x", "{\"a\":[1,{\"b\":[\"x\"]}]}"),
            ("[1,2,3", "[1,2,3]"),
            ("{\"a\":\"x\\", "{\"a\":\"x\"}"),
            ("{\"a\":\"x\\u00", "{\"a\":\"x\"}"),
            ("{\"a\":\"x\\ud83d", "{\"a\":\"x\"}"),
            ("{\"a\":\"x\\ud83d\\ude", "{\"a\":\"x\"}"),
            ("{\"a\":\"x\\ud83d\\ude00", "{\"a\":\"x\\ud83d\\ude00\"}"),
            ("[{", "[{}]"),
        ];
        for (cut, closed) in cases {
            assert_eq!(final_text(cut), (closed.to_string(), true), "{cut}");
        }
    }

    #[test]
    fn a_growing_number_waits_for_what_follows_it() {
        assert_eq!(growing_text("{\"a\":12"), "{}");
        assert_eq!(growing_text("{\"a\":12,"), "{\"a\":12}");
        assert_eq!(growing_text("[true"), "[true]");
    }

    #[test]
    fn a_closing_fence_ends_the_text() {
        assert_eq!(final_text("{\"a\":[1\n```\nmore"), ("{\"a\":[1]}".to_string(), true));
    }

    #[test]
    fn what_has_no_single_meaning_is_reported() {
        for broken in ["{a:1}", "{\"a\" 1}", "[1 2]", "{\"a\":1]", "[tru]", "[\"\\x\"]", "[\"\\u12g4\"]", "{'a':1}", "[,1]"] {
            match scan(broken, Tail::Final) {
                Err(ExtractError::Unrepairable { reason }) => assert!(reason.contains("at character"), "{reason}"),
                other => panic!("{broken}: {other:?}"),
            }
        }
    }
}
