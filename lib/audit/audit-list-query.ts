import { z } from "zod";
import { bigintId } from "@/lib/db/bigint-id";
import { AUDIT_EXPORT_FORMATS, AUDIT_PAGE_MAX, UUID_PATTERN } from "./audit-list-params";
import { AUDIT_PHASES } from "./types";

// The audit log's query schemas: GET /api/audit and /api/audit/export parse them. The browser's
// half of the contract is ./audit-list-params.ts, typed by them.

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

export const auditListQuery = auditFilters.extend({
  /** The nextCursor of the page before: rows older (smaller id) than it. */
  cursor: bigintId("must be a cursor Redrive gave out").optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
});

export type AuditListQuery = z.infer<typeof auditListQuery>;

export const auditExportQuery = auditFilters.extend({ format: z.enum(AUDIT_EXPORT_FORMATS).default("csv") });
export type AuditExportQuery = z.infer<typeof auditExportQuery>;
