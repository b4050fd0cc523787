//! What a learner is shown of a course package and how their quiz answers are graded (issue 13,
//! seed 002 phases 9.1–9.3). Learner views never carry an answer key or an explanation: a key
//! is revealed only in the result of an attempt, graded here from the package the learner is
//! enrolled in. Lessons are addressed by their flat, 0-based index in package order; progress
//! is kept by the lesson's stable slot and its content's hash, so a later version of the course
//! can carry it over.

use super::package::{CoursePackage, PackageItem, PackageLesson};
use crate::curriculum::content::Quiz;
use crate::curriculum::syllabus::Level;
use crate::platform::error::{AppError, FieldError};
use crate::platform::ids::PathParam;
use crate::platform::input::parse_json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A lesson's flat index in a path (`…/lessons/3`): plain digits, else no such lesson (404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LessonIndex(pub u32);

impl PathParam for LessonIndex {
    fn from_path(raw: &str) -> Result<Self, AppError> {
        let digits = !raw.is_empty() && raw.len() <= 6 && raw.bytes().all(|b| b.is_ascii_digit());
        raw.parse().ok().filter(|_| digits).map(LessonIndex).ok_or_else(|| AppError::not_found("Lesson"))
    }
}

/// A quiz's slot in a path (`…/quizzes/m1.l2.quiz`), in its canonical spelling; else no such
/// quiz (404).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizSlot(pub String);

impl PathParam for QuizSlot {
    fn from_path(raw: &str) -> Result<Self, AppError> {
        crate::curriculum::syllabus::parse_slot(raw)
            .filter(|slot| slot.kind == crate::curriculum::syllabus::SlotKind::Quiz)
            .map(|slot| QuizSlot(slot.id))
            .ok_or_else(|| AppError::not_found("Quiz"))
    }
}

/// Percent of a quiz's questions answered right to pass it, unless the package sets another.
pub const PASS_MARK: u32 = 70;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct LearnerCourse {
    pub course_id: String,
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub level: Level,
    pub prerequisites: Vec<String>,
    pub modules: Vec<LearnerModule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct LearnerModule {
    pub id: String,
    pub title: String,
    pub duration_minutes: u32,
    pub objectives: Vec<String>,
    pub lessons: Vec<LessonEntry>,
    /// The module's project, whole (a project has no key to hide).
    #[cfg_attr(feature = "contracts", ts(type = "unknown"))]
    pub project: Value,
}

/// A lesson in the course outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct LessonEntry {
    pub index: u32,
    pub slot: String,
    pub title: String,
    pub minutes: u32,
    pub quiz_slot: String,
    pub questions: u32,
}

/// `GET /api/learn/courses/:courseId/lessons/:index`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct LearnerLesson {
    pub course_id: String,
    pub version: i64,
    pub index: u32,
    pub slot: String,
    pub title: String,
    pub minutes: u32,
    pub objectives: Vec<String>,
    /// The lesson itself (explanation, concepts, takeaways, practice).
    #[cfg_attr(feature = "contracts", ts(type = "unknown"))]
    pub lesson: Value,
    pub quiz: LearnerQuiz,
    pub previous: Option<u32>,
    pub next: Option<u32>,
    pub lessons: u32,
}

/// A quiz as a learner sees it before answering: stems and options only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct LearnerQuiz {
    pub slot: String,
    pub questions: Vec<LearnerQuestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct LearnerQuestion {
    pub question: String,
    pub options: Vec<String>,
}

/// The lessons in package order (the flat index is the position here).
pub fn lessons(package: &CoursePackage) -> Vec<&PackageLesson> {
    package.modules.iter().flat_map(|module| module.lessons.iter()).collect()
}

fn quiz_of(item: &PackageItem) -> Result<Quiz, AppError> {
    serde_json::from_value(item.content.clone()).map_err(|error| AppError::internal().caused_by("package.quiz", error))
}

fn questions_only(quiz: &Quiz) -> Vec<LearnerQuestion> {
    quiz.questions.iter().map(|q| LearnerQuestion { question: q.question.clone(), options: q.options.clone() }).collect()
}

