//! Text set into lines and lines into pages. The document is described as a flow of blocks
//! (paragraphs, bulleted items, rules, page breaks); each block is broken into lines by the
//! real glyph widths, and the lines are stacked onto pages, a new page starting wherever the
//! next line would cross the bottom margin. Nothing is ever cut: a word wider than a line is
//! broken between letters.

use super::faces::{Codes, Faces};
use super::winansi::Font;

/// How a run of text looks. `leading` is the height one line takes, baseline to baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Style {
    pub font: Font,
    pub size: f32,
    pub leading: f32,
    /// 0 is black, 1 white.
    pub gray: f32,
}

/// The printable area of a page, in points from its bottom-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Frame {
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Frame {
    fn width(&self) -> f32 {
        self.right - self.left
    }

    fn height(&self) -> f32 {
        self.top - self.bottom
    }
}

/// One piece of the document's flow, before it is broken into lines.
pub(super) enum Block {
    /// Text broken into lines at spaces; `indent` is measured from the left margin.
    Paragraph { words: Vec<Codes>, style: Style, indent: f32, space_before: f32, keep_with_next: bool },
    /// A paragraph whose first line starts with `marker` hanging in the indent.
    Item { marker: Codes, words: Vec<Codes>, style: Style, indent: f32, hang: f32, space_before: f32 },
    /// A thin horizontal line across the text width.
    Rule { space_before: f32, space_after: f32 },
    /// Empty space that is kept even at the top of a page.
    Gap(f32),
    /// What follows starts on a new page.
    PageBreak,
}

/// Something drawn on a finished page, at an absolute position.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Mark {
    /// Text encoded for its style's font, starting at `x` on the baseline `y`.
    Text { style: Style, x: f32, y: f32, text: Codes },
    Rule { x1: f32, x2: f32, y: f32 },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Page {
    pub marks: Vec<Mark>,
}

/// One line or other vertical step of the flow, once blocks are broken into lines.
enum Step {
    Line { style: Style, runs: Vec<(f32, Codes)>, space_before: f32, keep_with_next: bool },
    Rule { space_before: f32, space_after: f32 },
    Gap(f32),
    PageBreak,
}

/// The share of the font size above the baseline: Helvetica's ascender is 718/1000 of the
/// font size, so a line's baseline sits this far below the top of its slot.
const ASCENT: f32 = 0.75;

/// The flow laid out on pages of `frame`. There is always at least one page.
pub(super) fn paginate(blocks: &[Block], frame: Frame, faces: &Faces) -> Vec<Page> {
    let steps: Vec<Step> = blocks.iter().flat_map(|block| break_block(block, frame.width(), faces)).collect();
    let mut cursor = Cursor { frame, pages: vec![Page::default()], used: 0.0 };
    for (index, step) in steps.iter().enumerate() {
        cursor.place(step, kept_height(&steps[index..]));
    }
    cursor.pages
}

/// The height of a step and of the steps that must stay on the same page with it: a heading
/// is kept with the line that follows it, so it never ends a page alone.
fn kept_height(steps: &[Step]) -> f32 {
    let mut height = 0.0;
    for step in steps {
        match step {
            Step::Line { style, space_before, keep_with_next, .. } => {
                height += space_before + style.leading;
                if !keep_with_next {
                    break;
                }
            }
            _ => break,
        }
    }
    height
}

/// Where the next step goes: the pages so far and how much of the last one's height is used.
struct Cursor {
    frame: Frame,
    pages: Vec<Page>,
    used: f32,
}

impl Cursor {
    fn place(&mut self, step: &Step, kept: f32) {
        match step {
            Step::Line { style, runs, space_before, .. } => self.place_line(*style, runs, *space_before, kept),
            Step::Rule { space_before, space_after } => self.place_rule(*space_before, *space_after),
            Step::Gap(height) => self.used += height,
            Step::PageBreak => {
                if !self.page_is_empty() {
                    self.new_page();
                }
            }
        }
    }

    fn place_line(&mut self, style: Style, runs: &[(f32, Codes)], space_before: f32, kept: f32) {
        let space = if self.used == 0.0 { 0.0 } else { space_before };
        // A heading and its first line move together, unless even a fresh page could not
        // hold them (a heading of dozens of lines), where only the line itself must fit.
        let needed = if kept <= self.frame.height() { kept - space_before + space } else { space + style.leading };
        if self.used > 0.0 && self.used + needed > self.frame.height() {
            self.new_page();
        } else {
            self.used += space;
        }
        let baseline = self.frame.top - self.used - style.size * ASCENT - (style.leading - style.size) / 2.0;
        let left = self.frame.left;
        let marks = runs.iter().map(|(x, text)| Mark::Text { style, x: left + x, y: baseline, text: text.clone() });
        self.current_page().marks.extend(marks);
        self.used += style.leading;
    }

