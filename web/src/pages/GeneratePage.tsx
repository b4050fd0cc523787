// Live generation: the blueprint forms on screen as the model writes it. A reload (or a second
// tab) re-joins the running generation instead of starting another.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { readEvents, type StreamEvent } from "../lib/sse";
import { reachableStages, staticComplete } from "../lib/stages";
import type { BlueprintRecord, GenerationFailure } from "../lib/types";
import { useBlueprint } from "../lib/useBlueprint";
import { BlueprintView, type DraftBlueprint } from "../components/BlueprintView";
import { Notice, Spinner } from "../components/forms";
import { BlueprintNav, PageHeading } from "../components/Layout";
import { LoadingState } from "../components/Loading";
import { START_FLAG } from "./QuestionsPage";

type Phase = "idle" | "connecting" | "streaming" | "complete" | "failed" | "lost";
type Viewer = { token: string; lastId: string | null };

const VIEWER_KEY = (id: string) => `bp.viewer.${id}`;
const MAX_AUTOMATIC_RECONNECTS = 3;

function readViewer(id: string): Viewer | null {
  try {
    const raw = sessionStorage.getItem(VIEWER_KEY(id));
    return raw ? (JSON.parse(raw) as Viewer) : null;
  } catch {
    return null;
  }
}

export function GeneratePage({ id }: { id: string }) {
  const loaded = useBlueprint(id);
  if (!loaded.record) return <LoadingState loaded={loaded} />;
  return <Generation record={loaded.record} />;
}

