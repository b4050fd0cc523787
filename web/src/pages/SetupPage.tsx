// The static wizard: five steps, validated as the person types, saved as they go, resumed at
// the step in the address (or the first unfinished one).
import { useEffect, useMemo, useState } from "preact/hooks";
import { client } from "../lib/client";
import { useAutosave, type Patch } from "../lib/autosave";
import { navigate } from "../lib/router";
import { reachableStages } from "../lib/stages";
import type { BlueprintRecord, Modality, StaticAnswers, StaticSaveAnswer } from "../lib/types";
import { useBlueprint } from "../lib/useBlueprint";
import { firstIncompleteStep, parseLanguages, STEPS, stepErrors, text } from "../lib/validation";
import { describedBy, Field, Notice, SaveIndicator } from "../components/forms";
import { BlueprintNav, PageHeading } from "../components/Layout";
import { LoadingState } from "../components/Loading";

const HEADINGS = [
  "Who is this course for?",
  "What should learners be able to do afterwards?",
  "What are the constraints?",
  "What is the context?",
  "Which languages will it be taught in?",
];

export function SetupPage({ id, step }: { id: string; step: number | null }) {
  const loaded = useBlueprint(id);
  if (!loaded.record) return <LoadingState loaded={loaded} />;
  return <StaticWizard record={loaded.record} stepParam={step} />;
}

