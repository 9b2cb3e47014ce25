import "server-only";
import { LAST_SAMPLED_SQL } from "@/lib/health/last-sampled";
import { getConfig } from "@/lib/config";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { getStore } from "@/lib/db/get-store";
import type { PrismaClient } from "@/lib/db/generated/client";
import { captureDurable } from "@/lib/brokers/names";
import type { BrokerKind } from "@/lib/brokers/types";
import { captureOf } from "@/lib/brokers/capture-of";
import { GONE_PROBLEM } from "./collector/sync-dlqs";
import { freshestDepth } from "./list-dlqs";
import { collectedPerDlq, perDlq } from "./per-dlq";

/** One DLQ (or NATS capture stream) with how fast dead letters arrive and how far collection is behind. */
export type DlqFlow = {
  /** The DLQ's row id; for a NATS capture stream, its cluster's row id (one capture stream per cluster). */
  id: string;
  clusterId: string;
  cluster: string;
  kind: BrokerKind;
  name: string;
  adopted: boolean;
  /** The newer of the sampler's and discovery's readings (the Dead letters page shows the same), and when it was read. */
  depth: number | null;
  depthAt: string | null;
  /** No longer on the broker. */
  deleted: boolean;
  problem: string | null;
  /**
   * Dead letters arriving per minute: the queue's latest sampled inflow, or the letters collected
   * over the last 5 minutes (INFLOW_WINDOW_MS) that had died no longer than that before (arrivals;
   * see recentArrivals).
   */
  inflowPerMinute: number | null;
  /** Over how many seconds that rate was measured. */
  inflowWindowSeconds: number | null;
  collected: number;
  /** Messages waiting to be collected (adopted DLQs and capture streams only). */
  collectorLag: number | null;
  /** The sampled consumer row behind it (the DLQ queue, or the capture durable), whose series charts its inflow; null when not sampled. */
  consumerId: string | null;
  sources: string[];
  foundBy: string;
};

const INFLOW_WINDOW_MS = 5 * 60_000;

/**
 * Letters that arrived at each DLQ lately: collected in the window, and dead no longer than the
 * window before they were collected. A letter that waited longer in its queue did not arrive now:
 * the backlog a DLQ held when it was adopted, the capture stream's history a second installation
 * reads from its start, or what piled up while Redrive was down for a deploy are collected in a
 * burst, and counted as arriving they would page the on-call for an inflow that is not there. The
 * death time is the broker's (x-death, the advisory's timestamp): a broker clock behind Redrive's by
 * more than the window would hide arrivals, one ahead of it changes nothing. A letter without a
 * death time counts from its collection.
 */
async function recentArrivals(prisma: PrismaClient, since: Date): Promise<Array<{ clusterId: string; collectedFrom: string; n: number }>> {
  const rows = await prisma.$queryRawUnsafe<Array<{ cluster_id: string; collected_from: string; n: number }>>(
    `SELECT "cluster_id"::text AS cluster_id, "collected_from", count(*)::int AS n FROM "dead_letters"
     WHERE "captured_at" >= $1::timestamptz AND ("last_death_at" IS NULL OR "last_death_at" >= "captured_at" - make_interval(secs => $2))
     GROUP BY 1, 2`,
    since,
    INFLOW_WINDOW_MS / 1000,
  );
  return rows.map((r) => ({ clusterId: r.cluster_id, collectedFrom: r.collected_from, n: r.n }));
}

type QueueRow = { id: string; cluster_id: string; key: string; backlog: bigint; inflow_rate: number | null; rate_window_seconds: number | null; last_sampled_at: Date | null };

