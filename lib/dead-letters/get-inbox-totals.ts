import "server-only";
import { getStore } from "@/lib/db/get-store";
import { listDlqs } from "./list-dlqs";
import { LETTER_STATES, type InboxTotals, type LetterState } from "./types";
import { BROKER_CAPABILITIES } from "@/lib/brokers/contracts";

export async function getInboxTotals(now = new Date()): Promise<InboxTotals> {
  const { prisma } = await getStore();
  const [byState, lastHour, perCluster, dlqs] = await Promise.all([
    prisma.deadLetter.groupBy({ by: ["state"], _count: { _all: true } }),
    prisma.deadLetter.count({ where: { capturedAt: { gte: new Date(now.getTime() - 3_600_000) } } }),
    prisma.$queryRawUnsafe<Array<{ cluster: string; n: bigint }>>(
      `SELECT c."name" AS cluster, count(*) AS n FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" WHERE d."state" = 'dead' GROUP BY 1 ORDER BY 1`,
    ),
    listDlqs(),
  ]);
  const states = Object.fromEntries(LETTER_STATES.map((s) => [s, 0])) as Record<LetterState, number>;
  for (const s of byState) states[s.state as LetterState] = s._count._all;
  return {
    byState: states,
    lastHour,
    clusters: perCluster.map((c) => ({ cluster: c.cluster, dead: Number(c.n) })),
    problems: dlqs.problems.length,
    notAdopted: dlqs.dlqs.filter((d) => !d.adopted && BROKER_CAPABILITIES[d.kind].adoptableDeadLetterSources && !d.problem).map((d) => ({ cluster: d.cluster, name: d.name, depth: d.depth })),
  };
}
