//! Exports to R2: Markdown and JSON of a completed version, write-once and reused, downloaded
//! with the right type and name, owner only.

use super::stream::{blueprint_document, ready_blueprint};
use e2e::client::Client;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("exports::markdown_and_json_export_download_and_match_the_version", markdown_and_json_export_download_and_match_the_version),
        ("exports::exports_are_write_once_and_reused", exports_are_write_once_and_reused),
        ("exports::only_the_owner_exports_or_downloads", only_the_owner_exports_or_downloads),
        ("exports::refusals_name_the_problem", refusals_name_the_problem),
        ("exports::pdf_export_reads_back_every_module_title", pdf_export_reads_back_every_module_title),
        ("exports::pdf_of_a_polish_and_russian_course_keeps_every_letter", pdf_of_a_polish_and_russian_course_keeps_every_letter),
        ("exports::scorm_package_has_a_resolvable_manifest_at_its_root", scorm_package_has_a_resolvable_manifest_at_its_root),
        ("exports::pdf_and_scorm_builds_are_limited_to_three_per_ten_minutes", pdf_and_scorm_builds_are_limited_to_three_per_ten_minutes),
    ]
}

fn completed(stack: &Stack, label: &str, title: &str) -> (Client, String, Value) {
    let tag = e2e::unique(label);
    let (mut client, id) = ready_blueprint(stack, &tag);
    stack.llm.script(&tag, vec![Behaviour::reply(blueprint_document(title, 3).to_string())]);
    let body = json!({ "blueprintId": id }).to_string().into_bytes();
    let events = client.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body)).collect_all();
    let complete = events.last().unwrap();
    assert_eq!(complete.event, "complete", "{events:?}");
    (client, id, complete.json())
}

fn export(client: &mut Client, id: &str, body: Value) -> e2e::client::Reply {
    client.post(&format!("/api/blueprints/{id}/exports"), &body)
}

fn markdown_and_json_export_download_and_match_the_version(stack: &Stack) {
    let (mut client, id, complete) = completed(stack, "export-ok", "Cours d'été: Pricing");
    let markdown = export(&mut client, &id, json!({ "format": "markdown" }));
    assert_eq!(markdown.status, 201, "{}", markdown.text());
    let markdown = markdown.json();
    let filename = markdown["filename"].as_str().unwrap();
    assert!(filename.starts_with("cours-d-ete-pricing_v1_") && filename.ends_with("Z.md"), "{filename}");
    let file = client.get(markdown["downloadUrl"].as_str().unwrap());
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("text/markdown; charset=utf-8"));
    assert!(file.header("content-disposition").unwrap().contains(&format!("filename=\"{filename}\"")));
    assert_eq!(file.text(), complete["markdown"].as_str().unwrap());
    assert_eq!(file.body.len() as u64, markdown["bytes"].as_u64().unwrap());
    assert_eq!(markdown["sha256"].as_str().unwrap().len(), 64);

    let json_export = export(&mut client, &id, json!({ "format": "json", "version": 1 })).json();
    let file = client.get(json_export["downloadUrl"].as_str().unwrap());
    assert_eq!(file.header("content-type"), Some("application/json; charset=utf-8"));
    assert!(json_export["filename"].as_str().unwrap().ends_with(".json"));
    assert_eq!(file.json(), complete["blueprint"], "the stored artefact");
}

fn exports_are_write_once_and_reused(stack: &Stack) {
    let (mut client, id, _) = completed(stack, "export-once", "Reusable");
    let first = export(&mut client, &id, json!({ "format": "markdown" })).json();
    let second = export(&mut client, &id, json!({ "format": "markdown", "version": 1 })).json();
    assert_eq!(first["exportId"], second["exportId"], "the same version and format: the same export");
    assert_eq!(first["sha256"], second["sha256"]);
    let a = client.get(first["downloadUrl"].as_str().unwrap()).body;
    let b = client.get(second["downloadUrl"].as_str().unwrap()).body;
    assert_eq!(a, b, "byte-identical");
}

