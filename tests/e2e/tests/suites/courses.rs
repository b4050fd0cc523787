//! Course packages (issue 13): an approved syllabus with every slot approved is published as a
//! numbered, immutable version — refused while a slot is unapproved, the same version again when
//! nothing changed, drafts never inside, archived by a tenant admin only, unreachable from
//! another tenant, and kept by the database whatever the caller.

use super::content::{approved_syllabus, finished, item, start};
use super::tenants::{team, Team};
use e2e::client::Client;
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("courses::a_course_is_published_once_every_slot_is_approved", a_course_is_published_once_every_slot_is_approved),
        ("courses::only_approved_versions_are_packaged_and_versions_count_up", only_approved_versions_are_packaged_and_versions_count_up),
        ("courses::archiving_is_the_one_change_and_for_admins", archiving_is_the_one_change_and_for_admins),
    ]
}

/// Writes to D1 from outside the stack.
pub fn exclusive() -> Vec<super::Test> {
    vec![("courses::the_database_keeps_packages_as_published", the_database_keeps_packages_as_published)]
}

/// A team with an approved 1-module syllabus whose three slots are written (curated drafts):
/// the syllabus id and each slot's content item id, in course order.
pub fn written_course(stack: &Stack, team: &mut Team, label: &str) -> (String, Vec<(String, String)>) {
    let tag = e2e::unique(label);
    let (syllabus, _) = approved_syllabus(stack, team, &tag, 1);
    let job = start(&mut team.designer, &syllabus, json!({})).json()["jobId"].as_str().unwrap().to_string();
    let done = finished(&mut team.designer, &job);
    let items = ["m1.l1", "m1.l1.quiz", "m1.project"].iter().map(|slot| (slot.to_string(), item(&done, slot)["contentItemId"].as_str().unwrap().to_string())).collect();
    (syllabus, items)
}

pub fn approve(reviewer: &mut Client, item: &str) {
    let reply = reviewer.post(&format!("/api/content/{item}/approve"), &json!({}));
    assert_eq!(reply.status, 200, "{}", reply.text());
}

pub fn publish(client: &mut Client, syllabus: &str) -> e2e::client::Reply {
    client.post_empty(&format!("/api/syllabi/{syllabus}/publish"))
}

