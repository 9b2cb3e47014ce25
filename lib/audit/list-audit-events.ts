import "server-only";
import { z } from "zod";
import { getStore } from "@/lib/db/get-store";
import { bigintId } from "@/lib/db/bigint-id";
import { auditFilters, auditWhere } from "./audit-filters";
import { AUDIT_ENTRY_COLUMNS, AUDIT_FROM, toAuditEntry, type AuditRow } from "./audit-row";
import type { AuditPage } from "./types";

export const AUDIT_PAGE_MAX = 500;

export const auditListQuery = auditFilters.extend({
  /** The nextCursor of the page before: rows older (smaller id) than it. */
  cursor: bigintId("must be a cursor Redrive gave out").optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
});

export type AuditListQuery = z.infer<typeof auditListQuery>;

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
  return { items: page.map(toAuditEntry), nextCursor: rows.length > q.limit && last ? last.id : null };
}
