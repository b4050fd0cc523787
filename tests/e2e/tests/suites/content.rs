//! Content of an approved syllabus (issue 18): a generation job writes every slot on the queue
//! consumer, items finish one by one, the quality gate retries with its findings fed back and
//! leaves what still fails for a reviewer, a quiz's key is checked by a second model answering
//! blind, every version is reviewed under the four-eyes rule, approved versions are immutable,
//! and a redelivered item never makes a second version.

use super::stream::answered_blueprint;
use e2e::client::{Client, Reply};
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use super::tenants::{join, team, Team};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("content::an_approved_syllabus_is_written_slot_by_slot_and_reviewed", an_approved_syllabus_is_written_slot_by_slot_and_reviewed),
        ("content::a_lesson_failing_the_gate_is_retried_then_left_for_review", a_lesson_failing_the_gate_is_retried_then_left_for_review),
        ("content::a_quiz_whose_key_stands_out_or_disagrees_is_flagged", a_quiz_whose_key_stands_out_or_disagrees_is_flagged),
        ("content::jobs_need_an_approved_syllabus_and_real_slots", jobs_need_an_approved_syllabus_and_real_slots),
        ("content::another_tenants_jobs_and_content_are_not_found", another_tenants_jobs_and_content_are_not_found),
        ("content::a_version_is_revised_or_regenerated_and_the_approved_one_stays", a_version_is_revised_or_regenerated_and_the_approved_one_stays),
    ]
}

/// Write to D1 from outside the stack.
pub fn exclusive() -> Vec<super::Test> {
    vec![("content::a_redelivered_item_writes_no_second_version", a_redelivered_item_writes_no_second_version)]
}

/// A course whose module titles and objectives carry `tag`, so that each slot's prompts can be
/// scripted: module `i` is "Module {i} {tag}", its one objective "Explain tier {i} {tag}".
fn tagged_course(tag: &str, modules: usize) -> Value {
    let modules: Vec<Value> = (1..=modules)
        .map(|i| json!({
            "title": format!("Module {i} {tag}"),
            "durationMinutes": 40,
            "objectives": [format!("Explain tier {i} {tag}")],
            "activities": ["Role-play"],
            "assessments": [format!("Quiz on tier {i}")]
        }))
        .collect();
    json!({ "title": format!("Course {tag}"), "overview": "A short course on pricing tiers for new sales reps.", "learningObjectives": ["Explain the pricing tiers"], "modules": modules, "timeline": null, "resources": null })
}

/// An approved syllabus of `team`'s designer, curated from a tagged course: its id and the
/// syllabus (one lesson per module, titled from its objective).
pub fn approved_syllabus(stack: &Stack, team: &mut Team, tag: &str, modules: usize) -> (String, Value) {
    let blueprint = answered_blueprint(stack, &mut team.designer, tag);
    stack.llm.script(tag, vec![Behaviour::reply(tagged_course(tag, modules).to_string())]);
    let body = json!({ "blueprintId": blueprint }).to_string().into_bytes();
    let events = team.designer.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body)).collect_all();
    assert_eq!(events.last().map(|e| e.event.as_str()), Some("complete"), "{events:?}");
    // Every later prompt of this course carries the tag: unusable answers unless a test scripts
    // a more specific one, so the syllabus is the curated split.
    stack.llm.script(tag, vec![Behaviour::reply("{}")]);
    let created = team.designer.post_empty(&format!("/api/blueprints/{blueprint}/versions/1/syllabus"));
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_string();
    assert_eq!(team.designer.post(&format!("/api/syllabi/{id}/submit"), &json!({})).status, 200);
    let approved = team.reviewer.post(&format!("/api/syllabi/{id}/approve"), &json!({}));
    assert_eq!(approved.status, 200, "{}", approved.text());
    (id, approved.json()["syllabus"].clone())
}

