//! The web UI in a real browser: each scenario is a headless Chromium run of
//! `tests/browser/ui.mjs` against this stack, with the fake model scripted here.

use e2e::client::Client;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("ui::golden_path_from_sign_up_to_every_export", golden_path_from_sign_up_to_every_export),
        ("ui::validation_errors_are_shown_inline", validation_errors_are_shown_inline),
        ("ui::autosave_survives_a_reload_and_a_failed_save", autosave_survives_a_reload_and_a_failed_save),
        ("ui::a_reload_mid_generation_rejoins_it", a_reload_mid_generation_rejoins_it),
        ("ui::the_static_wizard_by_keyboard_alone", the_static_wizard_by_keyboard_alone),
        ("ui::two_tabs_renew_one_session_without_revoking_it", two_tabs_renew_one_session_without_revoking_it),
        ("ui::a_failed_generation_can_be_retried", a_failed_generation_can_be_retried),
        ("ui::without_a_model_the_draft_is_kept_and_the_product_walked_to_an_export", without_a_model_the_draft_is_kept_and_the_product_walked_to_an_export),
        ("ui::questions_replaced_in_another_tab_are_not_answered_blindly", questions_replaced_in_another_tab_are_not_answered_blindly),
        ("ui::a_syllabus_is_edited_sent_back_and_approved", a_syllabus_is_edited_sent_back_and_approved),
        ("ui::an_invitation_link_joins_the_team_and_the_team_page_changes_roles", an_invitation_link_joins_the_team_and_the_team_page_changes_roles),
        ("ui::a_course_is_written_edited_and_reviewed_slot_by_slot", a_course_is_written_edited_and_reviewed_slot_by_slot),
        ("ui::a_learner_enrolls_fails_then_passes_the_quiz_and_completes_the_course", a_learner_enrolls_fails_then_passes_the_quiz_and_completes_the_course),
    ]
}

fn questions() -> Value {
    json!({ "questions": [
        { "section": "Context", "type": "short_text", "label": "Which CRM do your reps use?", "required": true },
        { "section": "Context", "type": "long_text", "label": "Describe a negotiation that went wrong", "required": true },
        { "section": "Learners", "type": "select", "label": "How experienced are the learners?", "options": ["Beginner", "Intermediate", "Advanced"], "required": true },
        { "section": "Learners", "type": "multi_select", "label": "Which formats work for your team?", "options": ["Video", "Live workshop", "Reading"], "required": true },
        { "section": "Learners", "type": "scale", "label": "How confident are learners today?", "min": 1, "max": 5, "required": true },
        { "section": "Logistics", "type": "date", "label": "When does the course start?", "required": false }
    ]})
}

fn course(titles: &[&str]) -> Value {
    let modules: Vec<Value> = titles
        .iter()
        .map(|title| json!({
            "title": title,
            "durationMinutes": 60,
            "objectives": [format!("Apply the {} techniques in a role-play", title.to_lowercase())],
            "activities": ["Role-play with a peer"],
            "assessments": ["Observed role-play with a rubric"]
        }))
        .collect();
    json!({
        "title": "Negotiation essentials",
        "overview": "Six hours online for account managers who negotiate B2B deals.",
        "learningObjectives": ["Prepare a negotiation plan", "Handle price objections"],
        "modules": modules,
        "timeline": "Three sessions of two hours",
        "resources": ["Negotiation checklist"]
    })
}

const FIRST: &[&str] = &["Opening the negotiation", "Handling price objections", "Trading concessions"];

/// The model streams slowly enough for the page to show the blueprint forming.
fn streamed(document: Value, chunks: usize, delay_ms: u64) -> Behaviour {
    Behaviour::Reply { content: document.to_string(), chunks, delay_ms }
}

fn run(stack: &Stack, scenario: &str, tag: &str) {
    run_with(stack, scenario, tag, &json!({}));
}

/// `given`: what the test set up through the API for the scenario (accounts, ids), as JSON.
fn run_with(stack: &Stack, scenario: &str, tag: &str, given: &Value) {
    let root = e2e::stack::repo_root();
    let output = std::process::Command::new("node")
        .arg(root.join("tests/browser/ui.mjs"))
        .args([scenario, &stack.base_url, tag, &given.to_string()])
        .current_dir(&root)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "browser scenario {scenario} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for line in String::from_utf8_lossy(&output.stdout).lines().filter(|l| l.starts_with("measure:")) {
        println!("{scenario}: {line}");
    }
}

