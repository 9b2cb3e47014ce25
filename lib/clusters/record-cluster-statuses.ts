import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { ensureCluster } from "./ensure-cluster";
import type { ClusterStatus } from "./cluster-status";
import type { PriorStatus } from "./cluster-monitor";

/** Upserts what the monitor last saw of each cluster (the `clusters` table). */
export async function recordClusterStatuses(prisma: PrismaClient, statuses: ClusterStatus[]): Promise<void> {
  for (const s of statuses) {
    if (s.checkedAt === null) continue;
    const fields = {
      kind: s.kind,
      lastCheckedAt: new Date(s.checkedAt),
      reachable: s.reachable,
      serverVersion: s.lastKnownVersion,
      managementOk: s.management ? s.management.ok : null,
      lastError: s.error,
      stateSince: new Date(s.since),
    };
    const id = await ensureCluster(prisma, s.name, s.kind);
    await prisma.cluster.update({ where: { id }, data: fields });
  }
}

/** What the store remembers of each cluster from an earlier run. */
export async function loadClusterPriors(prisma: PrismaClient): Promise<Map<string, PriorStatus>> {
  const rows = await prisma.cluster.findMany();
  const priors = new Map<string, PriorStatus>();
  for (const r of rows) {
    if (!r.stateSince) continue;
    priors.set(r.name, { state: !r.reachable ? "down" : r.lastError ? "degraded" : "up", since: r.stateSince, version: r.serverVersion });
  }
  return priors;
}
