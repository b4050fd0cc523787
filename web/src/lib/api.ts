// The one way the UI talks to the API: JSON in and out, errors as ApiError, and a single
// silent session refresh when an access token has expired.
import { refreshSession, sessionEnded } from "./session";

export type FieldIssue = { field: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: unknown,
    readonly requestId: string | null,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
  }

  /** The `[{field, message}]` details of a 400, keyed by field path. */
  fieldIssues(): Record<string, string> {
    const issues: Record<string, string> = {};
    if (Array.isArray(this.details)) {
      for (const item of this.details as FieldIssue[]) {
        if (item && typeof item.field === "string") issues[item.field] = item.message;
      }
    }
    return issues;
  }

  /** A sentence a person can act on. */
  describe(): string {
    if (this.status === 0) return "The server could not be reached. Check your connection and try again.";
    if (this.status === 429) {
      const wait = this.retryAfterSeconds ? ` Try again in ${waitText(this.retryAfterSeconds)}.` : " Try again later.";
      return `Too many requests.${wait}`;
    }
    if (this.status >= 500) return `Something went wrong on our side (${this.status}). Try again${this.requestId ? `; reference ${this.requestId}` : ""}.`;
    return this.message;
  }
}

function waitText(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

export type Options = { body?: unknown; signal?: AbortSignal; headers?: Record<string, string>; noRefresh?: boolean; keepalive?: boolean };

/** Sends a request; on a 401 refreshes the session once and retries. */
export async function request<T>(method: string, path: string, options: Options = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 401 && !options.noRefresh && !path.startsWith("/api/auth/")) {
    if (await refreshSession()) return parse<T>(await send(method, path, options));
    sessionEnded();
  }
  return parse<T>(response);
}

/** The raw response (for streams), after the same refresh-once rule. */
export async function requestRaw(method: string, path: string, options: Options = {}): Promise<Response> {
  let response = await send(method, path, options);
  if (response.status === 401 && !options.noRefresh) {
    if (await refreshSession()) response = await send(method, path, options);
    else sessionEnded();
  }
  if (!response.ok) await parse(response);
  return response;
}

async function send(method: string, path: string, options: Options): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  try {
    return await fetch(path, { method, headers, body, signal: options.signal, credentials: "same-origin", keepalive: options.keepalive });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "Network error", null, null, null);
  }
}

async function parse<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.ok) return data as T;
  const body = (data ?? {}) as { error?: string; details?: unknown; requestId?: string };
  const retryAfter = Number(response.headers.get("retry-after"));
  throw new ApiError(
    response.status,
    body.error ?? `Request failed (${response.status})`,
    body.details ?? null,
    body.requestId ?? response.headers.get("x-request-id"),
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}

export const api = {
  get: <T>(path: string, options?: Options) => request<T>("GET", path, options),
  post: <T>(path: string, body?: unknown, options?: Options) => request<T>("POST", path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: Options) => request<T>("PATCH", path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: Options) => request<T>("PUT", path, { ...options, body }),
  del: <T>(path: string, options?: Options) => request<T>("DELETE", path, options),
};

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return "Something unexpected happened. Reload the page and try again.";
}
