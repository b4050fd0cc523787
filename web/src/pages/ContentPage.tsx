// One version of a content item (a lesson, a quiz or a project): the item for reading, the
// quality gate's findings, every version of its slot with a line-by-line comparison, and for a
// draft the edit form and the reviewer's approve / reject; revise and regenerate make new
// versions.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { lineDiff, prettyJson, type DiffLine } from "../lib/diff";
import { formatDate } from "../lib/format";
import { navigate } from "../lib/router";
import { currentUser } from "../lib/session";
import type { ContentRecord, Lesson, Project, Quiz, Syllabus } from "../lib/types";
import { BlockingBadge, ContentStatusBadge, FindingsList, KIND_LABEL, slotName } from "../components/ContentParts";
import { describedBy, Field, Notice, Spinner } from "../components/forms";
import { PageHeading } from "../components/Layout";

const NOTE_MAX = 2000;
const INSTRUCTIONS_MAX = 2000;

const SOURCE_LABEL: Record<string, string> = { model: "Written by the model", fallback: "Curated (no model answered)", edit: "Edited by a person" };

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function titleOf(record: ContentRecord, syllabus: Syllabus | null): string {
  const content = record.content as { title?: unknown } | null;
  if (record.kind !== "quiz" && content && typeof content.title === "string" && content.title.trim()) return content.title;
  return slotName(record.slot, record.kind, syllabus);
}

export function ContentPage({ id }: { id: string }) {
  const [record, setRecord] = useState<ContentRecord | null>(null);
  const [syllabus, setSyllabus] = useState<{ id: string; syllabus: Syllabus | null } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);

  async function load() {
    setLoadError(null);
    try {
      const next = await client.content(id);
      setRecord(next);
      if (syllabus?.id !== next.syllabusId) {
        // For the lessons' titles; a colleague who sees approved content may not see the syllabus.
        const outline = await client.syllabus(next.syllabusId).then((answer) => answer.syllabus, () => null);
        setSyllabus({ id: next.syllabusId, syllabus: outline });
      }
    } catch (failure) {
      setLoadError(failure instanceof ApiError && failure.status === 404 ? "This content does not exist, or it is not yours to see." : errorText(failure));
    }
  }
  useEffect(() => {
    setRecord(null);
    setNotice(null);
    setEditing(false);
    void load();
  }, [id]);

  if (loadError) {
    return (
      <div>
        <p><a href="/syllabi">← All syllabi</a></p>
        <PageHeading focusKey="content-missing">Content</PageHeading>
        <Notice kind="error">{loadError} <button type="button" class="link-button" onClick={() => void load()}>Try again</button></Notice>
      </div>
    );
  }
  if (!record || !syllabus) return <div><p><a href="/syllabi">← All syllabi</a></p><Spinner label="Loading the content…" /></div>;

  const user = currentUser();
  const reviews = user?.role === "reviewer" || user?.role === "admin";
  const outline = syllabus.syllabus;
  const kind = KIND_LABEL[record.kind] ?? record.kind;
  /** `focus`: the element to focus once the new record is shown (the control acted on is gone); null: the heading. */
  const changed = (next: ContentRecord, message: string, focus: string | null) => {
    setRecord(next);
    setEditing(false);
    setNotice(message);
    window.setTimeout(() => ((focus ? document.getElementById(focus) : null) ?? document.querySelector<HTMLElement>("h1"))?.focus());
  };

  return (
    <div>
      <p><a href={`/syllabi/${record.syllabusId}`}>← Back to the syllabus</a></p>
      <p class="eyebrow">
        {kind} · {slotName(record.slot, record.kind, outline)} · version {record.version} · updated {formatDate(record.updatedAt)}
      </p>
      <PageHeading focusKey={`content-${record.id}`}>{titleOf(record, outline)}</PageHeading>
      <p class="actions content-status">
        <ContentStatusBadge status={record.status} />
        <BlockingBadge findings={record.findings} />
        {record.source === "fallback" ? <span class="badge badge--fallback">Curated</span> : record.source === "edit" ? <span class="badge">Edited</span> : null}
      </p>
      <p role="status" aria-live="polite" class="status-line">{notice ?? ""}</p>
      {record.status === "REJECTED" ? (
        <Notice kind="warning"><strong>Rejected{record.note ? ":" : "."}</strong> {record.note ?? ""} A rejected version is final; revise it or regenerate the slot for a new version.</Notice>
      ) : null}
      {record.status === "APPROVED" ? <Approval record={record} /> : null}
      {record.status === "DRAFT" && reviews ? <ReviewPanel key={record.updatedAt} record={record} onChanged={changed} /> : null}
      <section class="panel" aria-labelledby="findings-heading">
        <h2 id="findings-heading">Findings ({record.findings.length})</h2>
        <p class="help">What the quality checks found in this version; blocking ones first.</p>
        <FindingsList findings={record.findings} />
      </section>
      {editing ? (
        <ContentEditor record={record} onSaved={(next) => changed(next, "Changes saved. The quality checks ran again.", "edit-content")} onCancel={() => setEditing(false)} />
      ) : (
        <ContentView record={record} syllabus={outline}>
          {record.status === "DRAFT" ? (
            <div class="actions">
              <button type="button" id="edit-content" class="button" onClick={() => setEditing(true)}>Edit the {kind.toLowerCase()}</button>
            </div>
          ) : null}
        </ContentView>
      )}
      <NewVersion record={record} />
      <History record={record} />
    </div>
  );
}

