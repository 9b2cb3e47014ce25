import { z } from "zod";
import { AUDIT_PHASES, type AuditPhase } from "./types";
import { bigintId } from "@/lib/db/bigint-id";
import { toSearchParams } from "@/lib/search-params";

// The audit log's query, once: the routes parse it (GET /api/audit and /api/audit/export), the
// client hook and the export link build it, the page's URL carries the same names. Client-safe.

/** A UUID in any letter case (rows keep them lower case; links may not). */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const uuid = z.string().regex(UUID_PATTERN, "must be a UUID");

/** The filters the audit list and its export share. */
export const auditFilters = z.object({
  actor: z.string().trim().min(1).max(200).optional(),
  /** Exact ("job.requeue"), or a prefix ending in "." or "*" ("job." and "job*" both match job.requeue). */
  action: z.string().trim().min(1).max(200).optional(),
  /** The cluster's name, or its id (rows keep the id after the cluster is gone). */
  cluster: z.string().trim().min(1).max(100).optional(),
  /** Exact target, e.g. "letter:<uuid>", "job:<uuid>", "dlq:<cluster>/<vhost>/<queue>". */
  target: z.string().trim().min(1).max(600).optional(),
  /** A letter's rows: target letter:<id>. */
  letter: uuid.optional(),
  /** A job's rows: target job:<id>, and its letters' rows (request or detail names the job). */
  job: uuid.optional(),
  phase: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(z.enum(AUDIT_PHASES))),
  result: z.string().trim().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export type AuditFilters = z.infer<typeof auditFilters>;

export const AUDIT_PAGE_MAX = 500;

export const auditListQuery = auditFilters.extend({
  /** The nextCursor of the page before: rows older (smaller id) than it. */
  cursor: bigintId("must be a cursor Redrive gave out").optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
});

export type AuditListQuery = z.infer<typeof auditListQuery>;

export const AUDIT_EXPORT_FORMATS = ["csv", "json"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

export const auditExportQuery = auditFilters.extend({ format: z.enum(AUDIT_EXPORT_FORMATS).default("csv") });
export type AuditExportQuery = z.infer<typeof auditExportQuery>;

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
