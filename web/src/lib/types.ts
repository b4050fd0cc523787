// The API's shapes, as the UI reads them (see docs/API.md).
export type Status = "draft" | "generating" | "completed" | "error";
export type Modality = "online" | "in-person" | "blended";

export type StaticAnswers = {
  audience?: string;
  goals?: string[];
  constraints?: { time?: string; budget?: string | null; modality?: Modality | null };
  context?: string;
  languages?: string[];
};

export type QuestionType = "short_text" | "long_text" | "select" | "multi_select" | "scale" | "date";
export type Question = {
  id: string;
  section: string;
  type: QuestionType;
  label: string;
  options?: string[] | null;
  required: boolean;
  placeholder?: string | null;
  helpText?: string | null;
  min?: number | null;
  max?: number | null;
};
export type AnswerValue = string | number | string[] | null;

export type Module = { title: string; durationMinutes: number; objectives: string[]; activities: string[]; assessments: string[] };
export type CourseBlueprint = {
  title: string;
  overview: string;
  learningObjectives: string[];
  modules: Module[];
  timeline?: string | null;
  resources?: string[] | null;
};

export type BlueprintRecord = {
  id: string;
  title: string;
  status: Status;
  version: number;
  static_answers: StaticAnswers;
  dynamic_questions: Question[];
  /** Names this set of questions; sent back with answers so that answers to replaced questions are refused. */
  dynamic_questions_set: string;
  dynamic_answers: Record<string, AnswerValue>;
  blueprint_json: Partial<CourseBlueprint> | null;
  blueprint_markdown: string | null;
  created_at: string;
  updated_at: string;
};

export type BlueprintSummary = Pick<BlueprintRecord, "id" | "title" | "status" | "version" | "created_at" | "updated_at">;

export type StaticSaveAnswer = { static_answers: StaticAnswers; complete: boolean; missing: string[]; updated_at: string };
export type DynamicSaveAnswer = {
  dynamic_answers: Record<string, AnswerValue>;
  progress: { answered: number; total: number };
  missing: string[];
  complete: boolean;
};
export type QuestionsAnswer = { blueprintId: string; dynamicQuestions: Question[]; questionSet: string; source: "ollama" | "openrouter" | "fallback"; cached: boolean; warning: string | null };

export type ModuleKpis = { title: string; minutes: number; objectives: number; activities: number; assessments: number };
export type Kpis = {
  courseObjectives: number;
  moduleCount: number;
  totalMinutes: number;
  modules: ModuleKpis[];
  assessmentCoverage: { modulesWithAssessment: number; moduleShare: number; courseObjectivesAssessed: number; courseObjectiveShare: number };
  activitiesPerModule: number;
};
export type Check = { id: string; title: string; passed: boolean; evidence: string[] };
export type QualityReview = { score: number; checks: Check[]; toFix: string[] };
/** Where a version came from: a model, or the curated draft built from the answers and kept by the user. */
export type Source = "model" | "fallback";
export type Dashboard = {
  blueprintId: string;
  latest: { version: number; created_at: string; source: Source; kpis: Kpis; quality: QualityReview };
  versions: { version: number; created_at: string; source: Source; kpis: Kpis; qualityScore: number }[];
};
export type VersionSummary = { version: number; created_at: string; provider: string | null; model: string | null; source: Source; modules: number; objectives: number };
export type VersionSnapshot = {
  blueprint_id: string;
  version: number;
  blueprint_json: CourseBlueprint;
  blueprint_markdown: string;
  provider: string | null;
  model: string | null;
  source: Source;
  quality: QualityReview | null;
  created_at: string;
};
export type Comparison = {
  a: Kpis;
  b: Kpis;
  differences: { courseObjectives: number; moduleCount: number; totalMinutes: number; moduleShare: number; courseObjectiveShare: number };
  addedModules: string[];
  removedModules: string[];
  changedModules: { title: string; changes: string[] }[];
};
export type ExportAnswer = { exportId: string; format: string; version: number; source: Source; filename: string; bytes: number; sha256: string; downloadUrl: string };

/** The `error` event of a generation that produced nothing usable. */
export type GenerationFailure = {
  message: string;
  reason?: "no_model" | "unusable_answer";
  details?: string;
  hint?: string;
  blueprint?: Partial<CourseBlueprint>;
  canKeepDraft?: boolean;
};
export type KeptDraft = { savedBlueprintId: string; version: number; source: Source; blueprint: CourseBlueprint; markdown: string; quality: QualityReview };
