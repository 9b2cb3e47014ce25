import "server-only";
import type { RabbitClusterConfig } from "@/lib/config";
import { DEFAULT_RABBIT_DEAD_LETTERS } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ManagementClient } from "@/lib/brokers/rabbitmq/management-client";
import { listQueuePages } from "@/lib/brokers/rabbitmq/list-rabbit-queues";
import { discoverDlqs, type QueueFacts } from "../rabbitmq/discover-dlqs";
import { GONE_PROBLEM, queueId, splitQueueId } from "../rabbitmq/queue-id";

function globToRegExp(glob: string): RegExp {
  return new RegExp("^" + glob.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
}

/** Finds a cluster's DLQs and the sources whose dead letters are dropped, and records both. Returns the adopted DLQs. */
export async function syncDlqs(prisma: PrismaClient, api: ManagementClient, cluster: RabbitClusterConfig, clusterId: string, now = new Date()): Promise<Array<{ vhost: string; queue: string }>> {
  const settings = cluster.deadLetters ?? DEFAULT_RABBIT_DEAD_LETTERS;
  const scopes = cluster.vhosts.length ? cluster.vhosts : [null];
  const queues: QueueFacts[] = [];
  for (const vhost of scopes) {
    const { items } = await listQueuePages(api, vhost);
    for (const q of items) {
      const policy = Array.isArray(q.effective_policy_definition) ? {} : (q.effective_policy_definition ?? {});
      queues.push({ vhost: q.vhost, name: q.name, messages: (q.messages_ready ?? 0) + (q.messages_unacknowledged ?? 0), arguments: q.arguments ?? {}, policy });
    }
  }
  const configured = settings.queues.map(splitQueueId);
  const { dlqs, problems } = await discoverDlqs(api, queues, configured);
  const adoptPatterns = settings.adopt.map(globToRegExp);

  for (const d of dlqs) {
    const name = queueId(d.vhost, d.queue);
    const byConfig = adoptPatterns.some((r) => r.test(name) || r.test(d.queue));
    await prisma.dlq.upsert({
      where: { clusterId_name: { clusterId, name } },
      create: { clusterId, name, sources: d.sources, foundBy: d.foundBy, depth: d.depth === null ? null : BigInt(d.depth), lastSeenAt: now, ...(byConfig ? { adopted: true, adoptedBy: "configuration", adoptedAt: now } : {}) },
      update: { sources: d.sources, foundBy: d.foundBy, depth: d.depth === null ? null : BigInt(d.depth), lastSeenAt: now, problem: null, ...(byConfig ? { adopted: true, adoptedBy: "configuration" } : {}) },
    });
  }
  // A DLQ no longer found keeps its row (and its letters), marked with why.
  await prisma.dlq.updateMany({ where: { clusterId, lastSeenAt: { lt: now } }, data: { problem: GONE_PROBLEM } });

  await prisma.cluster.update({ where: { id: clusterId }, data: { deadLetterProblems: problems } });

  return adoptedDlqs(prisma, clusterId);
}

export async function adoptedDlqs(prisma: PrismaClient, clusterId: string): Promise<Array<{ vhost: string; queue: string }>> {
  const adopted = await prisma.dlq.findMany({ where: { clusterId, adopted: true, OR: [{ problem: null }, { problem: { not: GONE_PROBLEM } }] }, select: { name: true } });
  return adopted.map((a) => splitQueueId(a.name));
}