function Approval({ record }: { record: ContentRecord }) {
  return (
    <section class="panel" aria-labelledby="approval-heading">
      <h2 id="approval-heading">Approved</h2>
      <p class="help">An approved version is final: it can no longer be changed. Revise it for a new draft.</p>
      <p><strong>Approved:</strong> {record.approvedAt ? formatDate(record.approvedAt) : "—"}</p>
      {record.sha256 ? <p><strong>SHA-256:</strong> <code title={record.sha256}>{record.sha256.slice(0, 12)}…</code></p> : null}
      <p><strong>Reviewer's note:</strong> {record.note || "No note."}</p>
    </section>
  );
}

function ReviewPanel({ record, onChanged }: { record: ContentRecord; onChanged: (next: ContentRecord, message: string, focus: string | null) => void }) {
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"approve" | "reject" | null>(null);

  async function act(action: "approve" | "reject") {
    const trimmed = note.trim();
    setFormError(null);
    if (action === "reject" && !trimmed) {
      setNoteError("Write why it is rejected before rejecting it.");
      document.getElementById("content-note")?.focus();
      return;
    }
    if ([...trimmed].length > NOTE_MAX) {
      setNoteError(`Use at most ${NOTE_MAX} characters.`);
      document.getElementById("content-note")?.focus();
      return;
    }
    setNoteError(null);
    setBusy(action);
    try {
      const next = action === "approve" ? await client.approveContent(record.id, trimmed || undefined) : await client.rejectContent(record.id, trimmed);
      onChanged(next, action === "approve" ? "Approved. This version is now final." : "Rejected with your note.", null);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400 && failure.fieldIssues().note) {
        setNoteError(sentence(failure.fieldIssues().note));
        document.getElementById("content-note")?.focus();
      } else {
        setFormError(errorText(failure));
      }
      setBusy(null);
    }
  }

  return (
    <section class="panel" aria-labelledby="review-heading">
      <h2 id="review-heading">Review</h2>
      <p class="help">Approve this version as it is, or reject it with a note saying why.</p>
      {formError ? <Notice kind="error">{formError}</Notice> : null}
      <Field id="content-note" label="Note" error={noteError} help="Optional when approving; required when rejecting.">
        <textarea id="content-note" rows={3} value={note} maxLength={NOTE_MAX * 2} onInput={(e) => setNote(e.currentTarget.value)} {...describedBy("content-note", noteError, "help")} />
      </Field>
      <div class="actions">
        <button type="button" class="button button--primary" disabled={busy !== null} onClick={() => void act("approve")}>{busy === "approve" ? "Approving…" : "Approve"}</button>
        <button type="button" class="button" disabled={busy !== null} onClick={() => void act("reject")}>{busy === "reject" ? "Rejecting…" : "Reject"}</button>
      </div>
    </section>
  );
}

/** The item for reading, as its kind is laid out. */
function ContentView({ record, syllabus, children }: { record: ContentRecord; syllabus: Syllabus | null; children?: ComponentChildren }) {
  const heading = `The ${KIND_LABEL[record.kind]?.toLowerCase() ?? "content"}`;
  return (
    <article class="panel" aria-labelledby="content-view-heading">
      <h2 id="content-view-heading">{heading}</h2>
      {children}
      {record.kind === "lesson" ? <LessonView lesson={record.content as unknown as Lesson} /> : null}
      {record.kind === "quiz" ? <QuizView quiz={record.content as unknown as Quiz} /> : null}
      {record.kind === "project" ? <ProjectView project={record.content as unknown as Project} syllabus={syllabus} /> : null}
    </article>
  );
}

