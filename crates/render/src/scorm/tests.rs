//! The package read back with an independent zip reader (`zip`) and XML parser (`roxmltree`),
//! and, where the machine has them, checked by `unzip`, `xmllint` and `node`.

use super::*;
use domain::blueprint::document::Module;
use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

const ADL_NAMESPACE: &str = "http://www.adlnet.org/xsd/adlcp_rootv1p2";
const IMSCP_NAMESPACE: &str = "http://www.imsproject.org/xsd/imscp_rootv1p1p2";

use domain::testing::{module, strings};

fn small() -> Blueprint {
    Blueprint {
        title: "Sales onboarding".into(),
        overview: "Get new reps quoting confidently.\n\nTwo short modules.".into(),
        learning_objectives: strings(&["Explain the pricing tiers", "Build a quote"]),
        modules: vec![module("Pricing basics", 90, &["Explain the pricing tiers"], &["Walkthrough"], &["Quiz"]), module("Quoting", 60, &["Build a quote"], &[], &[])],
        timeline: Some("Two half-days.".into()),
        resources: Some(strings(&["Price list"])),
    }
}

/// Every markup character XML and HTML know, and two control characters XML forbids.
const NASTY: &str = "Q&A <b>\"bold\"</b> it's \u{0}\u{1b}]]> --> <script>alert(1)</script>";

fn nasty() -> Blueprint {
    Blueprint {
        title: NASTY.into(),
        overview: NASTY.into(),
        learning_objectives: strings(&[NASTY]),
        modules: vec![module(NASTY, 5, &[NASTY], &[NASTY], &[NASTY])],
        timeline: Some(NASTY.into()),
        resources: Some(strings(&[NASTY])),
    }
}

fn meta(title: &str) -> PackageMeta<'_> {
    PackageMeta { identifier: "bp-0b1e6c1e-8f5a-4d0c-9a57-3f2d1c0b9a88-v3", title, version: 3 }
}

/// The entries of a zip, in archive order, read by the `zip` crate (which checks each CRC).
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut file = archive.by_index(index).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().to_string(), text)
        })
        .collect()
}

fn entry<'a>(entries: &'a [(String, String)], name: &str) -> &'a str {
    &entries.iter().find(|(entry, _)| entry == name).unwrap_or_else(|| panic!("no {name}")).1
}

fn pages(entries: &[(String, String)]) -> Vec<&(String, String)> {
    entries.iter().filter(|(name, _)| name.ends_with(".html")).collect()
}

#[test]
fn the_manifest_is_first_at_the_root_then_the_pages_then_shared_files() {
    let entries = unzip(&package(&small(), &meta("Sales onboarding")).unwrap());
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["imsmanifest.xml", "overview.html", "module-01.html", "module-02.html", "scorm.js", "style.css", "imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd"]
    );
}

#[test]
fn entries_are_stored_at_a_fixed_time() {
    let bytes = package(&small(), &meta("Sales onboarding")).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    for index in 0..archive.len() {
        let file = archive.by_index(index).unwrap();
        assert_eq!(file.compression(), zip::CompressionMethod::Stored);
        let time = file.last_modified().unwrap();
        assert_eq!((time.year(), time.month(), time.day(), time.hour(), time.minute(), time.second()), (1980, 1, 1, 0, 0, 0));
        assert!(file.extra_data().is_none_or(|extra| extra.is_empty()));
    }
    assert!(archive.comment().is_empty());
}

