import "server-only";
import { letterFiltersQuery, type LetterFiltersQuery } from "./letter-list-query";

// The filters every inbox view shares, turned into one SQL WHERE clause.

// The schema is the inbox's contract, shared with the client hooks and the page's URL.
export const letterFilters = letterFiltersQuery;
export type LetterFilters = LetterFiltersQuery;

/** `d` is dead_letters, `c` clusters. Returns the clause (without WHERE) and its parameters from $1. */
export function whereClause(f: LetterFilters, firstParam = 1): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${firstParam + params.length - 1}`;
  };
  if (f.cluster) parts.push(`c."name" = ${p(f.cluster)}`);
  if (f.source) parts.push(`d."source" = ${p(f.source)}`);
  if (f.reason) parts.push(`d."reason" = ${p(f.reason)}`);
  if (f.state.length) parts.push(`d."state" = ANY(${p(f.state)}::text[])`);
  if (f.from) parts.push(`d."captured_at" >= ${p(f.from)}::timestamptz`);
  if (f.to) parts.push(`d."captured_at" < ${p(f.to)}::timestamptz`);
  if (f.header) {
    const i = f.header.indexOf(":");
    parts.push(`d."headers" ->> ${p(f.header.slice(0, i).trim())} = ${p(f.header.slice(i + 1).trim())}`);
  }
  if (f.messageId) parts.push(`d."message_id" = ${p(f.messageId)}`);
  if (f.q) parts.push(`d."payload_text" ILIKE ${p("%" + f.q.replace(/[\\%_]/g, (m) => "\\" + m) + "%")}`);
  if (f.fingerprint) parts.push(`d."fingerprint" = ${p(f.fingerprint)}`);
  if (f.collectedFrom) parts.push(`d."collected_from" = ${p(f.collectedFrom)}`);
  if (f.bouncedFromJob) parts.push(`d."bounced_from_job_id" = ${p(f.bouncedFromJob)}::uuid`);
  return { sql: parts.length ? parts.join(" AND ") : "TRUE", params };
}
