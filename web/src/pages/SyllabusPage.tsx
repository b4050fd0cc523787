// One syllabus: its modules and lessons; edited and submitted by its author while a draft,
// approved or sent back by the tenant's reviewers while in review, read-only once approved.
import { useEffect, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatDate } from "../lib/format";
import { currentUser } from "../lib/session";
import type { Level, Published, Syllabus, SyllabusLesson, SyllabusModule, SyllabusRecord, SyllabusStatus } from "../lib/types";
import { describedBy, Field, Notice, Spinner } from "../components/forms";
import { PageHeading } from "../components/Layout";
import { ContentSection } from "../components/ContentSection";

export const SYLLABUS_STATUS: Record<SyllabusStatus, { label: string; badge: string }> = {
  DRAFT: { label: "Draft", badge: "" },
  IN_REVIEW: { label: "In review", badge: "badge--generating" },
  APPROVED: { label: "Approved", badge: "badge--completed" },
};
const LEVELS: Level[] = ["beginner", "intermediate", "advanced"];
const LEVEL_LABEL: Record<Level, string> = { beginner: "Beginner", intermediate: "Intermediate", advanced: "Advanced" };
const NOTE_MAX = 2000;

export function StatusBadge({ status }: { status: SyllabusStatus }) {
  const { label, badge } = SYLLABUS_STATUS[status] ?? { label: status, badge: "" };
  return <span class={`badge ${badge}`.trim()}>{label}</span>;
}

/** A lesson as the editor holds it: minutes as typed (validated by the API). */
type EditLesson = { title: string; objectives: string[]; minutes: string; level: Level };

/** Field errors of a rejected save, keyed the way the editor shows them: `m0.l1.minutes`,
 * `m0.lessons`, `m0.objectives`; whatever has no place on the page goes to `other`. */
type PlacedErrors = { at: Record<string, string>; other: string[] };

