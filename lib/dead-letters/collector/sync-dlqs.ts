import "server-only";
import type { FoundDeadLetterSource, SourceProblem } from "@/lib/brokers/dead-letter-source";
import type { PrismaClient } from "@/lib/db/generated/client";

export const GONE_PROBLEM = "no longer found on the broker";

/** Records a discovery walk of a cluster: the dead-letter sources found, and the sources whose dead letters are dropped. */
export async function recordDiscovery(prisma: PrismaClient, clusterId: string, found: FoundDeadLetterSource[], problems: SourceProblem[], now = new Date()): Promise<void> {
  for (const d of found) {
    const byConfig = d.adoptedByConfig;
    await prisma.dlq.upsert({
      where: { clusterId_name: { clusterId, name: d.name } },
      create: { clusterId, name: d.name, sources: d.sources, foundBy: d.foundBy, depth: d.depth === null ? null : BigInt(d.depth), lastSeenAt: now, ...(byConfig ? { adopted: true, adoptedBy: "configuration", adoptedAt: now } : {}) },
      update: { sources: d.sources, foundBy: d.foundBy, depth: d.depth === null ? null : BigInt(d.depth), lastSeenAt: now, problem: null, ...(byConfig ? { adopted: true, adoptedBy: "configuration" } : {}) },
    });
  }
  // A DLQ no longer found keeps its row (and its letters), marked with why.
  await prisma.dlq.updateMany({ where: { clusterId, lastSeenAt: { lt: now } }, data: { problem: GONE_PROBLEM } });

  await prisma.cluster.update({ where: { id: clusterId }, data: { deadLetterProblems: problems } });
}

/** The names of the cluster's adopted sources that are still found on the broker. */
export async function adoptedDlqs(prisma: PrismaClient, clusterId: string): Promise<string[]> {
  const adopted = await prisma.dlq.findMany({ where: { clusterId, adopted: true, OR: [{ problem: null }, { problem: { not: GONE_PROBLEM } }] }, select: { name: true } });
  return adopted.map((a) => a.name);
}
