//! The faces a document is set in. By default the standard Helvetica pair, WinAnsi-encoded and
//! not embedded: small files, but only Western European text. When a blueprint needs more (Polish,
//! Czech, Turkish, Greek, Cyrillic …) and the caller supplies a TrueType pair, that pair is used
//! instead, addressed by glyph id and embedded cut down to the glyphs the document uses. A
//! character the font lacks shows as its `?`.

use super::winansi::{self, Font};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Text encoded for a face: WinAnsi codes for the standard faces, glyph ids for embedded ones.
pub(super) type Codes = Vec<u16>;

/// A regular and a bold TrueType font (the whole font files), for text WinAnsi cannot show.
#[derive(Clone, Copy)]
pub struct TrueTypePair<'a> {
    pub regular: &'a [u8],
    pub bold: &'a [u8],
}

pub(super) enum Faces<'a> {
    Standard,
    Embedded(Box<EmbeddedPair<'a>>),
}

pub(super) struct EmbeddedPair<'a> {
    regular: Embedded<'a>,
    bold: Embedded<'a>,
}

/// One embedded font, and the glyphs the document has used so far with the character each
/// shows (the PDF's ToUnicode map, which lets readers copy and search the text).
pub(super) struct Embedded<'a> {
    pub data: &'a [u8],
    pub face: ttf_parser::Face<'a>,
    replacement: u16,
    pub used: RefCell<BTreeMap<u16, char>>,
}

impl<'a> Embedded<'a> {
    fn parse(data: &'a [u8]) -> Result<Self, String> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|error| format!("unreadable font: {error}"))?;
        if face.tables().glyf.is_none() {
            return Err("not a TrueType-outline font".into());
        }
        let replacement = face.glyph_index('?').map_or(0, |glyph| glyph.0);
        Ok(Embedded { data, face, replacement, used: RefCell::new(BTreeMap::new()) })
    }

    fn glyph(&self, c: char) -> u16 {
        let glyph = self.face.glyph_index(c).map_or(self.replacement, |glyph| glyph.0);
        let shown = if glyph == self.replacement { '?' } else { c };
        self.used.borrow_mut().entry(glyph).or_insert(shown);
        glyph
    }

    /// The advance of `glyph` in thousandths of the font size.
    pub fn advance(&self, glyph: u16) -> f32 {
        let units = self.face.glyph_hor_advance(ttf_parser::GlyphId(glyph)).unwrap_or(0);
        f32::from(units) * 1000.0 / f32::from(self.face.units_per_em())
    }

    /// A length in font units, in thousandths of the font size.
    pub fn scaled(&self, units: i16) -> f32 {
        f32::from(units) * 1000.0 / f32::from(self.face.units_per_em())
    }
}

impl<'a> Faces<'a> {
    /// The TrueType pair when given and readable, else the standard faces.
    pub fn new(pair: Option<TrueTypePair<'a>>) -> Result<Self, String> {
        match pair {
            None => Ok(Faces::Standard),
            Some(pair) => Ok(Faces::Embedded(Box::new(EmbeddedPair { regular: Embedded::parse(pair.regular)?, bold: Embedded::parse(pair.bold)? }))),
        }
    }

    pub fn embedded(&self, font: Font) -> Option<&Embedded<'a>> {
        match (self, font) {
            (Faces::Standard, _) => None,
            (Faces::Embedded(pair), Font::Regular) => Some(&pair.regular),
            (Faces::Embedded(pair), Font::Bold) => Some(&pair.bold),
        }
    }

    /// One word (or any text) encoded for `font`. Control characters and soft hyphens, which
    /// show nothing, are dropped.
    pub fn encode(&self, font: Font, text: &str) -> Codes {
        match self.embedded(font) {
            None => winansi::encode(text).into_iter().map(u16::from).collect(),
            Some(embedded) => text.chars().filter(|&c| !c.is_control() && c != winansi::SOFT_HYPHEN).map(|c| embedded.glyph(c)).collect(),
        }
    }

    /// The width of `codes` set in `font` at `size` points.
    pub fn width(&self, font: Font, codes: &[u16], size: f32) -> f32 {
        let thousandths: f64 = match self.embedded(font) {
            // u8::try_from: a standard-face code is always a byte; anything else has no width.
            None => codes.iter().map(|&code| u8::try_from(code).map_or(0.0, |code| f64::from(font.advance(code)))).sum(),
            Some(embedded) => codes.iter().map(|&glyph| f64::from(embedded.advance(glyph))).sum(),
        };
        (thousandths * f64::from(size) / 1000.0) as f32
    }
}

/// Whether every character of `texts` can be shown by the standard faces.
pub fn standard_faces_suffice<'t>(texts: impl IntoIterator<Item = &'t str>) -> bool {
    texts.into_iter().all(|text| text.chars().all(winansi::can_show))
}
