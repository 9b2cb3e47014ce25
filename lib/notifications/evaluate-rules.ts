import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import { buildGroupMessage, buildMessage, type IncidentFacts } from "./build-message";
import { findConditions, type Condition } from "./find-conditions";
import { renderBody } from "./render-body";
import { readRuleParams } from "./rule-params";
import type { ChannelType, IncidentTarget, NotificationMessage, RuleKind, RuleParams } from "./types";
import { BROKER_LABELS } from "@/lib/brokers/contracts";

export type EvaluateDeps = {
  prisma: PrismaClient;
  publicUrl: string;
  now: Date;
  /** More firing (or resolved) incidents than this from one rule in one evaluation go out as one summary per channel. */
  groupAbove?: number;
  log?: (message: string, context?: Record<string, unknown>) => void;
};
export type EvaluateResult = { fired: number; resolved: number; open: number; deliveries: number };

type OpenIncident = { id: string; number: bigint; targetKey: string; target: unknown; status: string; summary: string; startedAt: Date; firedAt: Date | null };
type RuleRow = { id: string; name: string; kind: string; params: unknown; cluster: string | null; match: string | null; forSeconds: number; channels: Array<{ channel: { id: string; name: string; type: string; enabled: boolean } }> };

/**
 * Runs every enabled rule against the store once: a condition newly holding opens an incident
 * (firing at once, or after `forSeconds`), one still holding is left alone (no second message), one
 * that cleared resolves. Firing and resolving each queue one delivery per channel — or, when more
 * than `groupAbove` incidents of a rule fire (or resolve) together, one summary per channel.
 */
export async function evaluateRules(deps: EvaluateDeps): Promise<EvaluateResult> {
  const { prisma, now } = deps;
  const result: EvaluateResult = { fired: 0, resolved: 0, open: 0, deliveries: 0 };
  const rules: RuleRow[] = await prisma.notificationRule.findMany({ where: { enabled: true }, include: { channels: { include: { channel: true } } } });

  for (const rule of rules) {
    try {
      await evaluateRule(deps, rule, result);
    } catch (e) {
      deps.log?.("notification rule could not be evaluated", { rule: rule.name, error: describeError(e) });
    }
  }

  // Incidents of rules since disabled or deleted: closed quietly, as nobody is watching them any more.
  await prisma.notificationIncident.updateMany({
    where: { status: { in: ["pending", "firing"] }, OR: [{ ruleId: null }, { rule: { enabled: false } }] },
    data: { status: "resolved", resolvedAt: now, resolution: "the rule was disabled or deleted" },
  });
  return result;
}

const CHUNK = 1000;

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

type Outbox = Array<{ incidentId: string | null; channelId: string; channelName: string; event: string; body: object; groupSize: number | null }>;

// Thousands of consumers may change at once (a broker restart): incidents are opened, touched and
// their messages queued in a few statements, not one round trip per consumer.
async function evaluateRule(deps: EvaluateDeps, rule: RuleRow, result: EvaluateResult): Promise<void> {
  const { prisma, now } = deps;
  const params = readRuleParams(rule.kind, rule.params);
  if (!params) throw new Error(`its parameters are not valid for a ${rule.kind} rule`);
  const findings = await findConditions(prisma, params, { cluster: rule.cluster, match: rule.match }, now);
  const open: OpenIncident[] = await prisma.notificationIncident.findMany({ where: { ruleId: rule.id, status: { in: ["pending", "firing"] } } });
  const byKey = new Map(open.map((i) => [i.targetKey, i]));
  const holding = new Set<string>();
  const forMs = rule.forSeconds * 1000;
  const firing: IncidentFacts[] = [];
  const resolved: IncidentFacts[] = [];
  const fresh: Condition[] = [];
  const touched: string[] = [];

  for (const c of findings.holding) {
    holding.add(c.key);
    const existing = byKey.get(c.key);
    if (!existing) {
      fresh.push(c);
    } else if (existing.status === "pending" && now.getTime() - existing.startedAt.getTime() >= forMs) {
      // Only one evaluation may move it to firing (and send).
      const moved = await prisma.notificationIncident.updateMany({ where: { id: existing.id, status: "pending" }, data: { status: "firing", firedAt: now, lastSeenAt: now, summary: c.summary } });
      if (moved.count === 1) {
        result.fired++;
        firing.push({ ...facts(rule, existing, c), firedAt: now });
      }
    } else {
      touched.push(existing.id);
    }
  }
  for (const part of chunks(touched)) await prisma.notificationIncident.updateMany({ where: { id: { in: part } }, data: { lastSeenAt: now } });

  const conditions = new Map(fresh.map((c) => [c.key, c]));
  for (const part of chunks(fresh)) {
    // An incident another evaluation opened first is skipped (the unique index on open incidents).
    const created = await prisma.notificationIncident.createManyAndReturn({
      data: part.map((c) => {
        const startedAt = c.startedAt && c.startedAt <= now ? c.startedAt : now;
        const firing = now.getTime() - startedAt.getTime() >= forMs;
        return { ruleId: rule.id, ruleName: rule.name, targetKey: c.key, target: c.target, status: firing ? "firing" : "pending", summary: c.summary, startedAt, firedAt: firing ? now : null, lastSeenAt: now };
      }),
      skipDuplicates: true,
    });
    for (const i of created) {
      if (i.status !== "firing") continue;
      result.fired++;
      firing.push(facts(rule, i, conditions.get(i.targetKey) ?? null));
    }
  }

  const cleared = open.filter((i) => !holding.has(i.targetKey) && !findings.undecided.has(i.targetKey));
  result.open += open.length - cleared.length;
  // Cleared before it had held for long enough: never announced, so nothing to resolve.
  const unannounced = cleared.filter((i) => i.status === "pending").map((i) => i.id);
  for (const part of chunks(unannounced)) await prisma.notificationIncident.deleteMany({ where: { id: { in: part }, status: "pending" } });
  const resolving = cleared.filter((i) => i.status === "firing");
  const now_ = await describeNow(deps, resolving.map((i) => i.target as IncidentTarget));
  for (const part of chunks(resolving)) {
    const resolutions = part.map((i) => now_(i.target as IncidentTarget));
    // Only incidents still firing move (another evaluation may have resolved one first), and only those are announced.
    const moved = await prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `UPDATE "notification_incidents" AS i SET "status" = 'resolved', "resolved_at" = $1::timestamptz, "resolution" = u.r
       FROM unnest($2::uuid[], $3::text[]) AS u(id, r) WHERE i."id" = u.id AND i."status" = 'firing' RETURNING i."id"::text AS id`,
      now.toISOString(),
      part.map((i) => i.id),
      resolutions,
    );
    const done = new Set(moved.map((m) => m.id));
    part.forEach((i, n) => {
      if (!done.has(i.id)) return;
      result.resolved++;
      resolved.push({ ...facts(rule, i, null), title: titleFor(i), summary: resolutions[n]!, resolvedAt: now });
    });
  }

  const outbox: Outbox = [];
  const groupAbove = deps.groupAbove ?? Number.POSITIVE_INFINITY;
  for (const [event, items] of [["firing", firing], ["resolved", resolved]] as const) {
    if (items.length > groupAbove) {
      const message = buildGroupMessage({ id: rule.id, name: rule.name, kind: rule.kind as RuleKind }, items, event, deps.publicUrl, listHref(params, rule.cluster));
      queue(rule, outbox, null, message);
    } else {
      for (const i of items) queue(rule, outbox, i.id, buildMessage(i, event, deps.publicUrl));
    }
  }
  for (const part of chunks(outbox)) await prisma.notificationDelivery.createMany({ data: part });
  result.deliveries += outbox.length;
}

