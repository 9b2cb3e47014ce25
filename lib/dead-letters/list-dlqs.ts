import "server-only";
import { getConfig } from "@/lib/config";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { getStore } from "@/lib/db/get-store";
import { captureDurable } from "@/lib/brokers/names";
import type { DlqInfo, DlqOverview, DlqProblem } from "./types";
import { captureOf } from "@/lib/brokers/capture-of";
import { BROKER_CAPABILITIES } from "@/lib/brokers/contracts";

export async function listDlqs(): Promise<DlqOverview> {
  const { prisma } = await getStore();
  const [rows, clusters, collected, installationId] = await Promise.all([
    prisma.dlq.findMany({ include: { cluster: { select: { name: true, kind: true } } }, orderBy: [{ cluster: { name: "asc" } }, { name: "asc" }] }),
    prisma.cluster.findMany({ select: { id: true, name: true, kind: true, deadLetterProblems: true } }),
    prisma.deadLetter.groupBy({ by: ["clusterId", "collectedFrom"], _count: { _all: true } }),
    getInstallationId(prisma),
  ]);
  const count = (clusterId: string, from: string) => collected.find((c) => c.clusterId === clusterId && c.collectedFrom === from)?._count._all ?? 0;
  const dlqs: DlqInfo[] = rows.map((d) => ({
    id: d.id,
    cluster: d.cluster.name,
    kind: d.cluster.kind,
    name: d.name,
    sources: Array.isArray(d.sources) ? (d.sources as string[]) : [],
    adopted: d.adopted,
    foundBy: d.foundBy,
    depth: d.depth === null ? null : Number(d.depth),
    collected: count(d.clusterId, d.name),
    problem: d.problem,
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
      collected: row ? count(row.id, capture.stream) : 0,
      problem: capture.enabled ? (captureProblem?.problem ?? null) : "capture is disabled in the configuration: JetStream dead letters are not collected",
    });
  }
  const problems: DlqProblem[] = clusters.filter((c) => BROKER_CAPABILITIES[c.kind].adoptableDeadLetterSources).flatMap((c) =>
    (Array.isArray(c.deadLetterProblems) ? (c.deadLetterProblems as Array<{ source: string; problem: string }>) : []).map((p) => ({ cluster: c.name, source: p.source, problem: p.problem })),
  );
  return { dlqs, problems };
}
