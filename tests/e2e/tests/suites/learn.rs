//! Learners (issue 13): the tenant's published courses, enrolling (pinned to a version),
//! reading lessons without answer keys, progress, quizzes graded on the server, completion —
//! and nothing for another tenant, nothing archived, nothing without enrolling.

use super::courses::{approve, publish, written_course};
use super::tenants::{invite, join, team, Team};
use e2e::client::Client;
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("learn::a_learner_enrolls_reads_takes_the_quiz_and_completes_the_course", a_learner_enrolls_reads_takes_the_quiz_and_completes_the_course),
        ("learn::archived_and_foreign_courses_are_not_served", archived_and_foreign_courses_are_not_served),
    ]
}

/// A published one-lesson course of `team`, and a learner (a plain user) of the same tenant.
pub fn published_course(stack: &Stack, team: &mut Team, label: &str) -> (String, Client) {
    let (course, items) = written_course(stack, team, label);
    for (_, id) in &items {
        approve(&mut team.reviewer, id);
    }
    assert_eq!(publish(&mut team.designer, &course).status, 201);
    let learner = join(stack, &invite(&mut team.admin, "user"), &format!("{label}-learner"));
    (course, learner)
}

fn ok(reply: e2e::client::Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text());
    reply.json()
}

fn a_learner_enrolls_reads_takes_the_quiz_and_completes_the_course(stack: &Stack) {
    let mut team = team(stack, "learner");
    let (course, mut learner) = published_course(stack, &mut team, "learn-path");
    let catalogue = ok(learner.get("/api/learn/courses"), 200);
    let entry = catalogue["courses"].as_array().unwrap().iter().find(|c| c["courseId"] == course.as_str()).expect("listed").clone();
    assert_eq!((entry["version"].as_i64(), entry["lessons"].as_i64(), entry["enrolled"].as_bool()), (Some(1), Some(1), Some(false)), "{entry}");
    assert!(entry["summary"].as_str().is_some_and(|s| s.contains("pricing")), "the blueprint's overview: {entry}");

    // The outline and the lesson: no answer key anywhere.
    let outline = learner.get(&format!("/api/learn/courses/{course}"));
    assert!(!outline.text().contains("correctIndex"), "{}", outline.text());
    let outline = ok(outline, 200);
    assert_eq!(outline["modules"][0]["lessons"][0]["quizSlot"], "m1.l1.quiz");
    let lesson = learner.get(&format!("/api/learn/courses/{course}/lessons/0"));
    assert!(!lesson.text().contains("correctIndex") && !lesson.text().contains("\"explanation\":\"Because"), "{}", lesson.text());
    let lesson = ok(lesson, 200);
    assert_eq!((lesson["previous"].clone(), lesson["next"].clone(), lesson["slot"].as_str()), (Value::Null, Value::Null, Some("m1.l1")));
    let questions = lesson["quiz"]["questions"].as_array().unwrap().len();
    assert!(questions >= 3 && lesson["quiz"]["questions"][0]["options"].as_array().unwrap().len() == 4);
    learner.get(&format!("/api/learn/courses/{course}/lessons/1")).expect_error(404);
    learner.get(&format!("/api/learn/courses/{course}/lessons/x")).expect_error(404);

    // Nothing is recorded before enrolling.
    learner.post("/api/learn/progress", &json!({ "courseId": course, "lessonIdx": 0, "completed": true })).expect_error(403);
    learner.post(&format!("/api/learn/courses/{course}/quizzes/m1.l1.quiz/attempts"), &json!({ "answers": vec![0; questions] })).expect_error(403);
    learner.get(&format!("/api/learn/progress/{course}")).expect_error(403);
    let enrolled = ok(learner.post("/api/learn/enroll", &json!({ "courseId": course })), 201);
    assert_eq!(enrolled["version"], 1);
    assert_eq!(ok(learner.post("/api/learn/enroll", &json!({ "courseId": course })), 200), enrolled, "one enrollment");
    assert_eq!(learner.post("/api/learn/enroll", &json!({})).expect_error(400)["details"][0]["field"], "courseId");

    // The key, as only the author's package view has it.
    let package = team.designer.get(&format!("/api/courses/{course}/1")).json();
    let keys: Vec<u64> = package["modules"][0]["lessons"][0]["quiz"]["content"]["questions"].as_array().unwrap().iter().map(|q| q["correctIndex"].as_u64().unwrap()).collect();
    let attempt = |learner: &mut Client, answers: Vec<u64>| learner.post(&format!("/api/learn/courses/{course}/quizzes/m1.l1.quiz/attempts"), &json!({ "answers": answers }));
    let body = attempt(&mut learner, vec![0]).expect_error(400);
    assert_eq!(body["details"][0]["field"], "answers", "{body}");
    let wrong = ok(attempt(&mut learner, keys.iter().map(|k| (k + 1) % 4).collect()), 201);
    assert_eq!((wrong["score"].as_u64(), wrong["passed"].as_bool()), (Some(0), Some(false)), "{wrong}");
    assert_eq!(wrong["results"][0]["correctIndex"].as_u64(), Some(keys[0]), "the key is revealed in the result");
    assert!(wrong["results"][0]["explanation"].as_str().is_some_and(|e| !e.is_empty()));
    learner.post(&format!("/api/learn/courses/{course}/quizzes/m1.l2.quiz/attempts"), &json!({ "answers": [0] })).expect_error(404);
    let right = ok(attempt(&mut learner, keys.clone()), 201);
    assert_eq!((right["score"].as_u64(), right["passed"].as_bool()), (Some(100), Some(true)));

    let body = learner.post("/api/learn/progress", &json!({ "courseId": course, "lessonIdx": 3, "completed": true })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "lessonIdx");
    let progress = ok(learner.post("/api/learn/progress", &json!({ "courseId": course, "lessonIdx": 0, "completed": true })), 200);
    assert_eq!(progress["percent"], 100, "{progress}");
    assert!(progress["completedAt"].as_str().is_some(), "lesson completed and quiz passed: the course is complete");
    assert_eq!((progress["quizzes"][0]["attempts"].as_u64(), progress["quizzes"][0]["bestScore"].as_u64()), (Some(2), Some(100)));
    let read = ok(learner.get(&format!("/api/learn/progress/{course}")), 200);
    assert_eq!(read["lessons"][0]["completed"], true);
    assert!(ok(learner.get("/api/learn/courses"), 200)["courses"].as_array().unwrap().iter().any(|c| c["courseId"] == course.as_str() && c["enrolled"] == true));
    // Another learner's progress is their own.
    let mut other = join(stack, &invite(&mut team.admin, "user"), "learn-other");
    other.get(&format!("/api/learn/progress/{course}")).expect_error(403);
}

