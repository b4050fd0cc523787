//! Courses: publishing an approved syllabus as a package version, and the read-only authoring
//! views of the versions (the packages themselves are `delivery::package::CoursePackage`).

use crate::delivery::package::PackageStatus;
use crate::platform::ids::SyllabusId;
use serde::{Deserialize, Serialize};

/// `POST /api/syllabi/:id/publish`: 201 a new version, 200 the latest when nothing changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Published {
    pub course_id: SyllabusId,
    pub version: i64,
    pub sha256: String,
    pub bytes: i64,
}

/// One row of `GET /api/courses`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CourseSummary {
    pub course_id: SyllabusId,
    pub title: String,
    pub latest_version: i64,
    /// The latest version's status.
    pub status: PackageStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct CourseList {
    pub courses: Vec<CourseSummary>,
}

/// `GET /api/courses/:courseId`: every version, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CourseVersions {
    pub course_id: SyllabusId,
    pub title: String,
    pub versions: Vec<CourseVersion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CourseVersion {
    pub version: i64,
    pub status: PackageStatus,
    pub created_at: String,
    pub sha256: String,
    pub bytes: i64,
    pub lessons: i64,
    pub minutes: i64,
}
