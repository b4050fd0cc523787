// Every endpoint the UI calls: its path and its typed answer (the types are generated from the
// Rust contracts). Pages call these; no page writes an API path.
import { api, requestRaw, type Options } from "./api";
import { paths } from "./paths";
import type {
  BlueprintPage,
  BlueprintRecord,
  Catalogue,
  Published,
  CompareAnswer,
  ContentRecord,
  CourseProgress,
  Dashboard,
  DraftPreview,
  DynamicSaveAnswer,
  Enrollment,
  ExportAnswer,
  GenerationJob,
  Graded,
  Invite,
  KeptDraft,
  LearnerCourse,
  LearnerLesson,
  MeAnswer,
  QuestionsAnswer,
  Role,
  RoleAnswer,
  SessionAnswer,
  StaticSaveAnswer,
  Syllabus,
  SyllabusContent,
  SyllabusList,
  SyllabusRecord,
  SyllabusStatus,
  TenantMemberPage,
  VersionList,
  VersionSnapshot,
} from "./types";

type Keep = { keepalive?: boolean };

export const client = {
  signUp: (body: { email: string; password: string; fullName?: string; inviteCode?: string }) => api.post<SessionAnswer>(paths.signUp, body),
  logIn: (body: { email: string; password: string }) => api.post<SessionAnswer>(paths.logIn, body),
  me: () => api.get<MeAnswer>(paths.me, { noRefresh: true }),

  listBlueprints: (limit: number, cursor?: string | null) =>
    api.get<BlueprintPage>(paths.blueprintPage(limit, cursor)),
  createBlueprint: (title?: string) => api.post<BlueprintRecord>(paths.blueprints, title ? { title } : {}),
  blueprint: (id: string) => api.get<BlueprintRecord>(paths.blueprint(id)),
  renameBlueprint: (id: string, title: string) => api.patch<BlueprintRecord>(paths.blueprint(id), { title }),
  deleteBlueprint: (id: string) => api.del<void>(paths.blueprint(id)),

  saveStaticAnswers: (id: string, patch: unknown, { keepalive }: Keep = {}) => api.patch<StaticSaveAnswer>(paths.staticAnswers(id), patch, { keepalive }),
  saveDynamicAnswers: (id: string, body: { answers: unknown; questionSet: string }, { keepalive }: Keep = {}) =>
    api.patch<DynamicSaveAnswer>(paths.dynamicAnswers(id), body, { keepalive }),
  generateQuestions: (blueprintId: string) => api.post<QuestionsAnswer>(paths.dynamicQuestions, { blueprintId }),

  /** The generation's event stream (the raw response: the caller reads it as SSE). */
  startGeneration: (body: { blueprintId: string; regenerate?: boolean }, options: Options = {}) => requestRaw("POST", paths.generate, { ...options, body }),
  rejoinGeneration: (id: string, token: string, options: Options = {}) => requestRaw("GET", paths.events(id, token), options),
  draft: (id: string) => api.get<DraftPreview>(paths.draft(id)),
  keepDraft: (id: string) => api.post<KeptDraft>(paths.keepDraft(id)),

  versions: (id: string) => api.get<VersionList>(paths.versions(id)),
  version: (id: string, version: number | string) => api.get<VersionSnapshot>(paths.version(id, version)),
  dashboard: (id: string) => api.get<Dashboard>(paths.dashboard(id)),
  compare: (id: string, a: number | string, b: number | string) => api.get<CompareAnswer>(paths.compare(id, a, b)),
  exportVersion: (id: string, body: { format: string; version?: number; pageSize?: string }) => api.post<ExportAnswer>(paths.exports(id), body),

  /** A 409 names the version's existing syllabus in `details.syllabusId`. */
  createSyllabus: (id: string, version: number | string) => api.post<SyllabusRecord>(paths.versionSyllabus(id, version)),
  syllabi: (status?: SyllabusStatus | null) => api.get<SyllabusList>(paths.syllabi(status)),
  syllabus: (id: string) => api.get<SyllabusRecord>(paths.syllabus(id)),
  saveSyllabus: (id: string, syllabus: Syllabus) => api.put<SyllabusRecord>(paths.syllabus(id), { syllabus }),
  submitSyllabus: (id: string) => api.post<SyllabusRecord>(paths.syllabusAction(id, "submit")),
  approveSyllabus: (id: string, note?: string) => api.post<SyllabusRecord>(paths.syllabusAction(id, "approve"), note ? { note } : {}),
  rejectSyllabus: (id: string, note: string) => api.post<SyllabusRecord>(paths.syllabusAction(id, "reject"), { note }),
  /** Publishes the approved course: a new version, or the latest when nothing changed. */
  publishCourse: (id: string) => api.post<Published>(paths.syllabusPublish(id)),

  /** A job writing the syllabus's content (every slot); the same `idempotencyKey` answers the same job. */
  startContentJob: (syllabusId: string, idempotencyKey: string) =>
    api.post<GenerationJob>(paths.syllabusJobs(syllabusId), {}, { headers: { "idempotency-key": idempotencyKey } }),
  generationJob: (id: string) => api.get<GenerationJob>(paths.generationJob(id)),
  syllabusContent: (syllabusId: string) => api.get<SyllabusContent>(paths.syllabusContent(syllabusId)),
  content: (id: string) => api.get<ContentRecord>(paths.content(id)),
  saveContent: (id: string, content: unknown) => api.put<ContentRecord>(paths.content(id), { content }),
  approveContent: (id: string, note?: string) => api.post<ContentRecord>(paths.contentAction(id, "approve"), note ? { note } : {}),
  rejectContent: (id: string, note: string) => api.post<ContentRecord>(paths.contentAction(id, "reject"), { note }),
  /** A new draft version of the slot, copied from this one. */
  reviseContent: (id: string) => api.post<ContentRecord>(paths.contentAction(id, "revise")),
  /** A one-item job writing the slot again. */
  regenerateContent: (id: string, instructions?: string) => api.post<GenerationJob>(paths.contentAction(id, "regenerate"), instructions ? { instructions } : {}),

  members: (limit: number, cursor?: string | null) => api.get<TenantMemberPage>(paths.memberPage(limit, cursor)),
  setMemberRole: (id: string, role: Role) => api.patch<RoleAnswer>(paths.member(id), { role }),
  invite: (role: Role) => api.post<Invite>(paths.invites, { role }),

  /** The tenant's published courses, each saying whether the learner is enrolled. */
  catalogue: () => api.get<Catalogue>(paths.learnCourses),
  learnerCourse: (id: string) => api.get<LearnerCourse>(paths.learnCourse(id)),
  /** `index` is 0-based in course order (404 past the end); the quiz comes without its key. */
  learnerLesson: (id: string, index: number) => api.get<LearnerLesson>(paths.learnLesson(id, index)),
  /** 201 the first time, 200 with the same enrollment after. */
  enroll: (courseId: string) => api.post<Enrollment>(paths.enroll, { courseId }),
  /** 403 unless enrolled. */
  courseProgress: (id: string) => api.get<CourseProgress>(paths.courseProgress(id)),
  markLesson: (courseId: string, lessonIdx: number, completed: boolean) => api.post<CourseProgress>(paths.progress, { courseId, lessonIdx, completed }),
  /** One option index (0–3) per question; the result carries the key and the explanations. */
  attemptQuiz: (courseId: string, slot: string, answers: number[]) => api.post<Graded>(paths.quizAttempts(courseId, slot), { answers }),
};
