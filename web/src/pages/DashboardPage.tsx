// The review dashboard of the latest version: KPIs, charts, coverage, quality, the blueprint
// itself, version history with compare, regenerate and export.
import { useEffect, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatDate, formatMinutes, formatPercent } from "../lib/format";
import { navigate } from "../lib/router";
import { reachableStages } from "../lib/stages";
import type { BlueprintRecord, Dashboard, VersionSummary } from "../lib/types";
import { useBlueprint } from "../lib/useBlueprint";
import { BarChart, Meter } from "../components/Charts";
import { BlueprintView } from "../components/BlueprintView";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ExportPanel } from "../components/ExportPanel";
import { Notice, Spinner } from "../components/forms";
import { BlueprintNav, PageHeading } from "../components/Layout";
import { LoadingState } from "../components/Loading";
import { QualityPanel } from "../components/Quality";
import { START_FLAG } from "./QuestionsPage";

export function DashboardPage({ id }: { id: string }) {
  const loaded = useBlueprint(id);
  if (!loaded.record) return <LoadingState loaded={loaded} />;
  return <DashboardView record={loaded.record} />;
}

function DashboardView({ record }: { record: BlueprintRecord }) {
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [confirmRegenerate, setConfirmRegenerate] = useState(false);

  async function load() {
    setError(null);
    try {
      const [board, history] = await Promise.all([
        client.dashboard(record.id),
        client.versions(record.id),
      ]);
      setDashboard(board);
      setVersions(history.versions);
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 409 ? "No version has been generated yet." : errorText(failure));
    }
  }

  useEffect(() => {
    void load();
  }, [record.id]);

  function regenerate() {
    setConfirmRegenerate(false);
    sessionStorage.setItem(START_FLAG(record.id), "regenerate");
    navigate(`/blueprints/${record.id}/generate`);
  }

  const nav = <BlueprintNav id={record.id} title={record.title} current="dashboard" reachable={reachableStages(record)} />;
  if (error) {
    return (
      <div>
        {nav}
        <PageHeading focusKey="dashboard">Dashboard</PageHeading>
        <Notice kind="error">{error} {record.version === 0 ? <a href={`/blueprints/${record.id}/generate`}>Generate the blueprint</a> : <button type="button" class="link-button" onClick={() => void load()}>Try again</button>}</Notice>
      </div>
    );
  }
  if (!dashboard) return <div>{nav}<Spinner label="Loading the dashboard…" /></div>;

  const { kpis, quality, version } = dashboard.latest;
  const coverage = kpis.assessmentCoverage;
  const blueprint = record.blueprint_json ?? {};
  const scores = new Map(dashboard.versions.map((v) => [v.version, v.qualityScore]));
  return (
    <div>
      {nav}
      <p class="eyebrow">Version {version} · {dashboard.latest.source === "fallback" ? "curated draft, kept" : "generated"} {formatDate(dashboard.latest.created_at)}</p>
      <PageHeading focusKey="dashboard">{blueprint.title || record.title}</PageHeading>
      {dashboard.latest.source === "fallback" ? (
        <Notice kind="info">
          Version {version} is a curated draft built from your answers without a model. Everything works with it; regenerate with a model running for a blueprint tailored by the model (the next version).
        </Notice>
      ) : null}
      {record.status === "generating" ? <Notice kind="info">A new version is being generated. <a href={`/blueprints/${record.id}/generate`}>Watch it</a></Notice> : null}
      <ul class="kpis" aria-label="Key figures">
        <Kpi label="Modules" value={String(kpis.moduleCount)} />
        <Kpi label="Total duration" value={formatMinutes(kpis.totalMinutes)} />
        <Kpi label="Course objectives" value={String(kpis.courseObjectives)} />
        <Kpi label="Modules with an assessment" value={formatPercent(coverage.moduleShare)} />
        <Kpi label="Activities per module" value={kpis.activitiesPerModule.toFixed(1)} />
        <Kpi label="Quality score" value={`${quality.score} / 100`} />
      </ul>
      <div class="grid-2">
        <section class="panel" aria-labelledby="charts-heading">
          <h2 id="charts-heading">Modules at a glance</h2>
          <BarChart title="Duration per module" series={["Minutes"]} rows={kpis.modules.map((m) => ({ label: m.title, values: [m.minutes] }))} format={formatMinutes} />
          <BarChart title="Objectives and assessments per module" series={["Objectives", "Assessments"]}
            rows={kpis.modules.map((m) => ({ label: m.title, values: [m.objectives, m.assessments] }))} />
        </section>
        <section class="panel" aria-labelledby="coverage-heading">
          <h2 id="coverage-heading">Assessment coverage</h2>
          <Meter label="Modules with an assessment" share={coverage.moduleShare} detail={`${coverage.modulesWithAssessment} of ${kpis.moduleCount} modules`} />
          <Meter label="Course objectives assessed" share={coverage.courseObjectiveShare} detail={`${coverage.courseObjectivesAssessed} of ${kpis.courseObjectives} objectives`} />
        </section>
      </div>
      <QualityPanel quality={quality} />
      <ExportPanel blueprintId={record.id} />
      <section class="panel" aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        <VersionTable id={record.id} versions={versions} scores={scores} />
        <CompareForm id={record.id} versions={versions} />
        <button type="button" class="button" disabled={record.status === "generating"} onClick={() => setConfirmRegenerate(true)}>Regenerate (new version)</button>
      </section>
      <section class="panel" aria-labelledby="blueprint-heading">
        <h2 id="blueprint-heading">The blueprint</h2>
        <BlueprintView blueprint={blueprint} />
      </section>
      <ConfirmDialog open={confirmRegenerate} title="Generate a new version?"
        message={`The model writes version ${record.version + 1} from the current answers. Version ${record.version} and older stay as they are.`}
        confirmLabel="Regenerate" onConfirm={regenerate} onCancel={() => setConfirmRegenerate(false)} />
    </div>
  );
}