pub fn start(client: &mut Client, syllabus: &str, body: Value) -> Reply {
    client.post(&format!("/api/syllabi/{syllabus}/generation-jobs"), &body)
}

/// Polls the job until every item is final.
pub fn finished(client: &mut Client, job: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let reply = client.get(&format!("/api/generation-jobs/{job}"));
        assert_eq!(reply.status, 200, "{}", reply.text());
        let body = reply.json();
        if body["status"] == "completed" {
            return body;
        }
        assert!(Instant::now() < deadline, "the job did not finish: {body}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn item<'a>(job: &'a Value, slot: &str) -> &'a Value {
    job["items"].as_array().unwrap().iter().find(|item| item["slot"] == slot).unwrap_or_else(|| panic!("{slot} in {job}"))
}

fn checks(findings: &Value) -> Vec<String> {
    findings.as_array().unwrap().iter().map(|f| f["check"].as_str().unwrap().to_string()).collect()
}

fn an_approved_syllabus_is_written_slot_by_slot_and_reviewed(stack: &Stack) {
    let tag = e2e::unique("content-path");
    let mut team = team(stack, "path");
    let (syllabus, _) = approved_syllabus(stack, &mut team, &tag, 2);
    let reply = start(&mut team.designer, &syllabus, json!({}));
    assert_eq!(reply.status, 202, "{}", reply.text());
    let started = reply.json();
    let slots: Vec<&str> = started["items"].as_array().unwrap().iter().map(|i| i["slot"].as_str().unwrap()).collect();
    assert_eq!(slots, ["m1.l1", "m1.l1.quiz", "m1.project", "m2.l1", "m2.l1.quiz", "m2.project"], "course order");
    let job = started["jobId"].as_str().unwrap().to_string();
    let done = finished(&mut team.designer, &job);
    // No model answered usably: every slot holds its curated item, for a reviewer to look at.
    assert_eq!(done["counts"]["needsReview"], 6, "{done}");
    for entry in done["items"].as_array().unwrap() {
        assert!(entry["contentItemId"].as_str().is_some() && entry["attempts"] == 1, "{entry}");
    }
    // The quiz's key was not checked by a second model: said, never silently passed.
    assert!(checks(&item(&done, "m1.l1.quiz")["findings"]).contains(&"answer_key_unverified".to_string()), "{done}");

    // The course tree: every slot with its latest version, none approved yet.
    let tree = team.reviewer.get(&format!("/api/syllabi/{syllabus}/content")).json();
    assert_eq!(tree["slots"].as_array().unwrap().len(), 6, "{tree}");
    assert!(tree["slots"].as_array().unwrap().iter().all(|s| s["latest"]["status"] == "DRAFT" && s["approved"].is_null()), "{tree}");

    let lesson_id = item(&done, "m1.l1")["contentItemId"].as_str().unwrap().to_string();
    let lesson = team.reviewer.get(&format!("/api/content/{lesson_id}")).json();
    assert_eq!((lesson["kind"].as_str(), lesson["version"].as_u64(), lesson["source"].as_str()), (Some("lesson"), Some(1), Some("fallback")), "{lesson}");
    // The author edits the draft (validated: a wrong field is named under `content.`).
    let mut edited = lesson["content"].clone();
    edited["keyTakeaways"] = json!(["Tier one suits small teams", "Upgrade when seats pass ten"]);
    let put = |client: &mut Client, content: &Value| client.send("PUT", &format!("/api/content/{lesson_id}"), &[("content-type", "application/json")], Some(json!({ "content": content }).to_string().into_bytes()));
    let mut broken = edited.clone();
    broken["practice"]["prompt"] = json!("short");
    let body = put(&mut team.designer, &broken).expect_error(400);
    assert_eq!(body["details"][0]["field"], "content.practice.prompt", "{body}");
    let saved = put(&mut team.designer, &edited);
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(saved.json()["source"], "edit");

    // The designer (a user) reviews nothing; the reviewer approves; approved is final.
    team.designer.post(&format!("/api/content/{lesson_id}/approve"), &json!({})).expect_error(403);
    let approved = team.reviewer.post(&format!("/api/content/{lesson_id}/approve"), &json!({ "note": "Clear" }));
    assert_eq!(approved.status, 200, "{}", approved.text());
    let approved = approved.json();
    assert_eq!(approved["status"], "APPROVED");
    assert_eq!(approved["content"]["keyTakeaways"][1], "Upgrade when seats pass ten", "what was approved is the edit");
    assert_eq!(approved["sha256"].as_str().unwrap().len(), 64);
    put(&mut team.designer, &edited).expect_error(409);
    team.reviewer.post(&format!("/api/content/{lesson_id}/reject"), &json!({ "note": "late" })).expect_error(409);
    team.reviewer.post(&format!("/api/content/{lesson_id}/approve"), &json!({})).expect_error(409);

    // A rejection needs a note and ends the version.
    let quiz_id = item(&done, "m1.l1.quiz")["contentItemId"].as_str().unwrap().to_string();
    let body = team.reviewer.post(&format!("/api/content/{quiz_id}/reject"), &json!({})).expect_error(400);
    assert_eq!(body["details"][0]["field"], "note");
    let rejected = team.reviewer.post(&format!("/api/content/{quiz_id}/reject"), &json!({ "note": "Write real distractors" }));
    assert_eq!(rejected.json()["status"], "REJECTED", "{}", rejected.text());
    // The tenant's admin approves the rest.
    for slot in ["m1.project", "m2.l1", "m2.l1.quiz", "m2.project"] {
        let id = item(&done, slot)["contentItemId"].as_str().unwrap();
        let reply = team.admin.post(&format!("/api/content/{id}/approve"), &json!({}));
        assert_eq!(reply.status, 200, "{slot}: {}", reply.text());
    }
    let tree = team.designer.get(&format!("/api/syllabi/{syllabus}/content")).json();
    let approved_slots = tree["slots"].as_array().unwrap().iter().filter(|s| !s["approved"].is_null()).count();
    assert_eq!(approved_slots, 5, "all but the rejected quiz: {tree}");
}

/// A valid lesson for the `m1.l1` slot of a tagged course, lasting `minutes`.
fn lesson(tag: &str, minutes: u32) -> Value {
    json!({
        "title": format!("Explain tier 1 {tag}"),
        "durationMinutes": minutes,
        "objectives": [format!("Explain tier 1 {tag}")],
        "explanation": {
            "overview": "Tier one is the entry plan: it covers a single team and the core features most new customers need.",
            "concepts": [{ "title": "Who tier one fits", "explanation": "Small teams with fewer than ten seats who need the core features and nothing more yet.", "example": null }]
        },
        "keyTakeaways": ["Tier one fits small teams", "Upgrade at ten seats"],
        "practice": { "prompt": "Describe tier one to a customer with eight seats in two sentences.", "expectedOutcome": "A short, accurate description that names the seat limit and the core features." },
        "metadata": { "level": "intermediate", "prerequisites": null }
    })
}

fn a_lesson_failing_the_gate_is_retried_then_left_for_review(stack: &Stack) {
    let tag = e2e::unique("content-gate");
    let mut team = team(stack, "gate");
    let (syllabus, outline) = approved_syllabus(stack, &mut team, &tag, 1);
    let minutes = outline["modules"][0]["lessons"][0]["minutes"].as_u64().unwrap() as u32;
    // Far longer than its slot (±20 % allowed): blocking, every time it is written.
    let too_long = lesson(&tag, minutes * 3);
    stack.llm.script(&format!("Explain tier 1 {tag}"), vec![Behaviour::reply(too_long.to_string())]);
    let reply = start(&mut team.designer, &syllabus, json!({ "slots": ["m1.l1"] }));
    assert_eq!(reply.status, 202, "{}", reply.text());
    let job = reply.json()["jobId"].as_str().unwrap().to_string();
    let done = finished(&mut team.designer, &job);
    let entry = item(&done, "m1.l1");
    assert_eq!(entry["status"], "needs_review", "{done}");
    assert!(checks(&entry["findings"]).contains(&"duration_off_slot".to_string()), "{entry}");
    // Written three times: the first try and two retries, each told what to fix.
    let asked: Vec<_> = stack.llm.received(&format!("Explain tier 1 {tag}")).into_iter().filter(|r| r.body.to_string().contains("keyTakeaways")).collect();
    assert_eq!(asked.len(), 3, "one try and two retries");
    assert!(asked[2].body.to_string().contains("duration_off_slot"), "the findings are fed back");
    let stored = team.reviewer.get(&format!("/api/content/{}", entry["contentItemId"].as_str().unwrap())).json();
    assert_eq!((stored["source"].as_str(), stored["status"].as_str()), (Some("model"), Some("DRAFT")), "{stored}");
}

fn a_quiz_whose_key_stands_out_or_disagrees_is_flagged(stack: &Stack) {
    let tag = e2e::unique("content-quiz");
    let mut team = team(stack, "quiz");
    let (syllabus, _) = approved_syllabus(stack, &mut team, &tag, 1);
    let question = |n: u32| json!({
        "question": format!("Which plan suits a team of {n} seats ({tag}-blind)?"),
        "options": ["Tier one", "Tier two", "The enterprise plan with every add-on, priority support and a named manager", "Tier three"],
        "correctIndex": 2,
        "explanation": "Larger teams need the enterprise plan."
    });
    let quiz = json!({ "questions": [question(40), question(60), question(80), question(90)] });
    // The quiz prompt names its slot title ("Quiz: …"); the blind answerer sees the questions.
    stack.llm.script(&format!("{tag}-blind"), vec![Behaviour::reply(json!({ "answers": [0, 0, 0, 0] }).to_string())]);
    stack.llm.script(&format!("Quiz: Explain tier 1 {tag}"), vec![Behaviour::reply(quiz.to_string())]);
    let reply = start(&mut team.designer, &syllabus, json!({ "slots": ["m1.l1.quiz"] }));
    assert_eq!(reply.status, 202, "{}", reply.text());
    let done = finished(&mut team.designer, reply.json()["jobId"].as_str().unwrap());
    let entry = item(&done, "m1.l1.quiz");
    assert_eq!(entry["status"], "needs_review", "{done}");
    let found = checks(&entry["findings"]);
    for expected in ["key_longest_option", "answer_key_disagreement", "key_position_skewed"] {
        assert!(found.contains(&expected.to_string()), "{expected} in {found:?}");
    }
    let disagreement = entry["findings"].as_array().unwrap().iter().find(|f| f["check"] == "answer_key_disagreement").unwrap();
    assert!(disagreement["evidence"].as_str().unwrap().contains("Tier one"), "both answers are quoted: {disagreement}");
}

fn jobs_need_an_approved_syllabus_and_real_slots(stack: &Stack) {
    let tag = e2e::unique("content-refusals");
    let mut team = team(stack, "refusals");
    let (syllabus, _) = approved_syllabus(stack, &mut team, &tag, 1);
    for (body, field) in [(json!({ "slots": ["m9.l1"] }), "slots[0]"), (json!({ "kinds": ["video"] }), "kinds[0]"), (json!({ "kinds": ["project"], "slots": ["m1.l1"] }), "slots")] {
        let error = start(&mut team.designer, &syllabus, body.clone()).expect_error(400);
        assert_eq!(error["details"][0]["field"], field, "{body}: {error}");
    }
    // The same Idempotency-Key answers the same job.
    let send = |client: &mut Client| client.send("POST", &format!("/api/syllabi/{syllabus}/generation-jobs"), &[("content-type", "application/json"), ("idempotency-key", "once-please")], Some(br#"{"slots":["m1.project"]}"#.to_vec()));
    let first = send(&mut team.designer);
    assert_eq!(first.status, 202, "{}", first.text());
    let second = send(&mut team.designer);
    assert_eq!(second.json()["jobId"], first.json()["jobId"]);
    // Five jobs a minute per user (those two counted; refused bodies did not).
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(start(&mut team.designer, &syllabus, json!({ "slots": ["m1.project"] })));
    }
    assert_eq!(statuses.iter().map(|r| r.status).collect::<Vec<_>>(), [202, 202, 202, 429]);
    let retry_after: u64 = statuses[3].header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // A syllabus still in draft writes nothing.
    let other_tag = e2e::unique("content-draft");
    let blueprint = answered_blueprint(stack, &mut team.designer, &other_tag);
    stack.llm.script(&other_tag, vec![Behaviour::reply(tagged_course(&other_tag, 1).to_string())]);
    let body = json!({ "blueprintId": blueprint }).to_string().into_bytes();
    team.designer.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body)).collect_all();
    let draft = team.designer.post_empty(&format!("/api/blueprints/{blueprint}/versions/1/syllabus")).json();
    start(&mut team.designer, draft["id"].as_str().unwrap(), json!({})).expect_error(409);
}

