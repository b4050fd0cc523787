//! A course blueprint as Markdown, deterministically: the same text for the same blueprint, and
//! no text (the user's or a model's) can change the document's structure, become HTML or a link.

use super::document::{Blueprint, Module};
use super::duration::format_duration;

// ---------------------------------------------------------------------------------------------
// Markdown

/// The title used when a blueprint has none worth showing.
const UNTITLED: &str = "Course blueprint";

/// The blueprint as Markdown, the same text for the same blueprint. User and model text can
/// never change the document's structure: one-line text (titles, list items) has its line
/// breaks folded into spaces, and any line that starts with a character Markdown would read
/// as structure (`#`, `-`, `1.`, `>`, …) has that character escaped. Nor can it become HTML or
/// a link anywhere in a line (`escape_inline`). Empty sections are left out.
pub fn render_markdown(blueprint: &Blueprint) -> String {
    let title = Some(inline(&blueprint.title)).filter(|t| !t.is_empty()).unwrap_or_else(|| UNTITLED.to_string());
    let mut blocks = vec![format!("# {}", escape_heading_end(&title))];
    blocks.extend(Some(paragraphs(&blueprint.overview)).filter(|p| !p.is_empty()));
    if let Some(list) = bullet_list(&blueprint.learning_objectives) {
        blocks.push("## Learning objectives".to_string());
        blocks.push(list);
    }
    if !blueprint.modules.is_empty() {
        blocks.push("## Modules".to_string());
        blocks.push(format!("Total: {}", format_duration(blueprint.total_minutes())));
        for (index, module) in blueprint.modules.iter().enumerate() {
            blocks.extend(module_blocks(index + 1, module));
        }
    }
    if let Some(timeline) = blueprint.timeline.as_deref().map(paragraphs).filter(|p| !p.is_empty()) {
        blocks.push("## Timeline".to_string());
        blocks.push(timeline);
    }
    if let Some(list) = blueprint.resources.as_deref().and_then(bullet_list) {
        blocks.push("## Resources".to_string());
        blocks.push(list);
    }
    let mut markdown = blocks.join("\n\n");
    markdown.push('\n');
    markdown
}

/// `### 1. Title (90 min)` and its labelled lists.
fn module_blocks(number: usize, module: &Module) -> Vec<String> {
    let title = Some(inline(&module.title)).filter(|t| !t.is_empty()).unwrap_or_else(|| format!("Module {number}"));
    let mut blocks = vec![format!("### {number}. {title} ({} min)", module.duration_minutes)];
    for (label, items) in [("Objectives", &module.objectives), ("Activities", &module.activities), ("Assessments", &module.assessments)] {
        if let Some(list) = bullet_list(items) {
            blocks.push(format!("**{label}**"));
            blocks.push(list);
        }
    }
    blocks
}