/// Streamed model calls for `tag` (blueprint generation), on Ollama or OpenRouter.
fn blueprint_streams(stack: &Stack, tag: &str) -> usize {
    stack.llm.received(tag).iter().filter(|r| (r.path == "/api/chat" || r.path.ends_with("/chat/completions")) && r.body["stream"] == true).count()
}

fn golden_path_from_sign_up_to_every_export(stack: &Stack) {
    let tag = e2e::unique("ui-golden");
    let mut second = FIRST.to_vec();
    second.push("Closing the deal");
    stack.llm.script(&tag, vec![
        Behaviour::reply(questions().to_string()),
        streamed(course(FIRST), 30, 100),
        streamed(course(&second), 8, 20),
    ]);
    run(stack, "golden", &tag);
    assert_eq!(blueprint_streams(stack, &tag), 2, "one model stream per version");
}

fn validation_errors_are_shown_inline(stack: &Stack) {
    run(stack, "validation", &e2e::unique("ui-validation"));
}

fn autosave_survives_a_reload_and_a_failed_save(stack: &Stack) {
    run(stack, "autosave", &e2e::unique("ui-autosave"));
}

fn a_reload_mid_generation_rejoins_it(stack: &Stack) {
    let tag = e2e::unique("ui-rejoin");
    stack.llm.script(&tag, vec![Behaviour::reply(questions().to_string()), streamed(course(FIRST), 60, 100)]);
    run(stack, "rejoin", &tag);
    assert_eq!(blueprint_streams(stack, &tag), 1, "the reload joined the running generation instead of starting another");
}

fn the_static_wizard_by_keyboard_alone(stack: &Stack) {
    run(stack, "keyboard", &e2e::unique("ui-keyboard"));
}

fn two_tabs_renew_one_session_without_revoking_it(stack: &Stack) {
    run(stack, "session", &e2e::unique("ui-session"));
}

fn a_failed_generation_can_be_retried(stack: &Stack) {
    let tag = e2e::unique("ui-retry");
    // Valid JSON that is no blueprint, from each of the three tiers (Ollama, its smaller model,
    // OpenRouter); then a good answer for the retry.
    let unusable = Behaviour::reply(json!({ "title": "no modules" }).to_string());
    stack.llm.script(&tag, vec![
        Behaviour::reply(questions().to_string()),
        unusable.clone(),
        unusable.clone(),
        unusable,
        streamed(course(FIRST), 6, 20),
    ]);
    run(stack, "retry", &tag);
    assert_eq!(blueprint_streams(stack, &tag), 4, "three failed tiers, then one retry");
}

/// A newcomer's first run: no model anywhere (a stack of its own whose Ollama address answers
/// nothing, no OpenRouter key). The standard questions, a failed generation that says which
/// address had no model and how to start one, "Keep this draft", then the dashboard and an
/// export of the kept draft, marked as such.
fn without_a_model_the_draft_is_kept_and_the_product_walked_to_an_export(_shared: &Stack) {
    let alone = Stack::start_without_model().expect("a stack without a model starts");
    run(&alone, "nomodel", &e2e::unique("ui-nomodel"));
}

fn questions_replaced_in_another_tab_are_not_answered_blindly(stack: &Stack) {
    let tag = e2e::unique("ui-conflict");
    let mut replaced = questions();
    replaced["questions"][1]["label"] = json!("Describe a negotiation that went well");
    stack.llm.script(&tag, vec![Behaviour::reply(questions().to_string()), Behaviour::reply(replaced.to_string())]);
    run(stack, "conflict", &tag);
}

/// A new tenant made by a platform admin: its first admin (signed up with the tenant's code, its
/// client and email) and the tenant's id.
fn tenant(stack: &Stack, label: &str) -> (Client, String, String) {
    let mut platform = super::admin::bootstrapped(stack, &format!("{label}-platform")).0;
    let created = platform.post("/api/admin/tenants", &json!({ "name": format!("Team {label}") }));
    assert_eq!(created.status, 201, "{}", created.text());
    let body = created.json();
    let (admin, email) = join(stack, body["adminInviteCode"].as_str().unwrap(), &format!("{label}-admin"));
    (admin, email, body["tenant"]["id"].as_str().unwrap().to_string())
}

