import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import type { ExpectedCreate } from "./expected-inputs";

/** Adds an expected consumer; the sampler holds the cluster to it from its next sweep. */
export async function createExpectedConsumer(input: ExpectedCreate, actor: Principal, address: string | null): Promise<{ id: string }> {
  const config = getConfig();
  const cluster = config.clusters.find((c) => c.name === input.cluster);
  if (!cluster) throw new AppError("INVALID_INPUT", `There is no cluster named "${input.cluster}". Pick one of ${config.clusters.map((c) => c.name).join(", ")}.`);
  if ((cluster.expected ?? []).some((e) => e.key === input.key)) {
    throw new AppError("CONFLICT", `${input.key} on ${input.cluster} is already expected by the configuration file; change it there.`);
  }
  const { prisma } = await getStore();
  if (await prisma.expectedConsumer.findUnique({ where: { cluster_key: { cluster: input.cluster, key: input.key } } })) {
    throw new AppError("CONFLICT", `${input.key} on ${input.cluster} is already expected.`);
  }
  const row = await withAudit(prisma, { actor: actor.name, address, action: "expected-consumer.create", target: auditTarget.expectedConsumer(input.cluster, input.key), request: input }, () =>
    prisma.expectedConsumer.create({ data: { cluster: input.cluster, key: input.key, minConsumers: input.minConsumers, createdBy: actor.name } }),
  );
  return { id: row.id };
}
