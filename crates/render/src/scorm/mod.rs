//! SCORM 1.2 export: a blueprint as a content package any SCORM 1.2 LMS imports. The package
//! is a zip with `imsmanifest.xml` at its root, one SCO for the course overview and one per
//! module (`overview.html`, `module-01.html`, …), the runtime client `scorm.js` that reports
//! completion to the LMS, `style.css`, and the XML schemas the manifest names. The same blueprint and meta always give the same
//! bytes, so an export is built once, stored under its version, and re-served unchanged.

mod archive;
mod manifest;
mod pages;
mod text;

use domain::blueprint::document::Blueprint;
use archive::Entry;

/// What the package says about itself beyond the blueprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageMeta<'a> {
    /// The manifest's identifier, e.g. `bp-<uuid>-v3`: an XML name (a letter or `_` first,
    /// then letters, digits, `-`, `_`, `.`), since the IMS schema types it as `xs:ID`.
    pub identifier: &'a str,
    /// The course title the LMS lists; the blueprint's own title when this one is blank.
    pub title: &'a str,
    /// The blueprint version packaged, from 1.
    pub version: i64,
}

/// The manifest's file name; SCORM requires it at the package root.
pub const MANIFEST: &str = "imsmanifest.xml";
/// Longer identifiers are no one's real identifier; some LMS store them in short columns.
pub const MAX_IDENTIFIER_CHARS: usize = 200;

/// Files every SCO loads (listed in each SCO's resource), stored once at the root after the pages.
const SHARED_FILES: [(&str, &str); 2] = [("scorm.js", include_str!("scorm.js")), ("style.css", include_str!("style.css"))];

/// The schemas the manifest's `xsi:schemaLocation` names, at the root where an LMS that
/// validates the upload looks for them; last in the zip.
const SCHEMAS: [(&str, &str); 4] = [
    ("imscp_rootv1p1p2.xsd", include_str!("schemas/imscp_rootv1p1p2.xsd")),
    ("adlcp_rootv1p2.xsd", include_str!("schemas/adlcp_rootv1p2.xsd")),
    ("imsmd_rootv1p2p1.xsd", include_str!("schemas/imsmd_rootv1p2p1.xsd")),
    ("ims_xml.xsd", include_str!("schemas/ims_xml.xsd")),
];

/// The title shown when neither the meta nor the blueprint has one worth showing.
const UNTITLED: &str = "Untitled course";

/// The zip of the SCORM 1.2 package: `imsmanifest.xml`, `overview.html`, `module-01.html` …,
/// `scorm.js`, `style.css`, the four schemas, always in that order, stored with fixed timestamps. An error says
/// why the meta cannot name a package or why the package would not fit a zip file.
pub fn package(blueprint: &Blueprint, meta: &PackageMeta) -> Result<Vec<u8>, String> {
    check_meta(meta)?;
    let course_title = course_title(blueprint, meta);
    let scos = scos(blueprint, &course_title);
    let mut entries = vec![Entry { name: MANIFEST.to_string(), bytes: manifest::render(meta, &course_title, &scos).into_bytes() }];
    entries.extend(scos.into_iter().map(|sco| Entry { name: sco.page(), bytes: sco.html.into_bytes() }));
    entries.extend(SHARED_FILES.iter().chain(&SCHEMAS).map(|(name, content)| Entry { name: name.to_string(), bytes: content.as_bytes().to_vec() }));
    archive::stored_zip(&entries)
}

/// One shareable content object: a page the LMS launches and tracks on its own.
struct Sco {
    /// `overview` or `module-01`: the page's file name and its manifest identifiers derive
    /// from it, so they always agree.
    key: String,
    /// Plain text, escaped where it is written.
    title: String,
    html: String,
}

impl Sco {
    fn page(&self) -> String {
        format!("{}.html", self.key)
    }

    fn item_identifier(&self) -> String {
        format!("ITEM-{}", self.key)
    }

    fn resource_identifier(&self) -> String {
        format!("RES-{}", self.key)
    }
}

/// The overview, then the modules in teaching order. Keys are zero-padded to two digits so
/// the files sort in order in an LMS's file list (`module-100` follows `module-99` anyway).
fn scos(blueprint: &Blueprint, course_title: &str) -> Vec<Sco> {
    let overview = Sco { key: "overview".to_string(), title: "Course overview".to_string(), html: pages::overview(blueprint, course_title) };
    let modules = blueprint.modules.iter().enumerate().map(|(index, module)| {
        let number = index + 1;
        Sco { key: format!("module-{number:02}"), title: pages::module_heading(number, module), html: pages::module(number, module, course_title) }
    });
    std::iter::once(overview).chain(modules).collect()
}

fn course_title(blueprint: &Blueprint, meta: &PackageMeta) -> String {
    [meta.title, blueprint.title.as_str()].into_iter().map(text::one_line).find(|title| !title.is_empty()).unwrap_or_else(|| UNTITLED.to_string())
}

/// The identifier goes into an `xs:ID` attribute that an LMS may validate and key its records
/// on, so it is refused rather than silently changed; likewise a version that does not exist.
fn check_meta(meta: &PackageMeta) -> Result<(), String> {
    if !is_xml_name(meta.identifier) || meta.identifier.chars().count() > MAX_IDENTIFIER_CHARS {
        return Err(format!(
            "the package identifier must be 1 to {MAX_IDENTIFIER_CHARS} letters, digits, '-', '_' or '.', starting with a letter or '_', not {:?}",
            meta.identifier
        ));
    }
    if meta.version < 1 {
        return Err(format!("the package version must be from 1, not {}", meta.version));
    }
    Ok(())
}

/// An ASCII XML NCName: what `xs:ID` accepts, without the non-ASCII letters no LMS expects.
fn is_xml_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_') && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests;
