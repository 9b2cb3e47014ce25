import { toSearchParams } from "@/lib/search-params";
import type { auditExportQuery, auditFilters, auditListQuery } from "./audit-list-query";
import type { AuditPhase } from "./types";

// The browser's half of the audit log's contract: the filters the page holds and the API query
// strings the hook and the export link send, typed by the routes' schemas (./audit-list-query.ts).
// No zod at run time.

/** A UUID in any letter case (rows keep them lower case; links may not). */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const AUDIT_PAGE_MAX = 500;

export const AUDIT_EXPORT_FORMATS = ["csv", "json"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

/** Everything the audit log can be narrowed by, as the browser holds it; undefined / empty means "all". */
export type AuditLogFilters = {
  actor?: string;
  /** Exact, or a prefix ending in "." or "*". */
  action?: string;
  /** A cluster's name (or id). */
  cluster?: string;
  target?: string;
  letter?: string;
  job?: string;
  phases: AuditPhase[];
  result?: string;
  /** Absolute ISO times. */
  from?: string;
  to?: string;
};

/** The filters as the API's query parameters (the list and the export share them). */
export function auditFilterParams(f: AuditLogFilters): URLSearchParams {
  return toSearchParams<typeof auditFilters>({
    actor: f.actor || undefined,
    action: f.action || undefined,
    cluster: f.cluster || undefined,
    target: f.target || undefined,
    letter: f.letter || undefined,
    job: f.job || undefined,
    phase: f.phases.length ? f.phases.join(",") : undefined,
    result: f.result || undefined,
    from: f.from || undefined,
    to: f.to || undefined,
  });
}

/** One page of the list: the filters, then where to continue and how many. */
export function auditListParams(f: AuditLogFilters, cursor: string | null, limit: number): URLSearchParams {
  const p = auditFilterParams(f);
  const page = toSearchParams<typeof auditListQuery>({ cursor: cursor || undefined, limit: String(limit) });
  for (const [k, v] of page) p.set(k, v);
  return p;
}

/** The download of every entry the filters match. */
export function auditExportParams(f: AuditLogFilters, format: AuditExportFormat): URLSearchParams {
  const p = auditFilterParams(f);
  const extra = toSearchParams<typeof auditExportQuery>({ format });
  for (const [k, v] of extra) p.set(k, v);
  return p;
}
