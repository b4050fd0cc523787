//! A course blueprint as a PDF: a title page (title, overview, the version label), then the
//! learning objectives, every module with its objectives, activities and assessments, the
//! timeline and the resources, with "Page N of M" at the foot of every page.
//!
//! Western European text (é è à ü ö ß ñ ç …, € and typographic quotes and dashes) is set in
//! the standard Helvetica fonts every viewer has, so nothing is embedded and the file stays
//! small. A blueprint with other characters (Polish, Czech, Turkish, Greek, Cyrillic …) is set
//! in a TrueType pair the caller supplies, embedded cut down to the glyphs used (see `faces`);
//! without one, such characters print as `?`. Lines are broken by the fonts' real glyph widths
//! and pages wherever the text reaches the bottom margin. The same blueprint and fonts always
//! give the same bytes: the file holds no date and no random `/ID`.

mod faces;
mod layout;
mod winansi;
mod write;

pub use faces::TrueTypePair;

use domain::blueprint::document::{Blueprint, Module};
use domain::blueprint::duration::format_duration;
use domain::blueprint::exports::PageSize;
use faces::Faces;
use layout::{Block, Frame, Mark, Page, Style};
use winansi::Font;

/// The blueprint as a PDF document on `page`-sized paper, in the standard faces. 
/// `generated_label` (such as "Version 3 · 2026-11-22") is shown on the title page; blank, it
/// is left out.
pub fn render(blueprint: &Blueprint, page: PageSize, generated_label: &str) -> Vec<u8> {
    render_with(blueprint, page, generated_label, None)
}

/// Like [`render`], set in `fonts` when they are given and readable (an unreadable pair falls
/// back to the standard faces rather than failing the export).
pub fn render_with(blueprint: &Blueprint, page: PageSize, generated_label: &str, fonts: Option<TrueTypePair>) -> Vec<u8> {
    let faces = Faces::new(fonts).unwrap_or(Faces::Standard);
    let (width, height) = page.dimensions();
    let (page_width, page_height) = (width as f32, height as f32);
    let frame = Frame { left: SIDE_MARGIN, right: page_width - SIDE_MARGIN, top: page_height - TOP_MARGIN, bottom: BOTTOM_MARGIN };
    let mut blocks = title_page(blueprint, generated_label, frame, &faces);
    let contents = contents(blueprint, &faces);
    if !contents.is_empty() {
        blocks.push(Block::PageBreak);
        blocks.extend(contents);
    }
    let mut pages = layout::paginate(&blocks, frame, &faces);
    number_pages(&mut pages, page_width, &faces);
    write::document(&pages, width, height, &course_title(blueprint), &faces)
}

/// Whether the blueprint (or the label) has characters the standard faces cannot show, so
/// that a TrueType pair is worth loading for it.
pub fn needs_embedded_fonts(blueprint: &Blueprint, generated_label: &str) -> bool {
    let resources = blueprint.resources.as_deref().unwrap_or_default();
    let lists = blueprint.learning_objectives.iter().chain(resources).map(String::as_str);
    let modules = blueprint.modules.iter().flat_map(|module| {
        std::iter::once(module.title.as_str()).chain([&module.objectives, &module.activities, &module.assessments].into_iter().flatten().map(String::as_str))
    });
    let texts = [blueprint.title.as_str(), blueprint.overview.as_str(), blueprint.timeline.as_deref().unwrap_or_default(), generated_label]
        .into_iter()
        .chain(lists)
        .chain(modules);
    !faces::standard_faces_suffice(texts)
}

// ---------------------------------------------------------------------------------------------
// Page and type

/// About 2 cm at the sides; more at the bottom, where the page number sits.
const SIDE_MARGIN: f32 = 56.0;
const TOP_MARGIN: f32 = 60.0;
const BOTTOM_MARGIN: f32 = 64.0;
/// The baseline of the page number, from the bottom edge.
const FOOTER_BASELINE: f32 = 34.0;

const fn style(font: Font, size: f32, leading: f32, gray: f32) -> Style {
    Style { font, size, leading, gray }
}

