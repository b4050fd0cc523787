// Autosave: edits become merge patches, coalesced while a save is in flight, sent one at a time
// (so answers arrive in order), with a visible state and a retry that loses nothing.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api";

export type SaveState = "idle" | "saving" | "saved" | "failed";
/** What the person can do about a failed save: send it again, or reload a page that is out of date. */
export type Remedy = "retry" | "reload" | null;
export type Patch = Record<string, unknown>;

type Options<R> = {
  /** Sends one patch; `keepalive` when the page is going away (the request must outlive it). */
  send: (patch: Patch, keepalive: boolean) => Promise<R>;
  onSaved?: (answer: R) => void;
  onRejected?: (error: ApiError) => void;
  delayMs: number;
};

/** Deep-merges `next` into `base` the way the server merges a JSON merge patch. */
export function mergePatch(base: Patch, next: Patch): Patch {
  const out: Patch = { ...base };
  for (const [key, value] of Object.entries(next)) {
    const previous = out[key];
    if (isObject(value) && isObject(previous)) out[key] = mergePatch(previous, value);
    else out[key] = value;
  }
  return out;
}

function isObject(value: unknown): value is Patch {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const RETRY_DELAYS_MS = [2_000, 5_000, 15_000];

function automaticRetryDelay(error: unknown, attempt: number): number | null {
  if (attempt >= RETRY_DELAYS_MS.length) return null;
  if (error instanceof ApiError && error.status === 429 && error.retryAfterSeconds) return error.retryAfterSeconds * 1000;
  if (error instanceof ApiError && (error.status === 0 || error.status === 429 || error.status >= 500)) return RETRY_DELAYS_MS[attempt];
  return null;
}

export function useAutosave<R>(options: Options<R>) {
  const [state, setState] = useState<SaveState>("idle");
  const [failure, setFailure] = useState<string | null>(null);
  const [remedy, setRemedy] = useState<Remedy>(null);
  const pending = useRef<Patch | null>(null);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const retries = useRef(0);
  const latest = useRef(options);
  latest.current = options;

  async function saveOnce(patch: Patch): Promise<boolean> {
    setState("saving");
    try {
      const answer = await latest.current.send(patch, false);
      latest.current.onSaved?.(answer);
      retries.current = 0;
      setFailure(null);
      setRemedy(null);
      setState(pending.current ? "saving" : "saved");
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        // Changed elsewhere (a generation started, or new questions, in another tab): retrying
        // cannot help; the edit stays on screen and the page must be reloaded.
        pending.current = null;
        setFailure(`Not saved: ${error.message}.`);
        setRemedy("reload");
      } else if (error instanceof ApiError && error.status === 400) {
        // The server refused these values: they stay in the form with its explanation; there
        // is nothing to retry until the person edits them.
        latest.current.onRejected?.(error);
        setFailure("Not saved — fix the highlighted fields");
        setRemedy(null);
      } else {
        // Kept for the retry; newer edits win over the failed ones. A blip (network, 5xx, 429)
        // is retried by itself a few times, later each time; the Retry button is always there.
        pending.current = pending.current ? mergePatch(patch, pending.current) : patch;
        const reason = error instanceof ApiError ? error.describe() : "Try again.";
        const wait = automaticRetryDelay(error, retries.current);
        if (wait !== null) {
          retries.current += 1;
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => void flush(), wait);
        }
        setFailure(`Not saved. ${reason}${wait !== null ? " Retrying shortly…" : ""}`);
        setRemedy("retry");
      }
      setState("failed");
      return false;
    }
  }

  /** Saves everything waiting; resolves once it is saved (true) or a save failed (false). */
  async function flush(): Promise<boolean> {
    window.clearTimeout(timer.current);
    while (inFlight.current) {
      if (!(await inFlight.current)) return false;
    }
    const patch = pending.current;
    if (!patch) return true;
    pending.current = null;
    inFlight.current = saveOnce(patch);
    const saved = await inFlight.current;
    inFlight.current = null;
    return saved && (pending.current ? flush() : true);
  }

  function queue(patch: Patch, immediately = false) {
    pending.current = pending.current ? mergePatch(pending.current, patch) : patch;
    setState("saving");
    window.clearTimeout(timer.current);
    if (immediately) void flush();
    else timer.current = window.setTimeout(() => void flush(), latest.current.delayMs);
  }

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (pending.current || inFlight.current) event.preventDefault();
    };
    // Leaving or reloading the page: what still waits for its debounce goes out with keepalive.
    const leave = () => {
      if (!pending.current) return;
      const patch = pending.current;
      pending.current = null;
      void latest.current.send(patch, true).catch(() => undefined);
    };
    // Back online: send what waits at once.
    const online = () => {
      if (pending.current) void flush();
    };
    window.addEventListener("beforeunload", warn);
    window.addEventListener("pagehide", leave);
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("beforeunload", warn);
      window.removeEventListener("pagehide", leave);
      window.removeEventListener("online", online);
      // Leaving the page within the app saves what is still waiting.
      if (pending.current) void flush();
    };
  }, []);

  return {
    state,
    failure,
    remedy,
    queue,
    flushNow: flush,
    retry: () => void flush(),
    hasPending: () => pending.current !== null || inFlight.current !== null,
  };
}
