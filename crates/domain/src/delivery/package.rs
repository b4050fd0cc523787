//! Course packages (issue 13, seed 002 phases 7.6 and 8): no model, pure composition. The
//! approved syllabus gives the structure and order; each slot contributes its approved version,
//! recorded with its id, version and SHA-256. The assembly has no clock inside and serialises
//! canonically (fixed field order; content objects with sorted keys), so the same approvals
//! always make the same bytes and a republish of an unchanged course is recognised by its hash.

use crate::curriculum::content::{validate_content, ContentKind};
use crate::curriculum::syllabus::{Level, SlotKind, Syllabus};
use crate::platform::error::AppError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The package format's name and version, inside every package.
pub const PACKAGE_FORMAT: &str = "course-package/1";
/// A package larger than this is refused before anything is written (D1 rows and learners'
/// downloads stay small; seed 002's size guard).
pub const MAX_PACKAGE_BYTES: usize = 5_000_000;

/// Where a package version stands: published (learners get it) or archived (never served).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum PackageStatus {
    Published,
    Archived,
}

impl PackageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PackageStatus::Published => "PUBLISHED",
            PackageStatus::Archived => "ARCHIVED",
        }
    }

    /// The one change a package allows: publishing → archived (409 otherwise).
    pub fn check_archive(self) -> Result<(), AppError> {
        match self {
            PackageStatus::Published => Ok(()),
            PackageStatus::Archived => Err(AppError::conflict("This course version is archived already")),
        }
    }
}

