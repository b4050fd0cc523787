//! Learners: the catalogue, enrollments, progress (the course and lesson views and graded
//! attempts are `delivery::learner`'s types).

use crate::platform::ids::SyllabusId;
use crate::platform::input::parse_json;
use serde::{Deserialize, Serialize};

/// `GET /api/learn/courses`: the tenant's published courses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Catalogue {
    pub courses: Vec<CatalogueEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CatalogueEntry {
    pub course_id: SyllabusId,
    pub title: String,
    pub version: i64,
    pub summary: String,
    pub lessons: i64,
    pub minutes: i64,
    pub enrolled: bool,
}

/// `POST /api/learn/enroll {courseId}`: 201 new, 200 the existing one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Enrollment {
    pub course_id: SyllabusId,
    /// The package version the enrollment is pinned to.
    pub version: i64,
    pub enrolled_at: String,
}

/// `GET /api/learn/progress/:courseId` (and what recording progress answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CourseProgress {
    pub course_id: SyllabusId,
    pub version: i64,
    pub lessons: Vec<LessonProgress>,
    pub quizzes: Vec<QuizProgress>,
    pub percent: u32,
    pub completed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LessonProgress {
    pub index: u32,
    pub slot: String,
    pub completed: bool,
    pub completed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QuizProgress {
    pub slot: String,
    pub best_score: Option<u32>,
    pub passed: bool,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrollRequest {
    pub course_id: SyllabusId,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProgressRequest {
    pub course_id: SyllabusId,
    pub lesson_idx: u32,
    pub completed: bool,
}

/// Bodies naming a course: a malformed id is a field error like any other.
pub fn parse_enroll(body: &[u8]) -> Result<EnrollRequest, crate::AppError> {
    parse_json(body)
}

pub fn parse_progress(body: &[u8]) -> Result<ProgressRequest, crate::AppError> {
    parse_json(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_name_their_fields() {
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert_eq!(parse_enroll(format!(r#"{{"courseId":"{id}"}}"#).as_bytes()).unwrap().course_id.as_str(), id);
        let field = |error: crate::AppError| error.details.unwrap()[0]["field"].as_str().unwrap().to_string();
        assert_eq!(field(parse_enroll(br#"{}"#).unwrap_err()), "courseId");
        let progress = parse_progress(format!(r#"{{"courseId":"{id}","lessonIdx":2,"completed":true}}"#).as_bytes()).unwrap();
        assert_eq!((progress.lesson_idx, progress.completed), (2, true));
        assert_eq!(field(parse_progress(format!(r#"{{"courseId":"{id}","lessonIdx":-1,"completed":true}}"#).as_bytes()).unwrap_err()), "lessonIdx");
        assert_eq!(field(parse_progress(format!(r#"{{"courseId":"{id}","lessonIdx":1}}"#).as_bytes()).unwrap_err()), "completed");
    }
}
