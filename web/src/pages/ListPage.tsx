// My blueprints: newest first, created, opened and deleted from here.
import { useEffect, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatDate } from "../lib/format";
import { navigate } from "../lib/router";
import type { BlueprintRecord, BlueprintSummary } from "../lib/types";
import { describedBy, Field, Notice, Spinner } from "../components/forms";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { PageHeading } from "../components/Layout";

const STATUS_LABEL: Record<string, string> = { draft: "Draft", generating: "Generating", completed: "Completed", error: "Needs attention" };

export function ListPage() {
  const [items, setItems] = useState<BlueprintSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const [titleError, setTitleError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [toDelete, setToDelete] = useState<BlueprintSummary | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function load(cursor: string | null) {
    setLoadError(null);
    try {
      const page = await client.listBlueprints(20, cursor);
      setItems((previous) => (cursor && previous ? [...previous, ...page.blueprints] : page.blueprints));
      setNextCursor(page.nextCursor);
    } catch (error) {
      setLoadError(errorText(error));
    }
  }

  useEffect(() => {
    void load(null);
  }, []);

  async function create(event: Event) {
    event.preventDefault();
    const trimmed = title.trim();
    if ([...trimmed].length > 200) {
      setTitleError("Use at most 200 characters");
      return;
    }
    setCreating(true);
    setTitleError(null);
    try {
      const created = await client.createBlueprint(trimmed || undefined);
      navigate(`/blueprints/${created.id}/setup`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) setTitleError(error.fieldIssues().title ?? error.describe());
      else setTitleError(errorText(error));
    } finally {
      setCreating(false);
    }
  }

  async function confirmDelete() {
    const target = toDelete;
    setToDelete(null);
    if (!target) return;
    try {
      await client.deleteBlueprint(target.id);
      setItems((previous) => previous?.filter((item) => item.id !== target.id) ?? null);
      setNotice(`Deleted “${target.title}”.`);
    } catch (error) {
      setNotice(`Could not delete “${target.title}”. ${errorText(error)}`);
    }
    document.getElementById("new-title")?.focus();
  }

  return (
    <div>
      <PageHeading focusKey="list">My blueprints</PageHeading>
      <form class="panel create-form" onSubmit={create} noValidate>
        <Field id="new-title" label="Working title of a new course" error={titleError} help="You can change it later; leave it empty for “Untitled blueprint”.">
          <input id="new-title" value={title} maxLength={400} onInput={(e) => setTitle(e.currentTarget.value)} {...describedBy("new-title", titleError, "help")} />
        </Field>
        <button type="submit" class="button button--primary" disabled={creating}>{creating ? "Creating…" : "Create blueprint"}</button>
      </form>
      <p role="status" aria-live="polite" class="status-line">{notice ?? ""}</p>
      {loadError ? (
        <Notice kind="error">
          {loadError} <button type="button" class="link-button" onClick={() => void load(null)}>Try again</button>
        </Notice>
      ) : items === null ? (
        <Spinner label="Loading your blueprints…" />
      ) : items.length === 0 ? (
        <div class="empty-state">
          <h2>No blueprints yet</h2>
          <p>
            Start with a working title above. You will then answer five questions about the course — audience, goals, constraints, context
            and languages — and a few follow-ups tailored to your answers, before the blueprint is generated for you to review and export.
          </p>
        </div>
      ) : (
        <>
          <ul class="blueprint-list" aria-label="Blueprints">
            {items.map((item) => (
              <li key={item.id} class="blueprint-row">
                {renaming === item.id ? (
                  <RenameForm
                    item={item}
                    onDone={(renamed) => {
                      setRenaming(null);
                      if (renamed) {
                        setItems((previous) => previous?.map((entry) => (entry.id === renamed.id ? { ...entry, title: renamed.title } : entry)) ?? null);
                        setNotice(`Renamed to “${renamed.title}”.`);
                      }
                      window.setTimeout(() => document.getElementById(`open-${item.id}`)?.focus());
                    }}
                  />
                ) : (
                  <div class="blueprint-row-main">
                    <a class="blueprint-link" id={`open-${item.id}`} href={`/blueprints/${item.id}`}>{item.title}</a>
                    <span class={`badge badge--${item.status}`}>{STATUS_LABEL[item.status] ?? item.status}</span>
                  </div>
                )}
                <div class="blueprint-row-meta">
                  <span>{item.version ? `Version ${item.version}` : "Not generated yet"}</span>
                  <span>Updated {formatDate(item.updated_at)}</span>
                  <button type="button" class="link-button" aria-label={`Rename ${item.title}`} onClick={() => setRenaming(item.id)}>Rename</button>
                  <button type="button" class="link-button danger" aria-label={`Delete ${item.title}`} onClick={() => setToDelete(item)}>Delete</button>
                </div>
              </li>
            ))}
          </ul>
          {nextCursor ? <button type="button" class="button" onClick={() => void load(nextCursor)}>Show more</button> : null}
        </>
      )}
      <ConfirmDialog
        open={toDelete !== null}
        title="Delete this blueprint?"
        message={toDelete ? `“${toDelete.title}” and all its versions will be deleted. This cannot be undone.` : ""}
        confirmLabel="Delete blueprint"
        danger
        onConfirm={() => void confirmDelete()}
        onCancel={() => setToDelete(null)}
      />
    </div>
  );
}

/** The title in place, editable: Enter saves, Escape or Cancel keeps the old one. */
function RenameForm({ item, onDone }: { item: BlueprintSummary; onDone: (renamed: BlueprintRecord | null) => void }) {
  const [title, setTitle] = useState(item.title);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const inputId = `rename-${item.id}`;
  useEffect(() => {
    const input = document.getElementById(inputId) as HTMLInputElement | null;
    input?.focus();
    input?.select();
  }, []);

  async function save(event: Event) {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return setError("Enter a title");
    if ([...trimmed].length > 200) return setError("Use at most 200 characters");
    setSaving(true);
    try {
      onDone(await client.renameBlueprint(item.id, trimmed));
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 400 ? failure.fieldIssues().title ?? failure.describe() : errorText(failure));
      setSaving(false);
    }
  }

  return (
    <form class="rename-form" onSubmit={save} onKeyDown={(event) => event.key === "Escape" && onDone(null)} noValidate>
      <Field id={inputId} label={`New title for “${item.title}”`} error={error}>
        <input id={inputId} value={title} maxLength={400} onInput={(e) => setTitle(e.currentTarget.value)} {...describedBy(inputId, error)} />
      </Field>
      <div class="actions">
        <button type="submit" class="button button--primary" disabled={saving}>{saving ? "Saving…" : "Save title"}</button>
        <button type="button" class="button" onClick={() => onDone(null)}>Cancel</button>
      </div>
    </form>
  );
}
