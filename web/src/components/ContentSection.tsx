// The content of an approved syllabus: "Generate content" (a job on the queue, watched until
// every item is written), and the course tree — each module's lessons, each lesson's quiz, the
// module's project — with each slot's latest version, its status and blocking findings.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatDate } from "../lib/format";
import { navigate } from "../lib/router";
import type { GenerationJob, JobItem, SlotContent, SyllabusRecord } from "../lib/types";
import { BlockingBadge, ContentStatusBadge, ITEM_STATUS, KIND_LABEL, slotName, slotPlace } from "./ContentParts";
import { Notice, Spinner } from "./forms";

const POLL_MS = 1000;

function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** "4 of 9 written, 2 need review" (and the failures, and whether it is over). */
export function progressText(job: GenerationJob): string {
  const { completed, needsReview, failed } = job.counts;
  const total = job.items.length;
  const parts = [`${completed + needsReview} of ${total} written`, `${needsReview} ${needsReview === 1 ? "needs" : "need"} review`];
  if (failed) parts.push(`${failed} failed`);
  return job.status === "completed" ? `Finished: ${parts.join(", ")}.` : `Writing content: ${parts.join(", ")}.`;
}

export function ContentSection({ record, jobId }: { record: SyllabusRecord; jobId: string | null }) {
  const [slots, setSlots] = useState<SlotContent[] | null>(null);
  const [treeError, setTreeError] = useState<string | null>(null);
  const [job, setJob] = useState<GenerationJob | null>(null);
  const [watchError, setWatchError] = useState<string | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const startingNow = useRef(false);
  const treeRequest = useRef(0);

  async function loadTree() {
    const mine = ++treeRequest.current;
    try {
      const answer = await client.syllabusContent(record.id);
      if (mine !== treeRequest.current) return;
      setSlots(answer.slots);
      setTreeError(null);
    } catch (failure) {
      if (mine === treeRequest.current) setTreeError(errorText(failure));
    }
  }
  useEffect(() => {
    setSlots(null);
    void loadTree();
  }, [record.id]);

  // Watches the job until it is over; the tree is read again whenever items finish.
  useEffect(() => {
    if (!jobId) return;
    let stopped = false;
    let timer: number | undefined;
    let finished = 0;
    const poll = async () => {
      try {
        const next = await client.generationJob(jobId);
        if (stopped) return;
        setJob(next);
        setWatchError(null);
        const done = next.counts.completed + next.counts.needsReview + next.counts.failed;
        if (done !== finished) {
          finished = done;
          void loadTree();
        }
        if (next.status === "completed") return;
      } catch (failure) {
        if (stopped) return;
        if (failure instanceof ApiError && failure.status === 404) {
          setWatchError("This generation job was not found.");
          return;
        }
        setWatchError(`${errorText(failure)} Still watching the job…`);
      }
      timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [jobId]);

  const running = job !== null && job.status === "running";

  async function generate() {
    if (startingNow.current || running) return;
    startingNow.current = true;
    setStarting(true);
    setStartError(null);
    try {
      const started = await client.startContentJob(record.id, newKey());
      setJob(started);
      // The job is in the address: a reload keeps watching it.
      navigate(`/syllabi/${record.id}?job=${encodeURIComponent(started.jobId)}`, { replace: true });
    } catch (failure) {
      setStartError(errorText(failure));
    } finally {
      startingNow.current = false;
      setStarting(false);
    }
  }

  const items = new Map<string, JobItem>((job?.items ?? []).map((item) => [item.slot, item]));
  const written = slots?.filter((slot) => slot.latest).length ?? 0;
  const modules = groupByModule(slots ?? []);

  return (
    <section class="panel" aria-labelledby="content-heading">
      <h2 id="content-heading">Content</h2>
      <p class="help">
        Each lesson, its quiz and each module's project are written as versions a reviewer approves one by one.
        {written ? " Generating again writes a new version of every slot; the existing versions stay." : ""}
      </p>
      {startError ? <Notice kind="error">{startError}</Notice> : null}
      <div class="actions">
        <button type="button" class="button button--primary" aria-disabled={starting || running ? "true" : undefined} onClick={() => void generate()}>
          {starting ? "Starting…" : running ? "Writing content…" : "Generate content"}
        </button>
      </div>
      <p role="status" aria-live="polite" class="status-line" id="content-progress">{job ? progressText(job) : ""}</p>
      {watchError ? <Notice kind="warning">{watchError}</Notice> : null}
      {treeError ? (
        <Notice kind="error">{treeError} <button type="button" class="link-button" onClick={() => void loadTree()}>Try again</button></Notice>
      ) : slots === null ? (
        <Spinner label="Loading the content…" />
      ) : (
        modules.map(([index, moduleSlots]) => {
          const module = record.syllabus.modules[index];
          const title = module ? (module.title.toLowerCase().startsWith(`module ${index + 1}`) ? module.title : `Module ${index + 1}: ${module.title}`) : `Module ${index + 1}`;
          return (
            <div key={index}>
              <h3 id={`content-module-${index}`}>{title}</h3>
              <ul class="blueprint-list" aria-labelledby={`content-module-${index}`}>
                {moduleSlots.map((slot) => <SlotRow key={slot.slot} slot={slot} item={items.get(slot.slot) ?? null} record={record} />)}
              </ul>
            </div>
          );
        })
      )}
    </section>
  );
}

function groupByModule(slots: SlotContent[]): [number, SlotContent[]][] {
  const groups = new Map<number, SlotContent[]>();
  for (const slot of slots) {
    const module = slotPlace(slot.slot)?.module ?? -1;
    groups.set(module, [...(groups.get(module) ?? []), slot]);
  }
  return [...groups.entries()];
}

function SlotRow({ slot, item, record }: { slot: SlotContent; item: JobItem | null; record: SyllabusRecord }) {
  const name = slotName(slot.slot, slot.kind, record.syllabus);
  const latest = slot.latest;
  // What the job is doing for this slot, while it is not written yet (or when it failed).
  const pendingItem = item && (item.status === "pending" || item.status === "processing" || item.status === "failed" || (item.status === "needs_review" && item.contentItemId === latest?.itemId)) ? item : null;
  return (
    <li class="blueprint-row" data-slot={slot.slot}>
      <div class="blueprint-row-main">
        {latest ? <a class="blueprint-link" href={`/content/${latest.itemId}`}>{name}</a> : <span class="blueprint-link">{name}</span>}
        <ContentStatusBadge status={latest?.status ?? null} />
        {latest ? <BlockingBadge findings={latest.findings} /> : null}
        {pendingItem ? <span class={`badge ${ITEM_STATUS[pendingItem.status].badge}`}>{ITEM_STATUS[pendingItem.status].label}</span> : null}
      </div>
      <div class="blueprint-row-meta">
        <span>{KIND_LABEL[slot.kind] ?? slot.kind}</span>
        {latest ? <span>Version {latest.version}</span> : null}
        {slot.approved && slot.approved.version !== latest?.version ? <span>Approved: version {slot.approved.version}</span> : null}
        {latest ? <span>Updated {formatDate(latest.updatedAt)}</span> : null}
        {pendingItem?.status === "failed" && pendingItem.error ? <span class="error-text">{pendingItem.error}</span> : null}
      </div>
    </li>
  );
}
