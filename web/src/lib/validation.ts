// The static answers' rules, the same as the server's (crates/domain/src/blueprint/static_answers.rs),
// so a person sees what is wrong as they type instead of after a round trip.
import type { StaticAnswers } from "./types";

export type Errors = Record<string, string>;

const chars = (text: string) => [...text.trim()].length;

export function text(value: string | undefined, min: number, max: number): string | null {
  const length = chars(value ?? "");
  if (length === 0) return "This field is required";
  if (length < min) return `Enter at least ${min} characters`;
  if (length > max) return `Use at most ${max} characters (now ${length})`;
  return null;
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

export function parseLanguages(raw: string): string[] {
  return raw
    .split(/[,\s]+/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

export const STEPS = [
  { key: "audience", title: "Audience", fields: ["audience"] },
  { key: "goals", title: "Goals", fields: ["goals"] },
  { key: "constraints", title: "Constraints", fields: ["constraints.time", "constraints.budget", "constraints.modality"] },
  { key: "context", title: "Context", fields: ["context"] },
  { key: "languages", title: "Languages", fields: ["languages"] },
] as const;

/** Every problem with the answers of one step, keyed by field path (`goals[1]`, `constraints.time`). */
export function stepErrors(step: number, answers: StaticAnswers): Errors {
  const errors: Errors = {};
  const put = (field: string, message: string | null) => {
    if (message) errors[field] = message;
  };
  switch (STEPS[step]?.key) {
    case "audience":
      put("audience", text(answers.audience, 2, 500));
      break;
    case "goals": {
      const goals = answers.goals ?? [];
      if (!goals.some((goal) => goal.trim())) put("goals", "Add at least one goal");
      if (goals.length > 20) put("goals", "Use at most 20 goals");
      goals.forEach((goal, index) => {
        if (goal.trim() || goals.length === 1) put(`goals[${index}]`, text(goal, 2, 300));
      });
      break;
    }
    case "constraints": {
      const constraints = answers.constraints ?? {};
      put("constraints.time", text(constraints.time, 1, 100));
      if (constraints.budget) put("constraints.budget", text(constraints.budget, 1, 100));
      break;
    }
    case "context":
      put("context", text(answers.context, 2, 5000));
      break;
    case "languages": {
      const languages = answers.languages ?? [];
      if (!languages.length) put("languages", "Add at least one language, like en-US");
      else if (languages.length > 10) put("languages", "Use at most 10 languages");
      else {
        const bad = languages.find((tag) => !LANGUAGE_TAG.test(tag));
        if (bad) put("languages", `"${bad}" is not a language tag like en-US or fr`);
      }
      break;
    }
  }
  return errors;
}

/** The first step with a problem (where a returning person resumes), or the last step. */
export function firstIncompleteStep(answers: StaticAnswers): number {
  const index = STEPS.findIndex((_, step) => Object.keys(stepErrors(step, answers)).length > 0);
  return index < 0 ? STEPS.length - 1 : index;
}
