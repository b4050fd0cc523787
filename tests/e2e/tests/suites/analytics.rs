//! Learner events (issue 19, phases 10.1–10.2): browsers report what only a browser knows, in
//! batches, event by event accepted or rejected with a reason; facts the server knows are
//! refused from a client and recorded by the server itself as they happen.

use super::learn::published_course;
use super::tenants::team;
use e2e::client::Client;
use e2e::stack::Stack;
use serde_json::{json, Value};

pub fn tests() -> Vec<super::Test> {
    vec![
        ("analytics::a_batch_is_kept_event_by_event_and_server_facts_are_refused", a_batch_is_kept_event_by_event_and_server_facts_are_refused),
        ("analytics::batches_are_bounded_and_rate_limited", batches_are_bounded_and_rate_limited),
    ]
}

/// Reads D1 from outside the stack.
pub fn exclusive() -> Vec<super::Test> {
    vec![("analytics::the_server_records_what_learners_do", the_server_records_what_learners_do)]
}

fn send(client: &mut Client, events: Value) -> e2e::client::Reply {
    client.post("/api/analytics/event", &json!({ "events": events }))
}

fn a_batch_is_kept_event_by_event_and_server_facts_are_refused(stack: &Stack) {
    let mut home = team(stack, "events");
    let (course, mut learner) = published_course(stack, &mut home, "events");
    let mut away = team(stack, "events-away");
    let (foreign, _) = published_course(stack, &mut away, "events-away");
    let reply = send(&mut learner, json!([
        { "type": "course_viewed", "courseId": course },
        { "type": "lesson_viewed", "courseId": course, "lessonIdx": 0, "slot": "m1.l1" },
        { "type": "lesson_time", "courseId": course, "lessonIdx": 0, "metadata": { "seconds": 95 } },
        { "type": "quiz_passed", "courseId": course },
        { "type": "course_completed", "courseId": course },
        { "type": "course_viewed", "courseId": foreign },
        { "type": "scrolled", "courseId": course },
        { "type": "lesson_time", "courseId": course, "lessonIdx": 0 }
    ]));
    assert_eq!(reply.status, 202, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["accepted"], 3, "{body}");
    let rejected: Vec<(u64, String)> = body["rejected"].as_array().unwrap().iter().map(|r| (r["index"].as_u64().unwrap(), r["error"].as_str().unwrap().to_string())).collect();
    assert_eq!(rejected.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [3, 4, 5, 6, 7], "{body}");
    assert!(rejected[0].1.contains("quiz_passed is recorded by the server"), "{body}");
    assert!(rejected[1].1.contains("course_completed is recorded by the server"));
    assert!(rejected[2].1.contains("not a course you can see"), "another tenant's course: {body}");
    assert!(rejected[3].1.contains("not an event type"));
    assert!(rejected[4].1.starts_with("metadata.seconds"));
    // Signed out: nothing.
    let mut anonymous = Client::new(&stack.base_url);
    send(&mut anonymous, json!([{ "type": "course_viewed", "courseId": course }])).expect_error(401);
}