/// Signs up with an invitation code (the browser scenarios' password): the client and its email.
fn join(stack: &Stack, code: &str, who: &str) -> (Client, String) {
    let mut client = Client::new(&stack.base_url);
    let email = format!("{}@example.test", e2e::unique(who));
    let reply = client.post("/api/auth/signup", &json!({ "email": email, "password": "correct horse battery", "inviteCode": code }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    (client, email)
}

fn invite(admin: &mut Client, role: &str) -> String {
    let reply = admin.post("/api/admin/invites", &json!({ "role": role }));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["inviteCode"].as_str().unwrap().to_string()
}

/// A syllabus as the model writes it: each module one lesson holding all its objectives.
fn model_syllabus(document: &Value) -> Value {
    let modules: Vec<Value> = document["modules"].as_array().unwrap().iter().enumerate().map(|(i, module)| json!({
        "id": format!("m{}", i + 1),
        "title": module["title"],
        "durationMinutes": module["durationMinutes"],
        "objectives": module["objectives"],
        "lessons": [{ "id": format!("m{}.l1", i + 1), "title": format!("Pricing walk-through {}", i + 1), "objectives": module["objectives"], "minutes": module["durationMinutes"], "level": "beginner" }],
        "assessmentHooks": [format!("Quiz on module {}", i + 1)]
    })).collect();
    json!({ "title": document["title"], "level": "beginner", "prerequisites": ["Basic product knowledge"], "modules": modules })
}

/// A designer and a reviewer of one team (made through the API); in the browser the designer
/// creates a syllabus from a completed version (three modules of 45 minutes, the model's
/// syllabus), has an edit refused inline and fixed, submits; the reviewer signs in from the
/// review link, sends it back with a note by keyboard, and approves the resubmission.
fn a_syllabus_is_edited_sent_back_and_approved(stack: &Stack) {
    let tag = e2e::unique("ui-syllabus");
    let (mut admin, _, _) = tenant(stack, "ui-syllabus");
    let (mut designer, designer_email) = join(stack, &invite(&mut admin, "user"), "ui-syllabus-designer");
    let (_, reviewer_email) = join(stack, &invite(&mut admin, "reviewer"), "ui-syllabus-reviewer");
    let blueprint = super::stream::answered_blueprint(stack, &mut designer, &tag);
    let document = e2e::fixtures::blueprint_document(&format!("Pricing course {tag}"), 3);
    stack.llm.script(&tag, vec![Behaviour::reply(document.to_string())]);
    let body = json!({ "blueprintId": blueprint }).to_string().into_bytes();
    let events = designer.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body)).collect_all();
    assert_eq!(events.last().map(|e| e.event.as_str()), Some("complete"), "{events:?}");
    // The syllabus prompt carries the blueprint's title, hence the tag.
    stack.llm.script(&tag, vec![Behaviour::reply(model_syllabus(&document).to_string())]);
    run_with(stack, "syllabus", &tag, &json!({ "designer": designer_email, "reviewer": reviewer_email, "blueprint": blueprint }));
}

/// An admin's invitation link signs a newcomer up into the team with the invited role (a wrong
/// code named inline first); the admin's team page changes that role, refuses to demote the
/// last admin, and makes a new invitation link.
fn an_invitation_link_joins_the_team_and_the_team_page_changes_roles(stack: &Stack) {
    let tag = e2e::unique("ui-team");
    let (mut admin, admin_email, tenant_id) = tenant(stack, "ui-team");
    let code = invite(&mut admin, "reviewer");
    run_with(stack, "team", &tag, &json!({ "admin": admin_email, "code": code, "tenant": tenant_id }));
}

/// A one-module course whose titles and objectives carry `tag`, so every content prompt of it
/// is answered by the tag's script.
fn tagged_course(tag: &str) -> Value {
    json!({
        "title": format!("Course {tag}"),
        "overview": "A short course on pricing tiers for new sales reps.",
        "learningObjectives": ["Explain the pricing tiers"],
        "modules": [{
            "title": format!("Module 1 {tag}"),
            "durationMinutes": 40,
            "objectives": [format!("Explain tier 1 {tag}")],
            "activities": ["Role-play"],
            "assessments": ["Quiz on tier 1"]
        }],
        "timeline": null,
        "resources": null
    })
}

