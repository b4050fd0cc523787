//! Learners (issue 13): lesson reads, progress writes and quiz attempts by many enrolled
//! learners at once against one published course; and how long assembling and freezing a
//! course package takes, and how big it is, for courses of 5, 50 and 200 lessons (the publish
//! handler's own work, measured natively on the same domain code).

use crate::content::{approved_syllabus, run_job};
use crate::crud::{load_row, run_load, Pacing, Request, Target};
use crate::http::Session;
use crate::procs::{self, Group};
use crate::stats::{ms_since, round2, row};
use crate::Sizes;
use domain::blueprint::document::{Blueprint, Module};
use domain::curriculum::content::{curated_content, ContentKind};
use domain::curriculum::jobs::slot_context;
use domain::curriculum::syllabus::{canonical_sha256, curated_syllabus};
use domain::delivery::package::{assemble, freeze, ApprovedItem};
use e2e::stack::Stack;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const SECTION: &str = "learn";
const KINDS: [&str; 3] = ["GET lesson", "POST progress", "POST quiz attempt"];

fn learner_request(step: usize, target: &Target) -> Request {
    let course = &target.id;
    let questions: usize = target.detail.parse().unwrap_or(3);
    match step % KINDS.len() {
        0 => ("GET", format!("/api/learn/courses/{course}/lessons/0"), None),
        1 => ("POST", "/api/learn/progress".to_string(), Some(json!({ "courseId": course, "lessonIdx": 0, "completed": step.is_multiple_of(2) }).to_string().into_bytes())),
        _ => ("POST", format!("/api/learn/courses/{course}/quizzes/m1.l1.quiz/attempts"), Some(json!({ "answers": vec![step % 4; questions] }).to_string().into_bytes())),
    }
}

/// A published one-module course (its author, a platform admin, approves its own items).
fn published_course(stack: &Stack) -> Result<(String, usize), String> {
    let base = stack.base_url.as_str();
    let (author, course) = approved_syllabus(stack, "bench-learn", 1)?;
    let job = run_job(base, &author, &course, &json!({}))?;
    for item in job["items"].as_array().ok_or("a job without items")? {
        let id = item["contentItemId"].as_str().ok_or("an item without content")?;
        author.post(base, &format!("/api/content/{id}/approve"), &json!({}))?.expect(200, "approve")?;
    }
    author.post(base, &format!("/api/syllabi/{course}/publish"), &json!({}))?.expect(201, "publish")?;
    let lesson = author.get(base, &format!("/api/learn/courses/{course}/lessons/0"))?.expect(200, "lesson")?;
    let questions = lesson["quiz"]["questions"].as_array().map_or(0, Vec::len);
    Ok((course, questions))
}

pub fn under_load(stack: &Stack, sizes: &Sizes, workers: Group) -> Result<Vec<Value>, String> {
    let base = stack.base_url.as_str();
    let (course, questions) = published_course(stack)?;
    let mut learners = Vec::new();
    for _ in 0..sizes.users {
        let session = Session::sign_up(base, "bench-learner")?;
        session.post(base, "/api/learn/enroll", &json!({ "courseId": course }))?.expect(201, "enroll")?;
        learners.push((session, Target { id: course.clone(), detail: questions.to_string() }));
    }
    let idle = procs::idle_use(workers, Duration::from_secs(1));
    let run = run_load(&learners, base, sizes.seconds, Pacing::Closed, (workers, &idle), KINDS.len(), learner_request);
    let all = run.all();
    let extra = json!({ "learners": learners.len(), "seconds": sizes.seconds, "requests": all.len(), "errors": run.errors.count(), "requests_per_second": round2(all.len() as f64 / run.elapsed.as_secs_f64().max(0.001)) });
    Ok(vec![load_row(SECTION, &format!("{} learners: lesson reads, progress, quiz attempts", learners.len()), &run, &KINDS, extra)])
}

/// A blueprint of `lessons` lessons: modules of up to ten objectives (the curated syllabus
/// teaches one per lesson), 10 minutes a lesson.
fn blueprint_of(lessons: usize) -> Blueprint {
    let modules = lessons.div_ceil(10);
    Blueprint {
        title: format!("A course of {lessons} lessons"),
        overview: "A long course on pricing conversations for sales teams.".into(),
        learning_objectives: vec!["Explain the pricing tiers".into()],
        modules: (0..modules)
            .map(|m| {
                let count = (lessons - m * 10).min(10);
                Module {
                    title: format!("Module {}", m + 1),
                    duration_minutes: (count * 10) as u32,
                    objectives: (0..count).map(|o| format!("Explain pricing case {} of module {}", o + 1, m + 1)).collect(),
                    activities: vec![],
                    assessments: vec!["Quiz".into()],
                }
            })
            .collect(),
        timeline: None,
        resources: None,
    }
}

pub fn package_build(sizes: &Sizes) -> Result<Vec<Value>, String> {
    let counts: &[usize] = if sizes.smoke { &[5] } else { &[5, 50, 200] };
    let mut rows = Vec::new();
    for &lessons in counts {
        let blueprint = blueprint_of(lessons);
        let syllabus = curated_syllabus(&blueprint);
        let approved: BTreeMap<String, ApprovedItem> = syllabus
            .slots()
            .iter()
            .map(|slot| {
                let kind = ContentKind::from(slot.kind);
                let context = slot_context(&syllabus, slot).ok_or("a slot without context")?;
                let content = curated_content(kind, &context).to_value();
                let sha256 = domain::blueprint::exports::sha256_hex(content.to_string().as_bytes());
                Ok((slot.id.clone(), ApprovedItem { item_id: slot.id.clone(), version: 1, sha256, kind, content }))
            })
            .collect::<Result<_, String>>()?;
        let runs = if sizes.smoke { 1 } else { 5 };
        let mut timings = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let package = assemble("bench", &syllabus, &canonical_sha256(&syllabus), &blueprint.overview, &approved).map_err(|e| e.message)?;
            let (frozen, _) = freeze(&package).map_err(|e| e.message)?;
            timings.push(ms_since(started));
            bytes = frozen.len();
        }
        timings.sort_by(f64::total_cmp);
        rows.push(row(SECTION, &format!("package of {lessons} lessons: assemble + freeze"), json!({ "lessons": lessons, "slots": approved.len(), "bytes": bytes, "median_ms": round2(timings[timings.len() / 2]) })));
    }
    Ok(rows)
}