#[test]
fn the_manifest_declares_scorm_1_2() {
    let entries = unzip(&package(&small(), &meta("Sales onboarding")).unwrap());
    let xml = entry(&entries, MANIFEST);
    let document = roxmltree::Document::parse(xml).unwrap();
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "manifest");
    assert_eq!(root.tag_name().namespace(), Some(IMSCP_NAMESPACE));
    assert_eq!(root.attribute("identifier"), Some("bp-0b1e6c1e-8f5a-4d0c-9a57-3f2d1c0b9a88-v3"));
    assert_eq!(root.attribute("version"), Some("3"));
    assert_eq!(root.lookup_namespace_uri(Some("adlcp")), Some(ADL_NAMESPACE));
    let locations = root.attribute(("http://www.w3.org/2001/XMLSchema-instance", "schemaLocation")).unwrap();
    for schema in ["imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd", "adlcp_rootv1p2.xsd"] {
        assert!(locations.split_whitespace().any(|location| location == schema), "{schema}");
    }
    let text_of = |name: &str| document.descendants().find(|node| node.has_tag_name(name)).and_then(|node| node.text()).map(str::to_string);
    assert_eq!(text_of("schema").as_deref(), Some("ADL SCORM"));
    assert_eq!(text_of("schemaversion").as_deref(), Some("1.2"));

    let organizations = document.descendants().find(|node| node.has_tag_name("organizations")).unwrap();
    assert_eq!(organizations.attribute("default"), Some("ORG-1"));
    let organization: Vec<_> = organizations.children().filter(|node| node.has_tag_name("organization")).collect();
    assert_eq!(organization.len(), 1);
    assert_eq!(organization[0].attribute("identifier"), Some("ORG-1"));
    let child_title = |node: roxmltree::Node| node.children().find(|child| child.has_tag_name("title")).and_then(|title| title.text()).map(str::to_string);
    assert_eq!(child_title(organization[0]).as_deref(), Some("Sales onboarding"));
    let items: Vec<(String, String, String)> = organization[0]
        .children()
        .filter(|node| node.has_tag_name("item"))
        .map(|item| (item.attribute("identifier").unwrap().into(), item.attribute("identifierref").unwrap().into(), child_title(item).unwrap()))
        .collect();
    let expected = [
        ("ITEM-overview", "RES-overview", "Course overview"),
        ("ITEM-module-01", "RES-module-01", "Module 1: Pricing basics"),
        ("ITEM-module-02", "RES-module-02", "Module 2: Quoting"),
    ];
    assert_eq!(items, expected.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())));

    for resource in document.descendants().filter(|node| node.has_tag_name("resource")) {
        assert_eq!(resource.attribute("type"), Some("webcontent"));
        assert_eq!(resource.attribute((ADL_NAMESPACE, "scormtype")), Some("sco"));
        let files: Vec<&str> = resource.children().filter(|node| node.has_tag_name("file")).filter_map(|file| file.attribute("href")).collect();
        let page = resource.attribute("href").unwrap();
        assert_eq!(files, [page, "scorm.js", "style.css"]);
    }
}

#[test]
fn every_reference_resolves_inside_the_zip() {
    for (blueprint, title) in [(small(), "Sales onboarding"), (nasty(), NASTY)] {
        let entries = unzip(&package(&blueprint, &meta(title)).unwrap());
        let names: BTreeSet<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
        let document = roxmltree::Document::parse(entry(&entries, MANIFEST)).unwrap();
        let resource_ids: BTreeSet<&str> = document.descendants().filter(|node| node.has_tag_name("resource")).filter_map(|node| node.attribute("identifier")).collect();
        let references: Vec<&str> = document.descendants().filter_map(|node| node.attribute("identifierref")).collect();
        assert_eq!(references.len(), blueprint.modules.len() + 1);
        for reference in &references {
            assert!(resource_ids.contains(reference), "{reference}");
        }
        let hrefs: Vec<&str> = document.descendants().filter_map(|node| node.attribute("href")).collect();
        for href in &hrefs {
            assert!(!href.starts_with('/') && !href.contains(':') && !href.contains(".."), "{href}");
            assert!(names.contains(href), "{href} is not in the zip");
        }
        // The schemas are named by the root's xsi:schemaLocation (namespace, file, namespace, …).
        let locations = document.root_element().attribute(("http://www.w3.org/2001/XMLSchema-instance", "schemaLocation")).unwrap();
        let schemas: Vec<&str> = locations.split_whitespace().skip(1).step_by(2).collect();
        assert_eq!(schemas.len(), 3);
        for schema in &schemas {
            assert!(names.contains(schema), "{schema} is not in the zip");
        }
        let referenced: BTreeSet<&str> = hrefs.iter().chain(&schemas).copied().chain(["ims_xml.xsd"]).collect();
        let unlisted: Vec<&&str> = names.iter().filter(|name| **name != MANIFEST && !referenced.contains(**name)).collect();
        assert!(unlisted.is_empty(), "files no resource lists: {unlisted:?}");
        for (name, html) in pages(&entries) {
            for link in ["href=\"style.css\"", "src=\"scorm.js\""] {
                assert!(html.contains(link), "{name}: {link}");
            }
        }
    }
}

