//! Laid-out pages written as PDF objects. The file holds no date, producer version or random
//! `/ID`, so the same pages always give the same bytes.

use super::faces::{Embedded, Faces};
use super::layout::{Mark, Page, Style};
use super::winansi::{Font, FIRST_CODE, LAST_CODE};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Finish, Name, Pdf, Rect, Ref, Settings, Str, TextStr};
use std::collections::BTreeMap;

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
pub(super) fn document(pages: &[Page], width: i32, height: i32, title: &str, faces: &Faces) -> Vec<u8> {
    let mut pdf = Pdf::with_settings(Settings { pretty: false });
    let page_ids: Vec<(Ref, Ref)> = (0..pages.len()).map(object_pair).collect();
    pdf.catalog(CATALOG).pages(PAGE_TREE);
    pdf.pages(PAGE_TREE).kids(page_ids.iter().map(|(page, _)| *page)).count(page_ids.len() as i32);
    pdf.document_info(INFO).title(TextStr(title));
    // The objects after the pages' belong to the embedded fonts, four each.
    let mut next_id = FIRST_PAGE_OBJECT + 2 * page_ids.len() as i32;
    let mut glyph_maps = GlyphMaps::default();
    for font in [Font::Regular, Font::Bold] {
        match faces.embedded(font) {
            None => write_font(&mut pdf, font),
            Some(embedded) => {
                let first = next_id;
                next_id += 4;
                *glyph_maps.of(font) = write_embedded_font(&mut pdf, font, embedded, first);
            }
        }
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
        pdf.stream(*content_id, &page_content(page, faces, &glyph_maps));
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
    let id = top_level_ref(font);
    pdf.type1_font(id)
        .base_font(Name(font.base_font()))
        .encoding_predefined(Name(b"WinAnsiEncoding"))
        .first_char(FIRST_CODE)
        .last_char(LAST_CODE)
        .insert(Name(b"Widths"))
        .array()
        .items(font.widths().iter().map(|&width| i32::from(width)));
}

/// Each embedded font's glyph ids in the document's subset, by their id in the whole font.
#[derive(Default)]
struct GlyphMaps {
    regular: BTreeMap<u16, u16>,
    bold: BTreeMap<u16, u16>,
}

impl GlyphMaps {
    fn of(&mut self, font: Font) -> &mut BTreeMap<u16, u16> {
        match font {
            Font::Regular => &mut self.regular,
            Font::Bold => &mut self.bold,
        }
    }
}

/// An embedded TrueType font as PDF wants it: a Type 0 font over a CID font whose CIDs are the
/// glyph ids of the subset (`Identity-H`), the subset itself as the font file, its widths, and
/// a ToUnicode map so that the text can be copied and searched. Answers the glyph renumbering.
/// Objects `first`..`first + 3` are used.
fn write_embedded_font(pdf: &mut Pdf, font: Font, embedded: &Embedded, first: i32) -> BTreeMap<u16, u16> {
    let (type0, cid_font, descriptor, file) = (top_level_ref(font), Ref::new(first), Ref::new(first + 1), Ref::new(first + 2));
    let to_unicode = Ref::new(first + 3);
    let used = embedded.used.borrow();
    let mut remapper = subsetter::GlyphRemapper::new();
    for &glyph in used.keys() {
        remapper.remap(glyph);
    }
    let renumbered: BTreeMap<u16, u16> = used.keys().map(|&glyph| (glyph, remapper.get(glyph).unwrap_or(0))).collect();
    // A font the subsetter cannot cut is embedded whole, with its own glyph ids.
    let (file_bytes, renumbered) = match subsetter::subset(embedded.data, 0, &remapper) {
        Ok(subset) => (subset, renumbered),
        Err(_) => (embedded.data.to_vec(), used.keys().map(|&glyph| (glyph, glyph)).collect()),
    };
    let base_name = format!("{}+{}", subset_tag(&renumbered), postscript_name(embedded, font));
    let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

    pdf.type0_font(type0)
        .base_font(Name(base_name.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_font)
        .to_unicode(to_unicode);
    let mut cid = pdf.cid_font(cid_font);
    cid.subtype(CidFontType::Type2).base_font(Name(base_name.as_bytes())).system_info(system_info).font_descriptor(descriptor);
    cid.cid_to_gid_map_predefined(Name(b"Identity"));
    // Whole thousandths, written as integers (see `page_content` on floats).
    let mut widths = cid.insert(Name(b"W")).array();
    for (&original, &new) in &renumbered {
        widths.item(i32::from(new));
        widths.push().array().item(embedded.advance(original).round() as i32);
    }
    widths.finish();
    cid.finish();

    let face = &embedded.face;
    let bbox = face.global_bounding_box();
    let scaled = |units: i16| embedded.scaled(units);
    pdf.font_descriptor(descriptor)
        .name(Name(base_name.as_bytes()))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(scaled(bbox.x_min), scaled(bbox.y_min), scaled(bbox.x_max), scaled(bbox.y_max)))
        .italic_angle(0.0)
        .ascent(scaled(face.ascender()))
        .descent(scaled(face.descender()))
        .cap_height(scaled(face.capital_height().unwrap_or(face.ascender())))
        .stem_v(if font == Font::Bold { 140.0 } else { 80.0 })
        .font_file2(file);
    pdf.stream(file, &file_bytes);

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"UCS"), supplement: 0 });
    for (original, &new) in &renumbered {
        if let Some(&shown) = used.get(original) {
            cmap.pair(new, shown);
        }
    }
    pdf.cmap(to_unicode, &cmap.finish());
    renumbered
}

