import "server-only";
import { createHash } from "node:crypto";

// The canonical form every audit row is hashed over. The database writes it (audit_canonical and
// audit_row_hash in prisma/migrations/20261121040000_audit_chain); this is the same definition in
// JavaScript, so the verifier recomputes each hash without trusting the database's arithmetic.
// Change one, change both — and only with a new version tag, since old rows keep their hashes.
//
//   canonical = "v1" + for each field, in this order: "|" + enc(field)
//     id | at | actor | address | action | phase | intent_id | cluster_id | target | request | result | detail
//   enc(null) = "-";  enc(text) = <length of text in UTF-8 bytes> + ":" + text
//   hash      = lowercase hex SHA-256 of the UTF-8 bytes of prev_hash + "\n" + canonical
//
// Field texts: id and intent_id in decimal; at in UTC as YYYY-MM-DDTHH:MM:SS.mmmZ; cluster_id as
// lowercase hyphenated UUID; request and detail as PostgreSQL prints jsonb (request::text). The
// first row's prev_hash is GENESIS_HASH.

export const GENESIS_HASH = "0".repeat(64);

/** A row's fields as the text the hash is computed over (null where the column is NULL). */
export type AuditHashFields = {
  id: string;
  at: string;
  actor: string;
  address: string | null;
  action: string;
  phase: string;
  intentId: string | null;
  clusterId: string | null;
  target: string | null;
  request: string;
  result: string | null;
  detail: string | null;
};

/** SELECT list giving a row's fields in canonical text form, from audit_events aliased `a`. */
export const CANONICAL_COLUMNS_SQL = `a."id"::text AS id, to_char(a."at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at_text,
  a."actor", a."address", a."action", a."phase", a."intent_id"::text AS intent_id, a."cluster_id"::text AS cluster_id, a."target",
  a."request"::text AS request_text, a."result", a."detail"::text AS detail_text, a."prev_hash", a."hash"`;

export type CanonicalRow = {
  id: string;
  at_text: string;
  actor: string;
  address: string | null;
  action: string;
  phase: string;
  intent_id: string | null;
  cluster_id: string | null;
  target: string | null;
  request_text: string;
  result: string | null;
  detail_text: string | null;
  prev_hash: string | null;
  hash: string | null;
};

export function hashFieldsOf(r: CanonicalRow): AuditHashFields {
  return {
    id: r.id,
    at: r.at_text,
    actor: r.actor,
    address: r.address,
    action: r.action,
    phase: r.phase,
    intentId: r.intent_id,
    clusterId: r.cluster_id,
    target: r.target,
    request: r.request_text,
    result: r.result,
    detail: r.detail_text,
  };
}

function enc(v: string | null): string {
  return v === null ? "-" : `${Buffer.byteLength(v, "utf8")}:${v}`;
}

export function canonicalAuditText(f: AuditHashFields): string {
  return ["v1", f.id, f.at, f.actor, f.address, f.action, f.phase, f.intentId, f.clusterId, f.target, f.request, f.result, f.detail].map((v, i) => (i === 0 ? v : enc(v))).join("|");
}

export function auditRowHash(prevHash: string, f: AuditHashFields): string {
  return createHash("sha256").update(`${prevHash}\n${canonicalAuditText(f)}`, "utf8").digest("hex");
}
