import "server-only";
import type { AuditAction } from "./actions";
import type { PrismaClient } from "@/lib/db/generated/client";
import { AppError, describeError } from "@/lib/errors";

export type AuditEvent = {
  actor: string;
  address?: string | null;
  /** "<resource>.<verb>", from the vocabulary in ./actions.ts. */
  action: AuditAction;
  target?: string | null;
  clusterId?: string | null;
  request?: Record<string, unknown>;
  /** How it went, in a word: "ok", "failed", "refused", … */
  result: string;
  detail?: Record<string, unknown> | null;
};

/**
 * Records something that happens in one moment — a sign-in that succeeded or failed, a user
 * changed, the audit log exported — as a single row with phase "event". Actions that change
 * brokers or letters use withAudit (an intent before, an outcome after) instead.
 * Returns the row's id. Throws STORE_UNAVAILABLE when the row could not be written, so a caller
 * that must not proceed unrecorded can stop.
 */
export async function recordEvent(prisma: PrismaClient, e: AuditEvent): Promise<string> {
  try {
    const row = await prisma.auditEvent.create({
      data: {
        actor: e.actor,
        address: e.address ?? null,
        action: e.action,
        phase: "event",
        target: e.target ?? null,
        clusterId: e.clusterId ?? null,
        request: (e.request ?? {}) as object,
        result: e.result,
        detail: (e.detail ?? undefined) as object | undefined,
      },
      select: { id: true },
    });
    return row.id.toString();
  } catch (err) {
    throw new AppError("STORE_UNAVAILABLE", `Redrive could not record "${e.action}" in its audit log (${describeError(err)}). Try again once the store is back.`, { cause: err });
  }
}
