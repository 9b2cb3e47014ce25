import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { listDlqs } from "./list-dlqs";
import { GONE_PROBLEM } from "./collector/sync-dlqs";
import type { DlqInfo } from "./types";

export const adoptionBody = z.object({ cluster: z.string().min(1).max(100), name: z.string().min(1).max(500), adopted: z.boolean() });

/** Adopting a DLQ makes the collector consume it into the inbox (within a few seconds); releasing stops that. */
export async function setDlqAdoption(input: z.infer<typeof adoptionBody>, actor: Principal, address: string | null): Promise<DlqInfo> {
  const { prisma } = await getStore();
  const dlq = await prisma.dlq.findFirst({ where: { name: input.name, cluster: { name: input.cluster } } });
  if (!dlq) throw new AppError("NOT_FOUND", `Redrive knows no dead-letter queue ${input.name} on ${input.cluster}. Only queues found as dead-letter targets (or listed in the configuration) can be adopted.`);
  if (input.adopted && dlq.problem === GONE_PROBLEM) {
    throw new AppError("CONFLICT", `${input.name} is no longer on ${input.cluster} (or no longer in a watched vhost), so there is nothing to collect from it.`);
  }
  await withAudit(
    prisma,
    { actor: actor.name, address, action: input.adopted ? "dlq.adopt" : "dlq.release", target: auditTarget.dlq(input.cluster, input.name), clusterId: dlq.clusterId, request: input },
    () => prisma.dlq.update({ where: { id: dlq.id }, data: { adopted: input.adopted, adoptedBy: input.adopted ? actor.name : null, adoptedAt: input.adopted ? new Date() : null } }),
  );
  const after = (await listDlqs()).dlqs.find((d) => d.cluster === input.cluster && d.name === input.name);
  if (!after) throw new AppError("INTERNAL", "The adoption was recorded but the queue could not be read back.");
  return after;
}
