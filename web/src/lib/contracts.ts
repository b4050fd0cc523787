// Generated from crates/domain/src/contracts (ts-rs): do not edit. `make contracts` rewrites it.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type TenantId = string;

export type UserId = string;

export type BlueprintId = string;

export type ExportId = string;

export type SyllabusId = string;

export type GenerationJobId = string;

export type JobItemId = string;

export type ContentItemId = string;

export type VersionNumber = number;

export type Role = "user" | "reviewer" | "admin";

export type RunStatus = "running" | "succeeded" | "failed" | "skipped";

export type Health = { 
/**
 * Always `ok`: the worker answered.
 */
status: string, version: string, };

export type Diagnostics = { 
/**
 * `ok`, `failing` or `missing`.
 */
database: string, 
/**
 * The stream worker's own report (or `{status: "failing", error}`).
 */
stream: JsonValue, };

export type QueueProbe = { probeId: string, job: string, };

export type RoleAnswer = { user: UserSummary, };

export type NewTenant = { tenant: TenantSummary, adminInviteCode: string, };

export type TenantSummary = { id: TenantId, name: string, };

export type Invite = { inviteCode: string, role: Role, expiresAt: string, };

export type TenantMember = { id: UserId, email: string, role: Role, platformAdmin: boolean, createdAt: string, };

export type TenantMemberPage = { users: Array<TenantMember>, nextCursor: string | null, };

export type JobRunList = { jobRuns: Array<JobRun>, };

export type JobRun = { id: string, jobName: string, runKey: string, status: RunStatus, 
/**
 * `cron` (the platform's scheduler), `manual` ("run now") or `queue` (a probe).
 */
trigger: string, startedAt: string, finishedAt: string | null, durationMs: number | null, 
/**
 * What the run did (stored as JSON text; decoded from either form).
 */
details: JsonValue, error: string | null, };

export type ScheduleRun = { cron: string, scheduledTime: string, jobs: Array<JobOutcome>, };

export type JobOutcome = { job: string, runKey: string, 
/**
 * `succeeded`, `failed`, `skipped`, or `error` (it could not even be recorded).
 */
status: string, reason?: string, };

export type SessionAnswer = { user: UserSummary, accessToken: string, 
/**
 * Seconds the access token lives.
 */
expiresIn: number, };

export type UserSummary = { id: UserId, email: string, 
/**
 * The account's role in its tenant.
 */
role: Role, 
/**
 * Runs the platform (the operations plane, tenants); always also its tenant's admin.
 */
platformAdmin: boolean, };

export type MeAnswer = { user: Account, profile: Profile, };

export type Account = { id: UserId, email: string, role: Role, platformAdmin: boolean, tenantId: TenantId, createdAt: string, };

export type Profile = { fullName: string | null, avatarUrl: string | null, preferences: JsonValue, };

export type Status = "draft" | "generating" | "completed" | "error";

export type Source = "model" | "fallback";

export type Failure = { 
/**
 * `no_model` (nothing answered) or `unusable_answer` (answers that could not be used).
 */
reason: string, message: string, 
/**
 * What was tried and how it failed.
 */
details: string, 
/**
 * What the user can do next.
 */
hint: string, };

export type Modality = "online" | "in-person" | "blended";

export type Constraints = { time: string, budget?: string, modality?: Modality, };

export type StaticAnswers = { audience: string, goals: Array<string>, constraints: Constraints, context: string, languages: Array<string>, };

export type QuestionType = "short_text" | "long_text" | "select" | "multi_select" | "scale" | "date";

export type DynamicQuestion = { id: string, section: string, type: QuestionType, label: string, options?: Array<string>, required: boolean, placeholder?: string, helpText?: string, min?: number, max?: number, };

export type Module = { title: string, durationMinutes: number, objectives: Array<string>, activities: Array<string>, assessments: Array<string>, };

export type Blueprint = { title: string, overview: string, learningObjectives: Array<string>, modules: Array<Module>, timeline?: string, resources?: Array<string>, };