/// The approved version of one slot, as the content store has it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovedItem {
    pub item_id: String,
    pub version: u32,
    pub sha256: String,
    pub kind: ContentKind,
    pub content: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct CoursePackage {
    pub format: String,
    /// The syllabus's id: a course is published from one syllabus, version after version.
    pub course_id: String,
    pub title: String,
    /// What the course is about: its blueprint's overview.
    pub summary: String,
    pub level: Level,
    pub prerequisites: Vec<String>,
    /// The SHA-256 of the approved syllabus's canonical JSON.
    pub syllabus_sha256: String,
    pub modules: Vec<PackageModule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct PackageModule {
    pub id: String,
    pub title: String,
    pub duration_minutes: u32,
    pub objectives: Vec<String>,
    pub lessons: Vec<PackageLesson>,
    pub project: PackageItem,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct PackageLesson {
    pub slot: String,
    pub title: String,
    pub minutes: u32,
    pub level: Level,
    pub objectives: Vec<String>,
    pub lesson: PackageItem,
    pub quiz: PackageItem,
}

/// One slot's approved version, frozen into the package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct PackageItem {
    pub slot: String,
    pub item_id: String,
    pub version: u32,
    pub sha256: String,
    pub content: Value,
}

/// Why a course cannot be packaged: the slots with no approved version, in course order.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing(pub Vec<String>);

impl From<Missing> for AppError {
    fn from(missing: Missing) -> Self {
        AppError::conflict(format!("{} slot(s) have no approved version yet", missing.0.len())).with_details(serde_json::json!({ "missing": missing.0 }))
    }
}

/// The package of `syllabus` with `approved` (by slot id): every slot must have an approved
/// version of its kind; its content is checked again against its schema (a stored version that
/// no longer reads is corruption: a logged 500, never a package).
pub fn assemble(course_id: &str, syllabus: &Syllabus, syllabus_sha256: &str, summary: &str, approved: &BTreeMap<String, ApprovedItem>) -> Result<CoursePackage, AppError> {
    let missing: Vec<String> = syllabus.slots().into_iter().filter(|slot| approved.get(&slot.id).is_none_or(|item| item.kind != ContentKind::from(slot.kind))).map(|slot| slot.id).collect();
    if !missing.is_empty() {
        return Err(Missing(missing).into());
    }
    let item = |slot: &str| -> Result<PackageItem, AppError> {
        let found = approved.get(slot).ok_or_else(|| AppError::internal().caused_by("package.slot", slot))?;
        validate_content(found.kind, &found.content).map_err(|errors| AppError::internal().caused_by("package.content", format!("{slot}: {}", errors.len())))?;
        Ok(PackageItem { slot: slot.to_string(), item_id: found.item_id.clone(), version: found.version, sha256: found.sha256.clone(), content: found.content.clone() })
    };
    let modules = syllabus
        .modules
        .iter()
        .map(|module| {
            let lessons = module
                .lessons
                .iter()
                .map(|lesson| {
                    Ok(PackageLesson {
                        slot: lesson.id.clone(),
                        title: lesson.title.clone(),
                        minutes: lesson.minutes,
                        level: lesson.level,
                        objectives: lesson.objectives.clone(),
                        lesson: item(&lesson.id)?,
                        quiz: item(&format!("{}.quiz", lesson.id))?,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()?;
            Ok(PackageModule {
                id: module.id.clone(),
                title: module.title.clone(),
                duration_minutes: module.duration_minutes,
                objectives: module.objectives.clone(),
                lessons,
                project: item(&format!("{}.project", module.id))?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // Every slot kind the syllabus names is placed above; a new kind would need a place here.
    debug_assert!(syllabus.slots().iter().all(|slot| matches!(slot.kind, SlotKind::Lesson | SlotKind::Quiz | SlotKind::Project)));
    Ok(CoursePackage {
        format: PACKAGE_FORMAT.to_string(),
        course_id: course_id.to_string(),
        title: syllabus.title.clone(),
        summary: summary.to_string(),
        level: syllabus.level,
        prerequisites: syllabus.prerequisites.clone(),
        syllabus_sha256: syllabus_sha256.to_string(),
        modules,
    })
}

/// The package's canonical bytes and their SHA-256; 413 past `MAX_PACKAGE_BYTES`.
pub fn freeze(package: &CoursePackage) -> Result<(Vec<u8>, String), AppError> {
    let bytes = serde_json::to_vec(package).map_err(|error| AppError::internal().caused_by("package.serialise", error))?;
    if bytes.len() > MAX_PACKAGE_BYTES {
        return Err(AppError::payload_too_large(MAX_PACKAGE_BYTES));
    }
    let sha256 = crate::blueprint::exports::sha256_hex(&bytes);
    Ok((bytes, sha256))
}

/// Lessons and minutes of a package, for catalogues.
pub fn totals(package: &CoursePackage) -> (usize, u32) {
    let lessons = package.modules.iter().map(|module| module.lessons.len()).sum();
    let minutes = package.modules.iter().map(|module| module.duration_minutes).sum();
    (lessons, minutes)
}

/// Where a package is kept in R2: by its content's hash, so a key is written once and holds the
/// same bytes whichever version number the row that names it takes.
pub fn storage_key(tenant: &str, course_id: &str, sha256: &str) -> String {
    format!("courses/{tenant}/{course_id}/{sha256}.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::content::curated_content;
    use crate::curriculum::jobs::slot_context;
    use crate::curriculum::syllabus::{canonical_sha256, curated_syllabus};
    use crate::testing::sales_onboarding;

    fn approvals(syllabus: &Syllabus) -> BTreeMap<String, ApprovedItem> {
        syllabus
            .slots()
            .iter()
            .enumerate()
            .map(|(index, slot)| {
                let kind = ContentKind::from(slot.kind);
                let context = slot_context(syllabus, slot).unwrap();
                let content = curated_content(kind, &context).to_value();
                let sha256 = crate::blueprint::exports::sha256_hex(content.to_string().as_bytes());
                (slot.id.clone(), ApprovedItem { item_id: format!("item-{index}"), version: 1, sha256, kind, content })
            })
            .collect()
    }

    #[test]
    fn a_package_holds_every_slot_in_course_order_and_freezes_deterministically() {
        let syllabus = curated_syllabus(&sales_onboarding());
        let approved = approvals(&syllabus);
        let package = assemble("course-1", &syllabus, &canonical_sha256(&syllabus), "About pricing", &approved).unwrap();
        assert_eq!(package.format, PACKAGE_FORMAT);
        assert_eq!(package.modules.len(), syllabus.modules.len());
        assert_eq!(package.modules[0].lessons[0].quiz.slot, "m1.l1.quiz");
        assert_eq!(package.modules[0].project.slot, "m1.project");
        let (bytes, sha) = freeze(&package).unwrap();
        let again = assemble("course-1", &syllabus, &canonical_sha256(&syllabus), "About pricing", &approved).unwrap();
        assert_eq!(freeze(&again).unwrap(), (bytes.clone(), sha.clone()), "same approvals, same bytes");
        let back: CoursePackage = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, package);
        let (lessons, minutes) = totals(&package);
        assert_eq!(lessons, syllabus.modules.iter().map(|m| m.lessons.len()).sum::<usize>());
        assert_eq!(u64::from(minutes), sales_onboarding().total_minutes());
    }

    #[test]
    fn a_slot_without_an_approved_version_is_named() {
        let syllabus = curated_syllabus(&sales_onboarding());
        let mut approved = approvals(&syllabus);
        approved.remove("m1.l1.quiz");
        approved.get_mut("m2.project").unwrap().kind = ContentKind::Lesson;
        let refused = assemble("c", &syllabus, "s", "", &approved).unwrap_err();
        assert_eq!(refused.status(), 409);
        assert_eq!(refused.details.unwrap()["missing"], serde_json::json!(["m1.l1.quiz", "m2.project"]));
    }

    #[test]
    fn stored_content_that_no_longer_reads_is_not_packaged() {
        let syllabus = curated_syllabus(&sales_onboarding());
        let mut approved = approvals(&syllabus);
        approved.get_mut("m1.l1").unwrap().content = serde_json::json!({ "title": "x" });
        assert_eq!(assemble("c", &syllabus, "s", "", &approved).unwrap_err().status(), 500);
    }

    #[test]
    fn an_oversized_package_is_refused() {
        let syllabus = curated_syllabus(&sales_onboarding());
        let mut package = assemble("c", &syllabus, "s", "", &approvals(&syllabus)).unwrap();
        package.prerequisites = vec!["x".repeat(MAX_PACKAGE_BYTES)];
        assert_eq!(freeze(&package).unwrap_err().status(), 413);
        assert_eq!(storage_key("t", "c", "ab"), "courses/t/c/ab.json");
    }
}
