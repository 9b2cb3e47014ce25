import "server-only";
import { getConfig } from "@/lib/config";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { getStore } from "@/lib/db/get-store";
import { captureDurable } from "@/lib/brokers/names";
import type { DlqInfo, DlqOverview, DlqProblem } from "./types";
import { captureOf } from "@/lib/brokers/capture-of";
import { BROKER_CAPABILITIES } from "@/lib/brokers/contracts";
import type { PrismaClient } from "@/lib/db/generated/client";
import { GONE_PROBLEM } from "./collector/sync-dlqs";
import { lastSampled } from "@/lib/health/last-sampled";
import { collectedPerDlq } from "./per-dlq";

type Sampled = { backlog: number; at: Date };

async function sampledDepths(prisma: PrismaClient, keys: Array<{ clusterId: string; key: string }>): Promise<Map<string, Sampled>> {
  if (!keys.length) return new Map();
  const rows = await prisma.consumer.findMany({
    where: { goneAt: null, OR: keys.map((k) => ({ clusterId: k.clusterId, key: k.key })) },
    select: { clusterId: true, key: true, backlog: true, lastSampledAt: true, goneAt: true, cluster: { select: { lastSampledAt: true } } },
  });
  return new Map(
    rows.flatMap((r) => {
      const at = lastSampled(r, r.cluster.lastSampledAt);
      return at ? [[`${r.clusterId}|${r.key}`, { backlog: Number(r.backlog), at }] as const] : [];
    }),
  );
}

/** The newer of discovery's depth and the sampler's reading of the queue, with when it was read; none for a queue gone from the broker. */
export function freshestDepth(d: { depth: bigint | null; lastSeenAt: Date; problem: string | null }, s: Sampled | undefined): { depth: number | null; depthAt: string | null } {
  if (d.problem === GONE_PROBLEM) return { depth: null, depthAt: null };
  if (s && (d.depth === null || s.at >= d.lastSeenAt)) return { depth: s.backlog, depthAt: s.at.toISOString() };
  return { depth: d.depth === null ? null : Number(d.depth), depthAt: d.depth === null ? null : d.lastSeenAt.toISOString() };
}

export async function listDlqs(): Promise<DlqOverview> {
  const { prisma } = await getStore();
  const [all, clusters, count, installationId] = await Promise.all([
    prisma.dlq.findMany({ include: { cluster: { select: { name: true, kind: true } } }, orderBy: [{ cluster: { name: "asc" } }, { name: "asc" }] }),
    prisma.cluster.findMany({ select: { id: true, name: true, kind: true, deadLetterProblems: true } }),
    collectedPerDlq(prisma),
    getInstallationId(prisma),
  ]);
  // A queue deleted on the broker is left out, unless it was adopted or its letters are in the inbox: those stay, marked deleted.
  const rows = all.filter((d) => d.problem !== GONE_PROBLEM || d.adopted || count(d.clusterId, d.name) > 0);
  // The sampler reads each queue every sweep; discovery only every few minutes. Show the newer depth, with when it was read.
  const sampled = await sampledDepths(prisma, rows.map((d) => ({ clusterId: d.clusterId, key: d.name })));
  const dlqs: DlqInfo[] = rows.map((d) => ({
    id: d.id,
    cluster: d.cluster.name,
    kind: d.cluster.kind,
    name: d.name,
    sources: Array.isArray(d.sources) ? (d.sources as string[]) : [],
    adopted: d.adopted,
    foundBy: d.foundBy,
    ...freshestDepth(d, sampled.get(`${d.clusterId}|${d.name}`)),
    collected: count(d.clusterId, d.name),
    problem: d.problem,
    deleted: d.problem === GONE_PROBLEM,
  }));
  // JetStream has no DLQs: each NATS cluster's capture stream stands in for them.
  for (const c of getConfig().clusters) {
    const capture = captureOf(c);
    if (!capture) continue;
    const row = clusters.find((x) => x.name === c.name);
    const captureProblem = (Array.isArray(row?.deadLetterProblems) ? (row.deadLetterProblems as Array<{ source: string; problem: string }>) : []).find((p) => p.source === capture.stream);
    dlqs.push({
      id: row?.id ?? "",
      cluster: c.name,
      kind: c.kind,
      name: capture.stream,
      sources: ["every consumer's MAX_DELIVERIES and MSG_TERMINATED advisories"],
      adopted: capture.enabled,
      // Which durable is this installation's, among those of other installations on the same stream.
      foundBy: `capture stream, through durable ${captureDurable(capture, installationId)}`,
      depth: null,
      depthAt: null,
      deleted: false,
      collected: row ? count(row.id, capture.stream) : 0,
      problem: capture.enabled ? (captureProblem?.problem ?? null) : "capture is disabled in the configuration: JetStream dead letters are not collected",
    });
  }
  const problems: DlqProblem[] = clusters.filter((c) => BROKER_CAPABILITIES[c.kind].adoptableDeadLetterSources).flatMap((c) =>
    (Array.isArray(c.deadLetterProblems) ? (c.deadLetterProblems as Array<{ source: string; problem: string }>) : []).map((p) => ({ cluster: c.name, source: p.source, problem: p.problem })),
  );
  return { dlqs, problems };
}