fn another_tenants_jobs_and_content_are_not_found(stack: &Stack) {
    let tag = e2e::unique("content-isolation");
    let mut home = team(stack, "home");
    let (syllabus, _) = approved_syllabus(stack, &mut home, &tag, 1);
    let job = start(&mut home.designer, &syllabus, json!({ "slots": ["m1.l1"] })).json()["jobId"].as_str().unwrap().to_string();
    let done = finished(&mut home.designer, &job);
    let item_id = item(&done, "m1.l1")["contentItemId"].as_str().unwrap().to_string();
    let mut away = team(stack, "away");
    for client in [&mut away.admin, &mut away.reviewer] {
        client.get(&format!("/api/generation-jobs/{job}")).expect_error(404);
        client.get(&format!("/api/content/{item_id}")).expect_error(404);
        client.post(&format!("/api/content/{item_id}/approve"), &json!({})).expect_error(404);
        client.get(&format!("/api/syllabi/{syllabus}/content")).expect_error(404);
        start(client, &syllabus, json!({})).expect_error(404);
    }
    // A plain user of the same tenant sees neither the job nor the draft.
    let code = home.admin.post("/api/admin/invites", &json!({ "role": "user" })).json()["inviteCode"].as_str().unwrap().to_string();
    let mut colleague = join(stack, &code, "content-colleague");
    colleague.get(&format!("/api/generation-jobs/{job}")).expect_error(404);
    colleague.get(&format!("/api/content/{item_id}")).expect_error(404);
}