function List({ items }: { items: string[] | null | undefined }) {
  if (!items?.length) return <p>None.</p>;
  return <ul>{items.map((item, index) => <li key={index}>{item}</li>)}</ul>;
}

const LEVEL_LABEL: Record<string, string> = { beginner: "Beginner", intermediate: "Intermediate", advanced: "Advanced" };

function LessonView({ lesson }: { lesson: Lesson }) {
  return (
    <div class="blueprint">
      <p class="duration">{lesson.durationMinutes} min · {LEVEL_LABEL[lesson.metadata?.level] ?? lesson.metadata?.level}</p>
      {lesson.metadata?.prerequisites?.length ? <p><strong>Prerequisites:</strong> {lesson.metadata.prerequisites.join("; ")}</p> : null}
      <h3>Objectives</h3>
      <List items={lesson.objectives} />
      <h3>Overview</h3>
      <p class="overview">{lesson.explanation?.overview}</p>
      <h3>Concepts</h3>
      <ol class="modules">
        {(lesson.explanation?.concepts ?? []).map((concept, index) => (
          <li key={index} class="module-card">
            <h4>{concept.title}</h4>
            <p>{concept.explanation}</p>
            {concept.example ? <p><strong>Example:</strong> {concept.example}</p> : null}
          </li>
        ))}
      </ol>
      <h3>Key takeaways</h3>
      <List items={lesson.keyTakeaways} />
      <h3>Practice</h3>
      <p>{lesson.practice?.prompt}</p>
      <p><strong>Expected outcome:</strong> {lesson.practice?.expectedOutcome}</p>
    </div>
  );
}

const LETTERS = "ABCDEFGHIJKL";