fn only_the_owner_exports_or_downloads(stack: &Stack) {
    let (mut owner, id, _) = completed(stack, "export-owner", "Private");
    let export = export(&mut owner, &id, json!({ "format": "json" })).json();
    let mut intruder = Client::new(&stack.base_url);
    intruder.sign_up("export-intruder");
    intruder.get(export["downloadUrl"].as_str().unwrap()).expect_error(404);
    intruder.post(&format!("/api/blueprints/{id}/exports"), &json!({ "format": "json" })).expect_error(404);
    intruder.get("/api/exports/not-an-export/download").expect_error(404);
    let mut anonymous = Client::new(&stack.base_url);
    anonymous.get(export["downloadUrl"].as_str().unwrap()).expect_error(401);
}

fn refusals_name_the_problem(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("export-refusals");
    let draft = super::answers::new_blueprint(&mut client);
    export(&mut client, &draft, json!({ "format": "markdown" })).expect_error(409);
    let body = export(&mut client, &draft, json!({ "format": "docx", "version": 0 })).expect_error(400);
    assert_eq!(body["details"].as_array().unwrap().len(), 2, "{body}");
    let (mut owner, id, _) = completed(stack, "export-missing-version", "Versioned");
    export(&mut owner, &id, json!({ "format": "markdown", "version": 7 })).expect_error(404);
}