fn a_version_is_revised_or_regenerated_and_the_approved_one_stays(stack: &Stack) {
    let tag = e2e::unique("content-revise");
    let mut team = team(stack, "revise");
    let (syllabus, _) = approved_syllabus(stack, &mut team, &tag, 1);
    let job = start(&mut team.designer, &syllabus, json!({ "slots": ["m1.l1"] })).json()["jobId"].as_str().unwrap().to_string();
    let first = item(&finished(&mut team.designer, &job), "m1.l1")["contentItemId"].as_str().unwrap().to_string();
    assert_eq!(team.reviewer.post(&format!("/api/content/{first}/approve"), &json!({})).status, 200);

    // A revision is a new draft, copied; the approved version stays what learners get.
    let revised = team.designer.post_empty(&format!("/api/content/{first}/revise"));
    assert_eq!(revised.status, 201, "{}", revised.text());
    let revised = revised.json();
    assert_eq!((revised["version"].as_u64(), revised["status"].as_str(), revised["source"].as_str()), (Some(2), Some("DRAFT"), Some("edit")), "{revised}");
    let versions: Vec<(u64, &str)> = revised["history"].as_array().unwrap().iter().map(|v| (v["version"].as_u64().unwrap(), v["status"].as_str().unwrap())).collect();
    assert_eq!(versions, [(2, "DRAFT"), (1, "APPROVED")]);
    let tree = team.designer.get(&format!("/api/syllabi/{syllabus}/content")).json();
    let slot = &tree["slots"][0];
    assert_eq!((slot["latest"]["version"].as_u64(), slot["approved"]["version"].as_u64()), (Some(2), Some(1)), "{tree}");

    // Regenerating asks the model again with the reviewer's instructions: a third version.
    let body = team.reviewer.post(&format!("/api/content/{first}/regenerate"), &json!({ "instructions": "x".repeat(2001) })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "instructions");
    let reply = team.reviewer.post(&format!("/api/content/{first}/regenerate"), &json!({ "instructions": "Use a retail example" }));
    assert_eq!(reply.status, 202, "{}", reply.text());
    let done = finished(&mut team.reviewer, reply.json()["jobId"].as_str().unwrap());
    let third = item(&done, "m1.l1")["contentItemId"].as_str().unwrap().to_string();
    assert_eq!(team.reviewer.get(&format!("/api/content/{third}")).json()["version"], 3);
    assert!(stack.llm.received(&tag).iter().any(|r| r.body.to_string().contains("Use a retail example")), "the writer was told");
    assert_eq!(team.designer.get(&format!("/api/content/{first}")).json()["status"], "APPROVED", "untouched");
}

