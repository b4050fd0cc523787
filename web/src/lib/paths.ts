// Every API path the UI uses, in one place (`client.ts` pairs each with its typed answer; the
// session module uses two of them with a plain `fetch`).

const segment = encodeURIComponent;

export const paths = {
  blueprintPage: (limit: number, cursor?: string | null) => `/api/blueprints?limit=${limit}${cursor ? `&cursor=${segment(cursor)}` : ""}`,
  signUp: "/api/auth/signup",
  logIn: "/api/auth/login",
  refresh: "/api/auth/refresh",
  logOut: "/api/auth/logout",
  me: "/api/auth/me",
  blueprints: "/api/blueprints",
  blueprint: (id: string) => `/api/blueprints/${segment(id)}`,
  staticAnswers: (id: string) => `/api/blueprints/${segment(id)}/static-answers`,
  dynamicAnswers: (id: string) => `/api/blueprints/${segment(id)}/dynamic-answers`,
  dynamicQuestions: "/api/generate-dynamic-questions",
  generate: "/api/generate-blueprint",
  events: (id: string, token: string) => `/api/generate-blueprint/${segment(id)}/events?token=${segment(token)}`,
  draft: (id: string) => `/api/blueprints/${segment(id)}/draft`,
  keepDraft: (id: string) => `/api/blueprints/${segment(id)}/keep-draft`,
  versions: (id: string) => `/api/blueprints/${segment(id)}/versions`,
  version: (id: string, version: number | string) => `/api/blueprints/${segment(id)}/versions/${segment(String(version))}`,
  dashboard: (id: string) => `/api/blueprints/${segment(id)}/dashboard`,
  compare: (id: string, a: number | string, b: number | string) => `/api/blueprints/${segment(id)}/compare?a=${segment(String(a))}&b=${segment(String(b))}`,
  exports: (id: string) => `/api/blueprints/${segment(id)}/exports`,
  versionSyllabus: (id: string, version: number | string) => `/api/blueprints/${segment(id)}/versions/${segment(String(version))}/syllabus`,
  syllabi: (status?: string | null) => `/api/syllabi${status ? `?status=${segment(status)}` : ""}`,
  syllabus: (id: string) => `/api/syllabi/${segment(id)}`,
  syllabusAction: (id: string, action: "submit" | "approve" | "reject") => `/api/syllabi/${segment(id)}/${action}`,
  syllabusJobs: (id: string) => `/api/syllabi/${segment(id)}/generation-jobs`,
  syllabusContent: (id: string) => `/api/syllabi/${segment(id)}/content`,
  generationJob: (id: string) => `/api/generation-jobs/${segment(id)}`,
  content: (id: string) => `/api/content/${segment(id)}`,
  contentAction: (id: string, action: "approve" | "reject" | "revise" | "regenerate") => `/api/content/${segment(id)}/${action}`,
  invites: "/api/admin/invites",
  memberPage: (limit: number, cursor?: string | null) => `/api/admin/users?limit=${limit}${cursor ? `&cursor=${segment(cursor)}` : ""}`,
  member: (id: string) => `/api/admin/users/${segment(id)}`,
};
