import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { listDlqFlows } from "@/lib/dead-letters/list-dlq-flows";
import { formatDuration } from "@/lib/health/evaluate-health";
import { globMatch } from "@/lib/glob-match";
import type { IncidentTarget, RuleParams } from "./types";
import { BROKER_LABELS, kindsWith, type BrokerKind } from "@/lib/brokers/contracts";

export type RuleScope = { cluster: string | null; match: string | null };

/** One target on which a rule's condition holds now. */
export type Condition = {
  key: string;
  target: IncidentTarget;
  title: string;
  summary: string;
  /** When the condition began, where the store knows (a consumer's state since); else when first seen. */
  startedAt: Date | null;
};

export type Findings = {
  holding: Condition[];
  /** Targets whose condition cannot be told now (their broker is unreachable): open incidents stay as they are. */
  undecided: Set<string>;
};

const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

type ConsumerRow = {
  id: string;
  kind: BrokerKind;
  parent: string;
  name: string;
  state: string;
  stateReason: string;
  stateSince: Date;
  backlog: bigint;
  etaSeconds: number | null;
  cluster: { name: string };
};

function consumerTarget(c: ConsumerRow): IncidentTarget {
  return { type: "consumer", id: c.id, cluster: c.cluster.name, kind: c.kind, parent: c.parent, name: c.name };
}

const what = (c: ConsumerRow) => `${c.name} (${BROKER_LABELS[c.kind].parent} ${c.parent}) on ${c.cluster.name}`;

