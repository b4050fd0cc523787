// Syllabi: the signed-in person's own, or for reviewers and admins the team's, newest first;
// reviewers can narrow the list to the ones waiting for them.
import { useEffect, useState } from "preact/hooks";
import { errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatDate } from "../lib/format";
import { currentUser } from "../lib/session";
import type { SyllabusSummary } from "../lib/types";
import { Notice, Spinner } from "../components/forms";
import { PageHeading } from "../components/Layout";
import { StatusBadge } from "./SyllabusPage";

export function SyllabiPage({ waiting }: { waiting: boolean }) {
  const [items, setItems] = useState<SyllabusSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const role = currentUser()?.role;
  const reviews = role === "reviewer" || role === "admin";
  const filtered = reviews && waiting;

  async function load() {
    setError(null);
    setItems(null);
    try {
      setItems((await client.syllabi(filtered ? "IN_REVIEW" : null)).syllabi);
    } catch (failure) {
      setError(errorText(failure));
    }
  }
  useEffect(() => {
    void load();
  }, [filtered]);

  return (
    <div>
      <PageHeading focusKey={filtered ? "syllabi-waiting" : "syllabi"}>{filtered ? "Syllabi waiting for review" : "Syllabi"}</PageHeading>
      <p class="lead">
        {reviews
          ? "Your team's syllabi. Each is split from a completed blueprint version and reviewed before any content is written for it."
          : "Your syllabi. Create one from a completed version of a blueprint, then submit it for review."}
      </p>
      {reviews ? (
        <nav aria-label="Filter syllabi" class="blueprint-nav">
          <ol>
            <li class={filtered ? "" : "current"}>{filtered ? <a href="/syllabi">All</a> : <a href="/syllabi" aria-current="page">All</a>}</li>
            <li class={filtered ? "current" : ""}>{filtered ? <a href="/syllabi?status=IN_REVIEW" aria-current="page">Waiting for review</a> : <a href="/syllabi?status=IN_REVIEW">Waiting for review</a>}</li>
          </ol>
        </nav>
      ) : null}
      {error ? (
        <Notice kind="error">{error} <button type="button" class="link-button" onClick={() => void load()}>Try again</button></Notice>
      ) : items === null ? (
        <Spinner label="Loading the syllabi…" />
      ) : items.length === 0 ? (
        <div class="empty-state">
          <h2>{filtered ? "Nothing is waiting for review" : "No syllabi yet"}</h2>
          <p>{filtered ? "Syllabi appear here when their authors submit them." : "Open a version of a completed blueprint and choose “Create syllabus”."}</p>
        </div>
      ) : (
        <ul class="blueprint-list" aria-label="Syllabi">
          {items.map((item) => (
            <li key={item.id} class="blueprint-row">
              <div class="blueprint-row-main">
                <a class="blueprint-link" href={`/syllabi/${item.id}`}>{item.title}</a>
                <StatusBadge status={item.status} />
                {item.source === "fallback" ? <span class="badge badge--fallback">Curated split</span> : null}
              </div>
              <div class="blueprint-row-meta">
                <span>Blueprint version {item.version}</span>
                <span>{item.approvedAt ? `Approved ${formatDate(item.approvedAt)}` : `Updated ${formatDate(item.updatedAt)}`}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
