//! Export rules: formats, file names, write-once object keys, limits.

use crate::platform::error::{AppError, FieldError};
use crate::platform::input::parse_json;
use crate::platform::time::Timestamp;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Seed 002 hardening: PDF and SCORM builds per user per blueprint per 10 minutes (exports
/// that reuse an existing file, and Markdown/JSON, are not counted).
pub const COSTLY_BUILDS: crate::platform::rate_limit::RateRule = crate::platform::rate_limit::RateRule { limit: 3, window_secs: 10 * 60 };

/// Seed 002 hardening: a blueprint whose JSON is larger than this is refused before any work.
pub const MAX_BLUEPRINT_BYTES: usize = 5 * 1024 * 1024;

/// The version an export is for: the one asked for, else the latest completed (409 when no
/// version is completed yet).
pub fn resolve_version(requested: Option<i64>, latest_completed: i64) -> Result<i64, AppError> {
    match requested {
        Some(version) => Ok(version),
        None if latest_completed >= 1 => Ok(latest_completed),
        None => Err(AppError::conflict("This blueprint has no completed version to export yet")),
    }
}

/// Refuses (413) a blueprint document too large to export, before any work is done.
pub fn check_size(blueprint_json_bytes: usize) -> Result<(), AppError> {
    if blueprint_json_bytes > MAX_BLUEPRINT_BYTES {
        Err(AppError::payload_too_large(MAX_BLUEPRINT_BYTES))
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Json,
    Pdf,
    Scorm,
}

impl ExportFormat {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "markdown" => Ok(ExportFormat::Markdown),
            "json" => Ok(ExportFormat::Json),
            "pdf" => Ok(ExportFormat::Pdf),
            "scorm" => Ok(ExportFormat::Scorm),
            _ => Err(FieldError::new("format", "must be one of markdown, json, pdf, scorm")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "markdown",
            ExportFormat::Json => "json",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Scorm => "scorm",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Json => "json",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Scorm => "zip",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "text/markdown; charset=utf-8",
            ExportFormat::Json => "application/json; charset=utf-8",
            ExportFormat::Pdf => "application/pdf",
            ExportFormat::Scorm => "application/zip",
        }
    }

    /// Building these costs real CPU: they are rate limited (3 per user per blueprint per 10
    /// minutes). Markdown and JSON are the stored artefacts and cost nothing.
    pub fn is_costly(self) -> bool {
        matches!(self, ExportFormat::Pdf | ExportFormat::Scorm)
    }
}

/// The paper a PDF export is set on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageSize {
    A4,
    Letter,
}

impl PageSize {
    /// Width and height in whole points (1/72 inch); A4's 595.28 × 841.89 rounds to the
    /// 595 × 842 that viewers and printers recognise as A4.
    pub fn dimensions(self) -> (i32, i32) {
        match self {
            PageSize::A4 => (595, 842),
            PageSize::Letter => (612, 792),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    pub format: ExportFormat,
    /// A completed version; `None` is the latest.
    pub version: Option<i64>,
    /// PDF only: A4 (default) or US Letter.
    pub page_size: Option<PageSize>,
}

impl ExportRequest {
    /// What distinguishes two files of one version and format: the PDF page size.
    pub fn variant(&self) -> &'static str {
        match (self.format, self.page_size) {
            (ExportFormat::Pdf, Some(PageSize::Letter)) => "letter",
            (ExportFormat::Pdf, _) => "a4",
            _ => "",
        }
    }
}

pub fn parse_request(body: &[u8]) -> Result<ExportRequest, AppError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Raw {
        format: String,
        version: Option<i64>,
        page_size: Option<String>,
    }
    let raw: Raw = parse_json(body)?;
    let mut errors = Vec::new();
    let format = ExportFormat::parse(&raw.format).map_err(|e| errors.push(e)).ok();
    if raw.version.is_some_and(|v| v < 1) {
        errors.push(FieldError::new("version", "must be a version number from 1"));
    }
    let page_size = match (raw.page_size.as_deref(), format) {
        (None, _) => None,
        (Some("a4"), Some(ExportFormat::Pdf)) => Some(PageSize::A4),
        (Some("letter"), Some(ExportFormat::Pdf)) => Some(PageSize::Letter),
        (Some(_), Some(ExportFormat::Pdf)) => {
            errors.push(FieldError::new("pageSize", "must be a4 or letter"));
            None
        }
        (Some(_), _) => {
            errors.push(FieldError::new("pageSize", "applies to pdf exports only"));
            None
        }
    };
    match format {
        Some(format) if errors.is_empty() => Ok(ExportRequest { format, version: raw.version, page_size }),
        _ => Err(AppError::invalid_fields(errors)),
    }
}

/// The write-once object key of one version in one format: the same inputs always name the
/// same object, so an export is built once and reused, never overwritten.
pub fn object_key(blueprint_id: &str, version: i64, format: ExportFormat, variant: &str) -> String {
    let name = if variant.is_empty() { format.as_str().to_string() } else { format!("{}-{variant}", format.as_str()) };
    format!("{}v{version}/{name}.{}", blueprint_prefix(blueprint_id), format.extension())
}