function placeErrors(issues: Record<string, string>): PlacedErrors {
  const at: Record<string, string> = {};
  const other: string[] = [];
  const add = (key: string, message: string) => {
    at[key] = at[key] ? `${at[key]} ${sentence(message)}` : sentence(message);
  };
  for (const [field, message] of Object.entries(issues)) {
    const lesson = field.match(/^syllabus\.modules\[(\d+)\]\.lessons\[(\d+)\]\.(title|minutes|level|objectives)(?:\[\d+\])?$/);
    const module = field.match(/^syllabus\.modules\[(\d+)\]\.(lessons|objectives)(?:\[(\d+)\])?$/);
    if (lesson) add(`m${lesson[1]}.l${lesson[2]}.${lesson[3]}`, message);
    else if (module && module[2] === "lessons") add(`m${module[1]}.lessons`, message);
    else if (module) add(`m${module[1]}.objectives`, module[3] === undefined ? message : `Objective ${Number(module[3]) + 1} ${message}`);
    else other.push(`${field.replace(/^syllabus\.?/, "") || "syllabus"}: ${message}`);
  }
  return { at, other };
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function toEdit(syllabus: Syllabus): EditLesson[][] {
  return syllabus.modules.map((module) => module.lessons.map((lesson) => ({ title: lesson.title, objectives: [...lesson.objectives], minutes: String(lesson.minutes), level: lesson.level })));
}

function fromEdit(syllabus: Syllabus, lessons: EditLesson[][]): Syllabus {
  return {
    ...syllabus,
    modules: syllabus.modules.map((module, m) => ({
      ...module,
      lessons: lessons[m].map((lesson, l): SyllabusLesson => ({
        id: `m${m + 1}.l${l + 1}`,
        title: lesson.title.trim(),
        // Kept in the module's order, as the module words them.
        objectives: module.objectives.filter((objective) => lesson.objectives.includes(objective)),
        minutes: lesson.minutes.trim() === "" ? (null as unknown as number) : Number(lesson.minutes),
        level: lesson.level,
      })),
    })),
  };
}

function minutesOf(lessons: { minutes: number | string }[]): number {
  return lessons.reduce((sum, lesson) => sum + (Number(lesson.minutes) || 0), 0);
}

function MinutesSum({ total, duration, id }: { total: number; duration: number; id?: string }) {
  const off = total !== duration;
  return (
    <p class={`minutes-sum${off ? " error-text" : ""}`} id={id}>
      <strong>{total} of {duration} min{off ? (total < duration ? ` · ${duration - total} min to plan` : ` · ${total - duration} min over`) : ""}</strong>
    </p>
  );
}

/** `job`: a content generation job to watch (from the address, `?job=`). */
export function SyllabusPage({ id, job = null }: { id: string; job?: string | null }) {
  const [record, setRecord] = useState<SyllabusRecord | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function load() {
    setLoadError(null);
    try {
      setRecord(await client.syllabus(id));
    } catch (failure) {
      setLoadError(failure instanceof ApiError && failure.status === 404 ? "This syllabus does not exist, or it is not yours to see." : errorText(failure));
    }
  }
  useEffect(() => {
    setRecord(null);
    setNotice(null);
    void load();
  }, [id]);

  const back = <p><a href="/syllabi">← All syllabi</a></p>;
  if (loadError) {
    return (
      <div>
        {back}
        <PageHeading focusKey="syllabus-missing">Syllabus</PageHeading>
        <Notice kind="error">{loadError} <button type="button" class="link-button" onClick={() => void load()}>Try again</button></Notice>
      </div>
    );
  }
  if (!record) return <div>{back}<Spinner label="Loading the syllabus…" /></div>;

  const user = currentUser();
  const isAuthor = user?.id === record.authorId;
  const reviews = user?.role === "reviewer" || user?.role === "admin";
  const changed = (next: SyllabusRecord, message: string) => {
    setRecord(next);
    setNotice(message);
  };

  return (
    <div>
      {back}
      <p class="eyebrow">
        Syllabus of version {record.version}
        {isAuthor ? <> of <a href={`/blueprints/${record.blueprintId}/versions/${record.version}`}>its blueprint</a></> : null}
        {" · "}updated {formatDate(record.updatedAt)}
      </p>
      <PageHeading focusKey={`syllabus-${record.id}-${record.status}-${record.updatedAt}`}>{record.syllabus.title}</PageHeading>
      <p class="actions syllabus-status">
        <StatusBadge status={record.status} />
        {record.source === "fallback" ? <span class="badge badge--fallback">Curated split</span> : null}
      </p>
      <p role="status" aria-live="polite" class="status-line">{notice ?? ""}</p>
      {record.source === "fallback" ? (
        <Notice kind="warning"><strong>The curated split of the blueprint's modules, made without a model.</strong> {record.warning ?? ""}</Notice>
      ) : null}
      {record.status === "DRAFT" && record.note ? (
        <Notice kind="warning"><strong>Sent back by a reviewer:</strong> {record.note}</Notice>
      ) : null}
      {record.status === "IN_REVIEW" && !reviews ? (
        <Notice kind="info">Waiting for review{record.submittedAt ? ` since ${formatDate(record.submittedAt)}` : ""}. It cannot be changed until a reviewer approves it or sends it back.</Notice>
      ) : null}
      {record.status === "APPROVED" ? <Approval record={record} /> : null}
      {record.status === "APPROVED" ? <ContentSection record={record} jobId={job} /> : null}
      {record.status === "APPROVED" ? <PublishPanel record={record} /> : null}
      {record.status === "IN_REVIEW" && reviews ? <ReviewPanel record={record} onChanged={changed} /> : null}
      {record.status === "DRAFT" && isAuthor ? (
        <DraftEditor key={record.updatedAt} record={record} onChanged={changed} />
      ) : (
        <SyllabusView syllabus={record.syllabus} />
      )}
    </div>
  );
}

/** Publishing: the approved syllabus and every slot's approved version, frozen as a numbered
 * course version learners can take; the slots still missing an approval are listed. */
function PublishPanel({ record }: { record: SyllabusRecord }) {
  const [busy, setBusy] = useState(false);
  const [published, setPublished] = useState<Published | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  async function publish() {
    setBusy(true);
    setError(null);
    setMissing([]);
    try {
      setPublished(await client.publishCourse(record.id));
    } catch (failure) {
      const details = failure instanceof ApiError ? (failure.details as { missing?: string[] } | null) : null;
      if (details && Array.isArray(details.missing)) setMissing(details.missing);
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="panel" aria-labelledby="publish-heading">
      <h2 id="publish-heading">Publish</h2>
      <p class="help">Freezes the course with the approved version of every lesson, quiz and project as a new numbered version for learners. Publishing an unchanged course keeps its latest version.</p>
      <button type="button" onClick={publish} disabled={busy}>{busy ? "Publishing…" : "Publish course"}</button>
      <div role="status" aria-live="polite">
        {published ? (
          <p>
            Published as version {published.version} ({published.bytes} bytes). <a href={`/learn/${published.courseId}`}>Open it as a learner</a>
          </p>
        ) : null}
      </div>
      {error ? (
        <Notice kind="error">
          {error}
          {missing.length ? <ul>{missing.map((slot) => <li key={slot}>{slot}</li>)}</ul> : null}
        </Notice>
      ) : null}
    </section>
  );
}

function Approval({ record }: { record: SyllabusRecord }) {
  const [copied, setCopied] = useState<string | null>(null);
  const sha = record.sha256 ?? "";
  async function copy() {
    try {
      await navigator.clipboard.writeText(sha);
      setCopied("Checksum copied.");
    } catch {
      setCopied("Could not copy; select the checksum and copy it instead.");
    }
  }
  return (
    <section class="panel" aria-labelledby="approval-heading">
      <h2 id="approval-heading">Approved</h2>
      <p class="help">An approved syllabus is final: it can no longer be changed.</p>
      <p><strong>Approved:</strong> {record.approvedAt ? formatDate(record.approvedAt) : "—"}</p>
      {sha ? (
        <p>
          <strong>SHA-256:</strong> <code title={sha}>{sha.slice(0, 12)}…</code>{" "}
          <button type="button" class="link-button" onClick={() => void copy()}>Copy full checksum</button>{" "}
          <span role="status">{copied ?? ""}</span>
        </p>
      ) : null}
      <p><strong>Reviewer's note:</strong> {record.note || "No note."}</p>
    </section>
  );
}

function ReviewPanel({ record, onChanged }: { record: SyllabusRecord; onChanged: (next: SyllabusRecord, message: string) => void }) {
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"approve" | "reject" | null>(null);

  async function act(action: "approve" | "reject") {
    const trimmed = note.trim();
    setFormError(null);
    if (action === "reject" && !trimmed) {
      setNoteError("Write what the author should change before sending it back.");
      document.getElementById("review-note")?.focus();
      return;
    }
    if ([...trimmed].length > NOTE_MAX) {
      setNoteError(`Use at most ${NOTE_MAX} characters.`);
      document.getElementById("review-note")?.focus();
      return;
    }
    setNoteError(null);
    setBusy(action);
    try {
      const next = action === "approve" ? await client.approveSyllabus(record.id, trimmed || undefined) : await client.rejectSyllabus(record.id, trimmed);
      onChanged(next, action === "approve" ? "Approved. The syllabus is now final." : "Sent back to the author with your note.");
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400 && failure.fieldIssues().note) {
        setNoteError(sentence(failure.fieldIssues().note));
        document.getElementById("review-note")?.focus();
      } else {
        setFormError(errorText(failure));
      }
      setBusy(null);
    }
  }

  return (
    <section class="panel" aria-labelledby="review-heading">
      <h2 id="review-heading">Review</h2>
      <p class="help">Submitted {record.submittedAt ? formatDate(record.submittedAt) : ""}. Approve it as it is, or send it back with a note saying what to change.</p>
      {formError ? <Notice kind="error">{formError}</Notice> : null}
      <Field id="review-note" label="Note for the author" error={noteError} help="Optional when approving; required when sending back.">
        <textarea id="review-note" rows={3} value={note} maxLength={NOTE_MAX * 2} onInput={(e) => setNote(e.currentTarget.value)} {...describedBy("review-note", noteError, "help")} />
      </Field>
      <div class="actions">
        <button type="button" class="button button--primary" disabled={busy !== null} onClick={() => void act("approve")}>{busy === "approve" ? "Approving…" : "Approve"}</button>
        <button type="button" class="button" disabled={busy !== null} onClick={() => void act("reject")}>{busy === "reject" ? "Sending back…" : "Send back"}</button>
      </div>
    </section>
  );
}

/** The syllabus for reading. */
export function SyllabusView({ syllabus }: { syllabus: Syllabus }) {
  return (
    <article aria-label="Syllabus">
      <Overview syllabus={syllabus} />
      {syllabus.modules.map((module, m) => (
        <section key={m} class="panel" aria-labelledby={`module-${m}-title`}>
          <ModuleHeader module={module} index={m} total={minutesOf(module.lessons)} />
          <ol class="modules">
            {module.lessons.map((lesson, l) => (
              <li key={l} class="module-card">
                <h3>{lesson.title}</h3>
                <p class="duration">{lesson.minutes} min · {LEVEL_LABEL[lesson.level] ?? lesson.level}</p>
                <ul>{lesson.objectives.map((objective, o) => <li key={o}>{objective}</li>)}</ul>
              </li>
            ))}
          </ol>
        </section>
      ))}
    </article>
  );
}

function Overview({ syllabus }: { syllabus: Syllabus }) {
  return (
    <div class="panel">
      <p><strong>Level:</strong> {LEVEL_LABEL[syllabus.level] ?? syllabus.level}</p>
      <p><strong>Prerequisites:</strong> {syllabus.prerequisites.length ? syllabus.prerequisites.join("; ") : "none"}</p>
    </div>
  );
}

function ModuleHeader({ module, index, total, sumId }: { module: SyllabusModule; index: number; total: number; sumId?: string }) {
  return (
    <>
      <h2 id={`module-${index}-title`}>{module.title.toLowerCase().startsWith(`module ${index + 1}`) ? module.title : `Module ${index + 1}: ${module.title}`}</h2>
      <MinutesSum total={total} duration={module.durationMinutes} id={sumId} />
      <details>
        <summary>Module objectives ({module.objectives.length})</summary>
        <ul>{module.objectives.map((objective, o) => <li key={o}>{objective}</li>)}</ul>
      </details>
      {module.assessmentHooks.length ? <p class="help">Assessment: {module.assessmentHooks.join("; ")}</p> : null}
    </>
  );
}

function DraftEditor({ record, onChanged }: { record: SyllabusRecord; onChanged: (next: SyllabusRecord, message: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [lessons, setLessons] = useState<EditLesson[][]>(() => toEdit(record.syllabus));
  const [errors, setErrors] = useState<PlacedErrors>({ at: {}, other: [] });
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"save" | "submit" | null>(null);
  const syllabus = record.syllabus;

  function update(m: number, l: number, patch: Partial<EditLesson>) {
    setLessons((previous) => previous.map((module, i) => (i === m ? module.map((lesson, j) => (j === l ? { ...lesson, ...patch } : lesson)) : module)));
  }
  function addLesson(m: number) {
    const count = lessons[m].length;
    setLessons((previous) => previous.map((module, i) => (i === m ? [...module, { title: "", objectives: [], minutes: "", level: syllabus.level }] : module)));
    window.setTimeout(() => document.getElementById(`l-${m}-${count}-title`)?.focus());
  }
  function removeLesson(m: number, l: number) {
    setLessons((previous) => previous.map((module, i) => (i === m ? module.filter((_, j) => j !== l) : module)));
    // The errors were about the lessons as they were numbered before.
    setErrors({ at: {}, other: [] });
    window.setTimeout(() => document.getElementById(`add-lesson-${m}`)?.focus());
  }
  function cancel() {
    setLessons(toEdit(syllabus));
    setErrors({ at: {}, other: [] });
    setFormError(null);
    setEditing(false);
    window.setTimeout(() => document.getElementById("edit-syllabus")?.focus());
  }

  async function save(event: Event) {
    event.preventDefault();
    setBusy("save");
    setFormError(null);
    try {
      const next = await client.saveSyllabus(record.id, fromEdit(syllabus, lessons));
      setErrors({ at: {}, other: [] });
      onChanged(next, "Changes saved.");
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400) {
        const placed = placeErrors(failure.fieldIssues());
        setErrors(placed);
        setFormError(`The syllabus was not saved: fix the ${Object.keys(placed.at).length + placed.other.length === 1 ? "problem" : "problems"} marked below.`);
        window.setTimeout(() => (document.querySelector<HTMLElement>("[aria-invalid=true]") ?? document.getElementById("editor-error"))?.focus());
      } else {
        setFormError(errorText(failure));
      }
      setBusy(null);
    }
  }

  async function submit() {
    setBusy("submit");
    setFormError(null);
    try {
      onChanged(await client.submitSyllabus(record.id), "Submitted for review. Reviewers see it in their queue.");
    } catch (failure) {
      setFormError(errorText(failure));
      setBusy(null);
    }
  }

  if (!editing) {
    return (
      <>
        <section class="panel" aria-labelledby="draft-heading">
          <h2 id="draft-heading">Draft</h2>
          <p class="help">Adjust the lessons if needed, then submit the syllabus for review. It cannot be changed while it is in review.</p>
          {formError ? <Notice kind="error">{formError}</Notice> : null}
          <div class="actions">
            <button type="button" id="edit-syllabus" class="button" onClick={() => setEditing(true)}>Edit lessons</button>
            <button type="button" class="button button--primary" disabled={busy !== null} onClick={() => void submit()}>{busy === "submit" ? "Submitting…" : "Submit for review"}</button>
          </div>
        </section>
        <SyllabusView syllabus={syllabus} />
      </>
    );
  }

  return (
    <form onSubmit={save} noValidate aria-label="Edit the lessons">
      <Overview syllabus={syllabus} />
      {formError ? (
        <div id="editor-error" tabIndex={-1}>
          <Notice kind="error">
            {formError}
            {errors.other.length ? <ul>{errors.other.map((text, i) => <li key={i}>{text}</li>)}</ul> : null}
          </Notice>
        </div>
      ) : null}
      {syllabus.modules.map((module, m) => {
        const lessonsError = errors.at[`m${m}.lessons`];
        const objectivesError = errors.at[`m${m}.objectives`];
        return (
          <section key={m} class="panel" aria-labelledby={`module-${m}-title`}>
            <ModuleHeader module={module} index={m} total={minutesOf(lessons[m])} sumId={`module-${m}-sum`} />
            <p class="error" id={`module-${m}-lessons-error`} role={lessonsError ? "alert" : undefined}>{lessonsError ?? ""}</p>
            <p class="error" id={`module-${m}-objectives-error`}>{objectivesError ?? ""}</p>
            <ol class="modules">
              {lessons[m].map((lesson, l) => (
                <li key={l} class="module-card">
                  <LessonEditor module={module} m={m} l={l} lesson={lesson} errors={errors.at} onChange={(patch) => update(m, l, patch)} onRemove={lessons[m].length > 1 ? () => removeLesson(m, l) : null} />
                </li>
              ))}
            </ol>
            <button type="button" id={`add-lesson-${m}`} class="button" onClick={() => addLesson(m)}>Add a lesson to module {m + 1}</button>
          </section>
        );
      })}
      <div class="actions sticky-footer">
        <button type="submit" class="button button--primary" disabled={busy !== null}>{busy === "save" ? "Saving…" : "Save changes"}</button>
        <button type="button" class="button" onClick={cancel}>Cancel</button>
      </div>
    </form>
  );
}

function LessonEditor({ module, m, l, lesson, errors, onChange, onRemove }: {
  module: SyllabusModule;
  m: number;
  l: number;
  lesson: EditLesson;
  errors: Record<string, string>;
  onChange: (patch: Partial<EditLesson>) => void;
  onRemove: (() => void) | null;
}) {
  const base = `l-${m}-${l}`;
  const error = (name: string) => errors[`m${m}.l${l}.${name}`] ?? null;
  const name = `Lesson ${l + 1} of module ${m + 1}`;
  const objectivesError = error("objectives");
  return (
    <fieldset class="goals">
      <legend>{name}</legend>
      <Field id={`${base}-title`} label="Title" error={error("title")}>
        <input id={`${base}-title`} value={lesson.title} maxLength={400} onInput={(e) => onChange({ title: e.currentTarget.value })} {...describedBy(`${base}-title`, error("title"))} />
      </Field>
      <Field id={`${base}-minutes`} label="Minutes" error={error("minutes")}>
          <input id={`${base}-minutes`} type="number" inputMode="numeric" min={5} step={1} value={lesson.minutes} onInput={(e) => onChange({ minutes: e.currentTarget.value })} {...describedBy(`${base}-minutes`, error("minutes"))} aria-describedby={`${base}-minutes-error module-${m}-sum module-${m}-lessons-error`} />
        </Field>
        <Field id={`${base}-level`} label="Level" error={error("level")}>
          <select id={`${base}-level`} value={lesson.level} onChange={(e) => onChange({ level: e.currentTarget.value as Level })} {...describedBy(`${base}-level`, error("level"))}>
            {LEVELS.map((level) => <option key={level} value={level}>{LEVEL_LABEL[level]}</option>)}
          </select>
        </Field>
      <fieldset class={`field choice-group${objectivesError ? " field--invalid" : ""}`} aria-describedby={`${base}-objectives-error`}>
        <legend>Objectives it teaches</legend>
        {module.objectives.map((objective, o) => (
          <label key={o} class="choice">
            <input
              type="checkbox"
              checked={lesson.objectives.includes(objective)}
              aria-invalid={objectivesError ? "true" : "false"}
              onChange={(e) => onChange({ objectives: e.currentTarget.checked ? [...lesson.objectives, objective] : lesson.objectives.filter((kept) => kept !== objective) })}
            />
            <span>{objective}</span>
          </label>
        ))}
        <p class="error" id={`${base}-objectives-error`} role={objectivesError ? "alert" : undefined}>{objectivesError ?? ""}</p>
      </fieldset>
      {onRemove ? <button type="button" class="link-button danger" aria-label={`Remove lesson ${l + 1} of module ${m + 1}`} onClick={onRemove}>Remove lesson</button> : null}
    </fieldset>
  );
}
