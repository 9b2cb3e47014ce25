import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { AuditRowInput } from "./insert-audit-rows";

// One chained audit row naming many letters, and its index rows (audit_event_letters), written by
// a single statement: no transaction is held open across round trips, so nothing can expire
// between them, and the chain head's lock is held for one statement only. Callers add their own
// writes to the same statement as further CTEs, so the row and what it records commit together.

/** Appends `v` to `params` and returns its placeholder. */
export function paramOf(params: unknown[]): (v: unknown) => string {
  return (v) => {
    params.push(v);
    return `$${params.length}`;
  };
}

/**
 * CTEs `ev` (the row appended to the chain; ev.id is its id) and `evl` (one index row per letter),
 * to open a WITH clause. Their parameters are appended to `params`.
 */
export function chunkRowCtes(row: AuditRowInput, letterIds: string[], params: unknown[]): string {
  const p = paramOf(params);
  const intentId = row.intentId === null || row.intentId === undefined ? null : row.intentId.toString();
  const detail = row.detail === undefined || row.detail === null ? null : JSON.stringify(row.detail);
  return `ev AS (
      INSERT INTO "audit_events" ("actor", "address", "action", "phase", "intent_id", "cluster_id", "target", "request", "result", "detail")
      VALUES (${p(row.actor)}, ${p(row.address ?? null)}, ${p(row.action)}, ${p(row.phase)}, ${p(intentId)}::int8, ${p(row.clusterId ?? null)}::uuid, ${p(row.target)},
              ${p(JSON.stringify(row.request ?? {}))}::jsonb, ${p(row.result ?? null)}, ${p(detail)}::jsonb)
      RETURNING "id"),
    evl AS (INSERT INTO "audit_event_letters" ("letter_id", "event_id") SELECT DISTINCT u."letter_id", ev."id" FROM ev, unnest(${p(letterIds)}::uuid[]) AS u("letter_id"))`;
}

/** The row and its index rows alone; returns the row's id. */
export async function insertChunkRow(prisma: PrismaClient, row: AuditRowInput, letterIds: string[]): Promise<bigint> {
  const params: unknown[] = [];
  const [r] = await prisma.$queryRawUnsafe<Array<{ id: string }>>(`WITH ${chunkRowCtes(row, letterIds, params)} SELECT ev."id"::text AS id FROM ev`, ...params);
  return BigInt(r!.id);
}

/**
 * A letter's rows: those that name it by target (single actions, and job rows written before chunk
 * rows) and the chunk rows indexed to it. A condition over audit_events `a`. The ids are gathered
 * first, from both indexes, and matched by primary key: written as "target = … OR id IN (…)" the
 * planner walks the whole log backwards by id instead (1.3 s at a million rows; this: under 1 ms).
 */
export function letterRowsSql(letterId: string, p: (v: unknown) => string): string {
  const id = letterId.toLowerCase();
  return `a."id" = ANY(ARRAY(SELECT t."id" FROM "audit_events" t WHERE t."target" = ${p(`letter:${id}`)}
    UNION ALL SELECT al."event_id" FROM "audit_event_letters" al WHERE al."letter_id" = ${p(id)}::uuid))`;
}
