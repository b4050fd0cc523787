// The frame around every page: skip link, header with navigation, theme and session.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { signOut, type User } from "../lib/session";

const THEME = "bp.theme";

export function applySavedTheme() {
  const theme = localStorage.getItem(THEME);
  if (theme === "contrast") document.documentElement.dataset.theme = "contrast";
}

function ThemeToggle() {
  const [contrast, setContrast] = useState(document.documentElement.dataset.theme === "contrast");
  const toggle = () => {
    const next = !contrast;
    setContrast(next);
    if (next) document.documentElement.dataset.theme = "contrast";
    else delete document.documentElement.dataset.theme;
    localStorage.setItem(THEME, next ? "contrast" : "default");
  };
  return (
    <button type="button" class="button button--quiet" aria-pressed={contrast} onClick={toggle}>
      High contrast
    </button>
  );
}

export function Layout({ user, children }: { user: User | null; children: ComponentChildren }) {
  return (
    <>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="site-header">
        <a class="brand" href={user ? "/" : "/signin"}>Blueprint Studio</a>
        <nav aria-label="Account" class="site-nav">
          {user ? <a href="/">My blueprints</a> : null}
          {user ? <a href="/syllabi">Syllabi</a> : null}
          {user ? <a href="/learn">Learn</a> : null}
          {user?.role === "admin" ? <a href="/team">Team</a> : null}
          <ThemeToggle />
          {user ? (
            <>
              <span class="user-email" title={user.email}>{user.email}</span>
              <button type="button" class="button button--quiet" onClick={() => void signOut()}>Sign out</button>
            </>
          ) : null}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  );
}

/** The page's heading; it takes focus when `focusKey` changes so a screen reader announces the
 * new view, and names the browser tab (each view its own title). */
export function PageHeading({ children, focusKey }: { children: ComponentChildren; focusKey: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    const text = heading.current?.textContent?.trim();
    document.title = text ? `${text} · Blueprint Studio` : "Blueprint Studio";
  }, [focusKey]);
  return <h1 ref={heading} tabIndex={-1}>{children}</h1>;
}

export type BlueprintStage = "setup" | "questions" | "generate" | "dashboard";
const STAGES: { stage: BlueprintStage; label: string }[] = [
  { stage: "setup", label: "Course basics" },
  { stage: "questions", label: "Tailored questions" },
  { stage: "generate", label: "Generate" },
  { stage: "dashboard", label: "Dashboard" },
];

/** Where this blueprint is in the journey; stages not reachable yet are shown but not links. */
export function BlueprintNav({ id, title, current, reachable }: { id: string; title: string; current: BlueprintStage; reachable: BlueprintStage[] }) {
  return (
    <nav class="blueprint-nav" aria-label={`Steps for ${title}`}>
      <ol>
        {STAGES.map(({ stage, label }, index) => (
          <li key={stage} class={stage === current ? "current" : ""}>
            {stage === current ? (
              <span aria-current="step"><span class="step-number">{index + 1}</span>{label}</span>
            ) : reachable.includes(stage) ? (
              <a href={`/blueprints/${id}/${stage}`}><span class="step-number">{index + 1}</span>{label}</a>
            ) : (
              <span class="unreachable"><span class="step-number">{index + 1}</span>{label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