/// The Type 0 (or standard) font object of `font`, the one the pages' resources name.
fn top_level_ref(font: Font) -> Ref {
    match font {
        Font::Regular => REGULAR_FONT,
        Font::Bold => BOLD_FONT,
    }
}

/// The font's PostScript name from its `name` table, else a plain one.
fn postscript_name(embedded: &Embedded, font: Font) -> String {
    let from_table = embedded
        .face
        .names()
        .into_iter()
        .filter(|name| name.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|name| name.to_string())
        .map(|name| name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>())
        .filter(|name| !name.is_empty());
    from_table.unwrap_or_else(|| if font == Font::Bold { "EmbeddedSans-Bold".into() } else { "EmbeddedSans".into() })
}

/// The six capital letters PDF puts before a subset font's name, derived from the glyphs it
/// holds (the same subset, the same tag: the file stays deterministic).
fn subset_tag(glyphs: &BTreeMap<u16, u16>) -> String {
    let mut hash: u32 = 0x811C_9DC5;
    for &glyph in glyphs.keys() {
        for byte in glyph.to_be_bytes() {
            hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
        }
    }
    (0..6).map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8)).collect()
}

/// The drawing operators of one page: its rules, then all its text in one text object, the
/// font and colour set only when they change. They are written here rather than with
/// pdf-writer's `Content`, which takes every number as an `f32` and so brings float formatting
/// (ryu and core's) into the worker, about 20 KB of gzipped wasm when measured; two-decimal
/// fixed point is all a position on a page needs.
fn page_content(page: &Page, faces: &Faces, glyph_maps: &GlyphMaps) -> Vec<u8> {
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
            ops.op(&[1.0, 0.0, 0.0, 1.0, *x, *y], "Tm");
            match faces.embedded(style.font) {
                None => ops.string(&text.iter().map(|&code| code as u8).collect::<Vec<u8>>()),
                Some(_) => {
                    let map = match style.font {
                        Font::Regular => &glyph_maps.regular,
                        Font::Bold => &glyph_maps.bold,
                    };
                    ops.glyphs(text.iter().map(|glyph| map.get(glyph).copied().unwrap_or(0)))
                }
            };
            ops.op(&[], "Tj");
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

    /// Two-byte glyph ids as a hex string, as an `Identity-H` font reads them.
    fn glyphs(&mut self, glyphs: impl Iterator<Item = u16>) -> &mut Self {
        self.0.push(b'<');
        for glyph in glyphs {
            self.0.extend_from_slice(format!("{glyph:04X}").as_bytes());
        }
        self.0.extend_from_slice(b"> ");
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