export type Kpis = { courseObjectives: number, moduleCount: number, totalMinutes: number, modules: Array<ModuleKpis>, assessmentCoverage: Coverage, 
/**
 * The mean number of activities per module, to two decimals.
 */
activitiesPerModule: number, };

export type ModuleKpis = { title: string, minutes: number, objectives: number, activities: number, assessments: number, };

export type Coverage = { modulesWithAssessment: number, 
/**
 * `modules_with_assessment` over all modules.
 */
moduleShare: number, 
/**
 * Course objectives addressed by at least one module that has an assessment.
 */
courseObjectivesAssessed: number, 
/**
 * `course_objectives_assessed` over all course objectives.
 */
courseObjectiveShare: number, };

export type QualityReview = { 
/**
 * 0..=100: the share of the checks that could be judged and passed.
 */
score: number, checks: Array<Check>, 
/**
 * One actionable sentence per failing check, in check order.
 */
toFix: Array<string>, };

export type Check = { id: string, title: string, passed: boolean, evidence: Array<string>, };

export type Comparison = { a: Kpis, b: Kpis, differences: KpiDifferences, 
/**
 * Titles of b's modules with no match in a, in b's order.
 */
addedModules: Array<string>, 
/**
 * Titles of a's modules with no match in b, in a's order.
 */
removedModules: Array<string>, 
/**
 * Modules in both that differ, in b's order, under b's title.
 */
changedModules: Array<ModuleChange>, };

export type KpiDifferences = { courseObjectives: number, moduleCount: number, totalMinutes: number, moduleShare: number, courseObjectiveShare: number, };

export type ModuleChange = { title: string, 
/**
 * One phrase per change: `duration 45 → 60 min`, `objectives 2 → 3`, `assessments changed`.
 */
changes: Array<string>, };

export type StaticAnswersDraft = { audience?: string, goals?: Array<string>, constraints?: ConstraintsDraft, context?: string, languages?: Array<string>, };

export type ConstraintsDraft = { time?: string, 
/**
 * Absent when never given or cleared (a merge patch's `null` removes the key).
 */
budget?: string, modality?: Modality, };

export type AnswerValue = string | number | Array<string>;

export type BlueprintRecord = { id: BlueprintId, title: string, status: Status, version: number, static_answers: StaticAnswersDraft, dynamic_questions: Array<DynamicQuestion>, 
/**
 * Names this set of questions; sent back with answers so that answers to replaced
 * questions are refused.
 */
dynamic_questions_set: string, dynamic_answers: { [key in string]?: AnswerValue | null }, 
/**
 * `{}` until a generation completes; the latest completed document after.
 */
blueprint_json: Partial<Blueprint> | null, blueprint_markdown: string | null, created_at: string, updated_at: string, };

export type BlueprintSummary = { id: BlueprintId, title: string, status: Status, version: number, created_at: string, updated_at: string, };

export type BlueprintPage = { blueprints: Array<BlueprintSummary>, nextCursor: string | null, };

export type StaticSaveAnswer = { static_answers: StaticAnswersDraft, complete: boolean, 
/**
 * The fields still needed before questions can be generated.
 */
missing: Array<string>, updated_at: string, };

export type DynamicSaveAnswer = { dynamic_answers: { [key in string]?: AnswerValue | null }, progress: Progress, 
/**
 * Required questions still unanswered.
 */
missing: Array<string>, complete: boolean, updated_at: string, };

export type Progress = { answered: number, total: number, };

export type QuestionSource = "ollama" | "openrouter" | "fallback";

export type QuestionsAnswer = { blueprintId: BlueprintId, dynamicQuestions: Array<DynamicQuestion>, questionSet: string, source: QuestionSource, cached: boolean, warning: string | null, };

export type GeneratedQuestions = { dynamicQuestions: Array<DynamicQuestion>, cached: boolean, source: QuestionSource, warning: string | null, };

export type VersionSummary = { version: VersionNumber, created_at: string, provider: string, model: string, 
/**
 * `model` or `fallback` (a kept curated draft); derived from `provider`, not stored (a
 * row has no such column: it decodes as `model` and is then set from `provider`).
 */
source: Source, modules: number, objectives: number, };

