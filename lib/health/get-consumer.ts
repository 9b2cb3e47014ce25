import "server-only";
import { DEFAULT_THRESHOLDS, getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { toSummary } from "./to-summary";
import type { ConsumerDetail } from "./types";

export async function getConsumer(id: string): Promise<ConsumerDetail> {
  const { prisma } = await getStore();
  const r = await prisma.consumer.findUnique({ where: { id }, include: { cluster: { select: { name: true, deadLetterProblems: true, lastSampledAt: true } } } });
  if (!r) throw new AppError("NOT_FOUND", "This consumer is not known to Redrive (any more). It may have been deleted before Redrive last sampled it.");
  const cluster = getConfig().clusters.find((c) => c.name === r.cluster.name);
  const dlq = r.role === "dlq" ? await prisma.dlq.findUnique({ where: { clusterId_name: { clusterId: r.clusterId, name: r.key } }, select: { id: true } }) : null;
  return {
    ...toSummary(r),
    key: r.key,
    firstSeenAt: r.firstSeenAt.toISOString(),
    goneAt: r.goneAt?.toISOString() ?? null,
    config: (r.config ?? {}) as Record<string, unknown>,
    redeliveredNow: r.redeliveredNow === null ? null : Number(r.redeliveredNow),
    thresholds: cluster?.health ?? DEFAULT_THRESHOLDS,
    dlqId: dlq?.id ?? null,
    deadLetterProblem: (Array.isArray(r.cluster.deadLetterProblems) ? (r.cluster.deadLetterProblems as Array<{ source: string; problem: string }>) : []).find((p) => p.source === r.key)?.problem ?? null,
  };
}
