import "server-only";
import type { AuditEntry, AuditPhase } from "./types";

// How an audit row is read for the API, the pages and the export: the time as the same text the
// hash covers, ids as decimal text (bigint does not survive JSON), and the cluster's name when it
// is still known.

export const AUDIT_ENTRY_COLUMNS = `a."id"::text AS id, to_char(a."at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
  a."actor", a."address", a."action", a."phase", a."intent_id"::text AS intent_id, a."target", a."cluster_id"::text AS cluster_id,
  c."name" AS cluster, a."request", a."request"::text AS request_text, a."result", a."detail", a."detail"::text AS detail_text,
  a."prev_hash", a."hash"`;

/** FROM clause matching AUDIT_ENTRY_COLUMNS. */
export const AUDIT_FROM = `"audit_events" a LEFT JOIN "clusters" c ON c."id" = a."cluster_id"`;

export type AuditRow = {
  id: string;
  at: string;
  actor: string;
  address: string | null;
  action: string;
  phase: string;
  intent_id: string | null;
  target: string | null;
  cluster_id: string | null;
  cluster: string | null;
  request: unknown;
  /** request exactly as the hash covers it (jsonb::text), for the CSV export. */
  request_text: string;
  result: string | null;
  detail: unknown;
  detail_text: string | null;
  prev_hash: string;
  hash: string;
};

export function toAuditEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    address: r.address,
    action: r.action,
    phase: r.phase as AuditPhase,
    intentId: r.intent_id,
    target: r.target,
    clusterId: r.cluster_id,
    cluster: r.cluster,
    request: r.request,
    result: r.result,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
