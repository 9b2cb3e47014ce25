import "server-only";
import { getStore } from "@/lib/db/get-store";
import { listDlqs } from "./list-dlqs";
import { LETTER_STATES, type InboxTotals, type LetterState } from "./types";
import { BROKER_CAPABILITIES } from "@/lib/brokers/contracts";

/**
 * The inbox at a glance. The counts by state and by cluster are read from the cause groups' counts
 * (dead_letter_group_counts, kept exact by triggers in the same transaction as every change to a
 * letter), not by counting the letters: every open Overview polls this, and counting a million
 * letters took PostgreSQL about a second each time.
 */
export async function getInboxTotals(now = new Date()): Promise<InboxTotals> {
  const { prisma } = await getStore();
  const [byState, lastHour, perCluster, dlqs] = await Promise.all([
    prisma.deadLetterGroupCount.groupBy({ by: ["state"], _sum: { letters: true } }),
    prisma.deadLetter.count({ where: { capturedAt: { gte: new Date(now.getTime() - 3_600_000) } } }),
    prisma.$queryRawUnsafe<Array<{ cluster: string; n: bigint }>>(
      `SELECT c."name" AS cluster, sum(g."letters")::bigint AS n FROM "dead_letter_group_counts" g JOIN "clusters" c ON c."id" = g."cluster_id"
       WHERE g."state" = 'dead' GROUP BY 1 HAVING sum(g."letters") > 0 ORDER BY 1`,
    ),
    listDlqs(),
  ]);
  const states = Object.fromEntries(LETTER_STATES.map((s) => [s, 0])) as Record<LetterState, number>;
  for (const s of byState) if (s.state in states) states[s.state as LetterState] = Number(s._sum.letters ?? 0);
  return {
    byState: states,
    lastHour,
    clusters: perCluster.map((c) => ({ cluster: c.cluster, dead: Number(c.n) })),
    problems: dlqs.problems.length,
    notAdopted: dlqs.dlqs.filter((d) => !d.adopted && BROKER_CAPABILITIES[d.kind].adoptableDeadLetterSources && !d.problem).map((d) => ({ cluster: d.cluster, name: d.name, depth: d.depth })),
  };
}
