// A course blueprint rendered for reading; also used for the partial blueprint while it streams
// (every part is optional then).
import type { Module } from "../lib/types";
import { formatMinutes } from "../lib/format";

export type DraftBlueprint = {
  title?: string | null;
  overview?: string | null;
  learningObjectives?: string[] | null;
  modules?: Partial<Module>[] | null;
  timeline?: string | null;
  resources?: string[] | null;
};

function List({ items }: { items?: unknown[] | null }) {
  const texts = (items ?? []).filter((item): item is string => typeof item === "string" && item.length > 0);
  if (!texts.length) return null;
  return <ul>{texts.map((item, index) => <li key={index}>{item}</li>)}</ul>;
}

export function BlueprintView({ blueprint, live }: { blueprint: DraftBlueprint; live?: boolean }) {
  const modules = blueprint.modules ?? [];
  return (
    <article class={`blueprint${live ? " blueprint--live" : ""}`} aria-label="Course blueprint">
      <h2 class="blueprint-title">{blueprint.title || (live ? "Waiting for the title…" : "Untitled")}</h2>
      {blueprint.overview ? <p class="overview">{blueprint.overview}</p> : null}
      {blueprint.learningObjectives?.length ? (
        <section>
          <h3>Learning objectives</h3>
          <List items={blueprint.learningObjectives} />
        </section>
      ) : null}
      {modules.length ? (
        <section>
          <h3>Modules</h3>
          <ol class="modules">
            {modules.map((module, index) => (
              <li key={index} class="module-card">
                <h4>
                  {module.title || `Module ${index + 1}`}
                  {typeof module.durationMinutes === "number" ? <span class="duration"> · {formatMinutes(module.durationMinutes)}</span> : null}
                </h4>
                {module.objectives?.length ? (<><h5>Objectives</h5><List items={module.objectives} /></>) : null}
                {module.activities?.length ? (<><h5>Activities</h5><List items={module.activities} /></>) : null}
                {module.assessments?.length ? (<><h5>Assessments</h5><List items={module.assessments} /></>) : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {blueprint.timeline ? (
        <section>
          <h3>Timeline</h3>
          <p>{blueprint.timeline}</p>
        </section>
      ) : null}
      {blueprint.resources?.length ? (
        <section>
          <h3>Resources</h3>
          <List items={blueprint.resources} />
        </section>
      ) : null}
    </article>
  );
}
