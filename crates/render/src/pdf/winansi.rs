//! The one text encoding and the two fonts the PDF uses: WinAnsiEncoding with the standard
//! Helvetica and Helvetica-Bold, which every PDF viewer has built in. No font is embedded, which
//! keeps both the worker and each PDF small; the price is that only WinAnsi's characters (ASCII,
//! Latin-1 and a few typographic ones such as € – — ‘ ’ “ ” • …) can be shown, and every other
//! character is written as `?`.

/// The two faces the document is set in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Font {
    Regular,
    Bold,
}

impl Font {
    /// The PostScript name of the standard font.
    pub(super) fn base_font(self) -> &'static [u8] {
        match self {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
        }
    }

    /// Advance widths in thousandths of the font size, indexed from `FIRST_CODE`.
    pub(super) fn widths(self) -> &'static [u16; 224] {
        match self {
            Font::Regular => &HELVETICA_WIDTHS,
            Font::Bold => &HELVETICA_BOLD_WIDTHS,
        }
    }

    /// The width of WinAnsi-encoded text set at `size` points.
    #[cfg(test)]
    pub(super) fn text_width(self, text: &[u8], size: f32) -> f32 {
        // u64: a u32 sum would overflow on a single word of some four million letters.
        let thousandths: u64 = text.iter().map(|&code| u64::from(self.advance(code))).sum();
        thousandths as f32 * size / 1000.0
    }

    /// The advance width of `code`, in thousandths of the font size.
    pub(super) fn advance(self, code: u8) -> u16 {
        code.checked_sub(FIRST_CODE).map_or(0, |index| self.widths()[usize::from(index)])
    }
}

/// The first code with a glyph; the codes below it are control characters.
pub(super) const FIRST_CODE: u8 = 0x20;
pub(super) const LAST_CODE: u8 = 0xFF;

/// What a character WinAnsi cannot show is written as.
const REPLACEMENT: u8 = b'?';

/// One word of text in WinAnsiEncoding: characters outside it become `?`; control characters
/// and soft hyphens, which show nothing, are dropped.
pub(super) fn encode(text: &str) -> Vec<u8> {
    text.chars().filter(|&c| !c.is_control() && c != SOFT_HYPHEN).map(encode_char).collect()
}

pub(super) const SOFT_HYPHEN: char = '\u{AD}';

/// Whether WinAnsiEncoding has `c` (or shows nothing for it, as for control characters).
pub(super) fn can_show(c: char) -> bool {
    c.is_control() || c == SOFT_HYPHEN || encode_char(c) != REPLACEMENT || c == '?'
}

fn encode_char(c: char) -> u8 {
    match c {
        // ASCII and Latin-1's printable half are their own codes in WinAnsiEncoding.
        ' '..='~' | '\u{A0}'..='\u{FF}' => c as u8,
        // Hyphens and the minus sign Latin-1 lacks look the same as its hyphen-minus, and the
        // narrow and figure no-break spaces as its no-break space.
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' => b'-',
        '\u{202F}' | '\u{2007}' => 0xA0,
        _ => WIN_ANSI_EXTRAS.iter().find(|&&(extra, _)| extra == c).map_or(REPLACEMENT, |&(_, code)| code),
    }
}

// The tables below were generated, not typed: the widths are the `WX` values of the Adobe Core-14
// AFM files (Helvetica.afm, Helvetica-Bold.afm) shipped in the `pdf-core-14-font-afms` 0.1.1
// crate, each code's character is what Windows-1252 (WinAnsiEncoding) assigns it, and the glyph
// names were matched to characters through the Adobe Glyph List. As PDF's WinAnsiEncoding
// specifies, 0xA0 is drawn as a space and 0xAD as a hyphen. A zero is a code with no character.

/// The characters of WinAnsiEncoding's 0x80..=0x9F, where it differs from Latin-1.
const WIN_ANSI_EXTRAS: [(char, u8); 27] = [
    ('\u{20AC}', 0x80), ('\u{201A}', 0x82), ('\u{0192}', 0x83), ('\u{201E}', 0x84), ('\u{2026}', 0x85), ('\u{2020}', 0x86),
    ('\u{2021}', 0x87), ('\u{02C6}', 0x88), ('\u{2030}', 0x89), ('\u{0160}', 0x8A), ('\u{2039}', 0x8B), ('\u{0152}', 0x8C),
    ('\u{017D}', 0x8E), ('\u{2018}', 0x91), ('\u{2019}', 0x92), ('\u{201C}', 0x93), ('\u{201D}', 0x94), ('\u{2022}', 0x95),
    ('\u{2013}', 0x96), ('\u{2014}', 0x97), ('\u{02DC}', 0x98), ('\u{2122}', 0x99), ('\u{0161}', 0x9A), ('\u{203A}', 0x9B),
    ('\u{0153}', 0x9C), ('\u{017E}', 0x9E), ('\u{0178}', 0x9F),
];