function StaticWizard({ record, stepParam }: { record: BlueprintRecord; stepParam: number | null }) {
  const [answers, setAnswers] = useState<StaticAnswers>(() => ({
    ...record.static_answers,
    goals: record.static_answers.goals?.length ? record.static_answers.goals : [""],
  }));
  const [languagesText, setLanguagesText] = useState((record.static_answers.languages ?? []).join(", "));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(record);
  const locked = record.status === "generating";

  const step = stepParam !== null && stepParam >= 0 && stepParam < STEPS.length ? stepParam : firstIncompleteStep(record.static_answers);
  useEffect(() => {
    // The address always names the step, so a reload resumes exactly here.
    if (stepParam !== step) navigate(`/blueprints/${record.id}/setup?step=${step + 1}`, { replace: true });
  }, [stepParam, step]);

  const saver = useAutosave<StaticSaveAnswer>({
    delayMs: 700,
    send: (patch, keepalive) => client.saveStaticAnswers(record.id, patch, { keepalive }),
    onSaved: (answer) => {
      setSaved((previous) => ({ ...previous, static_answers: answer.static_answers }));
      setServerErrors({});
    },
    onRejected: (error) => setServerErrors(error.fieldIssues()),
  });

  const errors = useMemo(() => stepErrors(step, answers), [step, answers]);
  const valid = Object.keys(errors).length === 0;
  const shown = (field: string) => serverErrors[field] ?? (touched.has(field) ? errors[field] : undefined) ?? null;
  const touch = (field: string) => setTouched((previous) => new Set(previous).add(field));

  /** Updates the form and queues the value for saving when it is valid (an empty field clears it). */
  function change(field: string, next: StaticAnswers, patch: Patch | null) {
    setAnswers(next);
    touch(field);
    setServerErrors((previous) => {
      const rest = { ...previous };
      delete rest[field];
      return rest;
    });
    if (patch && !locked) saver.queue(patch);
  }

  function textPatch(field: "audience" | "context", value: string, min: number, max: number): Patch | null {
    if (!value.trim()) return { [field]: null };
    return text(value, min, max) ? null : { [field]: value };
  }

  function goalsChanged(goals: string[]) {
    const filled = goals.map((goal) => goal.trim()).filter(Boolean);
    const allValid = filled.length > 0 && filled.length <= 20 && filled.every((goal) => !text(goal, 2, 300));
    change("goals", { ...answers, goals }, filled.length === 0 ? { goals: null } : allValid ? { goals: filled } : null);
  }

  function constraintChanged(key: "time" | "budget" | "modality", value: string) {
    const constraints = { ...answers.constraints, [key]: value || null };
    const problem = value && key !== "modality" ? text(value, 1, 100) : null;
    change(`constraints.${key}`, { ...answers, constraints }, problem ? null : { constraints: { [key]: value.trim() || null } });
  }

  function languagesChanged(raw: string) {
    setLanguagesText(raw);
    const languages = parseLanguages(raw);
    const next = { ...answers, languages };
    const problem = stepErrors(4, next).languages;
    change("languages", next, languages.length === 0 ? { languages: null } : problem ? null : { languages });
  }

  async function go(to: number) {
    // Moving on saves first; a failed save keeps the person here, with the retry in view.
    if (!(await saver.flushNow()) && to > step) return;
    navigate(`/blueprints/${record.id}/setup?step=${to + 1}`);
  }

  async function finish(event: Event) {
    event.preventDefault();
    if (!valid || locked) return;
    if (step < STEPS.length - 1) return go(step + 1);
    if (await saver.flushNow()) navigate(`/blueprints/${record.id}/questions`);
  }

  const invalidEdits = Object.keys(errors).some((field) => touched.has(field));
  const goals = answers.goals ?? [""];
  const constraints = answers.constraints ?? {};

  return (
    <div>
      <BlueprintNav id={record.id} title={record.title} current="setup" reachable={reachableStages(saved)} />
      <p class="eyebrow">{record.title} · Step {step + 1} of {STEPS.length}: {STEPS[step].title}</p>
      <ol class="wizard-progress" aria-label="Course basics progress">
        {STEPS.map((item, index) => (
          <li key={item.key} class={index === step ? "current" : index < step ? "done" : ""} aria-current={index === step ? "step" : undefined}>
            {index < step || Object.keys(stepErrors(index, answers)).length === 0 ? (
              <a href={`/blueprints/${record.id}/setup?step=${index + 1}`}>{item.title}</a>
            ) : (
              <span>{item.title}</span>
            )}
          </li>
        ))}
      </ol>
      <PageHeading focusKey={`setup-${step}`}>{HEADINGS[step]}</PageHeading>
      {locked ? <Notice kind="warning">A generation is running for this blueprint; its answers cannot change until it finishes.</Notice> : null}
      <form class="panel wizard-step" onSubmit={finish} noValidate>
        {step === 0 ? (
          <Field id="audience" label="Audience" error={shown("audience")} help="Who the learners are: role, prior knowledge, motivation. 2–500 characters." required>
            <textarea id="audience" rows={4} value={answers.audience ?? ""} disabled={locked}
              onInput={(e) => change("audience", { ...answers, audience: e.currentTarget.value }, textPatch("audience", e.currentTarget.value, 2, 500))}
              onBlur={() => { touch("audience"); void saver.flushNow(); }}
              {...describedBy("audience", shown("audience"), "help")} />
          </Field>
        ) : null}
        {step === 1 ? (
          <fieldset class="goals">
            <legend>Goals <span class="help">— what learners will be able to do; 1 to 20, each 2–300 characters.</span></legend>
            {shown("goals") ? <p class="error" role="alert">{shown("goals")}</p> : null}
            {goals.map((goal, index) => (
              <div class="goal-row" key={index}>
                <Field id={`goal-${index}`} label={`Goal ${index + 1}`} error={shown(`goals[${index}]`)}>
                  <input id={`goal-${index}`} value={goal} disabled={locked}
                    onInput={(e) => goalsChanged(goals.map((g, i) => (i === index ? e.currentTarget.value : g)))}
                    onBlur={() => { touch(`goals[${index}]`); void saver.flushNow(); }}
                    {...describedBy(`goal-${index}`, shown(`goals[${index}]`))} />
                </Field>
                {goals.length > 1 ? (
                  <button type="button" class="button button--quiet" aria-label={`Remove goal ${index + 1}`} disabled={locked}
                    onClick={() => goalsChanged(goals.filter((_, i) => i !== index))}>Remove</button>
                ) : null}
              </div>
            ))}
            {goals.length < 20 ? (
              <button type="button" class="button" disabled={locked} onClick={() => {
                setAnswers({ ...answers, goals: [...goals, ""] });
                window.setTimeout(() => document.getElementById(`goal-${goals.length}`)?.focus());
              }}>Add a goal</button>
            ) : null}
          </fieldset>
        ) : null}
        {step === 2 ? (
          <>
            <Field id="constraints-time" label="Time available" error={shown("constraints.time")} help="For example “6 hours”, “3 sessions of 90 minutes” or “2 days”." required>
              <input id="constraints-time" value={constraints.time ?? ""} disabled={locked}
                onInput={(e) => constraintChanged("time", e.currentTarget.value)}
                onBlur={() => { touch("constraints.time"); void saver.flushNow(); }}
                {...describedBy("constraints-time", shown("constraints.time"), "help")} />
            </Field>
            <Field id="constraints-budget" label="Budget (optional)" error={shown("constraints.budget")}>
              <input id="constraints-budget" value={constraints.budget ?? ""} disabled={locked}
                onInput={(e) => constraintChanged("budget", e.currentTarget.value)}
                onBlur={() => void saver.flushNow()}
                {...describedBy("constraints-budget", shown("constraints.budget"))} />
            </Field>
            <Field id="constraints-modality" label="Modality (optional)" error={shown("constraints.modality")}>
              <select id="constraints-modality" value={constraints.modality ?? ""} disabled={locked}
                onChange={(e) => { constraintChanged("modality", e.currentTarget.value as Modality | ""); void saver.flushNow(); }}
                {...describedBy("constraints-modality", shown("constraints.modality"))}>
                <option value="">Not decided</option>
                <option value="online">Online</option>
                <option value="in-person">In person</option>
                <option value="blended">Blended</option>
              </select>
            </Field>
          </>
        ) : null}
        {step === 3 ? (
          <Field id="context" label="Context" error={shown("context")} help="The organisation, why the course is needed now, what exists already. 2–5000 characters." required>
            <textarea id="context" rows={6} value={answers.context ?? ""} disabled={locked}
              onInput={(e) => change("context", { ...answers, context: e.currentTarget.value }, textPatch("context", e.currentTarget.value, 2, 5000))}
              onBlur={() => { touch("context"); void saver.flushNow(); }}
              {...describedBy("context", shown("context"), "help")} />
          </Field>
        ) : null}
        {step === 4 ? (
          <Field id="languages" label="Languages" error={shown("languages")} help="Language tags separated by commas, for example “en-US, fr”. Up to 10." required>
            <input id="languages" value={languagesText} disabled={locked} autocomplete="off"
              onInput={(e) => languagesChanged(e.currentTarget.value)}
              onBlur={() => { touch("languages"); void saver.flushNow(); }}
              {...describedBy("languages", shown("languages"), "help")} />
          </Field>
        ) : null}
        <div class="wizard-footer">
          <SaveIndicator
            state={invalidEdits && saver.state !== "saving" ? "failed" : saver.state}
            failure={invalidEdits ? "Not saved — fix the highlighted fields" : saver.failure}
            remedy={invalidEdits ? null : saver.remedy}
            onRetry={saver.retry}
          />
          <div class="actions">
            {step > 0 ? <button type="button" class="button" onClick={() => void go(step - 1)}>Back</button> : null}
            <button type="submit" class="button button--primary" disabled={!valid || locked} aria-describedby={valid ? undefined : "next-hint"}>
              {step < STEPS.length - 1 ? "Next" : "Continue to tailored questions"}
            </button>
          </div>
          {!valid ? <p id="next-hint" class="help">Complete the required fields above to continue.</p> : null}
        </div>
      </form>
    </div>
  );
}