/// Where every export file of one blueprint lives (deleted with the blueprint).
pub fn blueprint_prefix(blueprint_id: &str) -> String {
    format!("exports/{blueprint_id}/")
}

/// `title_vN_YYYYMMDDTHHMMSSZ.ext`, the title slugged to ASCII letters, digits and dashes
/// (accents folded, everything else a dash), at most 60 characters.
pub fn filename(title: &str, version: i64, created: Timestamp, format: ExportFormat) -> String {
    format!("{}_v{version}_{}.{}", slug(title), created.compact(), format.extension())
}

fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() { "blueprint".to_string() } else { trimmed.to_string() }
}

/// Latin letters with diacritics to their base letter (enough for file names).
fn fold_accent(c: char) -> Vec<char> {
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => 'A',
        'ç' | 'č' | 'ć' => 'c',
        'Ç' | 'Č' | 'Ć' => 'C',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => 'E',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => 'I',
        'ñ' | 'ń' | 'ň' => 'n',
        'Ñ' | 'Ń' | 'Ň' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => 'O',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' => 'U',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ß' => return vec!['s', 's'],
        'æ' => return vec!['a', 'e'],
        'œ' => return vec!['o', 'e'],
        other => other,
    };
    vec![base]
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `Content-Disposition` for a download: an ASCII `filename` and the exact `filename*`.
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' { c } else { '_' }).collect();
    let encoded: String = filename
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_name_bad_fields() {
        assert_eq!(parse_request(br#"{"format":"markdown"}"#).unwrap(), ExportRequest { format: ExportFormat::Markdown, version: None, page_size: None });
        let pdf = parse_request(br#"{"format":"pdf","version":2,"pageSize":"letter"}"#).unwrap();
        assert_eq!((pdf.version, pdf.variant()), (Some(2), "letter"));
        assert_eq!(parse_request(br#"{"format":"pdf"}"#).unwrap().variant(), "a4");
        assert_eq!(parse_request(br#"{"format":"json","pageSize":"a4"}"#).unwrap_err().details.unwrap()[0]["field"], "pageSize");
        let error = parse_request(br#"{"format":"docx","version":0}"#).unwrap_err();
        let fields: Vec<_> = error.details.unwrap().as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
        assert_eq!(fields, ["format", "version"]);
    }

    #[test]
    fn filenames_are_safe_and_deterministic() {
        let created = Timestamp::parse_iso8601("2026-11-22T18:40:58.123Z").unwrap();
        assert_eq!(filename("Sales Onboarding: Q3 / Pricing", 2, created, ExportFormat::Pdf), "sales-onboarding-q3-pricing_v2_20261122T184058Z.pdf");
        assert_eq!(filename("Cours d'été — Éducation", 1, created, ExportFormat::Markdown), "cours-d-ete-education_v1_20261122T184058Z.md");
        assert_eq!(filename("日本語", 1, created, ExportFormat::Scorm), "blueprint_v1_20261122T184058Z.zip");
        assert_eq!(filename("../../etc/passwd", 1, created, ExportFormat::Json), "etc-passwd_v1_20261122T184058Z.json");
        assert!(filename(&"long title ".repeat(20), 1, created, ExportFormat::Json).len() < 90);
    }

    #[test]
    fn keys_are_one_per_version_and_format() {
        assert_eq!(object_key("b1", 3, ExportFormat::Scorm, ""), "exports/b1/v3/scorm.zip");
        assert_eq!(object_key("b1", 3, ExportFormat::Pdf, "letter"), "exports/b1/v3/pdf-letter.pdf");
        assert_ne!(object_key("b1", 3, ExportFormat::Pdf, "a4"), object_key("b1", 4, ExportFormat::Pdf, "a4"));
    }

    #[test]
    fn content_disposition_quotes_and_encodes() {
        assert_eq!(content_disposition("a_v1.md"), "attachment; filename=\"a_v1.md\"; filename*=UTF-8''a_v1.md");
        assert!(content_disposition("x\"y.md").contains("filename=\"x_y.md\""));
    }

    #[test]
    fn the_latest_completed_version_is_the_default() {
        assert_eq!(resolve_version(Some(2), 5).unwrap(), 2);
        assert_eq!(resolve_version(None, 5).unwrap(), 5);
        assert_eq!(resolve_version(None, 0).unwrap_err().status(), 409);
    }

    #[test]
    fn oversized_blueprints_are_413() {
        assert!(check_size(MAX_BLUEPRINT_BYTES).is_ok());
        let error = check_size(MAX_BLUEPRINT_BYTES + 1).unwrap_err();
        assert_eq!(error.status(), 413);
        assert_eq!(error.details.unwrap()["limitBytes"], MAX_BLUEPRINT_BYTES);
    }

    #[test]
    fn hashes() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