#[test]
fn markup_in_titles_and_text_is_escaped() {
    let entries = unzip(&package(&nasty(), &meta(NASTY)).unwrap());
    let document = roxmltree::Document::parse(entry(&entries, MANIFEST)).unwrap();
    let titles: Vec<&str> = document.descendants().filter(|node| node.has_tag_name("title")).filter_map(|node| node.text()).collect();
    let clean = "Q&A <b>\"bold\"</b> it's ]]> --> <script>alert(1)</script>";
    assert_eq!(titles, [clean, "Course overview", &format!("Module 1: {clean}")]);
    let escaped = "Q&amp;A &lt;b&gt;&quot;bold&quot;&lt;/b&gt; it&#39;s ]]&gt; --&gt; &lt;script&gt;alert(1)&lt;/script&gt;";
    for (name, html) in pages(&entries) {
        assert!(html.contains(escaped), "{name}");
        assert!(!html.contains("<b>") && !html.contains("alert(1)</script>") && !html.contains('\u{0}') && !html.contains('\u{1b}'), "{name}");
    }
}

#[test]
fn pages_run_only_the_package_script() {
    let entries = unzip(&package(&nasty(), &meta("Course")).unwrap());
    for (name, html) in pages(&entries) {
        let scripts: Vec<&str> = html.match_indices("<script").map(|(at, _)| &html[at..]).collect();
        assert_eq!(scripts.len(), 1, "{name}");
        assert!(scripts[0].starts_with("<script src=\"scorm.js\" defer></script>"), "{name}");
        let lower = html.to_lowercase();
        for forbidden in [" on", "style=", "javascript:", "http://", "https://", "<iframe", "<img"] {
            let inside_tags = lower.split('<').skip(1).map(|tag| tag.split('>').next().unwrap_or_default());
            assert!(!inside_tags.clone().any(|tag| tag.contains(forbidden)), "{name}: {forbidden}");
        }
        assert!(html.starts_with("<!DOCTYPE html>\n") && html.contains("<meta charset=\"utf-8\">"), "{name}");
    }
    let script = entry(&entries, "scorm.js");
    for forbidden in ["eval(", "Function(", "innerHTML", "document.write", "http://", "https://", "import(", "setTimeout(\"", "XMLHttpRequest", "fetch("] {
        assert!(!script.contains(forbidden), "scorm.js: {forbidden}");
    }
    assert!(!entry(&entries, "style.css").contains("url("), "style.css loads nothing");
}