pub fn learner_course(package: &CoursePackage, version: i64) -> Result<LearnerCourse, AppError> {
    let mut index = 0u32;
    let modules = package
        .modules
        .iter()
        .map(|module| {
            let lessons = module
                .lessons
                .iter()
                .map(|lesson| {
                    let entry = LessonEntry { index, slot: lesson.slot.clone(), title: lesson.title.clone(), minutes: lesson.minutes, quiz_slot: lesson.quiz.slot.clone(), questions: quiz_of(&lesson.quiz)?.questions.len() as u32 };
                    index += 1;
                    Ok(entry)
                })
                .collect::<Result<Vec<_>, AppError>>()?;
            Ok(LearnerModule { id: module.id.clone(), title: module.title.clone(), duration_minutes: module.duration_minutes, objectives: module.objectives.clone(), lessons, project: module.project.content.clone() })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(LearnerCourse { course_id: package.course_id.clone(), version, title: package.title.clone(), summary: package.summary.clone(), level: package.level, prerequisites: package.prerequisites.clone(), modules })
}

/// Lesson `index` (0-based, package order); 404 past the end.
pub fn learner_lesson(package: &CoursePackage, version: i64, index: u32) -> Result<LearnerLesson, AppError> {
    let all = lessons(package);
    let lesson = all.get(index as usize).ok_or_else(|| AppError::not_found("Lesson"))?;
    let count = all.len() as u32;
    Ok(LearnerLesson {
        course_id: package.course_id.clone(),
        version,
        index,
        slot: lesson.slot.clone(),
        title: lesson.title.clone(),
        minutes: lesson.minutes,
        objectives: lesson.objectives.clone(),
        lesson: lesson.lesson.content.clone(),
        quiz: LearnerQuiz { slot: lesson.quiz.slot.clone(), questions: questions_only(&quiz_of(&lesson.quiz)?) },
        previous: index.checked_sub(1),
        next: (index + 1 < count).then_some(index + 1),
        lessons: count,
    })
}

/// The quiz of slot `slot` in the package, with its content hash; 404 for a slot that is not
/// one of its quizzes.
pub fn find_quiz(package: &CoursePackage, slot: &str) -> Result<(Quiz, String), AppError> {
    let item = lessons(package).into_iter().map(|lesson| &lesson.quiz).find(|quiz| quiz.slot == slot).ok_or_else(|| AppError::not_found("Quiz"))?;
    Ok((quiz_of(item)?, item.sha256.clone()))
}

/// `POST …/quizzes/:slot/attempts {answers: [0-3, …]}`: one answer per question.
pub fn parse_answers(body: &[u8], questions: usize) -> Result<Vec<u8>, AppError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        answers: Vec<Value>,
    }
    let raw: Raw = parse_json(body)?;
    if raw.answers.len() != questions {
        return Err(FieldError::new("answers", format!("must have one answer for each of the {questions} questions")).into());
    }
    let mut errors = Vec::new();
    let answers: Vec<u8> = raw
        .answers
        .iter()
        .enumerate()
        .filter_map(|(index, value)| match value.as_u64().filter(|n| *n <= 3) {
            Some(n) => Some(n as u8),
            None => {
                errors.push(FieldError::new(format!("answers[{index}]"), "must be an option's index, 0 to 3"));
                None
            }
        })
        .collect();
    if errors.is_empty() { Ok(answers) } else { Err(AppError::invalid_fields(errors)) }
}

/// An attempt's result: the keys and explanations, revealed now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Graded {
    /// Percent of questions answered right, rounded down.
    pub score: u32,
    pub passed: bool,
    pub pass_mark: u32,
    pub results: Vec<QuestionResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct QuestionResult {
    pub correct: bool,
    pub correct_index: u8,
    pub explanation: String,
}

pub fn grade(quiz: &Quiz, answers: &[u8]) -> Graded {
    let results: Vec<QuestionResult> = quiz
        .questions
        .iter()
        .zip(answers)
        .map(|(question, answer)| QuestionResult { correct: question.correct_index == *answer, correct_index: question.correct_index, explanation: question.explanation.clone() })
        .collect();
    let right = results.iter().filter(|r| r.correct).count() as u32;
    let score = (right * 100).checked_div(results.len() as u32).unwrap_or(0);
    Graded { score, passed: score >= PASS_MARK, pass_mark: PASS_MARK, results }
}

