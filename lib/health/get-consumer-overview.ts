import "server-only";
import { getStore } from "@/lib/db/get-store";
import type { ConsumerOverview } from "./overview-types";
import { SUMMARY_SELECT, toSummary } from "./to-summary";
import { HEALTH_STATES, type HealthState } from "./types";

/** How many of the worst consumers the Overview lists; the rest are a link away. */
const WORST_SHOWN = 10;

export async function getConsumerOverview(): Promise<ConsumerOverview> {
  const { prisma } = await getStore();
  const [groups, clusters, worst, latest] = await Promise.all([
    prisma.consumer.groupBy({ by: ["clusterId", "state"], where: { goneAt: null }, _count: { _all: true }, _sum: { backlog: true } }),
    prisma.cluster.findMany({ select: { id: true, name: true, kind: true, lastSampleError: true } }),
    // By impact, not state alone: a deep, rising LAGGING queue outranks a STOPPED one holding one message.
    prisma.consumer.findMany({
      where: { goneAt: null, state: { not: "OK" } },
      orderBy: [{ impact: "desc" }, { severity: "asc" }, { backlog: "desc" }, { id: "asc" }],
      take: WORST_SHOWN,
      select: SUMMARY_SELECT,
    }),
    // Every present consumer was read at its cluster's last sweep (a row is written only when it changed).
    prisma.cluster.aggregate({ _max: { lastSampledAt: true } }),
  ]);
  const empty = () => Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>;
  const out = clusters
    .map((c) => {
      const mine = groups.filter((g) => g.clusterId === c.id);
      const byState = empty();
      for (const g of mine) byState[g.state as HealthState] = g._count._all;
      return {
        cluster: c.name,
        kind: c.kind,
        total: mine.reduce((a, g) => a + g._count._all, 0),
        byState,
        backlog: mine.reduce((a, g) => a + Number(g._sum.backlog ?? 0), 0),
      };
    })
    .sort((a, b) => a.cluster.localeCompare(b.cluster));
  const troubled = groups.filter((g) => g.state !== "OK").reduce((a, g) => a + g._count._all, 0);
  const sweepErrors = clusters.filter((c) => c.lastSampleError !== null).map((c) => ({ cluster: c.name, error: c.lastSampleError! }));
  return { clusters: out, worst: worst.map(toSummary), troubled, sweepErrors, sampledAt: latest._max.lastSampledAt?.toISOString() ?? null };
}
