import "server-only";
import { auditTarget, jobAuditAction } from "@/lib/audit/actions";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { getJob } from "./get-job";
import { startJob } from "./start-job";
import type { JobSummary } from "./types";

const MOVES = {
  pause: { from: ["running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  cancel: { from: ["running", "paused"], to: "cancelling" },
} as const;

export type JobControl = keyof typeof MOVES;

/** What a control records beside the state: who paused and why; a resume starts the health gate's watch afresh. */
function controlData(control: JobControl, actor: string) {
  switch (control) {
    case "pause":
      return { pausedBy: "operator", pausedReason: `Paused by ${actor}.`, pausedAt: new Date() };
    case "resume":
      return { pausedBy: null, pausedReason: null, pausedAt: null, watchSince: new Date() };
    case "cancel":
      return {};
  }
}

/** Pause, resume or cancel: a state change the runner picks up within a chunk (well under a second). */
export async function controlJob(id: string, control: JobControl, actor: Principal, address: string | null): Promise<JobSummary> {
  const { prisma } = await getStore();
  const move = MOVES[control];
  await withAudit(prisma, { actor: actor.name, address, action: jobAuditAction(control), target: auditTarget.job(id), request: { job: id } }, async () => {
    const n = await prisma.redriveJob.updateMany({ where: { id, state: { in: [...move.from] } }, data: { state: move.to, ...controlData(control, actor.name) } });
    if (n.count === 0) {
      const job = await prisma.redriveJob.findUnique({ where: { id }, select: { state: true, number: true } });
      if (!job) throw new AppError("NOT_FOUND", "There is no such job.");
      throw new AppError("CONFLICT", `Job ${job.number} is ${job.state}; it cannot be ${control === "cancel" ? "cancelled" : `${control}d`} now.`);
    }
  });
  return getJob(id);
}

/** The operator's retry of a job's "unknown" and "failed" letters, as a new job. */
export async function retryJob(id: string, actor: Principal, address: string | null): Promise<JobSummary> {
  const { prisma } = await getStore();
  const job = await prisma.redriveJob.findUnique({ where: { id } });
  if (!job) throw new AppError("NOT_FOUND", "There is no such job.");
  if (["running", "paused", "cancelling"].includes(job.state)) throw new AppError("CONFLICT", `Job ${job.number} is still ${job.state}; retry its letters once it has stopped.`);
  const letters = await prisma.redriveJobLetter.findMany({ where: { jobId: id, outcome: { in: ["unknown", "failed"] } }, select: { letterId: true } });
  if (letters.length === 0) throw new AppError("CONFLICT", `Job ${job.number} has no unknown or failed letters to retry.`);
  return startJob(
    { action: job.action as "requeue" | "terminate" | "restore", scope: { kind: "letters", ids: letters.map((l) => l.letterId) }, rate: job.rate, includePoison: true, destination: job.destination ?? undefined },
    actor,
    address,
  );
}
