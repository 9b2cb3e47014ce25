import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";

// Counts kept per DLQ (or NATS capture stream): letters are keyed by their cluster and the queue
// or stream they were collected from.

/** A count per (cluster, DLQ), 0 for one with none. */
export type PerDlq = (clusterId: string, collectedFrom: string) => number;

export function perDlq(rows: Array<{ clusterId: string; collectedFrom: string; n: number }>): PerDlq {
  const byKey = new Map(rows.map((r) => [`${r.clusterId}\u0000${r.collectedFrom}`, r.n]));
  return (clusterId, collectedFrom) => byKey.get(`${clusterId}\u0000${collectedFrom}`) ?? 0;
}

/**
 * Letters in the inbox collected from each DLQ: from the cause groups' counts, which the store's
 * triggers keep exact with every letter change, not a count of every letter.
 */
export async function collectedPerDlq(prisma: PrismaClient): Promise<PerDlq> {
  const rows = await prisma.deadLetterGroupCount.groupBy({ by: ["clusterId", "collectedFrom"], _sum: { letters: true } });
  return perDlq(rows.map((r) => ({ clusterId: r.clusterId, collectedFrom: r.collectedFrom, n: Number(r._sum.letters ?? 0) })));
}
