//! User and model text made safe for the manifest and the pages. The same escaping serves XML
//! and HTML: both read `&amp; &lt; &gt; &quot; &#39;` the same way, in text and in quoted
//! attributes alike.

/// Text for one line (a title, a list item): control characters dropped, whitespace runs
/// (line breaks included) folded to one space, trimmed.
pub(super) fn one_line(text: &str) -> String {
    let words = text.split_whitespace().map(|word| word.chars().filter(|&c| is_printable(c)).collect::<String>());
    words.filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Text that may span lines as paragraphs: lines separated by blank lines form one paragraph
/// each, folded to one line; nothing blank is kept.
pub(super) fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if one_line(line).is_empty() {
            out.extend(Some(one_line(&current.join(" "))).filter(|p| !p.is_empty()));
            current.clear();
        } else {
            current.push(line);
        }
    }
    out.extend(Some(one_line(&current.join(" "))).filter(|p| !p.is_empty()));
    out
}

/// `text` as element content or a quoted attribute value in XML 1.0 and HTML. Characters XML
/// 1.0 forbids (most control characters, U+FFFE, U+FFFF) are dropped: one of them would make
/// the whole manifest unreadable to the LMS.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|&c| is_printable(c) || matches!(c, '\t' | '\n' | '\r')) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Neither a C0/C1 control character nor one of the two noncharacters XML forbids.
fn is_printable(c: char) -> bool {
    !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(escape(r#"Q&A <b>"bold"</b> it's"#), "Q&amp;A &lt;b&gt;&quot;bold&quot;&lt;/b&gt; it&#39;s");
        assert_eq!(escape("a\u{0}b\u{1b}c\u{FFFF}d\u{85}e"), "abcde");
        assert_eq!(escape("é日😀\tx"), "é日😀\tx");
    }

    #[test]
    fn one_line_folds_breaks_and_drops_controls() {
        assert_eq!(one_line("  Pricing\r\n basics\u{2028}now\u{7}  "), "Pricing basics now");
        assert_eq!(one_line("\u{0}\u{1b}[31m"), "[31m");
        assert_eq!(one_line(" \n\t "), "");
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(paragraphs("First line\nsame paragraph\n\n \n\u{7}\nSecond\n"), ["First line same paragraph", "Second"]);
        assert!(paragraphs("\n\n").is_empty());
    }
}