/** The page listing every target a rule can fire for, where a summary of many incidents links. */
function listHref(params: RuleParams, cluster: string | null): string {
  const q = new URLSearchParams();
  if (cluster) q.set("cluster", cluster);
  if (params.kind === "consumer-state") q.set("state", params.states.join(","));
  if (params.kind === "time-to-drain") {
    q.set("sort", "eta");
    q.set("dir", "desc");
  }
  if (params.kind === "oldest-message-age") {
    q.set("sort", "oldest");
    q.set("dir", "desc");
  }
  const path =
    params.kind === "consumer-state" || params.kind === "time-to-drain" || params.kind === "oldest-message-age" ? "/consumers" : params.kind === "job-paused-itself" ? "/jobs" : "/dead-letters";
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

function titleFor(i: OpenIncident): string {
  const t = i.target as IncidentTarget;
  if (t.type === "consumer") return `Recovered: ${t.name} (${BROKER_LABELS[t.kind].parent} ${t.parent}) on ${t.cluster}`;
  if (t.type === "dlq") return `Dead letters calm again: ${t.name} on ${t.cluster}`;
  if (t.type === "job") return `Job ${t.number} is no longer paused`;
  return `Dead letters routed again: ${t.source} on ${t.cluster}`;
}

function facts(rule: RuleRow, i: OpenIncident | { id: string; number: bigint; startedAt: Date; firedAt: Date | null; target: unknown; summary: string }, c: Condition | null): IncidentFacts {
  return {
    id: i.id,
    number: Number(i.number),
    ruleId: rule.id,
    ruleName: rule.name,
    ruleKind: rule.kind as RuleKind,
    target: (c?.target ?? i.target) as IncidentTarget,
    title: c?.title ?? "",
    summary: c?.summary ?? i.summary,
    startedAt: i.startedAt,
    firedAt: i.firedAt,
    resolvedAt: null,
  };
}

/** What targets look like now that their condition cleared, for the resolved messages (one query for all consumers). */
async function describeNow(deps: EvaluateDeps, targets: IncidentTarget[]): Promise<(t: IncidentTarget) => string> {
  const ids = targets.flatMap((t) => (t.type === "consumer" ? [t.id] : []));
  const rows = ids.length ? await deps.prisma.consumer.findMany({ where: { id: { in: ids } }, select: { id: true, state: true, stateReason: true, goneAt: true } }) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return (t) => {
    if (t.type === "consumer") {
      const c = byId.get(t.id);
      if (!c) return "the consumer is no longer known to Redrive";
      if (c.goneAt) return "the consumer was deleted on the broker";
      return `now ${c.state}: ${c.stateReason}`;
    }
    if (t.type === "dlq") return "dead letters arrive below the rule's threshold again";
    if (t.type === "job") return "the job was resumed or cancelled";
    return "the dead-letter exchange routes this queue's dead letters again (or the queue is gone)";
  };
}

function queue(rule: RuleRow, outbox: Outbox, incidentId: string | null, message: NotificationMessage): void {
  for (const ch of rule.channels.map((c) => c.channel).filter((c) => c.enabled)) {
    outbox.push({ incidentId, channelId: ch.id, channelName: ch.name, event: message.status, body: renderBody(ch.type as ChannelType, message) as object, groupSize: message.group?.count ?? null });
  }
}
