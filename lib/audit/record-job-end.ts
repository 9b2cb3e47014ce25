import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { auditTarget, isAuditAction } from "./actions";

/**
 * A job's end is a second outcome of the intent that started it (the first says it started).
 * `action` is the job's own (requeue, terminate, restore), as stored.
 */
export async function recordJobEnd(
  prisma: PrismaClient,
  job: { id: string; action: string; createdBy: string },
  state: "completed" | "cancelled",
): Promise<void> {
  const action = `job.${job.action}`;
  if (!isAuditAction(action))
    throw new Error(`job ${job.id} has action "${job.action}", which has no "${action}" in the audit vocabulary (lib/audit/actions.ts)`);
  const target = auditTarget.job(job.id);
  const intent = await prisma.auditEvent.findFirst({ where: { target, action, phase: "intent" }, orderBy: { id: "asc" }, select: { id: true } });
  await prisma.auditEvent.create({
    data: { actor: job.createdBy, action, phase: "outcome", intentId: intent?.id ?? null, target, result: state, request: {} },
  });
}
