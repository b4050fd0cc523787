// Two versions side by side: the KPI differences, which modules came, went or changed, and
// both blueprints.
import { useEffect, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatMinutes, formatPercent } from "../lib/format";
import type { Comparison, Kpis, VersionSnapshot } from "../lib/types";
import { BlueprintView } from "../components/BlueprintView";
import { Notice, Spinner } from "../components/forms";
import { PageHeading } from "../components/Layout";

type Loaded = { comparison: Comparison; a: VersionSnapshot; b: VersionSnapshot };

const ROWS: { label: string; read: (k: Kpis) => number; show: (n: number) => string; diff: keyof Comparison["differences"] }[] = [
  { label: "Modules", read: (k) => k.moduleCount, show: String, diff: "moduleCount" },
  { label: "Total duration", read: (k) => k.totalMinutes, show: formatMinutes, diff: "totalMinutes" },
  { label: "Course objectives", read: (k) => k.courseObjectives, show: String, diff: "courseObjectives" },
  { label: "Modules with an assessment", read: (k) => k.assessmentCoverage.moduleShare, show: formatPercent, diff: "moduleShare" },
  { label: "Course objectives assessed", read: (k) => k.assessmentCoverage.courseObjectiveShare, show: formatPercent, diff: "courseObjectiveShare" },
];

function signed(value: number, show: (n: number) => string): string {
  if (value === 0) return "no change";
  return `${value > 0 ? "+" : "−"}${show(Math.abs(value))}`;
}

export function ComparePage({ id, a, b }: { id: string; a: number; b: number }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setLoaded(null);
    setError(null);
    Promise.all([
      client.compare(id, a, b),
      client.version(id, a),
      client.version(id, b),
    ]).then(
      ([answer, first, second]) => setLoaded({ comparison: answer.comparison, a: first, b: second }),
      (failure) => setError(failure instanceof ApiError && (failure.status === 404 || failure.status === 400) ? "One of these versions does not exist." : errorText(failure)),
    );
  }, [id, a, b]);
  const back = <p><a href={`/blueprints/${id}/dashboard`}>← Back to the dashboard</a></p>;
  const heading = <PageHeading focusKey={`compare-${a}-${b}`}>Version {a} and version {b}</PageHeading>;
  if (error) return <div>{back}{heading}<Notice kind="error">{error}</Notice></div>;
  if (!loaded) return <div>{back}{heading}<Spinner label="Comparing…" /></div>;
  const { comparison } = loaded;
  return (
    <div>
      {back}
      {heading}
      <section class="panel" aria-labelledby="kpi-diff-heading">
        <h2 id="kpi-diff-heading">Key figures</h2>
        <div class="table-scroll">
          <table>
            <thead><tr><th scope="col">Figure</th><th scope="col">Version {a}</th><th scope="col">Version {b}</th><th scope="col">Change</th></tr></thead>
            <tbody>
              {ROWS.map((row) => (
                <tr key={row.label}>
                  <th scope="row">{row.label}</th>
                  <td>{row.show(row.read(comparison.a))}</td>
                  <td>{row.show(row.read(comparison.b))}</td>
                  <td>{signed(comparison.differences[row.diff], row.show)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="panel" aria-labelledby="module-diff-heading">
        <h2 id="module-diff-heading">Modules</h2>
        <ModuleList title="Added" items={comparison.addedModules} />
        <ModuleList title="Removed" items={comparison.removedModules} />
        <h3>Changed</h3>
        {comparison.changedModules.length ? (
          <ul>{comparison.changedModules.map((m) => <li key={m.title}><strong>{m.title}</strong>: {m.changes.join("; ")}</li>)}</ul>
        ) : <p>None.</p>}
      </section>
      <div class="side-by-side">
        <section class="panel" aria-label={`Version ${a}`}><p class="eyebrow">Version {a}</p><BlueprintView blueprint={loaded.a.blueprint_json} /></section>
        <section class="panel" aria-label={`Version ${b}`}><p class="eyebrow">Version {b}</p><BlueprintView blueprint={loaded.b.blueprint_json} /></section>
      </div>
    </div>
  );
}

function ModuleList({ title, items }: { title: string; items: string[] }) {
  return (
    <>
      <h3>{title}</h3>
      {items.length ? <ul>{items.map((item) => <li key={item}>{item}</li>)}</ul> : <p>None.</p>}
    </>
  );
}
