import "server-only";
import { auditTarget } from "./actions";
import { UUID_PATTERN } from "./audit-list-params";
import { letterRowsSql } from "./chunk-row-sql";
import type { AuditFilters } from "./audit-list-query";

// The filters the audit list and its export share, turned into one SQL WHERE clause over audit_events `a`.

// The schema is the audit log's contract, shared with the client hook and the page's URL.
export { auditFilters, type AuditFilters } from "./audit-list-query";

const LETTER_TARGET = new RegExp(`^${auditTarget.letter("")}(${UUID_PATTERN.source.slice(1, -1)})$`);

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
    if (UUID_PATTERN.test(f.cluster)) parts.push(`a."cluster_id" = ${p(f.cluster.toLowerCase())}::uuid`);
    else parts.push(`a."cluster_id" IN (SELECT c."id" FROM "clusters" c WHERE c."name" = ${p(f.cluster)})`);
  }
  // A letter's rows include the chunk rows of the jobs that moved it (target job:<id>, indexed by letter).
  const letterTarget = f.target ? LETTER_TARGET.exec(f.target) : null;
  if (letterTarget) parts.push(letterRowsSql(letterTarget[1]!, p));
  else if (f.target) parts.push(`a."target" = ${p(f.target)}`);
  if (f.letter) parts.push(letterRowsSql(f.letter, p));
  if (f.job) {
    const id = f.job.toLowerCase();
    parts.push(`(a."target" = ${p(auditTarget.job(id))} OR COALESCE(a."request" ->> 'job', a."detail" ->> 'job') = ${p(id)})`);
  }
  if (f.phase.length) parts.push(`a."phase" = ANY(${p(f.phase)}::text[])`);
  if (f.result) parts.push(`a."result" = ${p(f.result)}`);
  if (f.from) parts.push(`a."at" >= ${p(f.from)}::timestamptz`);
  if (f.to) parts.push(`a."at" < ${p(f.to)}::timestamptz`);
  return { sql: parts.length ? parts.join(" AND ") : "TRUE", params };
}
