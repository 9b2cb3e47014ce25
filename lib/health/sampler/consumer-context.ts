import "server-only";
import type { ClusterConfig } from "@/lib/config";
import { DEFAULT_CAPTURE } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ConsumerRole } from "../types";

export type ConsumerContext = {
  /** Consumer key → what it is for, when it is not an application's consumer. */
  roles: Map<string, ConsumerRole>;
  /** Consumer key (the dead letters' source) → dead letters per minute over the window. */
  deadLettersPerMinute: Map<string, number>;
};

/**
 * What the store knows about a cluster's consumers that the broker does not say: which queues are
 * dead-letter queues (found through DLX bindings), which consumer is Redrive's own advisory capture,
 * and how fast each consumer's messages die (counted by death time over the last `windowSeconds`,
 * so adopting an old DLQ is not a burst).
 */
export async function loadConsumerContext(prisma: PrismaClient, clusterId: string, cluster: ClusterConfig, windowSeconds: number, at: Date): Promise<ConsumerContext> {
  const roles = new Map<string, ConsumerRole>();
  if (cluster.kind === "nats") {
    const capture = cluster.capture ?? DEFAULT_CAPTURE;
    if (capture.enabled) roles.set(`${capture.stream}/${capture.consumer}`, "capture");
  } else {
    const dlqs = await prisma.dlq.findMany({ where: { clusterId }, select: { name: true } });
    for (const d of dlqs) roles.set(d.name, "dlq");
  }
  const since = new Date(at.getTime() - windowSeconds * 1000);
  const counts = await prisma.$queryRawUnsafe<Array<{ source: string; n: number }>>(
    `SELECT "source", count(*)::int AS n FROM "dead_letters"
     WHERE "cluster_id" = $1::uuid AND "last_death_at" > $2::timestamptz AND "last_death_at" <= $3::timestamptz
     GROUP BY "source"`,
    clusterId,
    since.toISOString(),
    at.toISOString(),
  );
  const minutes = Math.max(1, windowSeconds / 60);
  return { roles, deadLettersPerMinute: new Map(counts.map((c) => [c.source, c.n / minutes])) };
}