#[rustfmt::skip]
const HELVETICA_WIDTHS: [u16; 224] = [
     278,  278,  355,  556,  556,  889,  667,  191,  333,  333,  389,  584,  278,  333,  278,  278, // 0x20: sp ! " # $ % & ' ( ) * + , - . /
     556,  556,  556,  556,  556,  556,  556,  556,  556,  556,  278,  278,  584,  584,  584,  556, // 0x30: 0 1 2 3 4 5 6 7 8 9 : ; < = > ?
    1015,  667,  667,  722,  722,  667,  611,  778,  722,  278,  500,  667,  556,  833,  722,  778, // 0x40: @ A B C D E F G H I J K L M N O
     667,  778,  722,  667,  611,  722,  667,  944,  667,  667,  611,  278,  278,  278,  469,  556, // 0x50: P Q R S T U V W X Y Z [ \ ] ^ _
     333,  556,  556,  500,  556,  556,  278,  556,  556,  222,  222,  500,  222,  833,  556,  556, // 0x60: ` a b c d e f g h i j k l m n o
     556,  556,  333,  500,  278,  556,  500,  722,  500,  500,  500,  334,  260,  334,  584,    0, // 0x70: p q r s t u v w x y z { | } ~ -
     556,    0,  222,  556,  333, 1000,  556,  556,  333, 1000,  667,  333, 1000,    0,  611,    0, // 0x80: € - ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ - Ž -
       0,  222,  222,  333,  333,  350,  556, 1000,  333, 1000,  500,  333,  944,    0,  500,  667, // 0x90: - ‘ ’ “ ” • – — ˜ ™ š › œ - ž Ÿ
     278,  333,  556,  556,  556,  556,  260,  556,  333,  737,  370,  556,  584,  333,  737,  333, // 0xA0: nbsp ¡ ¢ £ ¤ ¥ ¦ § ¨ © ª « ¬ shy ® ¯
     400,  584,  333,  333,  333,  556,  537,  278,  333,  333,  365,  556,  834,  834,  834,  611, // 0xB0: ° ± ² ³ ´ µ ¶ · ¸ ¹ º » ¼ ½ ¾ ¿
     667,  667,  667,  667,  667,  667, 1000,  722,  667,  667,  667,  667,  278,  278,  278,  278, // 0xC0: À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
     722,  722,  778,  778,  778,  778,  778,  584,  778,  722,  722,  722,  722,  667,  667,  611, // 0xD0: Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
     556,  556,  556,  556,  556,  556,  889,  500,  556,  556,  556,  556,  278,  278,  278,  278, // 0xE0: à á â ã ä å æ ç è é ê ë ì í î ï
     556,  556,  556,  556,  556,  556,  556,  584,  611,  556,  556,  556,  556,  500,  556,  500, // 0xF0: ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
];

#[rustfmt::skip]
const HELVETICA_BOLD_WIDTHS: [u16; 224] = [
     278,  333,  474,  556,  556,  889,  722,  238,  333,  333,  389,  584,  278,  333,  278,  278, // 0x20: sp ! " # $ % & ' ( ) * + , - . /
     556,  556,  556,  556,  556,  556,  556,  556,  556,  556,  333,  333,  584,  584,  584,  611, // 0x30: 0 1 2 3 4 5 6 7 8 9 : ; < = > ?
     975,  722,  722,  722,  722,  667,  611,  778,  722,  278,  556,  722,  611,  833,  722,  778, // 0x40: @ A B C D E F G H I J K L M N O
     667,  778,  722,  667,  611,  722,  667,  944,  667,  667,  611,  333,  278,  333,  584,  556, // 0x50: P Q R S T U V W X Y Z [ \ ] ^ _
     333,  556,  611,  556,  611,  556,  333,  611,  611,  278,  278,  556,  278,  889,  611,  611, // 0x60: ` a b c d e f g h i j k l m n o
     611,  611,  389,  556,  333,  611,  556,  778,  556,  556,  500,  389,  280,  389,  584,    0, // 0x70: p q r s t u v w x y z { | } ~ -
     556,    0,  278,  556,  500, 1000,  556,  556,  333, 1000,  667,  333, 1000,    0,  611,    0, // 0x80: € - ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ - Ž -
       0,  278,  278,  500,  500,  350,  556, 1000,  333, 1000,  556,  333,  944,    0,  500,  667, // 0x90: - ‘ ’ “ ” • – — ˜ ™ š › œ - ž Ÿ
     278,  333,  556,  556,  556,  556,  280,  556,  333,  737,  370,  556,  584,  333,  737,  333, // 0xA0: nbsp ¡ ¢ £ ¤ ¥ ¦ § ¨ © ª « ¬ shy ® ¯
     400,  584,  333,  333,  333,  611,  556,  278,  333,  333,  365,  556,  834,  834,  834,  611, // 0xB0: ° ± ² ³ ´ µ ¶ · ¸ ¹ º » ¼ ½ ¾ ¿
     722,  722,  722,  722,  722,  722, 1000,  722,  667,  667,  667,  667,  278,  278,  278,  278, // 0xC0: À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
     722,  722,  778,  778,  778,  778,  778,  584,  778,  722,  722,  722,  722,  667,  667,  611, // 0xD0: Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
     556,  556,  556,  556,  556,  556,  889,  556,  556,  556,  556,  556,  278,  278,  278,  278, // 0xE0: à á â ã ä å æ ç è é ê ë ì í î ï
     611,  611,  611,  611,  611,  611,  611,  584,  611,  611,  611,  611,  611,  556,  611,  556, // 0xF0: ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
];
