import "server-only";
import { getStore } from "@/lib/db/get-store";
import type { AuditListQuery } from "./audit-list-query";
import { auditWhere } from "./audit-filters";
import { labelTargets } from "./label-targets";
import { AUDIT_ENTRY_COLUMNS, AUDIT_FROM, toAuditEntry, type AuditRow } from "./audit-row";
import { summariseChunk } from "./chunk-summary";
import type { AuditPage } from "./types";

export { AUDIT_PAGE_MAX } from "./audit-list-params";
export { auditListQuery, type AuditListQuery } from "./audit-list-query";

/** Newest first, keyset-paged on id (chain order): page 10,000 costs what page 1 does. */
export async function listAuditEvents(q: AuditListQuery): Promise<AuditPage> {
  const { prisma } = await getStore();
  const where = auditWhere(q);
  const params = [...where.params];
  let sql = `SELECT ${AUDIT_ENTRY_COLUMNS} FROM ${AUDIT_FROM} WHERE ${where.sql}`;
  if (q.cursor) {
    params.push(q.cursor);
    sql += ` AND a."id" < $${params.length}::bigint`;
  }
  params.push(q.limit + 1);
  sql += ` ORDER BY a."id" DESC LIMIT $${params.length}`;
  const rows = await prisma.$queryRawUnsafe<AuditRow[]>(sql, ...params);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  // A job's chunk rows: how many letters each names (and, narrowed to a letter, its own result), not the letters themselves.
  const letterId = q.letter ?? (q.target?.startsWith("letter:") ? q.target.slice("letter:".length) : undefined);
  const entries = page.map((r) => summariseChunk(toAuditEntry(r), { letterId, compact: true }));
  return { items: await labelTargets(prisma, entries), nextCursor: rows.length > q.limit && last ? last.id : null };
}