export type VersionList = { versions: Array<VersionSummary>, };

export type VersionSnapshot = { blueprint_id: BlueprintId, version: VersionNumber, status: Status, static_answers: StaticAnswersDraft, dynamic_questions: Array<DynamicQuestion>, dynamic_answers: { [key in string]?: AnswerValue | null }, blueprint_json: Blueprint, blueprint_markdown: string, provider: string, model: string, source: Source, 
/**
 * Milliseconds per attempt, as measured when it was saved.
 */
timings: JsonValue, 
/**
 * Versions saved before reviews were stored have none.
 */
quality: QualityReview | null, created_at: string, };

export type Dashboard = { blueprintId: BlueprintId, latest: LatestVersion, 
/**
 * Oldest first.
 */
versions: Array<VersionFigures>, };

export type LatestVersion = { version: VersionNumber, created_at: string, source: Source, kpis: Kpis, quality: QualityReview, };

export type VersionFigures = { version: VersionNumber, created_at: string, source: Source, kpis: Kpis, qualityScore: number, };

export type CompareAnswer = { a: VersionNumber, b: VersionNumber, comparison: Comparison, };

export type ExportAnswer = { exportId: ExportId, format: string, version: VersionNumber, source: Source, filename: string, bytes: number, sha256: string, downloadUrl: string, };

export type DraftPreview = { blueprint: Blueprint, markdown: string, quality: QualityReview, source: Source, };

export type KeptDraft = { savedBlueprintId: BlueprintId, version: VersionNumber, source: Source, blueprint: Blueprint, markdown: string, quality: QualityReview, };

export type ProgressEvent = { partialBlueprint?: Partial<Blueprint>, superseded?: boolean, modules?: number, };

export type WarningEvent = { message: string, };

export type QueuedEvent = { position: number, };

export type ErrorEvent = { message: string, 
/**
 * `no_model` (nothing answered) or `unusable_answer`, when every model tier failed.
 */
reason?: string, details?: string, hint?: string, 
/**
 * The curated draft built from the answers, which `keep-draft` can save.
 */
blueprint?: Blueprint, markdown?: string, canKeepDraft?: boolean, retryAfterSecs?: bigint, };

export type CompleteEvent = { blueprint: Blueprint, markdown: string | null, savedBlueprintId: BlueprintId, version: number, quality?: QualityReview, };

export type Level = "beginner" | "intermediate" | "advanced";

export type Syllabus = { title: string, level: Level, prerequisites: Array<string>, modules: Array<SyllabusModule>, };

export type SyllabusModule = { 
/**
 * `m1`, `m2`…: the module's place in the course, recomputed on every validation.
 */
id: string, title: string, durationMinutes: number, 
/**
 * The blueprint module's objectives, as the blueprint words them.
 */
objectives: Array<string>, lessons: Array<SyllabusLesson>, 
/**
 * Placeholders for how the module is assessed; the content stage writes them.
 */
assessmentHooks: Array<string>, };

export type SyllabusLesson = { 
/**
 * `m1.l1`, `m1.l2`…, recomputed like the module's.
 */
id: string, title: string, 
/**
 * Some of the module's objectives, worded as the module words them.
 */
objectives: Array<string>, minutes: number, level: Level, };

export type SlotKind = "lesson" | "quiz" | "project";

export type Slot = { id: string, kind: SlotKind, module: number, lesson: number | null, };

export type SyllabusStatus = "DRAFT" | "IN_REVIEW" | "APPROVED";

export type SyllabusRecord = { id: SyllabusId, blueprintId: BlueprintId, 
/**
 * The blueprint version the syllabus is derived from.
 */
version: VersionNumber, status: SyllabusStatus, 
/**
 * `model`, or `fallback` for the curated syllabus (as blueprint versions name theirs).
 */
source: Source, 
/**
 * Why the curated syllabus was used (no model reachable, answers unusable), when it was.
 */
warning: string | null, syllabus: Syllabus, authorId: UserId, createdAt: string, updatedAt: string, submittedAt?: string, approvedBy?: UserId, approvedAt?: string, 
/**
 * The last reviewer's note (a rejection always has one).
 */
note?: string, 
/**
 * The SHA-256 of the approved syllabus's canonical JSON (`syllabus::canonical_sha256`).
 */
sha256?: string, 
/**
 * Where a reviewer opens it in the UI, while it waits for review.
 */
reviewUrl?: string, };

