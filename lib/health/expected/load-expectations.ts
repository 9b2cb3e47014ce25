import "server-only";
import type { ClusterConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { Expectation } from "../expected-consumers";

/** A cluster's expectations: the configuration's, then those an admin added (read each sweep, so a change applies at the next). */
export async function loadExpectations(prisma: PrismaClient, cluster: ClusterConfig): Promise<Expectation[]> {
  const stored = await prisma.expectedConsumer.findMany({ where: { cluster: cluster.name }, orderBy: { key: "asc" } });
  return [...(cluster.expected ?? []), ...stored.map((e) => ({ cluster: e.cluster, key: e.key, minConsumers: e.minConsumers }))];
}