fn a_course_is_published_once_every_slot_is_approved(stack: &Stack) {
    let mut team = team(stack, "publish");
    let (course, items) = written_course(stack, &mut team, "course-publish");
    approve(&mut team.reviewer, &items[0].1);
    approve(&mut team.reviewer, &items[2].1);
    let refused = publish(&mut team.designer, &course).expect_error(409);
    assert_eq!(refused["details"]["missing"], json!(["m1.l1.quiz"]), "{refused}");
    team.designer.get(&format!("/api/courses/{course}")).expect_error(404);

    approve(&mut team.reviewer, &items[1].1);
    let reply = publish(&mut team.designer, &course);
    assert_eq!(reply.status, 201, "{}", reply.text());
    let first = reply.json();
    assert_eq!((first["courseId"].as_str(), first["version"].as_i64()), (Some(course.as_str()), Some(1)), "{first}");
    let sha = first["sha256"].as_str().unwrap().to_string();
    // Nothing changed: the same version, no new row.
    let again = publish(&mut team.reviewer, &course);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json(), first);

    // The authoring views: the list, the versions, the frozen package itself.
    for client in [&mut team.designer, &mut team.reviewer, &mut team.admin] {
        let list = client.get("/api/courses").json();
        let listed: Vec<&Value> = list["courses"].as_array().unwrap().iter().filter(|c| c["courseId"] == course.as_str()).collect();
        assert_eq!(listed.len(), 1, "{list}");
        assert_eq!((listed[0]["latestVersion"].as_i64(), listed[0]["status"].as_str()), (Some(1), Some("PUBLISHED")));
    }
    let versions = team.designer.get(&format!("/api/courses/{course}")).json();
    assert_eq!(versions["versions"].as_array().unwrap().len(), 1, "{versions}");
    assert_eq!(versions["versions"][0]["sha256"], sha.as_str());
    let package = team.reviewer.get(&format!("/api/courses/{course}/1"));
    assert_eq!(package.status, 200, "{}", package.text());
    assert_eq!(package.header("x-content-sha256"), Some(sha.as_str()));
    assert_eq!(package.body.len() as i64, first["bytes"].as_i64().unwrap(), "the bytes published");
    let package = package.json();
    assert_eq!(package["format"], "course-package/1");
    let lesson = &package["modules"][0]["lessons"][0];
    assert_eq!((lesson["lesson"]["itemId"].as_str(), lesson["quiz"]["itemId"].as_str()), (Some(items[0].1.as_str()), Some(items[1].1.as_str())));
    assert_eq!(lesson["lesson"]["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(package["modules"][0]["project"]["slot"], "m1.project");
    team.designer.get(&format!("/api/courses/{course}/2")).expect_error(404);
    team.designer.get(&format!("/api/courses/{course}/0")).expect_error(404);
    // Another tenant: nothing, exactly like a missing course.
    let mut away = super::tenants::team(stack, "publish-away");
    let foreign = away.admin.get(&format!("/api/courses/{course}")).expect_error(404);
    let missing = away.admin.get("/api/courses/00000000-0000-4000-8000-000000000000").expect_error(404);
    assert_eq!(foreign["error"], missing["error"]);
    away.admin.get(&format!("/api/courses/{course}/1")).expect_error(404);
    publish(&mut away.admin, &course).expect_error(404);
    assert!(!away.admin.get("/api/courses").json()["courses"].as_array().unwrap().iter().any(|c| c["courseId"] == course.as_str()));
}

fn only_approved_versions_are_packaged_and_versions_count_up(stack: &Stack) {
    let mut team = team(stack, "versions");
    let (course, items) = written_course(stack, &mut team, "course-versions");
    for (_, id) in &items {
        approve(&mut team.reviewer, id);
    }
    assert_eq!(publish(&mut team.designer, &course).status, 201);
    // A revision with an edit is a draft: publishing again changes nothing.
    let revised = team.designer.post_empty(&format!("/api/content/{}/revise", items[0].1)).json();
    let draft_id = revised["id"].as_str().unwrap().to_string();
    let mut edited = revised["content"].clone();
    edited["keyTakeaways"] = json!(["A draft takeaway nobody approved", "Another one"]);
    let saved = team.designer.send("PUT", &format!("/api/content/{draft_id}"), &[("content-type", "application/json")], Some(json!({ "content": edited }).to_string().into_bytes()));
    assert_eq!(saved.status, 200, "{}", saved.text());
    let unchanged = publish(&mut team.designer, &course);
    assert_eq!((unchanged.status, unchanged.json()["version"].as_i64()), (200, Some(1)));
    assert!(!team.designer.get(&format!("/api/courses/{course}/1")).text().contains("A draft takeaway nobody approved"), "drafts never reach a package");
    // Approved, it is version 2; version 1 stays as it was.
    approve(&mut team.reviewer, &draft_id);
    let second = publish(&mut team.designer, &course);
    assert_eq!((second.status, second.json()["version"].as_i64()), (201, Some(2)), "{}", second.text());
    assert!(team.designer.get(&format!("/api/courses/{course}/2")).text().contains("A draft takeaway nobody approved"));
    assert!(!team.designer.get(&format!("/api/courses/{course}/1")).text().contains("A draft takeaway nobody approved"));
    let versions: Vec<i64> = team.reviewer.get(&format!("/api/courses/{course}")).json()["versions"].as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
    assert_eq!(versions, [2, 1], "newest first");
}

fn archiving_is_the_one_change_and_for_admins(stack: &Stack) {
    let mut team = team(stack, "archive");
    let (course, items) = written_course(stack, &mut team, "course-archive");
    for (_, id) in &items {
        approve(&mut team.reviewer, id);
    }
    assert_eq!(publish(&mut team.designer, &course).status, 201);
    let archive = |client: &mut Client| client.post_empty(&format!("/api/courses/{course}/1/archive"));
    archive(&mut team.designer).expect_error(403);
    archive(&mut team.reviewer).expect_error(403);
    let archived = archive(&mut team.admin);
    assert_eq!(archived.status, 200, "{}", archived.text());
    assert_eq!(archived.json()["status"], "ARCHIVED");
    archive(&mut team.admin).expect_error(409);
    assert_eq!(team.designer.get("/api/courses").json()["courses"].as_array().unwrap().iter().find(|c| c["courseId"] == course.as_str()).unwrap()["status"], "ARCHIVED");
    // No other write exists on a package.
    for method in ["PUT", "PATCH", "DELETE"] {
        let reply = team.admin.send(method, &format!("/api/courses/{course}/1"), &[("content-type", "application/json")], Some(b"{}".to_vec()));
        reply.expect_error(405);
        assert_eq!(reply.header("allow"), Some("GET"));
    }
    team.admin.send("DELETE", &format!("/api/courses/{course}"), &[], None).expect_error(405);
}

fn the_database_keeps_packages_as_published(stack: &Stack) {
    let mut team = team(stack, "package-triggers");
    let (course, items) = written_course(stack, &mut team, "course-triggers");
    for (_, id) in &items {
        approve(&mut team.reviewer, id);
    }
    assert_eq!(publish(&mut team.designer, &course).status, 201);
    let refused = |sql: String| {
        let error = stack.d1_execute(&sql).expect_err(&sql);
        assert!(error.contains("a course package is immutable"), "{sql}: {error}");
    };
    refused(format!("UPDATE course_packages SET title = 'Changed' WHERE course_id = '{course}'"));
    refused(format!("UPDATE course_packages SET sha256 = '{}' WHERE course_id = '{course}'", "0".repeat(64)));
    refused(format!("DELETE FROM course_packages WHERE course_id = '{course}'"));
    // Archived stays archived.
    stack.d1_execute(&format!("UPDATE course_packages SET status = 'ARCHIVED' WHERE course_id = '{course}'")).unwrap();
    refused(format!("UPDATE course_packages SET status = 'PUBLISHED' WHERE course_id = '{course}'"));
    let rows = stack.d1_execute(&format!("SELECT action FROM audit_log WHERE action LIKE 'COURSE_PACKAGE_%' AND entity_id = '{course}@1'")).unwrap();
    assert_eq!(rows[0]["results"].as_array().unwrap().len(), 1, "the publish is audited: {rows}");
}
