// Which stage of the journey a blueprint is at, from what is saved.
import type { BlueprintStage } from "../components/Layout";
import type { AnswerValue, BlueprintRecord, DynamicAnswers, Question } from "./types";
import { STEPS, stepErrors } from "./validation";

export function staticComplete(record: BlueprintRecord): boolean {
  return STEPS.every((_, step) => Object.keys(stepErrors(step, record.static_answers ?? {})).length === 0);
}

export function isAnswered(value: AnswerValue | undefined): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === "string") return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export function requiredProgress(questions: Question[], answers: DynamicAnswers) {
  const required = questions.filter((q) => q.required);
  const answered = required.filter((q) => isAnswered(answers[q.id])).length;
  return { answered, total: required.length };
}

export function reachableStages(record: BlueprintRecord): BlueprintStage[] {
  const stages: BlueprintStage[] = ["setup"];
  if (staticComplete(record)) stages.push("questions");
  const questions = record.dynamic_questions ?? [];
  const progress = requiredProgress(questions, record.dynamic_answers ?? {});
  if (record.status !== "draft" || (questions.length > 0 && progress.answered === progress.total)) stages.push("generate");
  if (record.version > 0) stages.push("dashboard");
  return stages;
}

/** Where opening a blueprint should land. */
export function landingStage(record: BlueprintRecord): BlueprintStage {
  if (record.status === "generating") return "generate";
  if (record.version > 0 && record.status === "completed") return "dashboard";
  if (record.status === "error") return "generate";
  if (!staticComplete(record)) return "setup";
  return "questions";
}
