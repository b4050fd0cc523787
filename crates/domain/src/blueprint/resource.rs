//! Blueprint resources: titles, and keyset pagination of a user's list.

use crate::platform::error::{AppError, FieldError};
use crate::platform::ids::BlueprintId;
use crate::platform::input::{bounded_text, parse_json};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;

pub const DEFAULT_TITLE: &str = "Untitled blueprint";
pub const DEFAULT_PAGE: u32 = 20;
pub const MAX_PAGE: u32 = 100;

#[derive(Deserialize)]
struct RawNewBlueprint {
    title: Option<String>,
}

/// `POST /api/blueprints {title?}`; an empty body is a blueprint with the default title.
pub fn parse_new_title(body: &[u8]) -> Result<String, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(DEFAULT_TITLE.to_string());
    }
    let raw: RawNewBlueprint = parse_json(body)?;
    match raw.title.as_deref().map(str::trim) {
        None | Some("") => Ok(DEFAULT_TITLE.to_string()),
        Some(title) => Ok(bounded_text("title", title, 1, 200)?),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRename {
    title: Option<String>,
}

/// `PATCH /api/blueprints/:id {title}`: the new working title, 1–200 characters once trimmed.
pub fn parse_rename(body: &[u8]) -> Result<String, AppError> {
    let raw: RawRename = parse_json(body)?;
    match raw.title.as_deref().map(str::trim) {
        None => Err(crate::platform::error::FieldError::new("title", "is required").into()),
        Some(title) => Ok(bounded_text("title", title, 1, 200)?),
    }
}

/// Where a page starts: after the row with this `(created_at, id)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: String,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.created_at, self.id))
    }

    fn decode(raw: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (created_at, id) = text.split_once('|')?;
        crate::platform::time::Timestamp::parse_iso8601(created_at)?;
        BlueprintId::parse(id).ok()?;
        Some(Cursor { created_at: created_at.to_string(), id: id.to_string() })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Cursor>,
}

/// `?limit=1..100&cursor=<opaque>` from the query pairs.
pub fn parse_page<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Result<PageRequest, AppError> {
    let mut page = PageRequest { limit: DEFAULT_PAGE, after: None };
    let mut errors = Vec::new();
    for (key, value) in pairs {
        match key {
            "limit" => match value.parse::<u32>() {
                Ok(limit) if (1..=MAX_PAGE).contains(&limit) => page.limit = limit,
                _ => errors.push(FieldError::new("limit", format!("must be an integer from 1 to {MAX_PAGE}"))),
            },
            "cursor" if !value.is_empty() => match Cursor::decode(value) {
                Some(cursor) => page.after = Some(cursor),
                None => errors.push(FieldError::new("cursor", "is not a cursor this API returned")),
            },
            _ => {}
        }
    }
    if errors.is_empty() { Ok(page) } else { Err(AppError::invalid_fields(errors)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_default_trim_and_limit() {
        assert_eq!(parse_new_title(b"").unwrap(), DEFAULT_TITLE);
        assert_eq!(parse_new_title(b"{}").unwrap(), DEFAULT_TITLE);
        assert_eq!(parse_new_title(br#"{"title":"  Sales onboarding "}"#).unwrap(), "Sales onboarding");
        let long = format!(r#"{{"title":"{}"}}"#, "x".repeat(201));
        assert_eq!(parse_new_title(long.as_bytes()).unwrap_err().details.unwrap()[0]["field"], "title");
        assert_eq!(parse_new_title(br#"{"title":7}"#).unwrap_err().details.unwrap()[0]["field"], "title");
    }

    #[test]
    fn a_rename_needs_a_title() {
        assert_eq!(parse_rename(r#"{"title":"  Négociation 2027 "}"#.as_bytes()).unwrap(), "Négociation 2027");
        for bad in [&br#"{}"#[..], br#"{"title":"   "}"#, br#"{"title":null}"#, br#"{"name":"x"}"#] {
            let error = parse_rename(bad).unwrap_err();
            assert_eq!(error.status(), 400, "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse_rename(br#"{"title":"   "}"#).unwrap_err().details.unwrap()[0]["field"], "title");
    }

    #[test]
    fn titles_lose_bidi_and_invisible_format_characters() {
        let spoofed = "{\"title\":\"Invoice \u{202E}fdp.exe\u{202C} \u{2066}2027\u{2069}\u{200E}\"}";
        assert_eq!(parse_rename(spoofed.as_bytes()).unwrap(), "Invoice fdp.exe 2027");
        assert_eq!(parse_new_title(spoofed.as_bytes()).unwrap(), "Invoice fdp.exe 2027");
        assert_eq!(parse_rename("{\"title\":\"\u{200F}\u{200B}\"}".as_bytes()).unwrap_err().details.unwrap()[0]["field"], "title");
        // Text that needs its joiners keeps them: an emoji sequence, Persian with ZWNJ.
        assert_eq!(parse_rename("{\"title\":\"Team \u{1F469}\u{200D}\u{1F4BB} \u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}\"}".as_bytes()).unwrap(), "Team \u{1F469}\u{200D}\u{1F4BB} \u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}");
    }

    #[test]
    fn pages_parse_and_cursors_round_trip() {
        let cursor = Cursor { created_at: "2026-11-22T18:40:58.123Z".into(), id: "6f1d3c1e-5b8a-4d44-9a51-0c2f7e9b8d10".into() };
        let encoded = cursor.encode();
        let page = parse_page([("limit", "5"), ("cursor", encoded.as_str())].into_iter()).unwrap();
        assert_eq!(page, PageRequest { limit: 5, after: Some(cursor) });
        assert_eq!(parse_page(std::iter::empty()).unwrap().limit, DEFAULT_PAGE);
        let error = parse_page([("limit", "0"), ("cursor", "garbage")].into_iter()).unwrap_err();
        let fields: Vec<_> = error.details.unwrap().as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
        assert_eq!(fields, ["limit", "cursor"]);
        assert!(parse_page([("limit", "101")].into_iter()).is_err());
    }
}
