import type { IncidentTarget } from "./types";

// Links in notifications carry absolute from/to: a link in yesterday's alert shows yesterday.

const BEFORE_MS = 30 * 60_000;
const AFTER_MS = 30 * 60_000;
const AFTER_RESOLVED_MS = 15 * 60_000;

/** The window around an incident: from before it began to a while after it fired (or resolved). */
export function incidentWindow(i: { startedAt: Date; firedAt: Date | null; resolvedAt: Date | null }): { from: string; to: string } {
  const from = new Date(i.startedAt.getTime() - BEFORE_MS);
  const to = i.resolvedAt ? new Date(i.resolvedAt.getTime() + AFTER_RESOLVED_MS) : new Date((i.firedAt ?? i.startedAt).getTime() + AFTER_MS);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** The page that explains a target, at a window: path and query, no host. */
export function targetHref(target: IncidentTarget, window: { from: string; to: string } | null): string {
  const range = window ? `from=${encodeURIComponent(window.from)}&to=${encodeURIComponent(window.to)}` : "";
  switch (target.type) {
    case "consumer":
      return `/consumers/${encodeURIComponent(target.id)}${range ? `?${range}` : ""}`;
    case "dlq":
      return `/dlqs/${encodeURIComponent(target.id)}${range ? `?${range}` : ""}`;
    case "source":
      // The queue whose dead letters are dropped: its own page shows its dead-letter settings and the problem.
      return target.consumerId ? `/consumers/${encodeURIComponent(target.consumerId)}${range ? `?${range}` : ""}` : `/dead-letters?cluster=${encodeURIComponent(target.cluster)}`;
    case "job":
      return `/jobs/${encodeURIComponent(target.id)}`;
  }
}

export function absoluteLink(publicUrl: string, href: string): string {
  return publicUrl.replace(/\/+$/, "") + href;
}
