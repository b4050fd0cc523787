// The signed-in session. Cookies carry the tokens (HttpOnly); this module only knows when the
// access token expires, refreshes it a minute early, and makes sure two tabs never refresh at
// once: presenting a refresh token that another tab already rotated would revoke the whole
// session family.
import type { SessionAnswer, UserSummary } from "./contracts";
import { paths } from "./paths";
import { navigate } from "./router";

export type User = UserSummary;

const EXPIRES_AT = "bp.session.expiresAt";
const SIGNED_OUT = "bp.session.signedOut";
const EARLY_MS = 60_000;

let timer: number | undefined;
let inFlight: Promise<boolean> | null = null;
const listeners = new Set<(user: User | null) => void>();
let current: User | null = null;

export function currentUser(): User | null {
  return current;
}

export function onUserChange(listener: (user: User | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setUser(user: User | null) {
  current = user;
  for (const listener of listeners) listener(user);
}

/** After sign-up, sign-in or a refresh: remember the expiry (shared by tabs) and plan the next refresh. */
export function sessionStarted(answer: SessionAnswer) {
  localStorage.setItem(EXPIRES_AT, String(Date.now() + answer.expiresIn * 1000));
  localStorage.removeItem(SIGNED_OUT);
  setUser(answer.user);
  schedule();
}

export function knownUser(user: User) {
  setUser(user);
  schedule();
}

function schedule() {
  window.clearTimeout(timer);
  const expiresAt = Number(localStorage.getItem(EXPIRES_AT));
  if (!expiresAt) return;
  const delay = Math.max(5_000, expiresAt - Date.now() - EARLY_MS);
  timer = window.setTimeout(() => void refreshSession(), delay);
}

/** Refreshes the session once for every caller in this tab, serialised across tabs. */
export function refreshSession(): Promise<boolean> {
  const expiryWhenAsked = localStorage.getItem(EXPIRES_AT);
  inFlight ??= withTabLock(() => refreshUnlessAnotherTabDid(expiryWhenAsked)).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function refreshUnlessAnotherTabDid(expiryWhenAsked: string | null): Promise<boolean> {
  // Another tab renewed the session while we waited for the lock (the shared expiry moved): the
  // new cookies are already ours, and presenting the old refresh token again would revoke them.
  if (localStorage.getItem(EXPIRES_AT) !== expiryWhenAsked) {
    schedule();
    return true;
  }
  try {
    const response = await fetch(paths.refresh, { method: "POST", credentials: "same-origin" });
    if (!response.ok) return false;
    sessionStarted((await response.json()) as SessionAnswer);
    return true;
  } catch {
    return false;
  }
}

async function withTabLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return work();
  return locks.request("bp-session-refresh", work);
}

/** The session is gone (expired or revoked): back to sign-in, then return here. */
export function sessionEnded() {
  window.clearTimeout(timer);
  localStorage.removeItem(EXPIRES_AT);
  setUser(null);
  const here = location.pathname + location.search;
  if (!here.startsWith("/signin") && !here.startsWith("/signup")) {
    navigate(`/signin?next=${encodeURIComponent(here)}`, { replace: true });
  }
}

export async function signOut() {
  try {
    await fetch(paths.logOut, { method: "POST", credentials: "same-origin" });
  } finally {
    localStorage.setItem(SIGNED_OUT, String(Date.now()));
    localStorage.removeItem(EXPIRES_AT);
    window.clearTimeout(timer);
    setUser(null);
    navigate("/signin", { replace: true });
  }
}

// Other tabs follow: a refresh elsewhere moves our timer; a sign-out elsewhere signs us out.
window.addEventListener("storage", (event) => {
  if (event.key === EXPIRES_AT && event.newValue) schedule();
  if (event.key === SIGNED_OUT && event.newValue && current) {
    setUser(null);
    navigate("/signin", { replace: true });
  }
});