/// How far a learner is: percent of lessons completed and quizzes passed; complete when all are.
pub fn percent(lessons_done: u32, quizzes_passed: u32, lessons: u32) -> u32 {
    let total = lessons * 2;
    ((lessons_done.min(lessons) + quizzes_passed.min(lessons)) * 100).checked_div(total).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::content::{curated_content, ContentKind, QuizQuestion};
    use crate::curriculum::jobs::slot_context;
    use crate::curriculum::syllabus::curated_syllabus;
    use crate::delivery::package::{assemble, ApprovedItem};
    use crate::testing::sales_onboarding;

    fn package() -> CoursePackage {
        let syllabus = curated_syllabus(&sales_onboarding());
        let approved = syllabus
            .slots()
            .iter()
            .map(|slot| {
                let kind = ContentKind::from(slot.kind);
                let content = curated_content(kind, &slot_context(&syllabus, slot).unwrap()).to_value();
                (slot.id.clone(), ApprovedItem { item_id: slot.id.clone(), version: 1, sha256: "a".repeat(64), kind, content })
            })
            .collect();
        assemble("c", &syllabus, "s", "About pricing", &approved).unwrap()
    }

    #[test]
    fn learner_views_never_carry_a_key() {
        let package = package();
        let course = learner_course(&package, 1).unwrap();
        let text = serde_json::to_string(&course).unwrap();
        assert!(!text.contains("correctIndex"), "no key in the outline: {text}");
        let lesson = learner_lesson(&package, 1, 0).unwrap();
        let text = serde_json::to_string(&lesson.quiz).unwrap();
        assert!(!text.contains("correctIndex") && !text.contains("explanation"), "{text}");
        assert_eq!((lesson.previous, lesson.next.is_some()), (None, lessons(&package).len() > 1));
        let last = lessons(&package).len() as u32 - 1;
        assert_eq!(learner_lesson(&package, 1, last).unwrap().next, None);
        assert_eq!(learner_lesson(&package, 1, last + 1).unwrap_err().status(), 404);
        assert_eq!(course.modules.iter().map(|m| m.lessons.len()).sum::<usize>() as u32, last + 1);
    }

    fn quiz(keys: &[u8]) -> Quiz {
        Quiz { questions: keys.iter().map(|key| QuizQuestion { question: "Which?".into(), options: vec!["a".into(), "b".into(), "c".into(), "d".into()], correct_index: *key, explanation: format!("Because {key}") }).collect() }
    }

    #[test]
    fn attempts_are_graded_against_the_pass_mark() {
        let quiz = quiz(&[0, 1, 2, 3]);
        let all = grade(&quiz, &[0, 1, 2, 3]);
        assert_eq!((all.score, all.passed), (100, true));
        let three = grade(&quiz, &[0, 1, 2, 0]);
        assert_eq!((three.score, three.passed), (75, true));
        let two = grade(&quiz, &[0, 1, 0, 0]);
        assert_eq!((two.score, two.passed), (50, false));
        assert_eq!(two.results[2], QuestionResult { correct: false, correct_index: 2, explanation: "Because 2".into() });
    }

    #[test]
    fn answers_are_one_index_per_question() {
        assert_eq!(parse_answers(br#"{"answers":[0,3,1]}"#, 3).unwrap(), [0, 3, 1]);
        let field = |body: &str, n| parse_answers(body.as_bytes(), n).unwrap_err().details.unwrap()[0]["field"].as_str().unwrap().to_string();
        assert_eq!(field(r#"{"answers":[0,1]}"#, 3), "answers");
        assert_eq!(field(r#"{"answers":[0,4,"x"]}"#, 3), "answers[1]");
        assert_eq!(field(r#"{}"#, 3), "answers");
    }

    #[test]
    fn path_parts_parse_or_are_not_found() {
        assert_eq!(LessonIndex::from_path("3").unwrap(), LessonIndex(3));
        for bad in ["", "-1", "1.5", "x", "9999999"] {
            assert_eq!(LessonIndex::from_path(bad).unwrap_err().status(), 404, "{bad}");
        }
        assert_eq!(QuizSlot::from_path("m1.l2.quiz").unwrap().0, "m1.l2.quiz");
        for bad in ["m1.l2", "m1.project", "m01.l1.quiz", ""] {
            assert_eq!(QuizSlot::from_path(bad).unwrap_err().status(), 404, "{bad}");
        }
    }

    #[test]
    fn progress_counts_lessons_and_passed_quizzes() {
        assert_eq!(percent(0, 0, 4), 0);
        assert_eq!(percent(4, 2, 4), 75);
        assert_eq!(percent(4, 4, 4), 100);
        assert_eq!(percent(9, 9, 4), 100, "never past all");
        assert_eq!(percent(0, 0, 0), 0);
    }
}
