// Tailored follow-up questions: generated from the static answers, rendered by type in their
// sections, saved field by field, with progress over the required ones.
import { useMemo, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { useAutosave } from "../lib/autosave";
import { navigate } from "../lib/router";
import { reachableStages, requiredProgress, staticComplete } from "../lib/stages";
import type { AnswerValue, BlueprintRecord, DynamicAnswers, DynamicSaveAnswer, Question } from "../lib/types";
import { useBlueprint } from "../lib/useBlueprint";
import { describedBy, Field, Notice, SaveIndicator, Spinner } from "../components/forms";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { BlueprintNav, PageHeading } from "../components/Layout";
import { LoadingState } from "../components/Loading";

export const START_FLAG = (id: string) => `bp.start.${id}`;

const SOURCE_LABEL: Record<string, string> = { ollama: "the course model (Ollama)", openrouter: "the backup model (OpenRouter)", fallback: "the standard question set" };

export function QuestionsPage({ id }: { id: string }) {
  const loaded = useBlueprint(id);
  if (!loaded.record) return <LoadingState loaded={loaded} />;
  return <Questions record={loaded.record} onRecord={loaded.setRecord} />;
}

function Questions({ record, onRecord }: { record: BlueprintRecord; onRecord: (record: BlueprintRecord) => void }) {
  const [answers, setAnswers] = useState<DynamicAnswers>(record.dynamic_answers ?? {});
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [generating, setGenerating] = useState(false);
  const [generationError, setGenerationError] = useState<string | null>(null);
  const [source, setSource] = useState<{ source: string; warning: string | null } | null>(null);
  const [confirmRegenerate, setConfirmRegenerate] = useState(false);
  const questions = record.dynamic_questions ?? [];
  const locked = record.status === "generating";

  const saver = useAutosave<DynamicSaveAnswer>({
    delayMs: 1000,
    send: (patch, keepalive) =>
      client.saveDynamicAnswers(record.id, { answers: patch, questionSet: record.dynamic_questions_set }, { keepalive }),
    onSaved: (answer) => onRecord({ ...record, dynamic_answers: answer.dynamic_answers }),
    onRejected: (error) => {
      const issues: Record<string, string> = {};
      for (const [field, message] of Object.entries(error.fieldIssues())) issues[field.replace(/^answers\./, "")] = message;
      setServerErrors(issues);
    },
  });

  const progress = requiredProgress(questions, answers);
  const complete = questions.length > 0 && progress.answered === progress.total;
  const sections = useMemo(() => {
    const grouped = new Map<string, Question[]>();
    for (const question of questions) grouped.set(question.section, [...(grouped.get(question.section) ?? []), question]);
    return [...grouped.entries()];
  }, [questions]);

  async function generate() {
    setConfirmRegenerate(false);
    setGenerating(true);
    setGenerationError(null);
    try {
      const answer = await client.generateQuestions(record.id);
      setSource({ source: answer.source, warning: answer.warning });
      setAnswers({});
      onRecord({ ...record, status: "draft", dynamic_questions: answer.dynamicQuestions, dynamic_questions_set: answer.questionSet, dynamic_answers: {} });
    } catch (error) {
      setGenerationError(error instanceof ApiError && error.status === 400 ? "Some course basics are missing. Complete them first." : errorText(error));
    } finally {
      setGenerating(false);
    }
  }

  function answer(question: Question, value: AnswerValue, immediately = false) {
    setAnswers((previous) => ({ ...previous, [question.id]: value }));
    setServerErrors((previous) => {
      const rest = { ...previous };
      delete rest[question.id];
      return rest;
    });
    const problem = localProblem(question, value);
    if (!problem && !locked) saver.queue({ [question.id]: emptyToNull(value) }, immediately);
  }

  async function startGeneration() {
    if (!(await saver.flushNow())) return;
    sessionStorage.setItem(START_FLAG(record.id), "1");
    navigate(`/blueprints/${record.id}/generate`);
  }

  const ready = staticComplete(record);
  return (
    <div>
      <BlueprintNav id={record.id} title={record.title} current="questions" reachable={reachableStages({ ...record, dynamic_answers: answers })} />
      <p class="eyebrow">{record.title}</p>
      <PageHeading focusKey="questions">Tailored questions</PageHeading>
      {!ready ? (
        <Notice kind="warning">Complete the <a href={`/blueprints/${record.id}/setup`}>course basics</a> first; the questions are tailored to them.</Notice>
      ) : null}
      {locked ? <Notice kind="warning">A generation is running for this blueprint; answers cannot change until it finishes. <a href={`/blueprints/${record.id}/generate`}>Watch it</a></Notice> : null}
      <div aria-live="polite" class="generation-status">
        {generating ? <Spinner label="Writing questions tailored to your answers… this can take up to a minute." /> : null}
        {source && !generating ? (
          <p class="source">Questions from {SOURCE_LABEL[source.source] ?? source.source}.</p>
        ) : null}
        {source?.warning ? <Notice kind="warning">{source.warning}</Notice> : null}
      </div>
      {generationError ? (
        <Notice kind="error">
          Could not generate questions. {generationError} <button type="button" class="link-button" onClick={() => void generate()}>Retry</button>
        </Notice>
      ) : null}
      {questions.length === 0 ? (
        <div class="panel">
          <p>A few follow-up questions, written for this course from your answers, sharpen the blueprint. It takes about a minute.</p>
          <button type="button" class="button button--primary" disabled={!ready || generating || locked} onClick={() => void generate()}>
            Generate tailored questions
          </button>
        </div>
      ) : (
        <form class="questions" onSubmit={(event) => { event.preventDefault(); void startGeneration(); }} noValidate>
          <div class="progress-block">
            <label for="answer-progress">Required questions answered: {progress.answered} of {progress.total}</label>
            <progress id="answer-progress" max={Math.max(1, progress.total)} value={progress.answered} />
          </div>
          {sections.map(([section, items]) => (
            <fieldset class="panel question-section" key={section}>
              <legend>{section}</legend>
              {items.map((question) => (
                <QuestionField key={question.id} question={question} value={answers[question.id] ?? null}
                  error={serverErrors[question.id] ?? localProblem(question, answers[question.id] ?? null)}
                  disabled={locked} onAnswer={answer} onBlur={() => void saver.flushNow()} />
              ))}
            </fieldset>
          ))}
          <div class="wizard-footer sticky-footer">
            <SaveIndicator state={saver.state} failure={saver.failure} remedy={saver.remedy} onRetry={saver.retry} />
            <div class="actions">
              <button type="button" class="button" disabled={generating || locked} onClick={() => setConfirmRegenerate(true)}>New questions</button>
              <button type="submit" class="button button--primary" disabled={!complete || locked} aria-describedby={complete ? undefined : "generate-hint"}>
                Generate blueprint
              </button>
            </div>
            {!complete ? <p id="generate-hint" class="help">Answer every required question (marked *) to generate the blueprint.</p> : null}
          </div>
        </form>
      )}
      <ConfirmDialog open={confirmRegenerate} title="Replace the questions?" message="New questions replace these, and your answers to them are cleared."
        confirmLabel="Replace questions" danger onConfirm={() => void generate()} onCancel={() => setConfirmRegenerate(false)} />
    </div>
  );
}

function emptyToNull(value: AnswerValue): AnswerValue {
  if (typeof value === "string" && !value.trim()) return null;
  if (Array.isArray(value) && value.length === 0) return null;
  return value;
}

function localProblem(question: Question, value: AnswerValue): string | null {
  if (question.type === "scale" && typeof value === "number") {
    const min = question.min ?? 1;
    const max = question.max ?? 5;
    if (!Number.isFinite(value) || value < min || value > max) return `Choose a number from ${min} to ${max}`;
  }
  if (typeof value === "string" && value.trim()) {
    const length = [...value.trim()].length;
    if (question.type === "short_text" && length > 500) return `Use at most 500 characters (now ${length})`;
    if (question.type === "long_text" && length > 5000) return `Use at most 5000 characters (now ${length})`;
    if (question.type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return "Enter a date";
  }
  return null;
}

type FieldProps = { question: Question; value: AnswerValue; error: string | null; disabled: boolean; onAnswer: (q: Question, v: AnswerValue, now?: boolean) => void; onBlur: () => void };

function QuestionField({ question, value, error, disabled, onAnswer, onBlur }: FieldProps) {
  const id = `q-${question.id}`;
  const help = question.helpText ?? null;
  const aria = describedBy(id, error, help);
  const options = question.options ?? [];
  switch (question.type) {
    case "short_text":
    case "long_text": {
      const Tag = question.type === "long_text" ? "textarea" : "input";
      return (
        <Field id={id} label={question.label} error={error} help={help} required={question.required}>
          <Tag id={id} value={typeof value === "string" ? value : ""} placeholder={question.placeholder ?? undefined} disabled={disabled}
            rows={question.type === "long_text" ? 4 : undefined}
            onInput={(e: Event) => onAnswer(question, (e.currentTarget as HTMLInputElement).value)} onBlur={onBlur} {...aria} />
        </Field>
      );
    }
    case "date":
      return (
        <Field id={id} label={question.label} error={error} help={help} required={question.required}>
          <input id={id} type="date" value={typeof value === "string" ? value : ""} disabled={disabled}
            onChange={(e) => onAnswer(question, e.currentTarget.value, true)} onBlur={onBlur} {...aria} />
        </Field>
      );
    case "select":
      return (
        <Field id={id} label={question.label} error={error} help={help} required={question.required}>
          <select id={id} value={typeof value === "string" ? value : ""} disabled={disabled}
            onChange={(e) => onAnswer(question, e.currentTarget.value || null, true)} {...aria}>
            <option value="">Choose…</option>
            {options.map((option) => <option key={option} value={option}>{option}</option>)}
          </select>
        </Field>
      );
    case "multi_select": {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <fieldset class={`field choice-group${error ? " field--invalid" : ""}`} aria-describedby={aria["aria-describedby"]}>
          <legend>{question.label}{question.required ? <span class="required" aria-hidden="true"> *</span> : null}</legend>
          {help ? <p class="help" id={`${id}-help`}>{help}</p> : null}
          {options.map((option, index) => (
            <label class="choice" key={option}>
              <input type="checkbox" id={`${id}-${index}`} checked={chosen.includes(option)} disabled={disabled}
                onChange={(e) => onAnswer(question, e.currentTarget.checked ? [...chosen, option] : chosen.filter((c) => c !== option), true)} />
              {option}
            </label>
          ))}
          <p class="error" id={`${id}-error`}>{error ?? ""}</p>
        </fieldset>
      );
    }
    case "scale": {
      const min = question.min ?? 1;
      const max = question.max ?? 5;
      if (max - min <= 10) {
        return (
          <fieldset class={`field choice-group scale${error ? " field--invalid" : ""}`} aria-describedby={aria["aria-describedby"]}>
            <legend>{question.label}{question.required ? <span class="required" aria-hidden="true"> *</span> : null}</legend>
            {help ? <p class="help" id={`${id}-help`}>{help}</p> : null}
            <div class="scale-options">
              {Array.from({ length: max - min + 1 }, (_, i) => min + i).map((n) => (
                <label class="choice" key={n}>
                  <input type="radio" name={id} value={n} checked={value === n} disabled={disabled} onChange={() => onAnswer(question, n, true)} />
                  {n}
                </label>
              ))}
            </div>
            <p class="help">{min} = lowest, {max} = highest</p>
            <p class="error" id={`${id}-error`}>{error ?? ""}</p>
          </fieldset>
        );
      }
      return (
        <Field id={id} label={`${question.label} (${min}–${max})`} error={error} help={help} required={question.required}>
          <input id={id} type="number" min={min} max={max} value={typeof value === "number" ? value : ""} disabled={disabled}
            onInput={(e) => {
              const raw = e.currentTarget.value;
              const number = Number(raw);
              onAnswer(question, raw === "" ? null : number);
            }} onBlur={onBlur} {...aria} />
        </Field>
      );
    }
  }
}
