// Pieces shared by the syllabus's course tree and the content item page: status badges, a
// slot's name in the course, and the quality gate's findings.
import type { ContentKind, ContentStatus, Finding, ItemStatus, Syllabus } from "../lib/types";

export const CONTENT_STATUS: Record<ContentStatus, { label: string; badge: string }> = {
  DRAFT: { label: "Draft", badge: "" },
  APPROVED: { label: "Approved", badge: "badge--completed" },
  REJECTED: { label: "Rejected", badge: "badge--error" },
};

export const KIND_LABEL: Record<ContentKind, string> = { lesson: "Lesson", quiz: "Quiz", project: "Project" };

export function ContentStatusBadge({ status }: { status: ContentStatus | null }) {
  if (!status) return <span class="badge">Not written</span>;
  const { label, badge } = CONTENT_STATUS[status] ?? { label: status, badge: "" };
  return <span class={`badge ${badge}`.trim()}>{label}</span>;
}

/** What a job's item is doing, for the items not written yet (or failed). */
export const ITEM_STATUS: Record<ItemStatus, { label: string; badge: string }> = {
  pending: { label: "Queued", badge: "badge--generating" },
  processing: { label: "Writing…", badge: "badge--generating" },
  completed: { label: "Passed the checks", badge: "badge--completed" },
  needs_review: { label: "Needs review", badge: "badge--fallback" },
  failed: { label: "Failed", badge: "badge--error" },
};

export function blockingCount(findings: Finding[]): number {
  return findings.filter((finding) => finding.severity === "blocking").length;
}

export function BlockingBadge({ findings }: { findings: Finding[] }) {
  const count = blockingCount(findings);
  if (!count) return null;
  return <span class="badge badge--error">{count === 1 ? "1 blocking finding" : `${count} blocking findings`}</span>;
}

type SlotPlace = { module: number; lesson: number | null; kind: ContentKind | null };

/** `m2.l3.quiz` → module 1 (zero-based), lesson 2, quiz. */
export function slotPlace(slot: string): SlotPlace | null {
  const match = slot.match(/^m(\d+)(?:\.l(\d+))?(?:\.(quiz|project))?$/);
  if (!match) return null;
  const module = Number(match[1]) - 1;
  const lesson = match[2] ? Number(match[2]) - 1 : null;
  const kind: ContentKind | null = match[3] === "quiz" ? "quiz" : match[3] === "project" ? "project" : lesson !== null ? "lesson" : null;
  return { module, lesson, kind };
}

/** The slot as a person names it: "Lesson 1: Pricing tiers", "Quiz on lesson 1: …", "Project of module 1". */
export function slotName(slot: string, kind: ContentKind, syllabus: Syllabus | null): string {
  const place = slotPlace(slot);
  if (!place) return `${KIND_LABEL[kind] ?? kind} ${slot}`;
  const lesson = place.lesson !== null ? syllabus?.modules[place.module]?.lessons[place.lesson] : undefined;
  const lessonText = place.lesson !== null ? `lesson ${place.lesson + 1}${lesson ? `: ${lesson.title}` : ""}` : "";
  if (kind === "project") return `Project of module ${place.module + 1}`;
  if (kind === "quiz") return `Quiz on ${lessonText}`;
  return lessonText.charAt(0).toUpperCase() + lessonText.slice(1);
}

/** Blocking findings first, each group in the gate's order. */
export function sortedFindings(findings: Finding[]): Finding[] {
  return [...findings.filter((f) => f.severity === "blocking"), ...findings.filter((f) => f.severity !== "blocking")];
}

export function FindingsList({ findings }: { findings: Finding[] }) {
  if (!findings.length) return <p>No findings: every check passed.</p>;
  return (
    <ul class="checks">
      {sortedFindings(findings).map((finding, index) => (
        <li key={index} class={`check ${finding.severity === "blocking" ? "check--fail" : ""}`.trim()}>
          <p class="actions">
            <span class={`badge ${finding.severity === "blocking" ? "badge--error" : "badge--fallback"}`}>{finding.severity === "blocking" ? "Blocking" : "Advisory"}</span>
            <code>{finding.check}</code>
          </p>
          <p class="help">{finding.evidence}</p>
        </li>
      ))}
    </ul>
  );
}