fn a_redelivered_item_writes_no_second_version(stack: &Stack) {
    let tag = e2e::unique("content-redelivery");
    let mut team = team(stack, "redelivery");
    let (syllabus, _) = approved_syllabus(stack, &mut team, &tag, 1);
    let job = start(&mut team.designer, &syllabus, json!({ "slots": ["m1.l1"] })).json()["jobId"].as_str().unwrap().to_string();
    let done = finished(&mut team.designer, &job);
    let first = item(&done, "m1.l1")["contentItemId"].as_str().unwrap().to_string();
    // As if its consumer had died after writing the version, before ending the item: the claim's
    // lease ran out. The stale-work recovery sends it to the queue again.
    stack.d1_execute(&format!("UPDATE generation_job_items SET status = 'processing', lease_until = '2000-01-01T00:00:00.000Z' WHERE job_id = '{job}'")).unwrap();
    stack.d1_execute(&format!("UPDATE generation_jobs SET status = 'running', completed_at = NULL WHERE id = '{job}'")).unwrap();
    let mut platform = super::admin(stack);
    let run = platform.post("/api/admin/cron/run", &json!({ "cron": "*/5 * * * *", "scheduledTime": chrono_now_ms() }));
    assert_eq!(run.status, 200, "{}", run.text());
    let again = finished(&mut team.designer, &job);
    let entry = item(&again, "m1.l1");
    assert_eq!(entry["attempts"], 2, "written again: {again}");
    assert_eq!(entry["contentItemId"], first.as_str(), "the version it wrote the first time");
    let versions = stack.d1_execute(&format!("SELECT COUNT(*) AS n FROM content_items WHERE syllabus_id = '{syllabus}' AND slot = 'm1.l1'")).unwrap();
    assert_eq!(versions[0]["results"][0]["n"], 1, "one version: {versions}");
    // Approved content is immutable in the database itself.
    assert_eq!(team.reviewer.post(&format!("/api/content/{first}/approve"), &json!({})).status, 200);
    let error = stack.d1_execute(&format!("UPDATE content_items SET document = '{{}}' WHERE id = '{first}'")).expect_err("immutable");
    assert!(error.contains("approved content is immutable"), "{error}");
}

fn chrono_now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
