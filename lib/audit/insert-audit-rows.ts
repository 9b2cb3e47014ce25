import "server-only";
import type { AuditAction } from "./actions";
import type { PrismaClient } from "@/lib/db/generated/client";

/** One audit row as a bulk writer gives it; `at`, `id` and the chain hashes are the database's. */
export type AuditRowInput = {
  actor: string;
  action: AuditAction;
  phase: "intent" | "outcome" | "event";
  target: string | null;
  address?: string | null;
  intentId?: bigint | null;
  clusterId?: string | null;
  request?: Record<string, unknown>;
  result?: string | null;
  detail?: unknown;
};

// Many rows in one INSERT of column arrays (the chain trigger stamps each, in id order), several
// times faster than createMany. (A running job writes one row per chunk instead: ./chunk-row-sql.ts.)
const INSERT = `INSERT INTO "audit_events" ("actor", "address", "action", "phase", "intent_id", "cluster_id", "target", "request", "result", "detail")
  SELECT u.actor, u.address, u.action, u.phase, u.intent_id, u.cluster_id, u.target, u.request::jsonb, u.result, u.detail::jsonb
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[])
    AS u(actor, address, action, phase, intent_id, cluster_id, target, request, result, detail)`;

function columns(rows: AuditRowInput[]): unknown[] {
  return [
    rows.map((r) => r.actor),
    rows.map((r) => r.address ?? null),
    rows.map((r) => r.action),
    rows.map((r) => r.phase),
    rows.map((r) => (r.intentId === null || r.intentId === undefined ? null : r.intentId.toString())),
    rows.map((r) => r.clusterId ?? null),
    rows.map((r) => r.target),
    rows.map((r) => JSON.stringify(r.request ?? {})),
    rows.map((r) => r.result ?? null),
    rows.map((r) => (r.detail === undefined || r.detail === null ? null : JSON.stringify(r.detail))),
  ];
}

/** Appends audit rows in one statement; usable inside a batch `$transaction([...])`. */
export function insertAuditRows(prisma: PrismaClient, rows: AuditRowInput[]) {
  return prisma.$executeRawUnsafe(INSERT, ...columns(rows));
}

/** The same, returning each row's id and target (to name intents from their outcomes). */
export function insertAuditRowsReturning(prisma: PrismaClient, rows: AuditRowInput[]) {
  return prisma.$queryRawUnsafe<Array<{ id: bigint; target: string | null }>>(`${INSERT} RETURNING "id", "target"`, ...columns(rows));
}
