// Labelled form controls with their error and help text wired for assistive technology.
import type { ComponentChildren } from "preact";
import type { Remedy, SaveState } from "../lib/autosave";

let counter = 0;
export const uniqueId = (prefix: string) => `${prefix}-${++counter}`;

type FieldProps = {
  id: string;
  label: string;
  error?: string | null;
  help?: string | null;
  required?: boolean;
  children: ComponentChildren;
};

/** A label, the control (whose id is `id`), then help and error text it is described by. */
export function Field({ id, label, error, help, required, children }: FieldProps) {
  return (
    <div class={`field${error ? " field--invalid" : ""}`}>
      <label for={id}>
        {label}
        {required ? <span class="required" aria-hidden="true"> *</span> : null}
      </label>
      {help ? <p class="help" id={`${id}-help`}>{help}</p> : null}
      {children}
      <p class="error" id={`${id}-error`} role={error ? "alert" : undefined}>{error ?? ""}</p>
    </div>
  );
}

/** The aria attributes a control inside `Field` needs. */
export function describedBy(id: string, error?: string | null, help?: string | null) {
  const ids = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(" ");
  return { "aria-describedby": ids, "aria-invalid": error ? ("true" as const) : ("false" as const) };
}

export function SaveIndicator({ state, failure, remedy, onRetry }: { state: SaveState; failure: string | null; remedy: Remedy; onRetry: () => void }) {
  const text = state === "saving" ? "Saving…" : state === "saved" ? "Saved" : state === "failed" ? failure ?? "Not saved" : "";
  return (
    <div class={`save-indicator save-indicator--${state}`} role="status" aria-live="polite">
      <span>{text}</span>
      {state === "failed" && remedy === "retry" ? <button type="button" class="link-button" onClick={onRetry}>Retry</button> : null}
      {state === "failed" && remedy === "reload" ? <button type="button" class="link-button" onClick={() => location.reload()}>Reload</button> : null}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <span class="spinner-wrap">
      <span class="spinner" aria-hidden="true" />
      <span>{label}</span>
    </span>
  );
}

export function Notice({ kind, children }: { kind: "error" | "warning" | "info" | "success"; children: ComponentChildren }) {
  return <div class={`notice notice--${kind}`} role={kind === "error" ? "alert" : undefined}>{children}</div>;
}
