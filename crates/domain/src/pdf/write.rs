//! Laid-out pages written as PDF objects. The file holds no date, producer version or random
//! `/ID`, so the same pages always give the same bytes.

use super::layout::{Mark, Page, Style};
use super::winansi::{Font, FIRST_CODE, LAST_CODE};
use pdf_writer::{Finish, Name, Pdf, Ref, Settings, TextStr};

const CATALOG: Ref = Ref::new(1);
const PAGE_TREE: Ref = Ref::new(2);
const INFO: Ref = Ref::new(3);
const REGULAR_FONT: Ref = Ref::new(4);
const BOLD_FONT: Ref = Ref::new(5);
/// Each page takes two objects from here on: the page and its content stream.
const FIRST_PAGE_OBJECT: i32 = 6;

/// The names the content streams use for the two fonts.
fn resource_name(font: Font) -> Name<'static> {
    match font {
        Font::Regular => Name(b"F1"),
        Font::Bold => Name(b"F2"),
    }
}

/// The document: `pages` on paper `width` × `height` points, with `title` in its properties.
pub(super) fn document(pages: &[Page], width: i32, height: i32, title: &str) -> Vec<u8> {
    let mut pdf = Pdf::with_settings(Settings { pretty: false });
    let page_ids: Vec<(Ref, Ref)> = (0..pages.len()).map(object_pair).collect();
    pdf.catalog(CATALOG).pages(PAGE_TREE);
    pdf.pages(PAGE_TREE).kids(page_ids.iter().map(|(page, _)| *page)).count(page_ids.len() as i32);
    pdf.document_info(INFO).title(TextStr(title));
    for font in [Font::Regular, Font::Bold] {
        write_font(&mut pdf, font);
    }
    for (page, (page_id, content_id)) in pages.iter().zip(&page_ids) {
        let mut writer = pdf.page(*page_id);
        writer.parent(PAGE_TREE).contents(*content_id);
        writer.insert(Name(b"MediaBox")).array().items([0, 0, width, height]);
        writer
            .resources()
            .fonts()
            .pair(resource_name(Font::Regular), REGULAR_FONT)
            .pair(resource_name(Font::Bold), BOLD_FONT);
        writer.finish();
        pdf.stream(*content_id, &page_content(page));
    }
    pdf.finish()
}

/// The page object and content stream ids of the page at `index`. A document has at most a
/// few thousand pages (`MAX_MODULES` modules of `MAX_LIST_ITEMS` items), far from `i32::MAX`.
fn object_pair(index: usize) -> (Ref, Ref) {
    let first = FIRST_PAGE_OBJECT + 2 * index as i32;
    (Ref::new(first), Ref::new(first + 1))
}

/// A standard font, not embedded. Its widths are written anyway: PDF 1.5 and later expect
/// them, and a viewer that substitutes another face still places every glyph where ours was
/// measured.
fn write_font(pdf: &mut Pdf, font: Font) {
    let id = match font {
        Font::Regular => REGULAR_FONT,
        Font::Bold => BOLD_FONT,
    };
    pdf.type1_font(id)
        .base_font(Name(font.base_font()))
        .encoding_predefined(Name(b"WinAnsiEncoding"))
        .first_char(FIRST_CODE)
        .last_char(LAST_CODE)
        .insert(Name(b"Widths"))
        .array()
        .items(font.widths().iter().map(|&width| i32::from(width)));
}

/// The drawing operators of one page: its rules, then all its text in one text object, the
/// font and colour set only when they change. They are written here rather than with
/// pdf-writer's `Content`, which takes every number as an `f32` and so brings float formatting
/// (ryu and core's) into the worker, about 20 KB of gzipped wasm when measured; two-decimal
/// fixed point is all a position on a page needs.
fn page_content(page: &Page) -> Vec<u8> {
    let mut ops = Operators::default();
    for mark in &page.marks {
        if let Mark::Rule { x1, x2, y } = mark {
            ops.op(&[RULE_GRAY], "G").op(&[RULE_WIDTH], "w").op(&[*x1, *y], "m").op(&[*x2, *y], "l").op(&[], "S");
        }
    }
    ops.op(&[], "BT");
    let mut current: Option<Style> = None;
    for mark in &page.marks {
        if let Mark::Text { style, x, y, text } = mark {
            if current.is_none_or(|s| s.font != style.font || s.size != style.size) {
                ops.name(resource_name(style.font)).op(&[style.size], "Tf");
            }
            if current.is_none_or(|s| s.gray != style.gray) {
                ops.op(&[style.gray], "g");
            }
            current = Some(*style);
            ops.op(&[1.0, 0.0, 0.0, 1.0, *x, *y], "Tm").string(text).op(&[], "Tj");
        }
    }
    ops.op(&[], "ET");
    ops.0
}

const RULE_GRAY: f32 = 0.6;
const RULE_WIDTH: f32 = 0.75;

/// A content stream being written: operands, then their operator, one operation a line.
#[derive(Default)]
struct Operators(Vec<u8>);

impl Operators {
    fn op(&mut self, operands: &[f32], operator: &str) -> &mut Self {
        for &operand in operands {
            self.number(operand);
            self.0.push(b' ');
        }
        self.0.extend_from_slice(operator.as_bytes());
        self.0.push(b'\n');
        self
    }

    fn name(&mut self, name: Name) -> &mut Self {
        self.0.push(b'/');
        self.0.extend_from_slice(name.0);
        self.0.push(b' ');
        self
    }

    /// A literal string: the bytes as they are, with the delimiters and the backslash escaped
    /// and any control byte (which a reader could take for a line end) in octal.
    fn string(&mut self, text: &[u8]) -> &mut Self {
        self.0.push(b'(');
        for &byte in text {
            match byte {
                b'(' | b')' | b'\\' => self.0.extend_from_slice(&[b'\\', byte]),
                0..=0x1F => self.0.extend_from_slice(format!("\\{byte:03o}").as_bytes()),
                _ => self.0.push(byte),
            }
        }
        self.0.extend_from_slice(b") ");
        self
    }

    /// `value` to two decimals, without trailing zeros: `12`, `-3.5`, `0.75`.
    fn number(&mut self, value: f32) {
        // In f64, so that large values keep their digits; `as` saturates, so nothing panics.
        let hundredths = (f64::from(value) * 100.0).round() as i64;
        let sign = if hundredths < 0 { "-" } else { "" };
        let (whole, fraction) = (hundredths.unsigned_abs() / 100, hundredths.unsigned_abs() % 100);
        let text = match fraction {
            0 => format!("{sign}{whole}"),
            f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
            f => format!("{sign}{whole}.{f:02}"),
        };
        self.0.extend_from_slice(text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_numbers_are_fixed_point() {
        let mut ops = Operators::default();
        ops.op(&[0.0, 12.0, -3.5, 0.75, 595.276, -0.004, 1e9], "x");
        assert_eq!(ops.0, b"0 12 -3.5 0.75 595.28 0 1000000000 x\n");
    }

    #[test]
    fn pdf_strings_escape_their_delimiters() {
        let mut ops = Operators::default();
        ops.string(b"a(b)c\\d\re").string(&[0xE9, 0x80]);
        assert_eq!(ops.0, b"(a\\(b\\)c\\\\d\\015e) (\xE9\x80) ");
    }
}
