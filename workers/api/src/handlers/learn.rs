//! Learners (issue 13, seed 002 phases 9.1–9.3): the tenant's published courses, enrolling (which
//! pins a package version), reading lessons, recording progress and taking quizzes graded here.
//! A learner is whoever is signed in, from the session only; another tenant's course is not
//! found; archived versions are never served; answer keys appear only in an attempt's result.

use crate::router::{Access, Call, Route};
use domain::contracts::learn::{parse_enroll, parse_progress, Catalogue, CatalogueEntry, CourseProgress, Enrollment, LessonProgress};
use domain::delivery::learner::{find_quiz, grade, learner_course, learner_lesson, lessons, parse_answers, percent, LessonIndex, QuizSlot};
use domain::delivery::package::CoursePackage;
use domain::platform::auth::{Scope, Session};
use domain::platform::ids::SyllabusId;
use domain::AppError;
use edge::db::courses::{self, Package};
use edge::db::learning::{self, Attempt};
use domain::analytics::events::EventType;
use edge::db::analytics::{self, Fact};
use edge::db::audit;
use edge::{clock, packages, respond};
use serde_json::json;
use std::rc::Rc;
use worker::{Method, Response};

pub const ROUTES: &[Route] = &[
    Route::new(Method::Get, "/api/learn/courses", Access::Session(|call, session| Box::pin(catalogue(call, session)))),
    Route::new(Method::Get, "/api/learn/courses/:courseId", Access::Session(|call, session| Box::pin(course(call, session)))),
    Route::new(Method::Get, "/api/learn/courses/:courseId/lessons/:index", Access::Session(|call, session| Box::pin(lesson(call, session)))),
    Route::new(Method::Post, "/api/learn/courses/:courseId/quizzes/:slot/attempts", Access::Session(|call, session| Box::pin(attempt(call, session)))),
    Route::new(Method::Post, "/api/learn/enroll", Access::Session(|call, session| Box::pin(enroll(call, session)))),
    Route::new(Method::Post, "/api/learn/progress", Access::Session(|call, session| Box::pin(record_progress(call, session)))),
    Route::new(Method::Get, "/api/learn/progress/:courseId", Access::Session(|call, session| Box::pin(progress(call, session)))),
];

const BODY_LIMIT: usize = 16 * 1024;

async fn catalogue(call: Call, session: Session) -> Result<Response, AppError> {
    let scope = &session.scope;
    let enrolled = learning::enrolled_courses(&call.env, scope).await?;
    let courses = courses::published(&call.env, scope)
        .await?
        .into_iter()
        .map(|package| CatalogueEntry {
            enrolled: enrolled.contains(&package.course_id),
            course_id: package.course_id,
            title: package.title,
            version: package.version,
            summary: package.summary,
            lessons: package.lessons,
            minutes: package.minutes,
        })
        .collect();
    respond::json(200, &Catalogue { courses })
}

/// The version a learner is served: the one their enrollment pins while it is published, else
/// the newest published one; 404 when the course has none (or is another tenant's).
async fn serving(call: &Call, scope: &Scope, course: &SyllabusId) -> Result<(Package, Rc<CoursePackage>, Option<learning::Enrollment>), AppError> {
    let enrollment = learning::find(&call.env, scope, course).await?;
    let pinned = match &enrollment {
        Some(enrollment) => courses::published_version(&call.env, scope, course, Some(enrollment.version)).await?,
        None => None,
    };
    let row = match pinned {
        Some(row) => row,
        None => courses::published_version(&call.env, scope, course, None).await?.ok_or_else(|| AppError::not_found("Course"))?,
    };
    let package = packages::load(&call.env, &row.r2_key, &row.sha256).await?;
    Ok((row, package, enrollment))
}

async fn course(call: Call, session: Session) -> Result<Response, AppError> {
    let id: SyllabusId = call.param("courseId")?;
    let (row, package, _) = serving(&call, &session.scope, &id).await?;
    respond::json(200, &learner_course(&package, row.version)?)
}

async fn lesson(call: Call, session: Session) -> Result<Response, AppError> {
    let id: SyllabusId = call.param("courseId")?;
    let LessonIndex(index) = call.param("index")?;
    let (row, package, _) = serving(&call, &session.scope, &id).await?;
    respond::json(200, &learner_lesson(&package, row.version, index)?)
}

/// `POST /api/learn/enroll {courseId}`: 201 pinned to the newest published version; 200 with
/// the existing enrollment on a second call.
async fn enroll(mut call: Call, session: Session) -> Result<Response, AppError> {
    let request = parse_enroll(&call.body(BODY_LIMIT).await?)?;
    let scope = &session.scope;
    let row = courses::published_version(&call.env, scope, &request.course_id, None).await?.ok_or_else(|| AppError::not_found("Course"))?;
    let (enrollment, made) = learning::enroll(&call.env, scope, &request.course_id, row.version, clock::now()).await?;
    if made {
        let entry = audit::Entry::by(scope, &call.context.request_id, "learn.enrolled", "course", Some(request.course_id.as_str())).with_metadata(json!({ "version": enrollment.version }));
        audit::record(&call.env, entry, clock::now()).await;
        fact(&call, scope, Fact { kind: EventType::Enrolled, course: &request.course_id, lesson_idx: None, slot: None, metadata: json!({ "version": enrollment.version }) }).await;
    }
    respond::json(if made { 201 } else { 200 }, &Enrollment { course_id: enrollment.course_id, version: enrollment.version, enrolled_at: enrollment.created_at })
}