export type SyllabusSummary = { id: SyllabusId, blueprintId: BlueprintId, version: VersionNumber, status: SyllabusStatus, source: Source, title: string, authorId: UserId, createdAt: string, updatedAt: string, approvedAt?: string, };

export type SyllabusList = { syllabi: Array<SyllabusSummary>, };

export type UpdateSyllabus = { syllabus: Syllabus, };

export type ReviewRequest = { note?: string, };

export type GenerationJob = { jobId: GenerationJobId, syllabusId: SyllabusId, status: JobStatus, items: Array<JobItem>, counts: ItemCounts, createdAt: string, completedAt?: string, };

export type JobItem = { id: JobItemId, slot: string, kind: ContentKind, status: ItemStatus, attempts: number, contentItemId: ContentItemId | null, findings: Array<Finding>, error: string | null, };

export type ItemCounts = { pending: number, processing: number, completed: number, needsReview: number, failed: number, };

export type SyllabusContent = { slots: Array<SlotContent>, };

export type SlotContent = { slot: string, kind: ContentKind, 
/**
 * The newest version, whatever its status (none before anything was written).
 */
latest: ContentVersionSummary | null, 
/**
 * The approved version, if one is.
 */
approved: ContentVersionRef | null, };

export type ContentVersionSummary = { itemId: ContentItemId, version: number, status: ContentStatus, source: string, findings: Array<Finding>, updatedAt: string, };

export type ContentVersionRef = { itemId: ContentItemId, version: number, };

export type ContentRecord = { id: ContentItemId, syllabusId: SyllabusId, slot: string, kind: ContentKind, version: number, status: ContentStatus, 
/**
 * `model`, `fallback` (the curated item) or `edit` (a person's revision).
 */
source: string, 
/**
 * The lesson, quiz or project.
 */
content: JsonValue, findings: Array<Finding>, authorId: UserId, createdAt: string, updatedAt: string, approvedBy: UserId | null, approvedAt: string | null, note: string | null, sha256: string | null, 
/**
 * Every version of this slot, newest first.
 */
history: Array<ContentVersionSummary>, };

export type UpdateContent = { content: JsonValue, };

export type ContentStatus = "DRAFT" | "APPROVED" | "REJECTED";

export type ItemStatus = "pending" | "processing" | "completed" | "needs_review" | "failed";

export type JobStatus = "running" | "completed";

export type PackageStatus = "PUBLISHED" | "ARCHIVED";

export type CoursePackage = { format: string, 
/**
 * The syllabus's id: a course is published from one syllabus, version after version.
 */
courseId: string, title: string, 
/**
 * What the course is about: its blueprint's overview.
 */
summary: string, level: Level, prerequisites: Array<string>, 
/**
 * The SHA-256 of the approved syllabus's canonical JSON.
 */
syllabusSha256: string, modules: Array<PackageModule>, };

export type PackageModule = { id: string, title: string, durationMinutes: number, objectives: Array<string>, lessons: Array<PackageLesson>, project: PackageItem, };

export type PackageLesson = { slot: string, title: string, minutes: number, level: Level, objectives: Array<string>, lesson: PackageItem, quiz: PackageItem, };

export type PackageItem = { slot: string, itemId: string, version: number, sha256: string, content: JsonValue, };

export type Published = { courseId: SyllabusId, version: bigint, sha256: string, bytes: bigint, };

export type CourseSummary = { courseId: SyllabusId, title: string, latestVersion: bigint, 
/**
 * The latest version's status.
 */
status: PackageStatus, };

export type CourseList = { courses: Array<CourseSummary>, };

export type CourseVersions = { courseId: SyllabusId, title: string, versions: Array<CourseVersion>, };