const TITLE: Style = style(Font::Bold, 26.0, 32.0, 0.0);
const OVERVIEW: Style = style(Font::Regular, 12.0, 17.0, 0.0);
const LABEL: Style = style(Font::Regular, 10.0, 14.0, 0.35);
const SECTION: Style = style(Font::Bold, 18.0, 24.0, 0.0);
const MODULE: Style = style(Font::Bold, 13.5, 18.0, 0.0);
const LIST_LABEL: Style = style(Font::Bold, 11.0, 15.0, 0.25);
const BODY: Style = style(Font::Regular, 11.0, 15.0, 0.0);
const FOOTER: Style = style(Font::Regular, 9.0, 12.0, 0.4);

/// Space above a section heading, a module heading, a list label, a list item, a paragraph.
const SECTION_GAP: f32 = 20.0;
const MODULE_GAP: f32 = 14.0;
const LIST_LABEL_GAP: f32 = 6.0;
const ITEM_GAP: f32 = 2.0;
const PARAGRAPH_GAP: f32 = 8.0;
/// Where a list item's text starts, right of its bullet.
const ITEM_HANG: f32 = 14.0;
/// The title sits this far down the first page, as a title page's does.
const TITLE_DROP: f32 = 0.2;

const BULLET: &str = "\u{2022}";
/// The title used when a blueprint has none worth showing, as in the Markdown export.
const UNTITLED: &str = "Course blueprint";

// ---------------------------------------------------------------------------------------------
// Content

/// Title, a rule, the overview and the label, starting a fifth of the way down the page.
fn title_page(blueprint: &Blueprint, generated_label: &str, frame: Frame, faces: &Faces) -> Vec<Block> {
    let mut blocks = vec![Block::Gap((frame.top - frame.bottom) * TITLE_DROP)];
    blocks.push(paragraph(&course_title(blueprint), TITLE, 0.0, false, faces));
    blocks.push(Block::Rule { space_before: 10.0, space_after: 18.0 });
    blocks.extend(text_blocks(&blueprint.overview, OVERVIEW, faces));
    blocks.extend(Some(layout::words(faces, LABEL.font, generated_label)).filter(|words| !words.is_empty()).map(|words| Block::Paragraph {
        words,
        style: LABEL,
        indent: 0.0,
        space_before: 28.0,
        keep_with_next: false,
    }));
    blocks
}

/// Everything after the title page; empty sections are left out.
fn contents(blueprint: &Blueprint, faces: &Faces) -> Vec<Block> {
    let mut blocks = Vec::new();
    let objectives = bullet_list(&blueprint.learning_objectives, faces);
    if !objectives.is_empty() {
        blocks.push(heading("Learning objectives", SECTION, SECTION_GAP, faces));
        blocks.extend(objectives);
    }
    if !blueprint.modules.is_empty() {
        blocks.push(heading("Modules", SECTION, SECTION_GAP, faces));
        blocks.push(paragraph(&format!("Total duration: {}", format_duration(blueprint.total_minutes())), BODY, 0.0, false, faces));
        for (index, module) in blueprint.modules.iter().enumerate() {
            blocks.extend(module_blocks(index + 1, module, faces));
        }
    }
    let timeline = blueprint.timeline.as_deref().map(|text| text_blocks(text, BODY, faces)).unwrap_or_default();
    if !timeline.is_empty() {
        blocks.push(heading("Timeline", SECTION, SECTION_GAP, faces));
        blocks.extend(timeline);
    }
    let resources = blueprint.resources.as_deref().map(|items| bullet_list(items, faces)).unwrap_or_default();
    if !resources.is_empty() {
        blocks.push(heading("Resources", SECTION, SECTION_GAP, faces));
        blocks.extend(resources);
    }
    blocks
}

/// "1. Title (90 min)" and its labelled lists.
fn module_blocks(number: usize, module: &Module, faces: &Faces) -> Vec<Block> {
    let title = Some(one_line(&module.title)).filter(|title| !title.is_empty()).unwrap_or_else(|| format!("Module {number}"));
    let mut blocks = vec![heading(&format!("{number}. {title} ({} min)", module.duration_minutes), MODULE, MODULE_GAP, faces)];
    for (label, items) in [("Objectives", &module.objectives), ("Activities", &module.activities), ("Assessments", &module.assessments)] {
        let list = bullet_list(items, faces);
        if !list.is_empty() {
            blocks.push(heading(label, LIST_LABEL, LIST_LABEL_GAP, faces));
            blocks.extend(list);
        }
    }
    blocks
}