    fn place_rule(&mut self, space_before: f32, space_after: f32) {
        if self.used + space_before > self.frame.height() {
            self.new_page();
        } else {
            self.used += space_before;
        }
        let y = self.frame.top - self.used;
        let (x1, x2) = (self.frame.left, self.frame.right);
        self.current_page().marks.push(Mark::Rule { x1, x2, y });
        self.used += space_after;
    }

    fn page_is_empty(&self) -> bool {
        self.used == 0.0 && self.pages.last().is_none_or(|page| page.marks.is_empty())
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.used = 0.0;
    }

    fn current_page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
}

/// A block as the steps it takes on the page; `width` is the text width of the page.
fn break_block(block: &Block, width: f32, faces: &Faces) -> Vec<Step> {
    match block {
        Block::Paragraph { words, style, indent, space_before, keep_with_next } => wrap(words, faces, style.font, style.size, width - indent)
            .into_iter()
            .enumerate()
            .map(|(index, line)| Step::Line {
                style: *style,
                runs: vec![(*indent, line)],
                space_before: if index == 0 { *space_before } else { 0.0 },
                keep_with_next: *keep_with_next,
            })
            .collect(),
        Block::Item { marker, words, style, indent, hang, space_before } => {
            let text_x = indent + hang;
            wrap(words, faces, style.font, style.size, width - text_x)
                .into_iter()
                .enumerate()
                .map(|(index, line)| {
                    let mut runs = vec![(text_x, line)];
                    if index == 0 {
                        runs.insert(0, (*indent, marker.clone()));
                    }
                    Step::Line { style: *style, runs, space_before: if index == 0 { *space_before } else { 0.0 }, keep_with_next: false }
                })
                .collect()
        }
        Block::Rule { space_before, space_after } => vec![Step::Rule { space_before: *space_before, space_after: *space_after }],
        Block::Gap(height) => vec![Step::Gap(*height)],
        Block::PageBreak => vec![Step::PageBreak],
    }
}

/// Words set into lines no wider than `width`, greedily: each line takes as many words as fit.
/// A word wider than a whole line is broken between letters. No words give no lines.
pub(super) fn wrap(words: &[Codes], faces: &Faces, font: Font, size: f32, width: f32) -> Vec<Codes> {
    let space_code = faces.encode(font, " ");
    let space = faces.width(font, &space_code, size);
    let mut lines = Vec::new();
    let mut line: Codes = Vec::new();
    let mut line_width = 0.0;
    for word in words.iter().filter(|word| !word.is_empty()) {
        let word_width = faces.width(font, word, size);
        if !line.is_empty() && line_width + space + word_width <= width {
            line.extend_from_slice(&space_code);
            line.extend_from_slice(word);
            line_width += space + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut pieces = break_word(word, faces, font, size, width);
        // The word's last piece starts the next line, so the words after it can join it.
        line = pieces.pop().unwrap_or_default();
        line_width = faces.width(font, &line, size);
        lines.extend(pieces);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A word cut into pieces that each fit `width`; a word that fits is one piece. Every piece
/// holds at least one letter, so even a line narrower than a letter makes progress.
fn break_word(word: &[u16], faces: &Faces, font: Font, size: f32, width: f32) -> Vec<Codes> {
    let mut pieces = Vec::new();
    let mut piece: Codes = Vec::new();
    let mut piece_width = 0.0;
    for &code in word {
        let code_width = faces.width(font, &[code], size);
        if !piece.is_empty() && piece_width + code_width > width {
            pieces.push(std::mem::take(&mut piece));
            piece_width = 0.0;
        }
        piece.push(code);
        piece_width += code_width;
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// Text as words: whitespace of any kind separates them, except the no-break spaces that hold
/// "5 €" or "« oui »" together; each word is encoded for `font`.
pub(super) fn words(faces: &Faces, font: Font, text: &str) -> Vec<Codes> {
    text.split(is_break_space).map(|word| faces.encode(font, word)).filter(|word| !word.is_empty()).collect()
}

fn is_break_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{202F}' | '\u{2007}')
}