function QuizView({ quiz }: { quiz: Quiz }) {
  return (
    <div class="blueprint">
      <p class="help">The key of each question is marked “Key”.</p>
      <ol class="modules">
        {(quiz.questions ?? []).map((question, index) => (
          <li key={index} class="module-card">
            <h3>Question {index + 1}</h3>
            <p>{question.question}</p>
            <ul>
              {question.options.map((option, o) => (
                <li key={o}>
                  {LETTERS[o] ?? o + 1}. {o === question.correctIndex ? <><strong>{option}</strong> <span class="badge badge--completed">Key</span></> : option}
                </li>
              ))}
            </ul>
            <p><strong>Explanation:</strong> {question.explanation}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}

function ProjectView({ project, syllabus }: { project: Project; syllabus: Syllabus | null }) {
  const total = (project.rubric ?? []).reduce((sum, criterion) => sum + (Number(criterion.points) || 0), 0);
  return (
    <div class="blueprint">
      <h3>Problem</h3>
      <p class="overview">{project.problemStatement}</p>
      <h3>Constraints</h3>
      <List items={project.constraints} />
      <h3>Deliverables</h3>
      <List items={project.deliverables} />
      <h3>Rubric ({total} points)</h3>
      <ul class="modules">
        {(project.rubric ?? []).map((criterion, index) => (
          <li key={index} class="module-card">
            <h4>{criterion.criterion} <span class="duration">· {criterion.points} {criterion.points === 1 ? "point" : "points"}</span></h4>
            <p>{criterion.description}</p>
          </li>
        ))}
      </ul>
      <h3>Lessons applied</h3>
      <List items={(project.appliesLessons ?? []).map((slot) => slotName(slot, "lesson", syllabus))} />
    </div>
  );
}

/** The draft as JSON: saved with PUT, every wrong field named above the text. */
function ContentEditor({ record, onSaved, onCancel }: { record: ContentRecord; onSaved: (next: ContentRecord) => void; onCancel: () => void }) {
  const [text, setText] = useState(() => prettyJson(record.content));
  const [issues, setIssues] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const kind = KIND_LABEL[record.kind]?.toLowerCase() ?? "content";
  useEffect(() => {
    document.getElementById("content-json")?.focus();
  }, []);

  function refused(list: string[]) {
    setIssues(list);
    document.getElementById("content-json")?.focus();
  }

  async function save(event: Event) {
    event.preventDefault();
    setFormError(null);
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch (failure) {
      refused([`This is not valid JSON: ${failure instanceof Error ? failure.message : "it could not be read"}.`]);
      return;
    }
    setBusy(true);
    try {
      const next = await client.saveContent(record.id, content);
      setIssues([]);
      onSaved(next);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400 && Array.isArray(failure.details) && failure.details.length) {
        refused(Object.entries(failure.fieldIssues()).map(([field, message]) => `${field.replace(/^content\.?/, "") || kind}: ${message}`));
      } else {
        setFormError(errorText(failure));
      }
      setBusy(false);
    }
  }

  function cancel() {
    onCancel();
    window.setTimeout(() => document.getElementById("edit-content")?.focus());
  }

  return (
    <form class="panel" onSubmit={save} noValidate aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit the {kind}</h2>
      {formError ? <Notice kind="error">{formError}</Notice> : null}
      <div class={`field${issues.length ? " field--invalid" : ""}`}>
        <label for="content-json">The {kind} as JSON</label>
        <p class="help" id="content-json-help">Change the text of any field and save; the quality checks run again. Fields cannot be added or removed.</p>
        <div id="content-json-error" role="alert">
          {issues.length ? (
            <>
              <p class="error">The {kind} was not saved: {issues.length === 1 ? "fix this problem" : `fix these ${issues.length} problems`}.</p>
              <ul class="error">{issues.map((issue, index) => <li key={index}>{issue}</li>)}</ul>
            </>
          ) : null}
        </div>
        <textarea
          id="content-json"
          rows={18}
          spellcheck={false}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-describedby="content-json-help content-json-error"
          aria-invalid={issues.length ? "true" : "false"}
        />
      </div>
      <div class="actions">
        <button type="submit" class="button button--primary" disabled={busy}>{busy ? "Saving…" : "Save changes"}</button>
        <button type="button" class="button" onClick={cancel}>Cancel</button>
      </div>
    </form>
  );
}

/** Revise (a new draft copied from this version) and regenerate (the writer again). */
function NewVersion({ record }: { record: ContentRecord }) {
  const [instructions, setInstructions] = useState("");
  const [instructionsError, setInstructionsError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"revise" | "regenerate" | null>(null);

  async function revise() {
    setBusy("revise");
    setFormError(null);
    try {
      const next = await client.reviseContent(record.id);
      navigate(`/content/${next.id}`);
    } catch (failure) {
      setFormError(errorText(failure));
      setBusy(null);
    }
  }

  async function regenerate() {
    const trimmed = instructions.trim();
    if ([...trimmed].length > INSTRUCTIONS_MAX) {
      setInstructionsError(`Use at most ${INSTRUCTIONS_MAX} characters.`);
      document.getElementById("regenerate-instructions")?.focus();
      return;
    }
    setInstructionsError(null);
    setBusy("regenerate");
    setFormError(null);
    try {
      const job = await client.regenerateContent(record.id, trimmed || undefined);
      navigate(`/syllabi/${record.syllabusId}?job=${encodeURIComponent(job.jobId)}`);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400 && failure.fieldIssues().instructions) {
        setInstructionsError(sentence(failure.fieldIssues().instructions));
        document.getElementById("regenerate-instructions")?.focus();
      } else {
        setFormError(errorText(failure));
      }
      setBusy(null);
    }
  }

  return (
    <section class="panel" aria-labelledby="new-version-heading">
      <h2 id="new-version-heading">A new version</h2>
      {formError ? <Notice kind="error">{formError}</Notice> : null}
      <p class="help">Revise copies this version into a new draft to edit. Regenerate asks the writer for a new version. Existing versions stay either way.</p>
      <div class="actions">
        <button type="button" class="button" disabled={busy !== null} onClick={() => void revise()}>{busy === "revise" ? "Revising…" : "Revise"}</button>
      </div>
      <Field id="regenerate-instructions" label="Instructions for the writer" error={instructionsError} help="Optional: what the new version should do differently.">
        <textarea id="regenerate-instructions" rows={3} value={instructions} maxLength={INSTRUCTIONS_MAX * 2} onInput={(e) => setInstructions(e.currentTarget.value)} {...describedBy("regenerate-instructions", instructionsError, "help")} />
      </Field>
      <div class="actions">
        <button type="button" class="button" disabled={busy !== null} onClick={() => void regenerate()}>{busy === "regenerate" ? "Starting…" : "Regenerate"}</button>
      </div>
    </section>
  );
}

/** Every version of the slot, and this version's JSON against another's. */
function History({ record }: { record: ContentRecord }) {
  const others = record.history.filter((entry) => entry.itemId !== record.id);
  // By default the version before this one (or the next, for the first).
  const initial = others.find((entry) => entry.version < record.version) ?? others[others.length - 1] ?? null;
  const [otherId, setOtherId] = useState<string>(initial?.itemId ?? "");
  const [other, setOther] = useState<ContentRecord | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setOther(null);
    setError(null);
    if (!otherId) return;
    let current = true;
    client.content(otherId).then(
      (answer) => current && setOther(answer),
      (failure) => current && setError(errorText(failure)),
    );
    return () => {
      current = false;
    };
  }, [otherId]);

  return (
    <section class="panel" aria-labelledby="history-heading">
      <h2 id="history-heading">Versions ({record.history.length})</h2>
      <ol class="blueprint-list" aria-label="Versions, newest first">
        {record.history.map((entry) => (
          <li key={entry.itemId} class="blueprint-row">
            <div class="blueprint-row-main">
              {entry.itemId === record.id ? (
                <a class="blueprint-link" href={`/content/${entry.itemId}`} aria-current="page">Version {entry.version} (this one)</a>
              ) : (
                <a class="blueprint-link" href={`/content/${entry.itemId}`}>Version {entry.version}</a>
              )}
              <ContentStatusBadge status={entry.status} />
              <BlockingBadge findings={entry.findings} />
            </div>
            <div class="blueprint-row-meta">
              <span>{SOURCE_LABEL[entry.source] ?? entry.source}</span>
              <span>Updated {formatDate(entry.updatedAt)}</span>
            </div>
          </li>
        ))}
      </ol>
      {others.length ? (
        <>
          <h3 id="compare-heading">Compare</h3>
          <div class="compare-form">
            <label class="inline-field">Compare version {record.version} with
              <select id="compare-with" value={otherId} onChange={(e) => setOtherId(e.currentTarget.value)}>
                {others.map((entry) => <option key={entry.itemId} value={entry.itemId}>version {entry.version}</option>)}
              </select>
            </label>
          </div>
          {error ? <Notice kind="error">{error}</Notice> : other ? <Comparison record={record} other={other} /> : <Spinner label="Loading the other version…" />}
        </>
      ) : (
        <p>This is the only version so far.</p>
      )}
    </section>
  );
}

function Comparison({ record, other }: { record: ContentRecord; other: ContentRecord }) {
  // Older on the left, newer on the right.
  const [older, newer] = other.version < record.version ? [other, record] : [record, other];
  const diff = lineDiff(prettyJson(older.content).split("\n"), prettyJson(newer.content).split("\n"));
  const name = (entry: ContentRecord) => `Version ${entry.version}${entry.id === record.id ? " (this one)" : ""}`;
  return (
    <div>
      <p class="help" id="diff-summary">
        {diff.changed
          ? `${diff.changed} ${diff.changed === 1 ? "line differs" : "lines differ"}: marked − on the left (only in version ${older.version}) and + on the right (only in version ${newer.version}).`
          : "The two versions' content is the same."}
      </p>
      <div class="side-by-side">
        <DiffColumn title={name(older)} lines={diff.left} sign="−" only={`Only in version ${older.version}: `} />
        <DiffColumn title={name(newer)} lines={diff.right} sign="+" only={`Only in version ${newer.version}: `} />
      </div>
    </div>
  );
}

function DiffColumn({ title, lines, sign, only }: { title: string; lines: DiffLine[]; sign: string; only: string }) {
  return (
    <section class="panel" aria-label={title}>
      <p class="eyebrow">{title}</p>
      <div class="blueprint">
        <ol>
          {lines.map((line, index) => {
            // Indentation kept (non-breaking), long lines wrapped.
            const text = line.text.replace(/^ +/, (spaces) => "\u00a0".repeat(spaces.length));
            return (
              <li key={index}>
                {line.changed ? (
                  <mark><span class="sr-only">{only}</span><span aria-hidden="true">{sign} </span><code>{text}</code></mark>
                ) : (
                  <code>{"\u00a0\u00a0"}{text}</code>
                )}
              </li>
            );
          })}
        </ol>
      </div>
    </section>
  );
}