#[test]
fn every_page_ends_with_the_completion_button_and_the_end_marker() {
    let entries = unzip(&package(&small(), &meta("Sales onboarding")).unwrap());
    for (name, html) in pages(&entries) {
        let button = html.find("<button type=\"button\" id=\"scorm-complete\">Mark as complete</button>").unwrap_or_else(|| panic!("{name}: no button"));
        let marker = html.find("<div id=\"scorm-end\" class=\"end-marker\"></div>").unwrap_or_else(|| panic!("{name}: no end marker"));
        let last_section = html.rfind("</section>").unwrap_or(0);
        assert!(last_section < button && button < marker, "{name}");
        assert!(html[marker..].starts_with("<div id=\"scorm-end\" class=\"end-marker\"></div>\n</main>"), "{name}");
    }
    let script = entry(&entries, "scorm.js");
    for needle in ["scorm-complete", "scorm-end", "scorm-status", "IntersectionObserver", "\"pagehide\"", "\"beforeunload\"", "LMSInitialize", "LMSFinish"] {
        assert!(script.contains(needle), "scorm.js: {needle}");
    }
}

#[test]
fn pages_show_the_blueprint() {
    let entries = unzip(&package(&small(), &meta("Sales onboarding")).unwrap());
    let overview = entry(&entries, "overview.html");
    for expected in [
        "<title>Sales onboarding</title>",
        "<h1>Sales onboarding</h1>",
        "Total duration: 2 h 30 min",
        "<p>Get new reps quoting confidently.</p>\n<p>Two short modules.</p>",
        "<h2>Learning objectives</h2>\n<ul>\n<li>Explain the pricing tiers</li>\n<li>Build a quote</li>\n</ul>",
        "<li>Module 1: Pricing basics <span class=\"duration\">(1 h 30 min)</span></li>\n<li>Module 2: Quoting <span class=\"duration\">(1 h)</span></li>",
        "<h2>Timeline</h2>\n<p>Two half-days.</p>",
        "<h2>Resources</h2>\n<ul>\n<li>Price list</li>",
    ] {
        assert!(overview.contains(expected), "overview: {expected}");
    }
    let first = entry(&entries, "module-01.html");
    for expected in [
        "<title>Module 1: Pricing basics – Sales onboarding</title>",
        "<p class=\"course\">Sales onboarding</p>\n<h1>Module 1: Pricing basics</h1>",
        "Duration: 1 h 30 min",
        "<h2>Objectives</h2>\n<ul>\n<li>Explain the pricing tiers</li>",
        "<h2>Activities</h2>\n<ul>\n<li>Walkthrough</li>",
        "<h2>Assessments</h2>\n<ul>\n<li>Quiz</li>",
    ] {
        assert!(first.contains(expected), "module-01: {expected}");
    }
    let second = entry(&entries, "module-02.html");
    assert!(!second.contains("<h2>Activities</h2>") && !second.contains("<h2>Assessments</h2>"), "empty sections are left out");
}

#[test]
fn the_meta_title_names_the_course_and_the_blueprint_title_stands_in() {
    let title_of = |blueprint: &Blueprint, title: &str| {
        let entries = unzip(&package(blueprint, &meta(title)).unwrap());
        let document = roxmltree::Document::parse(entry(&entries, MANIFEST)).unwrap();
        let organization = document.descendants().find(|node| node.has_tag_name("organization")).unwrap();
        organization.children().find(|node| node.has_tag_name("title")).and_then(|node| node.text()).unwrap().to_string()
    };
    assert_eq!(title_of(&small(), "Sales onboarding (v3)"), "Sales onboarding (v3)");
    assert_eq!(title_of(&small(), " \n "), "Sales onboarding");
    let untitled = Blueprint { title: "\u{7}".into(), ..small() };
    assert_eq!(title_of(&untitled, ""), "Untitled course");
}

#[test]
fn builds_are_byte_identical() {
    let first = package(&small(), &meta("Sales onboarding")).unwrap();
    assert_eq!(package(&small(), &meta("Sales onboarding")).unwrap(), first);
    assert_eq!(package(&nasty(), &meta(NASTY)).unwrap(), package(&nasty(), &meta(NASTY)).unwrap());
    let next_version = PackageMeta { version: 4, ..meta("Sales onboarding") };
    assert_ne!(package(&small(), &next_version).unwrap(), first);
}