function Generation({ record }: { record: BlueprintRecord }) {
  const [phase, setPhase] = useState<Phase>("idle");
  const [draft, setDraft] = useState<DraftBlueprint>(record.blueprint_json ?? {});
  const [warnings, setWarnings] = useState<string[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [failureDetail, setFailureDetail] = useState<GenerationFailure | null>(null);
  const [keeping, setKeeping] = useState(false);
  const [keptFallback, setKeptFallback] = useState(false);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const lastId = useRef<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  const reconnects = useRef(0);
  const lastAnnounced = useRef(0);
  const finished = useRef(false);

  useEffect(() => {
    const flag = sessionStorage.getItem(START_FLAG(record.id));
    sessionStorage.removeItem(START_FLAG(record.id));
    if (record.status === "generating") void rejoin(true);
    else if (flag) void start(flag === "regenerate");
    else if (record.status === "error") void showDraft();
    return () => controller.current?.abort();
  }, []);

  /** Coming back to a failed generation: the curated draft that can be kept, shown again. */
  async function showDraft() {
    try {
      const preview = await client.draft(record.id);
      setDraft(preview.blueprint);
    } catch {
      // The notice still offers to generate again; the draft is shown when kept.
    }
  }

  function remember(viewer: Viewer) {
    sessionStorage.setItem(VIEWER_KEY(record.id), JSON.stringify(viewer));
  }

  function handle(event: StreamEvent) {
    if (event.id) {
      lastId.current = event.id;
      const viewer = readViewer(record.id);
      if (viewer) remember({ ...viewer, lastId: event.id });
    }
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(event.data) as Record<string, unknown>;
    } catch {
      return;
    }
    if (event.event === "progress") {
      setPhase("streaming");
      // A replay sends older progress events as markers without the partial (only the newest
      // carries it, and it contains all before it): keep what is drawn.
      if (!data.partialBlueprint) return;
      const partial = data.partialBlueprint as DraftBlueprint;
      setDraft(partial);
      const now = Date.now();
      if (now - lastAnnounced.current > 4000) {
        lastAnnounced.current = now;
        const modules = partial.modules?.length ?? 0;
        setAnnouncement(modules ? `Generating: ${modules} module${modules === 1 ? "" : "s"} so far.` : "Generating: the outline is forming.");
      }
    } else if (event.event === "warning") {
      setWarnings((previous) => [...previous, String(data.message ?? "Warning")]);
    } else if (event.event === "error") {
      finished.current = true;
      setPhase("failed");
      const detail = data as GenerationFailure;
      setFailure(String(detail.message ?? "The blueprint could not be generated."));
      setFailureDetail(detail);
      if (detail.blueprint) setDraft(detail.blueprint as DraftBlueprint);
      setAnnouncement(detail.canKeepDraft ? `${String(detail.message)}. A draft built from your answers is shown below; you can keep it.` : "Generation failed.");
    } else if (event.event === "complete") {
      finished.current = true;
      setPhase("complete");
      if (data.blueprint) setDraft(data.blueprint as DraftBlueprint);
      const version = Number(data.version);
      setSavedVersion(Number.isFinite(version) ? version : null);
      setAnnouncement(`Blueprint saved${Number.isFinite(version) ? ` as version ${version}` : ""}.`);
      sessionStorage.removeItem(VIEWER_KEY(record.id));
    }
  }

  async function consume(response: Response, signal: AbortSignal) {
    setPhase((current) => (current === "connecting" ? "streaming" : current));
    await readEvents(response, handle, signal);
    if (signal.aborted || finished.current) return;
    // The stream ended without its last event: the connection dropped, not the generation.
    if (reconnects.current < MAX_AUTOMATIC_RECONNECTS) {
      reconnects.current += 1;
      await new Promise((resolve) => window.setTimeout(resolve, 1000 * 2 ** (reconnects.current - 1)));
      if (!signal.aborted) await rejoin(false);
    } else {
      setPhase("lost");
    }
  }

  function begin(): AbortSignal {
    controller.current?.abort();
    controller.current = new AbortController();
    finished.current = false;
    return controller.current.signal;
  }

  async function start(regenerate: boolean) {
    const signal = begin();
    setPhase("connecting");
    setWarnings([]);
    setFailure(null);
    setFailureDetail(null);
    setKeptFallback(false);
    setSavedVersion(null);
    setDraft({});
    lastId.current = null;
    reconnects.current = 0;
    try {
      const response = await client.startGeneration(
        { blueprintId: record.id, regenerate },
        { headers: { "idempotency-key": crypto.randomUUID(), accept: "text/event-stream" }, signal },
      );
      const token = response.headers.get("x-viewer-token");
      if (token) remember({ token, lastId: null });
      await consume(response, signal);
    } catch (error) {
      if (signal.aborted) return;
      setPhase("failed");
      setFailure(errorText(error));
    }
  }

  /** Joins the running generation: from the start after a reload (to redraw it), else from the last event seen. */
  async function rejoin(fromStart: boolean) {
    const signal = begin();
    setPhase((current) => (current === "idle" ? "connecting" : current));
    const viewer = readViewer(record.id);
    try {
      let response: Response;
      if (viewer) {
        const resumeFrom = fromStart ? null : lastId.current ?? viewer.lastId;
        try {
          response = await client.rejoinGeneration(record.id, viewer.token, {
            headers: { accept: "text/event-stream", ...(resumeFrom ? { "last-event-id": resumeFrom } : {}) },
            signal,
            noRefresh: true,
          });
        } catch (error) {
          if (!(error instanceof ApiError && error.status === 401)) throw error;
          // The viewer token expired: joining through the session works as well.
          sessionStorage.removeItem(VIEWER_KEY(record.id));
          response = await joinWithSession(signal);
        }
      } else {
        response = await joinWithSession(signal);
      }
      await consume(response, signal);
    } catch (error) {
      if (signal.aborted) return;
      setPhase("lost");
      setFailure(errorText(error));
    }
  }

  async function joinWithSession(signal: AbortSignal): Promise<Response> {
    const response = await client.startGeneration({ blueprintId: record.id }, { headers: { accept: "text/event-stream" }, signal });
    const token = response.headers.get("x-viewer-token");
    if (token) remember({ token, lastId: null });
    return response;
  }

  /** Saves the curated draft (rebuilt by the server from the stored answers) as the next version. */
  async function keepDraft() {
    setKeeping(true);
    try {
      const kept = await client.keepDraft(record.id);
      setDraft(kept.blueprint);
      setSavedVersion(kept.version);
      setKeptFallback(true);
      setFailure(null);
      setFailureDetail(null);
      setPhase("complete");
      setAnnouncement(`Draft kept as version ${kept.version}.`);
    } catch (error) {
      setFailure(errorText(error));
    } finally {
      setKeeping(false);
    }
  }

  const running = phase === "connecting" || phase === "streaming";
  const canKeepDraft = (phase === "failed" && failureDetail?.canKeepDraft === true) || (phase === "idle" && record.status === "error");
  const ready = staticComplete(record) && record.dynamic_questions.length > 0;
  const hasVersion = record.version > 0 || savedVersion !== null;
  const reachable = reachableStages({ ...record, version: Math.max(record.version, savedVersion ?? 0) });

  return (
    <div>
      <BlueprintNav id={record.id} title={record.title} current="generate" reachable={reachable} />
      <p class="eyebrow">{record.title}</p>
      <PageHeading focusKey="generate">Generate the blueprint</PageHeading>
      <div class="sr-only" role="status" aria-live="polite">{announcement}</div>
      <section class="panel generation-panel" aria-labelledby="generation-state">
        <h2 id="generation-state" class="generation-state">
          {phase === "idle" ? (hasVersion ? `Version ${Math.max(record.version, savedVersion ?? 0)} is saved` : "Ready to generate")
            : phase === "connecting" ? "Connecting…"
            : phase === "streaming" ? "Generating…"
            : phase === "complete" ? `Saved as version ${savedVersion ?? ""}${keptFallback ? " (curated draft)" : ""}`
            : phase === "failed" ? "Generation failed"
            : "Connection lost"}
        </h2>
        <div class="generation-actions">
          {running ? <Spinner label={draft.modules?.length ? `${draft.modules.length} module${draft.modules.length === 1 ? "" : "s"} so far` : "Waiting for the model…"} /> : null}
          {phase === "idle" && !hasVersion ? (
            <button type="button" class="button button--primary" disabled={!ready} onClick={() => void start(false)}>Generate blueprint</button>
          ) : null}
          {phase === "idle" && hasVersion ? (
            <>
              <a class="button button--primary" href={`/blueprints/${record.id}/dashboard`}>Open dashboard</a>
              <button type="button" class="button" onClick={() => void start(true)}>Regenerate</button>
            </>
          ) : null}
          {phase === "complete" ? <a class="button button--primary" href={`/blueprints/${record.id}/dashboard`}>Open dashboard</a> : null}
          {canKeepDraft ? (
            <button type="button" class="button button--primary" disabled={keeping} onClick={() => void keepDraft()}>{keeping ? "Keeping…" : "Keep this draft"}</button>
          ) : null}
          {phase === "failed" ? <button type="button" class={canKeepDraft ? "button" : "button button--primary"} onClick={() => void start(hasVersion)}>Retry generation</button> : null}
          {phase === "lost" ? (
            <button type="button" class="button button--primary" onClick={() => { reconnects.current = 0; void rejoin(false); }}>Reconnect</button>
          ) : null}
        </div>
        {!ready && phase === "idle" ? <p class="help">Answer the <a href={`/blueprints/${record.id}/questions`}>tailored questions</a> first.</p> : null}
        {phase === "idle" && record.status === "error" ? (
          <Notice kind="warning">
            The last generation of this blueprint produced nothing usable, so nothing was saved. Generate again, or keep the curated draft built from your answers.
          </Notice>
        ) : null}
        {failure ? (
          <Notice kind="error">
            <strong>{failure}</strong>
            {failureDetail?.hint ? <p class="failure-hint">{failureDetail.hint}</p> : null}
            {failureDetail?.details ? <p class="failure-details">Tried: {failureDetail.details}</p> : null}
          </Notice>
        ) : null}
        {/* Always present, so that screen readers announce each warning as it is added. */}
        <div aria-live="polite" aria-relevant="additions">
          {warnings.length ? (
            <ul class="warnings" aria-label="Warnings">
              {warnings.map((warning, index) => <li key={index} class="notice notice--warning">{warning}</li>)}
            </ul>
          ) : null}
        </div>
        {(phase === "failed" || (phase === "idle" && record.status === "error")) && draft.title ? (
          <p class="help">Below is a draft built from your answers, without a model. It is not saved unless you keep it; a kept draft is marked “curated draft” wherever it appears.</p>
        ) : null}
        {phase === "complete" && keptFallback ? <p class="help">Kept as a curated draft. Regenerate with a model any time: that becomes the next version.</p> : null}
      </section>
      {draft.title || draft.modules?.length || running ? <BlueprintView blueprint={draft} live={running} /> : null}
    </div>
  );
}