fn batches_are_bounded_and_rate_limited(stack: &Stack) {
    let mut home = team(stack, "events-limits");
    let (course, mut learner) = published_course(stack, &mut home, "events-limits");
    let one = json!({ "type": "course_viewed", "courseId": course });
    let body = send(&mut learner, Value::Array(vec![one.clone(); 51])).expect_error(400);
    assert_eq!(body["details"][0]["field"], "events", "{body}");
    learner.post("/api/analytics/event", &json!({})).expect_error(400);
    let huge = json!({ "events": [{ "type": "course_viewed", "courseId": course, "metadata": { "note": "x".repeat(70_000) } }] });
    learner.post("/api/analytics/event", &huge).expect_error(413);
    // Sixty batches a minute per user (the three above were counted or refused before it).
    let mut statuses = Vec::new();
    for _ in 0..62 {
        let reply = send(&mut learner, json!([one]));
        statuses.push(reply.status);
        if reply.status == 429 {
            assert!(reply.header("retry-after").is_some_and(|s| s.parse::<u64>().is_ok_and(|n| (1..=60).contains(&n))));
            break;
        }
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert!(statuses.len() >= 58, "the limit is not lower than documented: {statuses:?}");
}

fn the_server_records_what_learners_do(stack: &Stack) {
    let mut home = team(stack, "facts");
    let (course, mut learner) = published_course(stack, &mut home, "facts");
    let me = learner.get("/api/auth/me").json()["user"]["id"].as_str().unwrap().to_string();
    assert_eq!(learner.post("/api/learn/enroll", &json!({ "courseId": course })).status, 201);
    let package = home.designer.get(&format!("/api/courses/{course}/1")).json();
    let keys: Vec<u64> = package["modules"][0]["lessons"][0]["quiz"]["content"]["questions"].as_array().unwrap().iter().map(|q| q["correctIndex"].as_u64().unwrap()).collect();
    let attempts = format!("/api/learn/courses/{course}/quizzes/m1.l1.quiz/attempts");
    assert_eq!(learner.post(&attempts, &json!({ "answers": keys.iter().map(|k| (k + 1) % 4).collect::<Vec<_>>() })).status, 201);
    assert_eq!(learner.post(&attempts, &json!({ "answers": keys })).status, 201);
    assert_eq!(learner.post("/api/learn/progress", &json!({ "courseId": course, "lessonIdx": 0, "completed": true })).status, 200);
    assert_eq!(send(&mut learner, json!([{ "type": "course_viewed", "courseId": course }])).status, 202);
    let rows = stack.d1_execute(&format!("SELECT type, source, slot, metadata FROM analytics_events WHERE user_id = '{me}' ORDER BY received_at, type")).unwrap();
    let rows = rows[0]["results"].as_array().unwrap().clone();
    let kinds: Vec<(&str, &str)> = rows.iter().map(|r| (r["type"].as_str().unwrap(), r["source"].as_str().unwrap())).collect();
    for expected in [("enrolled", "server"), ("quiz_attempted", "server"), ("quiz_passed", "server"), ("lesson_completed", "server"), ("course_completed", "server"), ("course_viewed", "client")] {
        assert!(kinds.contains(&expected), "{expected:?} in {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| k.0 == "quiz_attempted").count(), 2);
    assert_eq!(kinds.iter().filter(|k| k.0 == "course_completed").count(), 1, "completion recorded once");
    let attempt: Value = serde_json::from_str(rows.iter().find(|r| r["type"] == "quiz_attempted").unwrap()["metadata"].as_str().unwrap()).unwrap();
    assert_eq!(attempt["answers"].as_array().unwrap().len(), keys.len(), "each question's chosen option: {attempt}");
    // The database refuses a client row claiming a server fact, and any change to an event.
    let error = stack.d1_execute(&format!("INSERT INTO analytics_events (id, tenant_id, user_id, course_id, type, source, occurred_at, received_at) VALUES ('x', 't', 'u', '{course}', 'quiz_passed', 'client', 'a', 'b')")).expect_err("check");
    assert!(error.contains("CHECK constraint failed"), "{error}");
    let error = stack.d1_execute(&format!("UPDATE analytics_events SET type = 'course_viewed' WHERE user_id = '{me}'")).expect_err("append-only");
    assert!(error.contains("append-only"), "{error}");
    // The learner's records hold in the database itself: an attempt stays as made, and an
    // enrollment names a published version of the learner's own tenant.
    let error = stack.d1_execute(&format!("UPDATE quiz_attempts SET score = 100, passed = 1 WHERE enrollment_id IN (SELECT id FROM enrollments WHERE user_id = '{me}')")).expect_err("kept as made");
    assert!(error.contains("a quiz attempt is kept as made"), "{error}");
    let error = stack.d1_execute(&format!("INSERT INTO enrollments (id, tenant_id, user_id, course_id, version, created_at) VALUES ('e2', 'default', '{me}', '{course}', 1, 'now')")).expect_err("tenant");
    assert!(error.contains("an enrollment is of a published course"), "another tenant's enrollment: {error}");
    let error = stack.d1_execute(&format!("INSERT INTO enrollments (id, tenant_id, user_id, course_id, version, created_at) SELECT 'e3', tenant_id, id, '{course}', 9, 'now' FROM users WHERE id = '{me}'")).expect_err("version");
    assert!(error.contains("an enrollment is of a published course"), "an unpublished version: {error}");
}