function Kpi({ label, value }: { label: string; value: string }) {
  return (
    <li class="kpi">
      <span class="kpi-value">{value}</span>
      <span class="kpi-label">{label}</span>
    </li>
  );
}

export function VersionTable({ id, versions, scores }: { id: string; versions: VersionSummary[]; scores: Map<number, number> }) {
  return (
    <div class="table-scroll">
      <table>
        <caption class="sr-only">Every generated version, newest first</caption>
        <thead>
          <tr><th scope="col">Version</th><th scope="col">Created</th><th scope="col">Model</th><th scope="col">Modules</th><th scope="col">Objectives</th><th scope="col">Quality</th></tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version}>
              <th scope="row"><a href={`/blueprints/${id}/versions/${v.version}`}>Version {v.version}</a></th>
              <td>{formatDate(v.created_at)}</td>
              <td>{v.source === "fallback" ? <span class="badge badge--fallback">Curated draft</span> : [v.provider, v.model].filter(Boolean).join(" · ") || "—"}</td>
              <td>{v.modules}</td>
              <td>{v.objectives}</td>
              <td>{scores.get(v.version) ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CompareForm({ id, versions }: { id: string; versions: VersionSummary[] }) {
  const numbers = versions.map((v) => v.version).sort((x, y) => x - y);
  const [a, setA] = useState(numbers.length > 1 ? numbers[numbers.length - 2] : numbers[0] ?? 1);
  const [b, setB] = useState(numbers[numbers.length - 1] ?? 1);
  if (numbers.length < 2) return <p class="help">Compare becomes available once there are two versions.</p>;
  return (
    <form class="compare-form" onSubmit={(event) => { event.preventDefault(); navigate(`/blueprints/${id}/compare?a=${a}&b=${b}`); }}>
      <label class="inline-field">Compare version
        <select value={a} onChange={(e) => setA(Number(e.currentTarget.value))}>{numbers.map((n) => <option key={n} value={n}>{n}</option>)}</select>
      </label>
      <label class="inline-field">with version
        <select value={b} onChange={(e) => setB(Number(e.currentTarget.value))}>{numbers.map((n) => <option key={n} value={n}>{n}</option>)}</select>
      </label>
      <button type="submit" class="button" disabled={a === b}>Compare</button>
    </form>
  );
}
