import "server-only";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { labelTargets } from "./label-targets";
import { AUDIT_ENTRY_COLUMNS, AUDIT_FROM, toAuditEntry, type AuditRow } from "./audit-row";
import { summariseChunk } from "./chunk-summary";
import type { AuditEntryDetail } from "./types";

/**
 * One audit entry and its partners: for an intent, the outcome(s) recorded for it; for an
 * outcome, its intent and any other outcome of the same intent. Events have none.
 */
export async function getAuditEvent(id: string): Promise<AuditEntryDetail> {
  const { prisma } = await getStore();
  const [row] = await prisma.$queryRawUnsafe<AuditRow[]>(`SELECT ${AUDIT_ENTRY_COLUMNS} FROM ${AUDIT_FROM} WHERE a."id" = $1::bigint`, id);
  if (!row) throw new AppError("NOT_FOUND", `The audit log has no entry ${id}.`);
  const intentId = row.phase === "intent" ? row.id : row.intent_id;
  const partners = intentId
    ? await prisma.$queryRawUnsafe<AuditRow[]>(
        `SELECT ${AUDIT_ENTRY_COLUMNS} FROM ${AUDIT_FROM} WHERE (a."id" = $1::bigint OR a."intent_id" = $1::bigint) AND a."id" <> $2::bigint ORDER BY a."id"`,
        intentId,
        row.id,
      )
    : [];
  const [entry, ...labelled] = await labelTargets(prisma, [row, ...partners].map((r) => summariseChunk(toAuditEntry(r))));
  return { entry: entry!, partners: labelled };
}
