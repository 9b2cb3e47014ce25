import "server-only";
import type { ClusterConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { queueId, splitQueueId } from "@/lib/brokers/names";
import type { ConsumerRole } from "../types";
import { captureOf } from "@/lib/brokers/capture-of";

export type ConsumerContext = {
  /** Consumer key → what it is for, when it is not an application's consumer. */
  roles: Map<string, ConsumerRole>;
  /** Consumer key (the dead letters' source) → dead letters per minute over the window, from the letters Redrive collected. */
  deadLettersPerMinute: Map<string, number>;
  /** A DLQ Redrive does not collect and only one queue feeds (its key) → that queue's key: the DLQ's inflow is that queue's dead letters. */
  fedByOne: Map<string, string>;
  /** NATS: the capture stream; each consumer on it has the role "capture". */
  captureStream: string | null;
};

/**
 * What the store knows about a cluster's consumers that the broker does not say: which queues are
 * dead-letter queues (found through DLX bindings), which consumer is Redrive's own advisory capture,
 * and how fast each consumer's messages die over the last `windowSeconds`: the letters Redrive
 * collected from it, by death time (so adopting an old DLQ is not a burst); the sweep adds, for a
 * DLQ Redrive does not collect and that only one queue feeds, that DLQ's mean inflow.
 */
export async function loadConsumerContext(prisma: PrismaClient, clusterId: string, cluster: ClusterConfig, windowSeconds: number, at: Date): Promise<ConsumerContext> {
  const roles = new Map<string, ConsumerRole>();
  const since = new Date(at.getTime() - windowSeconds * 1000);
  const fedByOne = new Map<string, string>();
  let captureStream: string | null = null;

  const capture = captureOf(cluster);
  if (capture) {
    // Every durable on the capture stream is a Redrive capture: this installation's, another's, the old shared one.
    if (capture.enabled) captureStream = capture.stream;
  } else {
    const dlqs = await prisma.dlq.findMany({ where: { clusterId }, select: { name: true, sources: true, adopted: true } });
    for (const d of dlqs) roles.set(d.name, "dlq");
    // A DLQ Redrive does not collect, fed by one queue: what flows into it is that queue's dead letters.
    for (const d of dlqs) {
      const sources = Array.isArray(d.sources) ? d.sources.filter((s): s is string => typeof s === "string") : [];
      if (!d.adopted && sources.length === 1) fedByOne.set(d.name, queueId(splitQueueId(d.name).vhost, sources[0]!));
    }
  }
  const counts = await prisma.$queryRawUnsafe<Array<{ source: string; n: number }>>(
    `SELECT "source", count(*)::int AS n FROM "dead_letters"
     WHERE "cluster_id" = $1::uuid AND "last_death_at" > $2::timestamptz AND "last_death_at" <= $3::timestamptz
     GROUP BY "source"`,
    clusterId,
    since.toISOString(),
    at.toISOString(),
  );
  const minutes = Math.max(1, windowSeconds / 60);
  const rates = new Map(counts.map((c) => [c.source, c.n / minutes]));
  return { roles, deadLettersPerMinute: rates, fedByOne, captureStream };
}
