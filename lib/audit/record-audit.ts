import "server-only";
import type { AuditAction } from "./actions";
import type { PrismaClient } from "@/lib/db/generated/client";
import { AppError, describeError, isRefusal } from "@/lib/errors";

export type AuditIntent = {
  actor: string;
  address?: string | null;
  action: AuditAction;
  target: string;
  clusterId?: string | null;
  request: Record<string, unknown>;
};

/**
 * Runs an action between an intent row (phase "intent"), written before anything is touched, and
 * an outcome row (phase "outcome", naming its intent: "ok", "refused" or "failed"). No intent row, no action: if the intent
 * cannot be written the action does not run (fail closed). Something that happens in one moment
 * is recorded with recordEvent (phase "event") instead. Every row joins the log's hash chain.
 */
export async function withAudit<T>(prisma: PrismaClient, intent: AuditIntent, action: () => Promise<T>, outcomeDetail?: (value: T) => Record<string, unknown>): Promise<T> {
  let intentId: bigint;
  try {
    const row = await prisma.auditEvent.create({
      data: { actor: intent.actor, address: intent.address ?? null, action: intent.action, phase: "intent", target: intent.target, clusterId: intent.clusterId ?? null, request: intent.request as object },
    });
    intentId = row.id;
  } catch (e) {
    throw new AppError("STORE_UNAVAILABLE", `Nothing was done: Redrive could not record the action in its audit log (${describeError(e)}). Try again once the store is back.`, { cause: e });
  }
  const outcome = (result: string, detail: unknown) =>
    prisma.auditEvent.create({
      data: { actor: intent.actor, address: intent.address ?? null, action: intent.action, phase: "outcome", intentId, target: intent.target, clusterId: intent.clusterId ?? null, result, detail: detail as object },
    });
  try {
    const value = await action();
    await outcome("ok", outcomeDetail?.(value) ?? {});
    return value;
  } catch (e) {
    // A refusal (see lib/errors.ts) touched nothing: its outcome says so, with the reason given.
    await (isRefusal(e) ? outcome("refused", { reason: e.message }) : outcome("failed", { error: describeError(e) })).catch(() => undefined);
    throw e;
  }
}
