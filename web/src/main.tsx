// The app: routes, and the session check that sends a signed-out visitor to sign-in and back.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "./lib/api";
import { client } from "./lib/client";
import { interceptLinks, navigate, useLocation } from "./lib/router";
import { currentUser, knownUser, onUserChange, refreshSession, sessionEnded, type User } from "./lib/session";
import { landingStage } from "./lib/stages";
import { useBlueprint } from "./lib/useBlueprint";
import { applySavedTheme, Layout, PageHeading } from "./components/Layout";
import { LoadingState } from "./components/Loading";
import { Spinner } from "./components/forms";
import { AuthPage, safeNext } from "./pages/AuthPage";
import { CataloguePage } from "./pages/CataloguePage";
import { ComparePage } from "./pages/ComparePage";
import { ContentPage } from "./pages/ContentPage";
import { CoursePage } from "./pages/CoursePage";
import { DashboardPage } from "./pages/DashboardPage";
import { GeneratePage } from "./pages/GeneratePage";
import { LessonPage } from "./pages/LessonPage";
import { ListPage } from "./pages/ListPage";
import { QuestionsPage } from "./pages/QuestionsPage";
import { SetupPage } from "./pages/SetupPage";
import { SyllabiPage } from "./pages/SyllabiPage";
import { SyllabusPage } from "./pages/SyllabusPage";
import { TeamPage } from "./pages/TeamPage";
import { VersionPage } from "./pages/VersionPage";

const PUBLIC = ["/signin", "/signup"];

async function whoAmI(): Promise<User | null> {
  const me = client.me;
  try {
    return (await me()).user;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
    if (!(await refreshSession())) return null;
    return (await me()).user;
  }
}

function Hub({ id }: { id: string }) {
  const loaded = useBlueprint(id);
  useEffect(() => {
    if (loaded.record) navigate(`/blueprints/${id}/${landingStage(loaded.record)}`, { replace: true });
  }, [loaded.record]);
  return <LoadingState loaded={loaded} />;
}

function NotFound() {
  return (
    <div>
      <PageHeading focusKey="not-found">Page not found</PageHeading>
      <p><a href="/">Go to my blueprints</a></p>
    </div>
  );
}

function positive(raw: string | null): number | null {
  const n = Number(raw);
  return raw && Number.isInteger(n) && n >= 1 ? n : null;
}

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  if (path === "/") return <ListPage />;
  if (path === "/syllabi" || path === "/syllabi/") return <SyllabiPage waiting={query.get("status") === "IN_REVIEW"} />;
  const syllabus = path.match(/^\/syllabi\/([^/]+)\/?$/);
  if (syllabus) return <SyllabusPage id={syllabus[1]} job={query.get("job")} />;
  const content = path.match(/^\/content\/([^/]+)\/?$/);
  if (content) return <ContentPage id={content[1]} />;
  if (path === "/team") return <TeamPage />;
  if (path === "/learn" || path === "/learn/") return <CataloguePage />;
  const course = path.match(/^\/learn\/([^/]+)\/?$/);
  if (course) return <CoursePage key={course[1]} courseId={course[1]} />;
  // The lesson's index is the API's: 0-based in course order.
  const lesson = path.match(/^\/learn\/([^/]+)\/lesson\/(\d{1,4})\/?$/);
  if (lesson) return <LessonPage key={`${lesson[1]}/${lesson[2]}`} courseId={lesson[1]} index={Number(lesson[2])} />;
  const match = path.match(/^\/blueprints\/([^/]+)(?:\/([a-z]+)(?:\/(\d+))?)?\/?$/);
  if (!match) return <NotFound />;
  const [, id, section, number] = match;
  switch (section) {
    case undefined:
      return <Hub id={id} />;
    case "setup":
      return <SetupPage id={id} step={positive(query.get("step")) === null ? null : (positive(query.get("step")) as number) - 1} />;
    case "questions":
      return <QuestionsPage id={id} />;
    case "generate":
      return <GeneratePage id={id} />;
    case "dashboard":
      return <DashboardPage id={id} />;
    case "versions":
      return number ? <VersionPage id={id} version={Number(number)} /> : <NotFound />;
    case "compare": {
      const a = positive(query.get("a"));
      const b = positive(query.get("b"));
      return a && b ? <ComparePage id={id} a={a} b={b} /> : <NotFound />;
    }
    default:
      return <NotFound />;
  }
}

function App() {
  const { path, query } = useLocation();
  const [user, setUser] = useState<User | null | undefined>(currentUser() ?? undefined);
  const [checkFailed, setCheckFailed] = useState(false);
  const isPublic = PUBLIC.includes(path);

  useEffect(() => onUserChange((next) => setUser(next)), []);
  useEffect(() => {
    whoAmI().then(
      (found) => {
        if (found) knownUser(found);
        // Someone who signed in while this first check was under way is not signed out by it.
        else if (!currentUser()) setUser(null);
      },
      () => {
        if (!currentUser()) setCheckFailed(true);
      },
    );
  }, []);
  useEffect(() => {
    if (user === null && !isPublic) sessionEnded();
    // Already signed in: the sign-in and sign-up pages have nothing to offer.
    if (user && isPublic) navigate(safeNext(query.get("next")), { replace: true });
  }, [user, isPublic]);

  let content;
  if (isPublic) content = <AuthPage key={path} mode={path === "/signup" ? "signup" : "signin"} next={query.get("next")} invite={query.get("invite")} />;
  else if (checkFailed) content = <p role="alert">The server could not be reached. <a href={path}>Reload</a></p>;
  else if (!user) content = <Spinner label="Checking your session…" />;
  else content = <Page path={path} query={query} />;
  return <Layout user={user ?? null}>{content}</Layout>;
}

applySavedTheme();
interceptLinks();
const root = document.getElementById("app");
if (root) render(<App />, root);
