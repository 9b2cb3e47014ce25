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
  // The end says how it went: the letters by outcome, as the job page counts them.
  const [outcomes, row] = await Promise.all([
    prisma.redriveJobLetter.groupBy({ by: ["outcome"], where: { jobId: job.id }, _count: { _all: true } }),
    prisma.redriveJob.findUnique({ where: { id: job.id }, select: { number: true, total: true } }),
  ]);
  const letters = Object.fromEntries(outcomes.map((o) => [o.outcome, o._count._all]));
  const detail = { jobNumber: row ? Number(row.number) : null, total: row?.total ?? outcomes.reduce((a, o) => a + o._count._all, 0), letters };
  await prisma.auditEvent.create({
    data: { actor: job.createdBy, action, phase: "outcome", intentId: intent?.id ?? null, target, result: state, request: {}, detail },
  });
}