export async function listDlqFlows(now = new Date()): Promise<DlqFlow[]> {
  const { prisma } = await getStore();
  const since = new Date(now.getTime() - INFLOW_WINDOW_MS);
  const [dlqs, clusters, collectedBy, recent, installationId] = await Promise.all([
    prisma.dlq.findMany({ include: { cluster: { select: { name: true, kind: true } } }, orderBy: [{ cluster: { name: "asc" } }, { name: "asc" }] }),
    prisma.cluster.findMany({ select: { id: true, name: true, kind: true, deadLetterProblems: true } }),
    collectedPerDlq(prisma),
    recentArrivals(prisma, since),
    getInstallationId(prisma),
  ]);
  const recentBy = perDlq(recent);

  const captures = getConfig()
    .clusters.flatMap((c) => {
      const capture = captureOf(c);
      const row = clusters.find((r) => r.name === c.name);
      return capture && row ? [{ config: c, capture, row }] : [];
    });

  // The queues themselves as the sampler last read them (a DLQ is a queue too; so is the capture consumer).
  const keys = [...dlqs.map((d) => [d.clusterId, d.name] as const), ...captures.map((c) => [c.row.id, `${c.capture.stream}/${captureDurable(c.capture, installationId)}`] as const)];
  const queues = keys.length
    ? await prisma.$queryRawUnsafe<QueueRow[]>(
        `SELECT c."id"::text AS id, c."cluster_id"::text AS cluster_id, c."key", c."backlog", c."inflow_rate", c."rate_window_seconds", ${LAST_SAMPLED_SQL} AS last_sampled_at
         FROM "consumers" c JOIN unnest($1::uuid[], $2::text[]) AS k(cid, key) ON c."cluster_id" = k.cid AND c."key" = k.key JOIN "clusters" cl ON cl."id" = c."cluster_id"
         WHERE c."gone_at" IS NULL`,
        keys.map((k) => k[0]),
        keys.map((k) => k[1]),
      )
    : [];
  const queue = (clusterId: string, key: string) => queues.find((q) => q.cluster_id === clusterId && q.key === key);
  const perMinute = (n: number) => n / (INFLOW_WINDOW_MS / 60_000);

  const flows: DlqFlow[] = dlqs.map((d) => {
    const q = queue(d.clusterId, d.name);
    const sampled = q?.inflow_rate == null ? null : q.inflow_rate * 60;
    const recentCollected = d.adopted ? perMinute(recentBy(d.clusterId, d.name)) : null;
    const useSampledInflow = sampled !== null && (recentCollected === null || sampled >= recentCollected);
    const inflow = useSampledInflow ? sampled : recentCollected;
    const inflowWindowSeconds = inflow === null ? null : useSampledInflow ? (q?.rate_window_seconds ?? null) : INFLOW_WINDOW_MS / 1000;
    const deleted = d.problem === GONE_PROBLEM;
    // The sampler's reading of the queue is newer than discovery's most of the time (every sweep, not every few minutes).
    const { depth, depthAt } = freshestDepth(d, q?.last_sampled_at == null ? undefined : { backlog: Number(q.backlog), at: q.last_sampled_at });
    return {
      depthAt,
      deleted,
      id: d.id,
      clusterId: d.clusterId,
      cluster: d.cluster.name,
      kind: d.cluster.kind,
      name: d.name,
      adopted: d.adopted,
      depth,
      problem: d.problem,
      inflowPerMinute: inflow,
      inflowWindowSeconds,
      collected: collectedBy(d.clusterId, d.name),
      collectorLag: d.adopted ? (q ? Number(q.backlog) : depth) : null,
      consumerId: q?.id ?? null,
      sources: Array.isArray(d.sources) ? (d.sources as string[]) : [],
      foundBy: d.foundBy,
    };
  });
  for (const c of captures) {
    const q = queue(c.row.id, `${c.capture.stream}/${captureDurable(c.capture, installationId)}`);
    const problem = (Array.isArray(c.row.deadLetterProblems) ? (c.row.deadLetterProblems as Array<{ source: string; problem: string }>) : []).find((p) => p.source === c.capture.stream);
    flows.push({
      id: c.row.id,
      clusterId: c.row.id,
      cluster: c.config.name,
      kind: c.config.kind,
      name: c.capture.stream,
      adopted: c.capture.enabled,
      depth: null,
      depthAt: null,
      deleted: false,
      problem: c.capture.enabled ? (problem?.problem ?? null) : "capture is disabled in the configuration: JetStream dead letters are not collected",
      inflowPerMinute: c.capture.enabled ? perMinute(recentBy(c.row.id, c.capture.stream)) : null,
      inflowWindowSeconds: c.capture.enabled ? INFLOW_WINDOW_MS / 1000 : null,
      collected: collectedBy(c.row.id, c.capture.stream),
      collectorLag: c.capture.enabled && q ? Number(q.backlog) : null,
      consumerId: q?.id ?? null,
      sources: ["every consumer's MAX_DELIVERIES and MSG_TERMINATED advisories"],
      foundBy: `capture stream, through durable ${captureDurable(c.capture, installationId)}`,
    });
  }
  return flows;
}