/// `- item` lines; `None` when no item has any text.
fn bullet_list(items: &[String]) -> Option<String> {
    let lines: Vec<String> = items.iter().map(|item| inline(item)).filter(|item| !item.is_empty()).map(|item| format!("- {item}")).collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Text for one line: whitespace runs (line breaks included) folded to one space, other
/// control characters dropped, HTML and links escaped, and the start escaped.
fn inline(text: &str) -> String {
    let visible: String = text.chars().filter(|c| !c.is_control() || c.is_whitespace()).collect();
    escape_line_start(&escape_inline(&visible.split_whitespace().collect::<Vec<_>>().join(" ")))
}

/// A backslash before each character that could turn text into HTML, a link or an entity
/// anywhere in a line, so a CommonMark reader shows the text as written:
///
/// - `<` starts every raw HTML tag, comment, HTML block and autolink (`<javascript:…>`);
///   escaped, none can form. (`>` alone forms nothing, so it is left readable.)
/// - `[` opens every link, image and link reference (`[x](javascript:…)`, `![x](data:…)`);
///   escaped, none can form, whatever the target. (`]` and `(` without it form nothing.)
/// - `&` followed by what reads as a character reference (`&lt;`, `&#60;`, `&#x3C;`) would
///   show as another character; `R&D` stays as written.
/// - `\` itself, so a backslash in the text cannot cancel the escape we put after it (text
///   `\[` would become `\\[`: a literal backslash and a live `[`), nor end a line as a break.
///
/// Each escape sits right before its character, so no code span can come between the two.
/// Emphasis and code spans are left alone: they change how text looks, never what it does.
fn escape_inline(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let reference = c == '&' && starts_character_reference(&text[at + 1..]);
        if matches!(c, '<' | '[' | '\\') || reference {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Whether text right after a `&` reads as an entity or numeric character reference: a name or
/// number and a `;` (`lt;`, `#60;`, `#x3C;`). Any name counts, known to HTML or not: escaping
/// one `&` too many only shows a backslash-free `&` anyway.
fn starts_character_reference(after: &str) -> bool {
    let body = match after.strip_prefix('#') {
        Some(number) => number.strip_prefix(['x', 'X']).unwrap_or(number),
        None => after,
    };
    let name = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
    name > 0 && body[name..].starts_with(';')
}

/// Text that may span lines: each line trimmed (leading spaces would make a code block) and
/// escaped, runs of blank lines kept as one paragraph break.
fn paragraphs(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(inline) {
        let after_break = out.last().is_none_or(|last| last.is_empty());
        if !line.is_empty() || !after_break {
            out.push(line);
        }
    }
    while out.last().is_some_and(|last| last.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// A backslash before a first character Markdown would read as structure: a heading, list,
/// quote, fence, table, HTML block, link definition, setext underline or thematic break; and
/// before the `.` or `)` of a leading number that would start an ordered list. A backslash
/// before ASCII punctuation is always just that character, so escaping too much is harmless.
fn escape_line_start(text: &str) -> String {
    let Some(first) = text.chars().next() else {
        return String::new();
    };
    if matches!(first, '#' | '-' | '+' | '*' | '>' | '=' | '|' | '<' | '[' | '`' | '~' | '_') {
        return format!("\\{text}");
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    match text[digits..].chars().next() {
        Some(marker @ ('.' | ')')) if digits > 0 => format!("{}\\{marker}{}", &text[..digits], &text[digits + 1..]),
        _ => text.to_string(),
    }
}

/// A heading ending in ` #` would lose that `#` as a closing sequence; escaping the last one
/// keeps it.
fn escape_heading_end(heading: &str) -> String {
    match heading.strip_suffix('#') {
        Some(rest) => format!("{rest}\\#"),
        None => heading.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{module, sales_onboarding as small, strings};
    use proptest::prelude::*;

    #[test]
    fn markdown_of_a_small_blueprint() {
        let expected = "\
# Sales onboarding

Get new reps quoting confidently.

## Learning objectives

- Explain the pricing tiers
- Build a quote

## Modules

Total: 2 h 30 min

### 1. Pricing basics (90 min)

**Objectives**

- Explain the pricing tiers

**Activities**

- Walkthrough

**Assessments**

- Quiz

### 2. Quoting (60 min)

**Objectives**

- Build a quote

## Timeline

Two half-days.

## Resources

- Price list
";
        assert_eq!(render_markdown(&small()), expected);
    }

    #[test]
    fn markdown_structure_cannot_be_changed_by_text() {
        let blueprint = Blueprint {
            title: "# Not a second heading #".into(),
            overview: "First line\n# heading?\n- list?\n   indented code?\n1. ordered?\n2024) year\n\n\n\n> quote\n===\n<div>\n".into(),
            learning_objectives: strings(&["- nested?", "line\nbreak", "   ", "`code`"]),
            modules: vec![module("## Sneaky\nsecond line", 5, &["* star", "+ plus", "[x]: http://example.com"], &["| a | b |"], &["~~~"])],
            timeline: Some("   ".into()),
            resources: Some(vec![]),
        };
        let markdown = render_markdown(&blueprint);
        let headings: Vec<&str> = markdown.lines().filter(|line| line.starts_with('#')).collect();
        assert_eq!(headings, ["# \\# Not a second heading \\#", "## Learning objectives", "## Modules", "### 1. \\## Sneaky second line (5 min)"]);
        assert!(markdown.contains("First line\n\\# heading?\n\\- list?\nindented code?\n1\\. ordered?\n2024\\) year\n\n\\> quote\n\\===\n\\<div>\n\n## Learning"));
        assert!(markdown.contains("- \\- nested?\n- line break\n- \\`code`\n"));
        assert!(markdown.contains("- \\* star\n- \\+ plus\n- \\[x]: http://example.com"));
        assert!(!markdown.contains("## Timeline") && !markdown.contains("## Resources"));
    }

    /// Issue 17 #10: text reached the export as raw HTML and links. Every piece of text is
    /// read back as that same text by a CommonMark reader: no tag, no link, no entity.
    #[test]
    fn markdown_text_is_never_html_or_a_link() {
        let hostile = "a < b && c <b>bold</b> <img src=x onerror=alert(1)> [click](javascript:alert(1)) ![i](data:text/html,x) \
<javascript:alert(1)> <https://example.com> &lt;script&gt; &#60;b&#62; &amp; C:\\path\\ \\[x](vbscript:y)";
        let blueprint = Blueprint {
            title: hostile.into(),
            overview: format!("{hostile}\n<div>\n[ref]: javascript:alert(1)\n\n<!-- comment -->"),
            learning_objectives: vec![hostile.into()],
            modules: vec![module(hostile, 5, &[hostile], &[hostile], &[hostile])],
            timeline: Some(hostile.into()),
            resources: Some(vec![hostile.into(), "[ref]".into()]),
        };
        let markdown = render_markdown(&blueprint);
        let parsed = commonmark(&markdown);
        assert_eq!(parsed.html, Vec::<String>::new(), "{markdown}");
        assert_eq!(parsed.links, Vec::<String>::new(), "{markdown}");
        // And nothing is lost: the heading reads as the title, character for character.
        assert_eq!(parsed.blocks[0], hostile, "{markdown}");
    }

    /// What a CommonMark reader (pulldown-cmark, not our renderer) finds in a document: raw
    /// HTML, link and image targets, and the text of each block.
    struct Parsed {
        html: Vec<String>,
        links: Vec<String>,
        blocks: Vec<String>,
    }

    fn commonmark(markdown: &str) -> Parsed {
        use pulldown_cmark::{Event, Parser, Tag, TagEnd};
        let mut parsed = Parsed { html: Vec::new(), links: Vec::new(), blocks: Vec::new() };
        let mut block = String::new();
        for event in Parser::new(markdown) {
            match event {
                Event::Html(html) | Event::InlineHtml(html) => parsed.html.push(html.to_string()),
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => parsed.links.push(dest_url.to_string()),
                Event::Text(text) | Event::Code(text) => block.push_str(&text),
                Event::SoftBreak | Event::HardBreak => block.push('\n'),
                Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item) => parsed.blocks.push(std::mem::take(&mut block)),
                _ => {}
            }
        }
        parsed
    }

    #[test]
    fn markdown_of_odd_blueprints_never_panics() {
        let long = "é日😀 ".repeat(20_000);
        let odd = Blueprint {
            title: "\u{0}\u{1b}[31m".into(),
            overview: long.clone(),
            learning_objectives: vec![],
            modules: vec![module("", u32::MAX, &[], &[], &[]), module(&long, u32::MAX, &["\r\n\r"], &[], &[])],
            timeline: Some("\r".into()),
            resources: Some(strings(&["\u{2028}", "１. full-width"])),
        };
        let markdown = render_markdown(&odd);
        assert!(markdown.starts_with("# \\[31m\n"));
        assert!(markdown.contains("### 1. Module 1 ("));
        assert!(markdown.contains("Total: 143165576 h 30 min"));
        let empty = Blueprint { title: " ".into(), overview: String::new(), learning_objectives: vec![], modules: vec![], timeline: None, resources: None };
        assert_eq!(render_markdown(&empty), "# Course blueprint\n");
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        "[ a-z#\\-*>=|<\\[`~_0-9.)\n\r\té日😀\\x00]{0,40}"
    }

    /// Text built from the pieces of HTML, links, autolinks, entities and escapes, mixed with
    /// arbitrary characters.
    fn hostile_text() -> impl Strategy<Value = String> {
        let pieces = proptest::sample::select(vec![
            "<", ">", "&", "[", "]", "(", ")", "!", "\\", "`", "``", "*", "_", ":", "/", "\"", "'", "#", " ", "  ", "\n", "\n\n", "\t", "-", "1.", ";", "=", "|", "~",
            "javascript:", "JaVaScRiPt:", " javascript:", "data:", "vbscript:", "<script>", "</script>", "<img src=x onerror=alert(1)>", "<!--", "-->", "<![CDATA[", "<?php",
            "<div>", "<a href=", "&lt;", "&#60;", "&#x3C;", "&amp;", "&#106;", "&#x6A;", "&#58;", "](", "]:", "[x]", "<javascript:alert(1)>", "<data:x>", "mailto:", "http://x",
            "alert(1)", "a", "B", "é", "😀", "\u{202E}",
        ]);
        let piece = prop_oneof![3 => pieces.prop_map(str::to_string), 1 => any::<char>().prop_map(String::from)];
        proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    fn hostile_blueprint() -> impl Strategy<Value = Blueprint> {
        let texts = || proptest::collection::vec(hostile_text(), 0..3);
        let module = (hostile_text(), texts(), texts(), texts())
            .prop_map(|(title, objectives, activities, assessments)| Module { title, duration_minutes: 30, objectives, activities, assessments });
        (hostile_text(), hostile_text(), texts(), proptest::collection::vec(module, 0..3), proptest::option::of(hostile_text()), proptest::option::of(texts())).prop_map(
            |(title, overview, learning_objectives, modules, timeline, resources)| Blueprint { title, overview, learning_objectives, modules, timeline, resources },
        )
    }

    proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn markdown_headings_are_only_ours(
            title in text_strategy(),
            overview in text_strategy(),
            items in proptest::collection::vec(text_strategy(), 0..4),
            module_titles in proptest::collection::vec(text_strategy(), 0..4),
            timeline in proptest::option::of(text_strategy()),
        ) {
            let blueprint = Blueprint {
                title,
                overview,
                learning_objectives: items.clone(),
                modules: module_titles.iter().map(|t| Module { title: t.clone(), duration_minutes: 30, objectives: items.clone(), activities: items.clone(), assessments: vec![] }).collect(),
                timeline,
                resources: Some(items.clone()),
            };
            let markdown = render_markdown(&blueprint);
            prop_assert_eq!(&render_markdown(&blueprint), &markdown);
            let ours = ["# ", "## Learning objectives", "## Modules", "### ", "## Timeline", "## Resources"];
            for line in markdown.lines() {
                let first = line.chars().next();
                if matches!(first, Some('#')) {
                    prop_assert!(ours.iter().any(|o| line.starts_with(o)), "{}", line);
                }
                let label = ["**Objectives**", "**Activities**", "**Assessments**"].contains(&line);
                prop_assert!(label || !matches!(first, Some('>' | '=' | '|' | '<' | '`' | '~' | '_' | '+' | '*' | ' ' | '\t')), "{}", line);
                if let Some(rest) = line.strip_prefix("- ") {
                    prop_assert!(!rest.starts_with(['#', '-', '*', '+', '>']), "{}", line);
                }
            }
            let module_headings = markdown.lines().filter(|l| l.starts_with("### ")).count();
            prop_assert_eq!(module_headings, blueprint.modules.len());
        }

        /// Issue 17 #10: whatever the text, a CommonMark reader finds no HTML and no link (we
        /// write none, so any would come from the text), let alone a `javascript:`, `data:` or
        /// `vbscript:` one.
        #[test]
        fn markdown_has_no_html_and_no_links_whatever_the_text(blueprint in hostile_blueprint()) {
            let markdown = render_markdown(&blueprint);
            let parsed = commonmark(&markdown);
            prop_assert!(parsed.html.is_empty(), "HTML {:?} in\n{}", parsed.html, markdown);
            let dangerous = parsed.links.iter().filter(|target| {
                let target: String = target.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
                ["javascript:", "data:", "vbscript:"].iter().any(|scheme| target.starts_with(scheme))
            });
            prop_assert_eq!(dangerous.count(), 0, "{:?} in\n{}", parsed.links, markdown);
            prop_assert!(parsed.links.is_empty(), "links {:?} in\n{}", parsed.links, markdown);
        }
    }
}
