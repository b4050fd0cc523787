// The API's shapes: generated from the Rust contract types (./contracts.ts, `make contracts`),
// re-exported under the names the UI reads. Only what is not an HTTP body is written here.
import type { AnswerValue as Answer, Blueprint, DynamicQuestion, StaticAnswersDraft } from "./contracts";

export type {
  BlueprintRecord,
  CompleteEvent,
  ErrorEvent as GenerationFailure,
  ProgressEvent,
  QueuedEvent,
  WarningEvent,
  BlueprintSummary,
  BlueprintPage,
  Catalogue,
  CatalogueEntry,
  Concept,
  CourseProgress,
  Enrollment,
  Graded,
  LearnerCourse,
  LearnerLesson,
  LearnerModule,
  LearnerQuestion,
  LearnerQuiz,
  Lesson,
  LessonEntry,
  LessonProgress,
  QuestionResult,
  QuizProgress,
  Check,
  Comparison,
  CompareAnswer,
  Dashboard,
  DraftPreview,
  DynamicSaveAnswer,
  ExportAnswer,
  Invite,
  KeptDraft,
  Level,
  Kpis,
  MeAnswer,
  Modality,
  Module,
  ModuleKpis,
  QualityReview,
  QuestionsAnswer,
  QuestionType,
  Role,
  RoleAnswer,
  SessionAnswer,
  Source,
  StaticSaveAnswer,
  Status,
  Syllabus,
  SyllabusLesson,
  SyllabusList,
  SyllabusModule,
  SyllabusRecord,
  SyllabusStatus,
  SyllabusSummary,
  TenantMember,
  TenantMemberPage,
  VersionList,
  VersionSnapshot,
  VersionSummary,
} from "./contracts";

/** Static answers as the wizard holds them: any field may still be missing. */
export type StaticAnswers = StaticAnswersDraft;
export type Question = DynamicQuestion;
export type CourseBlueprint = Blueprint;
/** One dynamic answer; `null` is an answer cleared. */
export type AnswerValue = Answer | null;

/** Dynamic answers by question id, as saved (a question not answered yet has no key). */
export type DynamicAnswers = Partial<Record<string, AnswerValue>>;