fn archived_and_foreign_courses_are_not_served(stack: &Stack) {
    let mut team = team(stack, "learn-archive");
    let (course, mut learner) = published_course(stack, &mut team, "learn-archive");
    let mut away = team_away(stack);
    for path in [format!("/api/learn/courses/{course}"), format!("/api/learn/courses/{course}/lessons/0")] {
        let foreign = away.get(&path).expect_error(404);
        assert_eq!(foreign["error"], away.get("/api/learn/courses/00000000-0000-4000-8000-000000000000").expect_error(404)["error"]);
    }
    away.post("/api/learn/enroll", &json!({ "courseId": course })).expect_error(404);
    assert!(!away.get("/api/learn/courses").json()["courses"].as_array().unwrap().iter().any(|c| c["courseId"] == course.as_str()));
    // Archived: offered to nobody, served to nobody.
    assert_eq!(team.admin.post_empty(&format!("/api/courses/{course}/1/archive")).status, 200);
    learner.get(&format!("/api/learn/courses/{course}")).expect_error(404);
    learner.post("/api/learn/enroll", &json!({ "courseId": course })).expect_error(404);
    assert!(!learner.get("/api/learn/courses").json()["courses"].as_array().unwrap().iter().any(|c| c["courseId"] == course.as_str()));
}

fn team_away(stack: &Stack) -> Client {
    team(stack, "learn-away").designer
}
