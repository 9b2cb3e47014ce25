// Client-side fetch of a Redrive API route: unwraps { data } and turns { error } into an Error
// whose message is the operator's sentence. `url` is the app's own path ("/api/jobs"); the base path
// the app is served under (lib/base-path.ts) is added here, since Next.js does not add it to fetch.

import { withBasePath, withoutBasePath } from "@/lib/base-path";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly ref?: string,
    /** What the server added for the client to act on (e.g. the job holding the letters, on a 409). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Envelope<T> = { data: T } | { error: { code: string; message: string; ref?: string; details?: unknown } };

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(withBasePath(url), { ...init, headers: { accept: "application/json", ...init?.headers } });
  } catch {
    throw new ApiError("Redrive's server cannot be reached. Check your connection; the page retries on its own.", 0, "NETWORK");
  }
  let body: Envelope<T> | undefined;
  try {
    body = (await res.json()) as Envelope<T>;
  } catch {
    throw new ApiError(`Redrive's server answered HTTP ${res.status} without a readable body.`, res.status, "BAD_RESPONSE");
  }
  // The session ended (idle or too old): go and sign in, then come back to this very page.
  if (res.status === 401 && typeof window !== "undefined" && !url.startsWith("/api/auth/")) {
    window.location.assign(withBasePath(`/sign-in?next=${encodeURIComponent(withoutBasePath(window.location.pathname) + window.location.search)}`));
  }
  if ("error" in body) throw new ApiError(body.error.message, res.status, body.error.code, body.error.ref, body.error.details);
  return body.data;
}
