import "server-only";
import { z } from "zod";
import { AUDIT_PHASES } from "./types";

// The filters the audit list and its export share, parsed from the query string and turned into
// one SQL WHERE clause over audit_events `a`.

const uuid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a UUID");

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
    .transform((v) => (v ? v.split(",").map((s) => s.trim()).filter(Boolean) : []))
    .pipe(z.array(z.enum(AUDIT_PHASES))),
  result: z.string().trim().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export type AuditFilters = z.infer<typeof auditFilters>;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => "\\" + m);

/** The clause (without WHERE) and its parameters, numbered from `firstParam`. */
export function auditWhere(f: AuditFilters, firstParam = 1): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${firstParam + params.length - 1}`;
  };
  if (f.actor) parts.push(`a."actor" = ${p(f.actor)}`);
  if (f.action) {
    const prefix = f.action.endsWith("*") ? f.action.slice(0, -1) : f.action.endsWith(".") ? f.action : null;
    if (prefix === null) parts.push(`a."action" = ${p(f.action)}`);
    else if (prefix !== "") parts.push(`a."action" LIKE ${p(likeEscape(prefix) + "%")}`);
  }
  if (f.cluster) {
    if (uuid.safeParse(f.cluster).success) parts.push(`a."cluster_id" = ${p(f.cluster.toLowerCase())}::uuid`);
    else parts.push(`a."cluster_id" IN (SELECT c."id" FROM "clusters" c WHERE c."name" = ${p(f.cluster)})`);
  }
  if (f.target) parts.push(`a."target" = ${p(f.target)}`);
  if (f.letter) parts.push(`a."target" = ${p(`letter:${f.letter.toLowerCase()}`)}`);
  if (f.job) {
    const id = f.job.toLowerCase();
    parts.push(`(a."target" = ${p(`job:${id}`)} OR COALESCE(a."request" ->> 'job', a."detail" ->> 'job') = ${p(id)})`);
  }
  if (f.phase.length) parts.push(`a."phase" = ANY(${p(f.phase)}::text[])`);
  if (f.result) parts.push(`a."result" = ${p(f.result)}`);
  if (f.from) parts.push(`a."at" >= ${p(f.from)}::timestamptz`);
  if (f.to) parts.push(`a."at" < ${p(f.to)}::timestamptz`);
  return { sql: parts.length ? parts.join(" AND ") : "TRUE", params };
}
