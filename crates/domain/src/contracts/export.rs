//! Writes the contracts as TypeScript for the UI (`web/src/lib/contracts.ts`) and fails when the
//! committed file differs: a shape changed in Rust cannot drift from what the UI compiles
//! against. `UPDATE_CONTRACTS=1 cargo test -p domain --features contracts contracts` rewrites it.

use super::{admin, analytics, auth, blueprints, courses, curriculum, generation as events, learn};
use crate::analytics::events as learner_events;
use crate::delivery::{learner, package};
use crate::curriculum::{jobs, review, syllabus};
use crate::blueprint::{compare, document as course, generation, kpis, quality, questions, static_answers};
use crate::curriculum::content;
use crate::platform::ids;
use ts_rs::TS;

const TARGET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/src/lib/contracts.ts");

macro_rules! declarations {
    ($($type:ty),* $(,)?) => {
        vec![$(<$type as TS>::decl()),*]
    };
}

fn typescript() -> String {
    let declarations = declarations![
        ids::TenantId,
        ids::UserId,
        ids::BlueprintId,
        ids::ExportId,
        ids::SyllabusId,
        ids::GenerationJobId,
        ids::JobItemId,
        ids::ContentItemId,
        ids::VersionNumber,
        crate::platform::auth::Role,
        crate::jobs::schedule::RunStatus,
        admin::Health,
        admin::Diagnostics,
        admin::QueueProbe,
        admin::RoleAnswer,
        admin::NewTenant,
        admin::TenantSummary,
        admin::Invite,
        admin::TenantMember,
        admin::TenantMemberPage,
        admin::JobRunList,
        admin::JobRun,
        admin::ScheduleRun,
        admin::JobOutcome,
        auth::SessionAnswer,
        auth::UserSummary,
        auth::MeAnswer,
        auth::Account,
        auth::Profile,
        generation::Status,
        generation::Source,
        generation::Failure,
        static_answers::Modality,
        static_answers::Constraints,
        static_answers::StaticAnswers,
        questions::QuestionType,
        questions::DynamicQuestion,
        course::Module,
        course::Blueprint,
        kpis::Kpis,
        kpis::ModuleKpis,
        kpis::Coverage,
        quality::QualityReview,
        quality::Check,
        compare::Comparison,
        compare::KpiDifferences,
        compare::ModuleChange,
        blueprints::StaticAnswersDraft,
        blueprints::ConstraintsDraft,
        blueprints::AnswerValue,
        blueprints::BlueprintRecord,
        blueprints::BlueprintSummary,
        blueprints::BlueprintPage,
        blueprints::StaticSaveAnswer,
        blueprints::DynamicSaveAnswer,
        blueprints::Progress,
        blueprints::QuestionSource,
        blueprints::QuestionsAnswer,
        blueprints::GeneratedQuestions,
        blueprints::VersionSummary,
        blueprints::VersionList,
        blueprints::VersionSnapshot,
        blueprints::Dashboard,
        blueprints::LatestVersion,
        blueprints::VersionFigures,
        blueprints::CompareAnswer,
        blueprints::ExportAnswer,
        blueprints::DraftPreview,
        blueprints::KeptDraft,
        events::ProgressEvent,
        events::WarningEvent,
        events::QueuedEvent,
        events::ErrorEvent,
        events::CompleteEvent,
        syllabus::Level,
        syllabus::Syllabus,
        syllabus::SyllabusModule,
        syllabus::SyllabusLesson,
        syllabus::SlotKind,
        syllabus::Slot,
        review::SyllabusStatus,
        curriculum::SyllabusRecord,
        curriculum::SyllabusSummary,
        curriculum::SyllabusList,
        curriculum::UpdateSyllabus,
        curriculum::ReviewRequest,
        curriculum::GenerationJob,
        curriculum::JobItem,
        curriculum::ItemCounts,
        curriculum::SyllabusContent,
        curriculum::SlotContent,
        curriculum::ContentVersionSummary,
        curriculum::ContentVersionRef,
        curriculum::ContentRecord,
        curriculum::UpdateContent,
        review::ContentStatus,
        jobs::ItemStatus,
        jobs::JobStatus,
        package::PackageStatus,
        package::CoursePackage,
        package::PackageModule,
        package::PackageLesson,
        package::PackageItem,
        courses::Published,
        courses::CourseSummary,
        courses::CourseList,
        courses::CourseVersions,
        courses::CourseVersion,
        analytics::EventsAnswer,
        learner_events::Rejected,
        learn::Catalogue,
        learn::CatalogueEntry,
        learn::Enrollment,
        learn::CourseProgress,
        learn::LessonProgress,
        learn::QuizProgress,
        learner::LearnerCourse,
        learner::LearnerModule,
        learner::LessonEntry,
        learner::LearnerLesson,
        learner::LearnerQuiz,
        learner::LearnerQuestion,
        learner::Graded,
        learner::QuestionResult,
        content::ContentKind,
        content::ContentDocument,
        content::Lesson,
        content::LessonExplanation,
        content::Concept,
        content::Practice,
        content::LessonMetadata,
        content::Quiz,
        content::QuizQuestion,
        content::Project,
        content::RubricCriterion,
        content::Finding,
        content::Severity,
    ];
    let mut out = String::from(
        "// Generated from crates/domain/src/contracts (ts-rs): do not edit. `make contracts` rewrites it.\n\n\
         export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;\n",
    );
    for declaration in declarations {
        out.push_str("\nexport ");
        out.push_str(&declaration);
        out.push('\n');
    }
    out
}

#[test]
fn the_ui_contracts_are_current() {
    let generated = typescript();
    if std::env::var_os("UPDATE_CONTRACTS").is_some() {
        std::fs::write(TARGET, &generated).expect("write web/src/lib/contracts.ts");
        return;
    }
    let committed = std::fs::read_to_string(TARGET).unwrap_or_default();
    assert!(committed == generated, "web/src/lib/contracts.ts is stale: run `make contracts` and commit it");
}

/// Two Rust types of one name (in different modules) would be two TypeScript declarations of
/// one name: the UI would not compile. Caught here, with the name.
#[test]
fn every_generated_type_has_a_name_of_its_own() {
    let generated = typescript();
    let mut seen = std::collections::BTreeSet::new();
    for line in generated.lines() {
        if let Some(name) = line.strip_prefix("export type ").and_then(|rest| rest.split([' ', '<', '=']).next()) {
            assert!(seen.insert(name.to_string()), "two contract types are named {name}: rename one");
        }
    }
    assert!(seen.len() > 50, "the declarations were read: {}", seen.len());
}