/// The course title on one line, or `UNTITLED`.
fn course_title(blueprint: &Blueprint) -> String {
    Some(one_line(&blueprint.title)).filter(|title| !title.is_empty()).unwrap_or_else(|| UNTITLED.to_string())
}

/// Text with every run of whitespace, line breaks included, folded to one space and other
/// control characters dropped, as the Markdown export shows it.
fn one_line(text: &str) -> String {
    let visible: String = text.chars().filter(|c| !c.is_control() || c.is_whitespace()).collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A heading stays on the page of the line that follows it.
fn heading(text: &str, style: Style, space_before: f32, faces: &Faces) -> Block {
    paragraph(text, style, space_before, true, faces)
}

fn paragraph(text: &str, style: Style, space_before: f32, keep_with_next: bool, faces: &Faces) -> Block {
    Block::Paragraph { words: layout::words(faces, style.font, text), style, indent: 0.0, space_before, keep_with_next }
}

/// One bulleted item per item with any text.
fn bullet_list(items: &[String], faces: &Faces) -> Vec<Block> {
    let marker = faces.encode(BODY.font, BULLET);
    items
        .iter()
        .map(|item| layout::words(faces, BODY.font, item))
        .filter(|words| !words.is_empty())
        .map(|words| Block::Item { marker: marker.clone(), words, style: BODY, indent: 0.0, hang: ITEM_HANG, space_before: ITEM_GAP })
        .collect()
}

/// Text that may span lines: each of its lines starts a new line on the page, and blank lines
/// leave a gap.
fn text_blocks(text: &str, style: Style, faces: &Faces) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut gap = 0.0;
    for line in text.lines() {
        let words = layout::words(faces, style.font, line);
        if words.is_empty() {
            if !blocks.is_empty() {
                gap = PARAGRAPH_GAP;
            }
            continue;
        }
        blocks.push(Block::Paragraph { words, style, indent: 0.0, space_before: gap, keep_with_next: false });
        gap = 0.0;
    }
    blocks
}

