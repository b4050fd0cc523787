// One saved version, read-only: the blueprint as it was, its quality review and its exports.
import { useEffect, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatDate } from "../lib/format";
import { navigate } from "../lib/router";
import type { VersionSnapshot } from "../lib/types";
import { BlueprintView } from "../components/BlueprintView";
import { ExportPanel } from "../components/ExportPanel";
import { Notice, Spinner } from "../components/forms";
import { PageHeading } from "../components/Layout";
import { QualityPanel } from "../components/Quality";

export function VersionPage({ id, version }: { id: string; version: number }) {
  const [snapshot, setSnapshot] = useState<VersionSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setSnapshot(null);
    client.version(id, version).then(setSnapshot, (failure) =>
      setError(failure instanceof ApiError && failure.status === 404 ? "This version does not exist." : errorText(failure)),
    );
  }, [id, version]);
  const back = <p><a href={`/blueprints/${id}/dashboard`}>← Back to the dashboard</a></p>;
  if (error) return <div>{back}<PageHeading focusKey="version-missing">Version {version}</PageHeading><Notice kind="error">{error}</Notice></div>;
  if (!snapshot) return <div>{back}<Spinner label="Loading the version…" /></div>;
  return (
    <div>
      {back}
      <p class="eyebrow">
        Read-only · created {formatDate(snapshot.created_at)}
        {snapshot.source === "fallback" ? " · curated draft (no model)" : snapshot.model ? ` · ${[snapshot.provider, snapshot.model].filter(Boolean).join(" · ")}` : ""}
      </p>
      <PageHeading focusKey={`version-${version}`}>Version {version}: {snapshot.blueprint_json.title}</PageHeading>
      <Notice kind="info">This is a saved snapshot. It cannot be edited; regenerate from the dashboard to make a new version.</Notice>
      <SyllabusPanel id={id} version={version} />
      {snapshot.quality ? <QualityPanel quality={snapshot.quality} /> : null}
      <ExportPanel blueprintId={id} version={version} />
      <section class="panel" aria-label={`Blueprint, version ${version}`}>
        <BlueprintView blueprint={snapshot.blueprint_json} />
      </section>
    </div>
  );
}

/** Splits the version into a syllabus (or opens the one it has: one per version). */
function SyllabusPanel({ id, version }: { id: string; version: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function create() {
    setBusy(true);
    setError(null);
    try {
      const created = await client.createSyllabus(id, version);
      navigate(`/syllabi/${created.id}`);
    } catch (failure) {
      const existing = failure instanceof ApiError && failure.status === 409 ? (failure.details as { syllabusId?: unknown } | null)?.syllabusId : null;
      if (typeof existing === "string") navigate(`/syllabi/${existing}`);
      else {
        setError(errorText(failure));
        setBusy(false);
      }
    }
  }
  return (
    <section class="panel" aria-labelledby="syllabus-heading">
      <h2 id="syllabus-heading">Syllabus</h2>
      <p class="help">Split this version's modules into lessons, then submit the syllabus for review. A version has one syllabus; if it has one already, this opens it.</p>
      <div class="actions">
        <button type="button" class="button button--primary" disabled={busy} onClick={() => void create()}>{busy ? "Creating the syllabus…" : "Create syllabus"}</button>
      </div>
      <p role="status" aria-live="polite" class="status-line">{busy ? "Writing the lessons; this can take a minute." : ""}</p>
      {error ? <Notice kind="error">{error}</Notice> : null}
    </section>
  );
}