/// The learner's enrollment in a course they can see, or 403 (they see it, but are not enrolled).
async fn enrolled(call: &Call, scope: &Scope, course: &SyllabusId) -> Result<(Package, Rc<CoursePackage>, learning::Enrollment), AppError> {
    let (row, package, enrollment) = serving(call, scope, course).await?;
    let enrollment = enrollment.ok_or_else(|| AppError::forbidden("Enroll in this course first"))?;
    Ok((row, package, enrollment))
}

/// `POST /api/learn/progress {courseId, lessonIdx, completed}`: 200 the progress.
async fn record_progress(mut call: Call, session: Session) -> Result<Response, AppError> {
    let request = parse_progress(&call.body(BODY_LIMIT).await?)?;
    let scope = &session.scope;
    let (row, package, enrollment) = enrolled(&call, scope, &request.course_id).await?;
    let all = lessons(&package);
    let lesson = all.get(request.lesson_idx as usize).ok_or_else(|| AppError::invalid_field("lessonIdx", "is not a lesson of this course"))?;
    learning::set_lesson(&call.env, &enrollment, &lesson.slot, &lesson.lesson.sha256, request.completed, clock::now()).await?;
    if request.completed {
        let metadata = json!({ "version": row.version });
        fact(&call, scope, Fact { kind: EventType::LessonCompleted, course: &request.course_id, lesson_idx: Some(request.lesson_idx), slot: Some(&lesson.slot), metadata }).await;
    }
    respond::json(200, &progress_of(&call, scope, &row, &package, &enrollment).await?)
}

async fn progress(call: Call, session: Session) -> Result<Response, AppError> {
    let id: SyllabusId = call.param("courseId")?;
    let (row, package, enrollment) = enrolled(&call, &session.scope, &id).await?;
    respond::json(200, &progress_of(&call, &session.scope, &row, &package, &enrollment).await?)
}

/// Records a fact the server knows for the nightly analytics (never failing the request).
async fn fact(call: &Call, scope: &Scope, fact: Fact<'_>) {
    analytics::record_fact(&call.env, scope, &call.context, fact, clock::now()).await;
}

/// Where the learner stands in the version served; the course completes (once) when every
/// lesson is completed and every quiz passed.
async fn progress_of(call: &Call, scope: &Scope, row: &Package, package: &CoursePackage, enrollment: &learning::Enrollment) -> Result<CourseProgress, AppError> {
    let done = learning::lessons(&call.env, enrollment).await?;
    let attempts = learning::quizzes(&call.env, enrollment).await?;
    let all = lessons(package);
    let lessons: Vec<LessonProgress> = all
        .iter()
        .enumerate()
        .map(|(index, lesson)| {
            let found = done.iter().find(|row| row.slot == lesson.slot);
            LessonProgress { index: index as u32, slot: lesson.slot.clone(), completed: found.is_some_and(|row| row.completed == 1), completed_at: found.and_then(|row| row.completed_at.clone()) }
        })
        .collect();
    let quizzes: Vec<_> = all
        .iter()
        .map(|lesson| attempts.iter().find(|q| q.slot == lesson.quiz.slot).cloned().unwrap_or(domain::contracts::learn::QuizProgress { slot: lesson.quiz.slot.clone(), best_score: None, passed: false, attempts: 0 }))
        .collect();
    let lessons_done = lessons.iter().filter(|l| l.completed).count() as u32;
    let passed = quizzes.iter().filter(|q| q.passed).count() as u32;
    let percent = percent(lessons_done, passed, all.len() as u32);
    let completed_at = if percent == 100 {
        let (completed_at, now_completed) = learning::complete(&call.env, enrollment, clock::now()).await?;
        if now_completed {
            fact(call, scope, Fact { kind: EventType::CourseCompleted, course: &row.course_id, lesson_idx: None, slot: None, metadata: json!({ "version": row.version }) }).await;
        }
        completed_at
    } else {
        enrollment.completed_at.clone()
    };
    Ok(CourseProgress { course_id: row.course_id.clone(), version: row.version, lessons, quizzes, percent, completed_at })
}

/// `POST /api/learn/courses/:courseId/quizzes/:slot/attempts {answers}`: 201 the graded result,
/// keys and explanations revealed now; enrollment required (403).
async fn attempt(mut call: Call, session: Session) -> Result<Response, AppError> {
    let id: SyllabusId = call.param("courseId")?;
    let QuizSlot(slot) = call.param("slot")?;
    let scope = session.scope.clone();
    let (row, package, enrollment) = enrolled(&call, &scope, &id).await?;
    let (quiz, sha256) = find_quiz(&package, &slot)?;
    let answers = parse_answers(&call.body(BODY_LIMIT).await?, quiz.questions.len())?;
    let graded = grade(&quiz, &answers);
    learning::record_attempt(&call.env, &enrollment, &Attempt { slot: &slot, content_sha256: &sha256, answers: &answers, score: graded.score, passed: graded.passed }, clock::now()).await?;
    // Each question's chosen option, for the item analysis.
    let metadata = json!({ "version": row.version, "answers": answers, "score": graded.score, "contentSha256": sha256 });
    fact(&call, &scope, Fact { kind: EventType::QuizAttempted, course: &id, lesson_idx: None, slot: Some(&slot), metadata }).await;
    if graded.passed {
        fact(&call, &scope, Fact { kind: EventType::QuizPassed, course: &id, lesson_idx: None, slot: Some(&slot), metadata: json!({ "version": row.version, "score": graded.score }) }).await;
    }
    // Completion is settled with the progress (the last quiz passed may complete the course).
    progress_of(&call, &scope, &row, &package, &enrollment).await?;
    respond::json(201, &graded)
}