/// "Page N of M", centred at the foot of every page.
fn number_pages(pages: &mut [Page], page_width: f32, faces: &Faces) {
    let count = pages.len();
    for (index, page) in pages.iter_mut().enumerate() {
        let text = faces.encode(FOOTER.font, &format!("Page {} of {count}", index + 1));
        let x = (page_width - faces.width(FOOTER.font, &text, FOOTER.size)) / 2.0;
        page.marks.push(Mark::Text { style: FOOTER, x, y: FOOTER_BASELINE, text });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    fn module(title: &str, minutes: u32) -> Module {
        Module {
            title: title.into(),
            duration_minutes: minutes,
            objectives: strings(&["Explain the pricing tiers to a new customer", "Build a quote"]),
            activities: strings(&["Walkthrough of the price list", "Pair practice with feedback from a coach"]),
            assessments: strings(&["Quiz"]),
        }
    }

    fn small() -> Blueprint {
        Blueprint {
            title: "Sales onboarding".into(),
            overview: "Get new reps quoting confidently.\n\nA second paragraph.".into(),
            learning_objectives: strings(&["Explain the pricing tiers", "Build a quote"]),
            modules: vec![module("Pricing basics", 90), module("Quoting", 60)],
            timeline: Some("Two half-days.".into()),
            resources: Some(strings(&["Price list"])),
        }
    }

    /// 40 modules with accented titles: several pages of content.
    fn accented() -> Blueprint {
        let titles = ["Grüße aus München", "Niño y niña", "Déjà vu à la française", "Ça coûte 5 €"];
        Blueprint {
            title: "Éducation financière".into(),
            overview: "Un cours pour apprendre à gérer son budget — sans stress.".into(),
            learning_objectives: strings(&["Comprendre l'épargne", "Planifier des dépenses"]),
            modules: (0..40).map(|index| module(&format!("Modul {} – {}", index + 1, titles[index % titles.len()]), 30 + index as u32)).collect(),
            timeline: Some("Woche 1: Grundlagen\nWoche 2: Übungen".into()),
            resources: Some(strings(&["Taschenrechner", "Cuaderno de ejercicios"])),
        }
    }

    /// The text `pdftotext` reads from the PDF, or `None` when the tool is not installed.
    fn pdftotext(pdf: &[u8], name: &str) -> Option<String> {
        let path = std::env::temp_dir().join(format!("render-pdf-{name}-{}.pdf", std::process::id()));
        std::fs::write(&path, pdf).unwrap();
        let output = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(&path).arg("-").output();
        let _ = std::fs::remove_file(&path);
        let output = output.ok()?;
        assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
        Some(String::from_utf8(output.stdout).unwrap())
    }

    /// ASCII text as standard-face codes.
    fn codes(text: &str) -> Vec<u16> {
        text.bytes().map(u16::from).collect()
    }

    /// M in "Page 1 of M".
    fn page_count(text: &str) -> usize {
        let rest = &text[text.find("Page 1 of ").unwrap() + "Page 1 of ".len()..];
        rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
    }

    #[test]
    fn pdf_is_a_complete_file() {
        for size in [PageSize::A4, PageSize::Letter] {
            let pdf = render(&small(), size, "Version 3 · 2026-11-22");
            assert!(pdf.starts_with(b"%PDF-"));
            assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        }
        let a4 = render(&small(), PageSize::A4, "");
        assert!(String::from_utf8_lossy(&a4).contains("/MediaBox[0 0 595 842]"));
        let letter = render(&small(), PageSize::Letter, "");
        let letter = String::from_utf8_lossy(&letter);
        assert!(letter.contains("/MediaBox[0 0 612 792]"));
        assert!(letter.contains("/BaseFont/Helvetica-Bold/Encoding/WinAnsiEncoding"));
    }

    #[test]
    fn pdf_is_deterministic() {
        let blueprint = accented();
        let first = render(&blueprint, PageSize::A4, "Version 3 · 2026-11-22");
        assert_eq!(render(&blueprint, PageSize::A4, "Version 3 · 2026-11-22"), first);
        let text = String::from_utf8_lossy(&first);
        for varying in ["/ID", "/CreationDate", "/ModDate"] {
            assert!(!text.contains(varying), "{varying}");
        }
        assert_ne!(render(&blueprint, PageSize::Letter, "Version 3 · 2026-11-22"), first);
    }

    #[test]
    fn pdf_text_reads_back_with_accents_and_page_numbers() {
        let blueprint = accented();
        let Some(text) = pdftotext(&render(&blueprint, PageSize::A4, "Version 3 · 2026-11-22"), "accented") else {
            return;
        };
        for expected in ["Éducation financière", "Version 3 · 2026-11-22", "gérer son budget — sans stress", "Learning objectives", "Comprendre l'épargne"] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
        for (index, module) in blueprint.modules.iter().enumerate() {
            let heading = format!("{}. {} ({} min)", index + 1, module.title, module.duration_minutes);
            assert!(text.contains(&heading), "{heading} missing from:\n{text}");
        }
        for expected in ["Grüße aus München", "Niño", "Déjà vu à la française", "Ça coûte 5 €", "Woche 2: Übungen", "Cuaderno de ejercicios"] {
            assert!(text.contains(expected), "{expected}");
        }
        let total = format_duration(blueprint.total_minutes());
        assert!(text.contains(&format!("Total duration: {total}")));
        let pages = page_count(&text);
        assert!(pages > 2, "{pages} pages");
        // pdftotext ends every page with a form feed.
        assert_eq!(text.matches('\u{c}').count(), pages);
        for number in 1..=pages {
            assert!(text.contains(&format!("Page {number} of {pages}")), "page {number}");
        }
    }

    #[test]
    fn pdf_breaks_a_word_longer_than_a_line() {
        let word = "x".repeat(300);
        let mut blueprint = small();
        blueprint.title = word.clone();
        blueprint.modules[0].objectives.push(word.clone());
        let pdf = render(&blueprint, PageSize::Letter, "");
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        if let Some(text) = pdftotext(&pdf, "long-word") {
            let unbroken: String = text.split_whitespace().collect();
            assert_eq!(unbroken.matches(&word).count(), 2, "every letter is kept");
        }

        let width = 200.0;
        let faces = Faces::Standard;
        let lines = layout::wrap(&layout::words(&faces, Font::Regular, &format!("short {word} tail")), &faces, Font::Regular, 11.0, width);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|line| faces.width(Font::Regular, line, 11.0) <= width));
        assert_eq!(lines.concat(), codes(&format!("short{word} tail")), "nothing lost; the word's last piece shares its line");
    }

    #[test]
    fn pdf_lines_fit_the_margins() {
        let faces = Faces::Standard;
        let words = layout::words(&faces, Font::Bold, &"The quick brown fox jumps over the lazy dog, déjà vu, über alles. ".repeat(30));
        let width = 483.0;
        let lines = layout::wrap(&words, &faces, Font::Bold, 13.5, width);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(faces.width(Font::Bold, line, 13.5) <= width);
        }
        let space = u16::from(b' ');
        assert_eq!(lines.join(&space), words.join(&space), "words kept in order, one space between");
        assert!(layout::wrap(&[], &faces, Font::Regular, 11.0, width).is_empty());
    }

    #[test]
    fn pdf_glyph_widths_are_helvetica() {
        // Helvetica's AFM: H 722, e 556, l 222, o 556; Helvetica-Bold: H 722, e 556, l 278, o 611.
        assert!((Font::Regular.text_width(b"Hello", 10.0) - 22.78).abs() < 0.001);
        assert!((Font::Bold.text_width(b"Hello", 10.0) - 24.45).abs() < 0.001);
        assert_eq!(Font::Regular.text_width(&winansi::encode("é"), 1000.0), Font::Regular.text_width(b"e", 1000.0));
        assert_eq!(Font::Regular.text_width(&winansi::encode("ß"), 1000.0), 611.0);
    }

    #[test]
    fn pdf_text_outside_win_ansi_becomes_a_question_mark() {
        assert_eq!(winansi::encode("Grüße ñ ç"), b"Gr\xfc\xdfe \xf1 \xe7");
        assert_eq!(winansi::encode("€ – — … • “ ” Œ"), b"\x80 \x96 \x97 \x85 \x95 \x93 \x94 \x8c");
        assert_eq!(winansi::encode("日本 😀 ő"), b"?? ? ?");
        assert_eq!(winansi::encode("a\u{0}b\u{1b}c\u{ad}d"), b"abcd", "control characters and soft hyphens show nothing");
        let words = |text: &str| layout::words(&Faces::Standard, Font::Regular, text);
        assert_eq!(words(" two\u{3000}words\r\n\tand\u{2028}more "), [codes("two"), codes("words"), codes("and"), codes("more")]);
        let bytes = |raw: &[u8]| raw.iter().map(|&b| u16::from(b)).collect::<Vec<u16>>();
        assert_eq!(words("5\u{a0}€ « oui\u{202f}»"), [bytes(b"5\xa0\x80"), bytes(b"\xab"), bytes(b"oui\xa0\xbb")], "no-break spaces hold words together");
    }

    /// DejaVu Sans and Sans Bold from the npm package the UI build ships them from, or `None`
    /// before `npm ci` has run.
    fn dejavu() -> Option<(Vec<u8>, Vec<u8>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/dejavu-fonts-ttf/ttf");
        Some((std::fs::read(dir.join("DejaVuSans.ttf")).ok()?, std::fs::read(dir.join("DejaVuSans-Bold.ttf")).ok()?))
    }

    fn multilingual() -> Blueprint {
        let mut blueprint = small();
        blueprint.title = "Zażółć gęślą jaźń — Příliš žluťoučký kůň".into();
        blueprint.overview = "Курс для новых сотрудников. Ελληνικά για αρχάριους. Türkçe öğreniyoruz.".into();
        blueprint.modules[0].title = "Świadome negocjacje".into();
        blueprint.modules[1].objectives = strings(&["Объяснить тарифы клиенту", "日本語 is not in the font"]);
        blueprint
    }

    #[test]
    fn pdf_knows_when_the_standard_faces_are_not_enough() {
        assert!(!needs_embedded_fonts(&accented(), "Version 3 · 2026-11-22"), "Western European text needs no font");
        assert!(needs_embedded_fonts(&multilingual(), ""));
        let mut one_letter = small();
        one_letter.modules[1].assessments = strings(&["Quiz — część 2"]);
        assert!(needs_embedded_fonts(&one_letter, ""), "one character deep in a module is enough");
        assert!(needs_embedded_fonts(&small(), "Wersja 3 · środa"), "the label counts too");
    }

    #[test]
    fn pdf_embeds_a_subset_font_for_text_beyond_win_ansi() {
        let Some((regular, bold)) = dejavu() else {
            eprintln!("skipped: node_modules/dejavu-fonts-ttf is not installed (npm ci)");
            return;
        };
        let fonts = Some(TrueTypePair { regular: &regular, bold: &bold });
        let blueprint = multilingual();
        let pdf = render_with(&blueprint, PageSize::A4, "Wersja 3 · 2026-11-22", fonts);
        if let Ok(path) = std::env::var("PDF_SAMPLE") {
            std::fs::write(path, &pdf).unwrap();
        }
        assert_eq!(render_with(&blueprint, PageSize::A4, "Wersja 3 · 2026-11-22", fonts), pdf, "deterministic");
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/Identity-H") && raw.contains("/FontFile2") && raw.contains("/ToUnicode"));
        assert!(raw.contains("+DejaVuSans-Bold"), "a tagged subset of the bold face");
        assert!(pdf.len() < regular.len() / 4, "only the glyphs used are embedded: {} bytes", pdf.len());
        let Some(text) = pdftotext(&pdf, "multilingual") else {
            return;
        };
        for expected in [
            "Zażółć gęślą jaźń — Příliš",
            "žluťoučký kůň",
            "Курс для новых сотрудников.",
            "Ελληνικά για αρχάριους.",
            "Türkçe öğreniyoruz.",
            "1. Świadome negocjacje (90 min)",
            "Объяснить тарифы клиенту",
            "Wersja 3 · 2026-11-22",
            "Page 1 of",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
        assert!(text.contains("??? is not in the font"), "a character the font lacks is a question mark:\n{text}");
    }

    #[test]
    fn pdf_with_an_unreadable_font_falls_back_to_the_standard_faces() {
        let garbage = b"not a font at all".to_vec();
        let pdf = render_with(&multilingual(), PageSize::A4, "", Some(TrueTypePair { regular: &garbage, bold: &garbage }));
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/BaseFont/Helvetica/Encoding/WinAnsiEncoding"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
    }

    #[test]
    fn pdf_headings_stay_with_their_first_line() {
        let frame = Frame { left: 0.0, right: 400.0, top: 100.0, bottom: 0.0 };
        let faces = Faces::Standard;
        let filler = |lines: usize| (0..lines).map(|_| paragraph("filler", BODY, 0.0, false, &faces));
        // Five 15-point lines leave 25 points: room for the 18-point heading, not for the
        // line after it.
        let mut blocks: Vec<Block> = filler(5).collect();
        blocks.push(heading("Heading", MODULE, 0.0, &faces));
        blocks.extend(filler(1));
        let pages = layout::paginate(&blocks, frame, &faces);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].marks.len(), 5);
        assert!(matches!(&pages[1].marks[0], Mark::Text { text, .. } if *text == codes("Heading")));
        assert!(pages.iter().flat_map(|page| &page.marks).all(|mark| matches!(mark, Mark::Text { y, .. } if *y > frame.bottom && *y < frame.top)));
    }

    #[test]
    fn pdf_of_odd_blueprints_never_panics() {
        let long = "é日😀 ".repeat(5_000);
        let odd = Blueprint {
            title: "\u{0}\u{1b}[31m".into(),
            overview: long.clone(),
            learning_objectives: vec![],
            modules: vec![
                Module { title: String::new(), duration_minutes: u32::MAX, objectives: vec![], activities: vec![" ".into()], assessments: vec![] },
                Module { title: long.clone(), duration_minutes: 1, objectives: strings(&["\r\n\r"]), activities: vec![], assessments: vec![] },
            ],
            timeline: Some("\r".into()),
            resources: Some(strings(&["\u{2028}", "１. full-width"])),
        };
        let pdf = render(&odd, PageSize::A4, " ");
        assert!(pdf.starts_with(b"%PDF-") && pdf.trim_ascii_end().ends_with(b"%%EOF"));
        let empty = Blueprint { title: " ".into(), overview: String::new(), learning_objectives: vec![], modules: vec![], timeline: None, resources: None };
        let pdf = render(&empty, PageSize::Letter, "");
        if let Some(text) = pdftotext(&pdf, "empty") {
            assert!(text.contains("Course blueprint") && text.contains("Page 1 of 1"), "{text}");
        }
    }
}