/** Where a rule's condition holds right now, read from the store the sampler and collector keep. */
export async function findConditions(prisma: PrismaClient, params: RuleParams, scope: RuleScope, now: Date): Promise<Findings> {
  const inScope = (cluster: string, path: string) => (!scope.cluster || scope.cluster === cluster) && (!scope.match || globMatch(scope.match, path));
  const clusterWhere = scope.cluster ? { cluster: { name: scope.cluster } } : {};
  const select = { id: true, kind: true, parent: true, name: true, state: true, stateReason: true, stateSince: true, backlog: true, etaSeconds: true, cluster: { select: { name: true } } } as const;

  switch (params.kind) {
    case "consumer-state": {
      const rows = await prisma.consumer.findMany({ where: { goneAt: null, role: null, state: { in: [...params.states, "UNKNOWN"] }, ...clusterWhere }, select });
      const holding: Condition[] = [];
      const undecided = new Set<string>();
      for (const c of rows) {
        if (!inScope(c.cluster.name, `${c.parent}/${c.name}`)) continue;
        const key = `consumer:${c.id}`;
        if ((params.states as string[]).includes(c.state)) {
          holding.push({ key, target: consumerTarget(c), title: `${c.state}: ${what(c)}`, summary: c.stateReason, startedAt: c.stateSince });
        } else {
          undecided.add(key);
        }
      }
      return { holding, undecided };
    }
    case "time-to-drain": {
      const rows = await prisma.consumer.findMany({
        where: {
          // Dead-letter queues and Redrive's capture are not meant to drain: the DLQ rules cover them.
          goneAt: null,
          role: null,
          ...clusterWhere,
          OR: [{ etaSeconds: { gt: params.aboveSeconds } }, ...(params.includeNotDraining ? [{ etaSeconds: null, backlog: { gt: 0 } }] : []), { state: "UNKNOWN" }],
        },
        select,
      });
      const holding: Condition[] = [];
      const undecided = new Set<string>();
      for (const c of rows) {
        if (!inScope(c.cluster.name, `${c.parent}/${c.name}`)) continue;
        const key = `consumer:${c.id}`;
        if (c.state === "UNKNOWN") {
          undecided.add(key);
          continue;
        }
        const backlog = fmt.format(Number(c.backlog));
        const summary = c.etaSeconds === null ? `not draining, backlog ${backlog} (${c.stateReason})` : `time to drain ${formatDuration(c.etaSeconds * 1000)}, backlog ${backlog}`;
        holding.push({ key, target: consumerTarget(c), title: `Slow to drain: ${what(c)}`, summary, startedAt: null });
      }
      return { holding, undecided };
    }
    case "oldest-message-age": {
      const rows = await prisma.consumer.findMany({
        where: {
          goneAt: null,
          role: null,
          ...clusterWhere,
          OR: [{ oldestAgeSeconds: { gt: params.aboveSeconds }, ...(params.includeEstimates ? {} : { oldestAgeEstimated: false }) }, { state: "UNKNOWN" }],
        },
        select: { ...select, oldestAgeSeconds: true, oldestAgeEstimated: true },
      });
      const holding: Condition[] = [];
      const undecided = new Set<string>();
      for (const c of rows) {
        if (!inScope(c.cluster.name, `${c.parent}/${c.name}`)) continue;
        const key = `consumer:${c.id}`;
        if (c.state === "UNKNOWN" || c.oldestAgeSeconds === null) {
          undecided.add(key);
          continue;
        }
        const age = `${c.oldestAgeEstimated ? "about " : ""}${formatDuration(c.oldestAgeSeconds * 1000)}${c.oldestAgeEstimated ? " (estimated from backlog ÷ ack rate)" : ""}`;
        const summary = `oldest waiting message ${age} old, backlog ${fmt.format(Number(c.backlog))} (above ${formatDuration(params.aboveSeconds * 1000)})`;
        holding.push({ key, target: consumerTarget(c), title: `Messages waiting too long: ${what(c)}`, summary, startedAt: null });
      }
      return { holding, undecided };
    }
    case "dead-letter-inflow": {
      const flows = await listDlqFlows(now);
      const holding = flows
        .filter((f) => inScope(f.cluster, f.name) && f.inflowPerMinute !== null && f.inflowPerMinute > params.perMinute)
        .map(
          (f): Condition => ({
            key: `dlq:${f.id}`,
            target: { type: "dlq", id: f.id, cluster: f.cluster, kind: f.kind, name: f.name },
            title: `Dead letters arriving: ${f.name} on ${f.cluster}`,
            summary: `${fmt.format(f.inflowPerMinute ?? 0)} dead letters per minute (above ${fmt.format(params.perMinute)})`,
            startedAt: null,
          }),
        );
      return { holding, undecided: new Set() };
    }
    case "dlx-routes-nowhere": {
      const clusters = await prisma.cluster.findMany({ where: { kind: { in: kindsWith("adoptableDeadLetterSources") }, ...(scope.cluster ? { name: scope.cluster } : {}) }, select: { id: true, name: true, deadLetterProblems: true } });
      const problems = clusters.flatMap((c) =>
        (Array.isArray(c.deadLetterProblems) ? (c.deadLetterProblems as Array<{ source: string; problem: string }>) : [])
          .filter((p) => inScope(c.name, p.source))
          .map((p) => ({ cluster: c, ...p })),
      );
      const ids = problems.length
        ? await prisma.consumer.findMany({ where: { OR: problems.map((p) => ({ clusterId: p.cluster.id, key: p.source })), goneAt: null }, select: { id: true, clusterId: true, key: true } })
        : [];
      const holding = problems.map(
        (p): Condition => ({
          key: `source:${p.cluster.id}:${p.source}`,
          target: { type: "source", cluster: p.cluster.name, source: p.source, consumerId: ids.find((i) => i.clusterId === p.cluster.id && i.key === p.source)?.id ?? null },
          title: `Dead letters dropped: ${p.source} on ${p.cluster.name}`,
          summary: p.problem,
          startedAt: null,
        }),
      );
      return { holding, undecided: new Set() };
    }
    case "job-paused-itself": {
      // Jobs span clusters and queues: a rule of this kind watches every job.
      const jobs = await prisma.redriveJob.findMany({ where: { state: "paused", pausedBy: { in: ["gate", "canary"] } }, select: { id: true, number: true, description: true, pausedReason: true, pausedAt: true } });
      const holding = jobs.map(
        (j): Condition => ({
          key: `job:${j.id}`,
          target: { type: "job", id: j.id, number: Number(j.number) },
          title: `Job ${j.number} paused itself: ${j.description}`,
          summary: j.pausedReason ?? "the job paused itself",
          startedAt: j.pausedAt,
        }),
      );
      return { holding, undecided: new Set() };
    }
  }
}