export type CourseVersion = { version: bigint, status: PackageStatus, createdAt: string, sha256: string, bytes: bigint, lessons: bigint, minutes: bigint, };

export type EventsAnswer = { accepted: number, rejected: Array<Rejected>, };

export type Rejected = { index: number, error: string, };

export type Catalogue = { courses: Array<CatalogueEntry>, };

export type CatalogueEntry = { courseId: SyllabusId, title: string, version: bigint, summary: string, lessons: bigint, minutes: bigint, enrolled: boolean, };

export type Enrollment = { courseId: SyllabusId, 
/**
 * The package version the enrollment is pinned to.
 */
version: bigint, enrolledAt: string, };

export type CourseProgress = { courseId: SyllabusId, version: bigint, lessons: Array<LessonProgress>, quizzes: Array<QuizProgress>, percent: number, completedAt: string | null, };

export type LessonProgress = { index: number, slot: string, completed: boolean, completedAt: string | null, };

export type QuizProgress = { slot: string, bestScore: number | null, passed: boolean, attempts: number, };

export type LearnerCourse = { courseId: string, version: bigint, title: string, summary: string, level: Level, prerequisites: Array<string>, modules: Array<LearnerModule>, };

export type LearnerModule = { id: string, title: string, durationMinutes: number, objectives: Array<string>, lessons: Array<LessonEntry>, 
/**
 * The module's project, whole (a project has no key to hide).
 */
project: unknown, };

export type LessonEntry = { index: number, slot: string, title: string, minutes: number, quizSlot: string, questions: number, };

export type LearnerLesson = { courseId: string, version: bigint, index: number, slot: string, title: string, minutes: number, objectives: Array<string>, 
/**
 * The lesson itself (explanation, concepts, takeaways, practice).
 */
lesson: unknown, quiz: LearnerQuiz, previous: number | null, next: number | null, lessons: number, };

export type LearnerQuiz = { slot: string, questions: Array<LearnerQuestion>, };

export type LearnerQuestion = { question: string, options: Array<string>, };

export type Graded = { 
/**
 * Percent of questions answered right, rounded down.
 */
score: number, passed: boolean, passMark: number, results: Array<QuestionResult>, };

export type QuestionResult = { correct: boolean, correctIndex: number, explanation: string, };

export type ContentKind = "lesson" | "quiz" | "project";

export type ContentDocument = { "kind": "lesson", "document": Lesson } | { "kind": "quiz", "document": Quiz } | { "kind": "project", "document": Project };

export type Lesson = { title: string, durationMinutes: number, objectives: Array<string>, explanation: LessonExplanation, keyTakeaways: Array<string>, practice: Practice, metadata: LessonMetadata, };

export type LessonExplanation = { overview: string, concepts: Array<Concept>, };

export type Concept = { title: string, explanation: string, 
/**
 * Null when absent: the schema asks for every field, nullable ones included.
 */
example: string | null, };

export type Practice = { prompt: string, expectedOutcome: string, };

export type LessonMetadata = { level: Level, 
/**
 * Null when absent: the schema asks for every field, nullable ones included.
 */
prerequisites: Array<string> | null, };

export type Quiz = { questions: Array<QuizQuestion>, };

export type QuizQuestion = { 
/**
 * The stem.
 */
question: string, options: Array<string>, 
/**
 * 0..=3: which option is right.
 */
correctIndex: number, explanation: string, };

export type Project = { title: string, problemStatement: string, constraints: Array<string>, deliverables: Array<string>, rubric: Array<RubricCriterion>, 
/**
 * Slot ids of the module's lessons the project puts to use.
 */
appliesLessons: Array<string>, };

export type RubricCriterion = { criterion: string, 
/**
 * What meeting the criterion looks like.
 */
description: string, points: number, };

export type Finding = { 
/**
 * A stable snake_case id (`duration_off_slot`), for code and for the UI's wording.
 */
check: string, severity: Severity, 
/**
 * Where, and the words that show it: `question 2: option D "All of the above" is the key`.
 */
evidence: string, };

export type Severity = "blocking" | "advisory";