fn temp_dir(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(e2e::unique(label));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pdf_of_a_polish_and_russian_course_keeps_every_letter(stack: &Stack) {
    let title = "Negocjacje handlowe — Деловые переговоры";
    let (mut client, id, _) = completed(stack, "export-pdf-unicode", title);
    let reply = export(&mut client, &id, json!({ "format": "pdf" }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let file = client.get(reply.json()["downloadUrl"].as_str().unwrap());
    let body = String::from_utf8_lossy(&file.body).to_string();
    assert!(body.contains("/FontFile2") && body.contains("+DejaVuSans"), "the text needs the embedded font");
    let dir = temp_dir("pdf-unicode");
    let path = dir.join("export.pdf");
    std::fs::write(&path, &file.body).unwrap();
    let output = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext (poppler-utils) is installed by make test");
    let text = String::from_utf8_lossy(&output.stdout);
    let unwrapped = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(unwrapped.contains(title), "every letter survives:\n{text}");
    assert!(!text.contains('?'), "nothing replaced:\n{text}");
    let _ = std::fs::remove_dir_all(dir);
}

fn pdf_export_reads_back_every_module_title(stack: &Stack) {
    let (mut client, id, complete) = completed(stack, "export-pdf", "Éducation financière für Grüße");
    let reply = export(&mut client, &id, json!({ "format": "pdf" }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let meta = reply.json();
    assert!(meta["filename"].as_str().unwrap().starts_with("education-financiere-fur-grusse_v1_"), "{meta}");
    let file = client.get(meta["downloadUrl"].as_str().unwrap());
    assert_eq!(file.header("content-type"), Some("application/pdf"));
    assert!(file.body.starts_with(b"%PDF-"));
    let dir = temp_dir("pdf");
    let path = dir.join("export.pdf");
    std::fs::write(&path, &file.body).unwrap();
    let output = std::process::Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext (poppler-utils) is installed by make test");
    let text = String::from_utf8_lossy(&output.stdout);
    for module in complete["blueprint"]["modules"].as_array().unwrap() {
        assert!(text.contains(module["title"].as_str().unwrap()), "{} missing from the PDF text:\n{text}", module["title"]);
    }
    assert!(text.contains("Éducation financière für Grüße"), "accents survive:\n{text}");
    assert!(text.contains("Page 1 of"), "page numbers:\n{text}");
    let page_size = |path: &std::path::Path| {
        let info = std::process::Command::new("pdfinfo").arg(path).output().expect("pdfinfo (poppler-utils)");
        String::from_utf8_lossy(&info.stdout).lines().find(|l| l.starts_with("Page size:")).unwrap_or_default().to_string()
    };
    assert!(page_size(&path).contains("(A4)"), "{}", page_size(&path));
    let letter = export(&mut client, &id, json!({ "format": "pdf", "pageSize": "letter" })).json();
    assert_ne!(letter["exportId"], meta["exportId"], "a Letter PDF is its own file");
    let letter_path = dir.join("letter.pdf");
    std::fs::write(&letter_path, client.get(letter["downloadUrl"].as_str().unwrap()).body).unwrap();
    assert!(page_size(&letter_path).contains("612 x 792"), "{}", page_size(&letter_path));
    let _ = std::fs::remove_dir_all(dir);
}

fn scorm_package_has_a_resolvable_manifest_at_its_root(stack: &Stack) {
    let (mut client, id, complete) = completed(stack, "export-scorm", "Pricing & <Objections>");
    let reply = export(&mut client, &id, json!({ "format": "scorm" }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let file = client.get(reply.json()["downloadUrl"].as_str().unwrap());
    assert_eq!(file.header("content-type"), Some("application/zip"));
    let dir = temp_dir("scorm");
    std::fs::write(dir.join("package.zip"), &file.body).unwrap();
    let unzip = std::process::Command::new("unzip").arg("-q").arg("package.zip").arg("-d").arg("out").current_dir(&dir).status().unwrap();
    assert!(unzip.success());
    let manifest_path = dir.join("out/imsmanifest.xml");
    let manifest = std::fs::read_to_string(&manifest_path).expect("imsmanifest.xml at the zip root");
    // Valid against the SCORM 1.2 / IMS CP 1.1.2 schemas the package itself carries: the entry
    // point is copied next to the manifest, so its imports resolve to the package's own files.
    let schema = dir.join("out/validate-scorm12.xsd");
    std::fs::copy(e2e::stack::repo_root().join("tests/e2e/schemas/scorm12/scorm12.xsd"), &schema).unwrap();
    for named in ["imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd", "adlcp_rootv1p2.xsd", "ims_xml.xsd"] {
        assert!(dir.join("out").join(named).is_file(), "{named} is in the package");
    }
    let validation = std::process::Command::new("xmllint").arg("--noout").arg("--schema").arg(&schema).arg(&manifest_path).output().expect("xmllint (libxml2-utils) is installed by make test");
    assert!(validation.status.success(), "{}\n{manifest}", String::from_utf8_lossy(&validation.stderr));
    assert!(manifest.contains("Pricing &amp; &lt;Objections&gt;"), "titles are escaped");
    // Every item points at a resource, every file reference names a file in the package.
    let attribute = |name: &str| -> Vec<String> {
        manifest.split(&format!("{name}=\"")).skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_string).collect()
    };
    let resources = attribute(" identifier");
    for reference in attribute("identifierref") {
        assert!(resources.contains(&reference), "{reference} has no resource");
    }
    let hrefs = attribute("href");
    assert!(!hrefs.is_empty());
    for href in hrefs {
        assert!(!href.starts_with('/'), "{href}");
        assert!(dir.join("out").join(&href).is_file(), "{href} is not in the package");
    }
    let modules = complete["blueprint"]["modules"].as_array().unwrap().len();
    assert_eq!(manifest.matches("adlcp:scormtype=\"sco\"").count(), modules + 1, "an overview SCO and one per module");
    // Each SCO in headless Chromium against a real SCORM 1.2 runtime (scorm-again) standing in
    // for the LMS: LMSInitialize, lesson_status completed at the end, LMSFinish once.
    let root = e2e::stack::repo_root();
    let run = std::process::Command::new("node").arg(root.join("tests/browser/scorm-runtime.mjs")).arg(dir.join("out")).current_dir(&root).output().expect("node");
    assert!(run.status.success(), "the SCOs did not report to the LMS:\n{}\n{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

fn pdf_and_scorm_builds_are_limited_to_three_per_ten_minutes(stack: &Stack) {
    let tag = e2e::unique("export-limit");
    let (mut client, id) = ready_blueprint(stack, &tag);
    let body = |regenerate: bool| json!({ "blueprintId": id, "regenerate": regenerate }).to_string().into_bytes();
    for regenerate in [false, true] {
        stack.llm.script(&tag, vec![Behaviour::reply(blueprint_document("Limited", 2).to_string())]);
        let events = client.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body(regenerate))).collect_all();
        assert_eq!(events.last().unwrap().event, "complete");
    }
    for (format, version) in [("pdf", 1), ("scorm", 1), ("pdf", 2)] {
        assert_eq!(export(&mut client, &id, json!({ "format": format, "version": version })).status, 201);
    }
    // Reusing a built file and Markdown/JSON are free.
    assert_eq!(export(&mut client, &id, json!({ "format": "pdf", "version": 1 })).status, 201);
    assert_eq!(export(&mut client, &id, json!({ "format": "markdown", "version": 2 })).status, 201);
    let limited = export(&mut client, &id, json!({ "format": "scorm", "version": 2 }));
    limited.expect_error(429);
    assert!(limited.header("retry-after").is_some());
}