#[test]
fn a_meta_that_cannot_name_a_package_is_refused() {
    for identifier in ["", "3-starts-with-a-digit", "has space", "bp:colon", "bp/slash", "bp-é", "bp\"quote", &"x".repeat(MAX_IDENTIFIER_CHARS + 1)] {
        let error = package(&small(), &PackageMeta { identifier, ..meta("Course") }).unwrap_err();
        assert!(error.contains("identifier"), "{identifier:?}: {error}");
    }
    for version in [0, -1, i64::MIN] {
        assert!(package(&small(), &PackageMeta { version, ..meta("Course") }).unwrap_err().contains("version"));
    }
    assert!(package(&small(), &PackageMeta { identifier: "_x.y-Z9", ..meta("Course") }).is_ok());
}

#[test]
fn odd_blueprints_still_make_valid_packages() {
    let long = "é日😀 ".repeat(2_000);
    let many: Vec<Module> = (0..250).map(|i| module(if i % 2 == 0 { "" } else { &long }, u32::MAX, &[], &["\r\n\r"], &[])).collect();
    let cases = [
        Blueprint { title: String::new(), overview: String::new(), learning_objectives: vec![], modules: vec![], timeline: None, resources: None },
        Blueprint { title: long.clone(), overview: long.clone(), learning_objectives: vec![long.clone()], modules: many, timeline: Some("\r".into()), resources: Some(vec![]) },
    ];
    for blueprint in cases {
        let bytes = package(&blueprint, &meta("")).unwrap();
        let entries = unzip(&bytes);
        assert_eq!(pages(&entries).len(), blueprint.modules.len() + 1);
        let document = roxmltree::Document::parse(entry(&entries, MANIFEST)).unwrap();
        assert_eq!(document.descendants().filter(|node| node.has_tag_name("item")).count(), blueprint.modules.len() + 1);
    }
    let entries = unzip(&package(&Blueprint { modules: (0..120).map(|_| module("", 1, &[], &[], &[])).collect(), ..small() }, &meta("x")).unwrap());
    assert!(entries.iter().any(|(name, _)| name == "module-120.html"));
    assert!(entry(&entries, "module-07.html").contains("<h1>Module 7</h1>"), "a blank title is the module's number");
}

/// A fresh folder under the system's temp folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let path = std::env::temp_dir().join(format!("render-scorm-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether `tool` runs on this machine; the checks that need it are skipped otherwise.
fn has_tool(tool: &str, version_flag: &str) -> bool {
    Command::new(tool).arg(version_flag).output().is_ok()
}

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{command:?}\n{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
}

#[test]
fn unzip_and_xmllint_accept_the_package() {
    if !has_tool("unzip", "-v") || !has_tool("xmllint", "--version") {
        return;
    }
    let scratch = Scratch::new("tools");
    let zip_path = scratch.0.join("package.zip");
    std::fs::write(&zip_path, package(&nasty(), &meta(NASTY)).unwrap()).unwrap();
    let extracted = scratch.0.join("extracted");
    run(Command::new("unzip").arg("-tq").arg(&zip_path));
    run(Command::new("unzip").arg("-q").arg(&zip_path).arg("-d").arg(&extracted));
    run(Command::new("xmllint").arg("--noout").arg(extracted.join(MANIFEST)));
    assert!(Path::new(&extracted.join("module-01.html")).is_file());
}

#[test]
fn the_runtime_client_follows_scorm_1_2() {
    if !has_tool("node", "--version") {
        return;
    }
    let scratch = Scratch::new("runtime");
    let script = scratch.0.join("scorm.js");
    let harness = scratch.0.join("runtime_check.js");
    std::fs::write(&script, SHARED_FILES[0].1).unwrap();
    std::fs::write(&harness, include_str!("runtime_check.js")).unwrap();
    run(Command::new("node").arg("--check").arg(&script));
    run(Command::new("node").arg(&harness).arg(&script));
}