/// A designer's approved one-module syllabus (made through the API; the model answers every
/// later prompt of the course unusably, so the syllabus is the curated split and every item
/// the curated one, left for review). In the browser the designer generates the content and
/// watches the tree fill in, opens the lesson (findings, versions), has a JSON edit refused
/// inline then saves a changed key takeaway; the reviewer approves the lesson by keyboard,
/// rejects the quiz with a note, sees both in the tree, compares a revision with the approved
/// version (and may not approve their own revision), and regenerates the quiz with
/// instructions, watched on the syllabus page.
fn a_course_is_written_edited_and_reviewed_slot_by_slot(stack: &Stack) {
    let tag = e2e::unique("ui-content");
    let (mut admin, _, _) = tenant(stack, "ui-content");
    let (mut designer, designer_email) = join(stack, &invite(&mut admin, "user"), "ui-content-designer");
    let (mut reviewer, reviewer_email) = join(stack, &invite(&mut admin, "reviewer"), "ui-content-reviewer");
    let blueprint = super::stream::answered_blueprint(stack, &mut designer, &tag);
    stack.llm.script(&tag, vec![Behaviour::reply(tagged_course(&tag).to_string())]);
    let body = json!({ "blueprintId": blueprint }).to_string().into_bytes();
    let events = designer.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body)).collect_all();
    assert_eq!(events.last().map(|e| e.event.as_str()), Some("complete"), "{events:?}");
    stack.llm.script(&tag, vec![Behaviour::reply("{}")]);
    let created = designer.post_empty(&format!("/api/blueprints/{blueprint}/versions/1/syllabus"));
    assert_eq!(created.status, 201, "{}", created.text());
    let syllabus = created.json()["id"].as_str().unwrap().to_string();
    assert_eq!(designer.post(&format!("/api/syllabi/{syllabus}/submit"), &json!({})).status, 200);
    let approved = reviewer.post(&format!("/api/syllabi/{syllabus}/approve"), &json!({}));
    assert_eq!(approved.status, 200, "{}", approved.text());
    run_with(stack, "content", &tag, &json!({ "designer": designer_email, "reviewer": reviewer_email, "syllabus": syllabus }));
    // What the browser did, as the API has it.
    let tree = reviewer.get(&format!("/api/syllabi/{syllabus}/content")).json();
    let slot = |id: &str| tree["slots"].as_array().unwrap().iter().find(|s| s["slot"] == id).cloned().unwrap_or_else(|| panic!("{id} in {tree}"));
    assert_eq!(slot("m1.l1")["approved"]["version"], 1, "{tree}");
    let quiz = reviewer.get(&format!("/api/content/{}", slot("m1.l1.quiz")["latest"]["itemId"].as_str().unwrap())).json();
    let versions: Vec<(u64, &str)> = quiz["history"].as_array().unwrap().iter().map(|v| (v["version"].as_u64().unwrap(), v["status"].as_str().unwrap())).collect();
    assert_eq!(versions, [(2, "DRAFT"), (1, "REJECTED")], "rejected, then regenerated: {quiz}");
    assert!(stack.llm.received(&tag).iter().any(|r| r.body.to_string().contains("Use distractors a new rep might believe")), "the writer was told");
    let lesson = reviewer.get(&format!("/api/content/{}", slot("m1.l1")["approved"]["itemId"].as_str().unwrap())).json();
    assert_eq!(lesson["content"]["keyTakeaways"][0], "Tier one suits small teams", "the approved lesson is the edit: {lesson}");
}

/// A published one-lesson course (curated lesson, quiz and project, approved) and a learner of
/// the same team; the quiz's key, read from the author's package view, goes to the script. In the
/// browser the learner signs in, finds the course under Learn, reads the lesson before enrolling
/// (its quiz not checked), enrolls, answers the quiz wrong by keyboard alone and reads the
/// feedback, tries again and passes, marks the lesson complete and sees the course complete (the
/// overview in the dark scheme, the lesson in high contrast, the lesson and catalogue at 360 px).
fn a_learner_enrolls_fails_then_passes_the_quiz_and_completes_the_course(stack: &Stack) {
    let tag = e2e::unique("ui-learn");
    let mut team = super::tenants::team(stack, "ui-learn");
    let (course, items) = super::courses::written_course(stack, &mut team, "ui-learn");
    for (_, item) in &items {
        super::courses::approve(&mut team.reviewer, item);
    }
    let published = super::courses::publish(&mut team.designer, &course);
    assert_eq!(published.status, 201, "{}", published.text());
    let (_, learner) = join(stack, &invite(&mut team.admin, "user"), "ui-learn-learner");
    let package = team.designer.get(&format!("/api/courses/{course}/1")).json();
    let lesson = &package["modules"][0]["lessons"][0];
    let keys: Vec<u64> = lesson["quiz"]["content"]["questions"].as_array().unwrap().iter().map(|q| q["correctIndex"].as_u64().unwrap()).collect();
    run_with(stack, "learn", &tag, &json!({ "learner": learner, "course": course, "title": package["title"], "lesson": lesson["title"], "keys": keys }));
}
