// Export buttons: each builds (or reuses) the file on the server, then downloads it under the
// name the server gives it.
import { useState } from "preact/hooks";
import { errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatBytes } from "../lib/format";
import { Spinner } from "./forms";

const FORMATS = [
  { format: "markdown", label: "Markdown" },
  { format: "json", label: "JSON" },
  { format: "pdf", label: "PDF" },
  { format: "scorm", label: "SCORM 1.2 package" },
] as const;

export function ExportPanel({ blueprintId, version }: { blueprintId: string; version?: number }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [pageSize, setPageSize] = useState<"a4" | "letter">("a4");

  async function exportAs(format: string, label: string) {
    setBusy(format);
    setMessage(null);
    try {
      const answer = await client.exportVersion(blueprintId, { format, ...(version ? { version } : {}), ...(format === "pdf" ? { pageSize } : {}) });
      const link = document.createElement("a");
      link.href = answer.downloadUrl;
      link.download = answer.filename;
      document.body.append(link);
      link.click();
      link.remove();
      setMessage({ kind: "ok", text: `${label} ready: ${answer.filename} (${formatBytes(answer.bytes)}), version ${answer.version}${answer.source === "fallback" ? " (curated draft)" : ""}.` });
    } catch (error) {
      setMessage({ kind: "error", text: `${label} export failed. ${errorText(error)}` });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export{version ? ` version ${version}` : ""}</h2>
      <div class="export-controls">
        <label class="inline-field">
          PDF page size
          <select value={pageSize} onChange={(event) => setPageSize(event.currentTarget.value as "a4" | "letter")}>
            <option value="a4">A4</option>
            <option value="letter">US Letter</option>
          </select>
        </label>
        <div class="button-row">
          {FORMATS.map(({ format, label }) => (
            <button key={format} type="button" class="button" disabled={busy !== null} aria-busy={busy === format} onClick={() => void exportAs(format, label)}>
              {busy === format ? <Spinner label={`Preparing ${label}…`} /> : `Download ${label}`}
            </button>
          ))}
        </div>
      </div>
      <p class={`export-status${message?.kind === "error" ? " error-text" : ""}`} role="status" aria-live="polite">{message?.text ?? ""}</p>
    </section>
  );
}
