import "server-only";
import type { Broker, ConsumerReading } from "@/lib/brokers/types";
import { DEFAULT_CAPTURE, DEFAULT_THRESHOLDS, type ClusterConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import { evaluateHealth } from "../evaluate-health";
import { detachedReason, expectationFor, unmetByName } from "../expected-consumers";
import { detectFindings } from "../findings";
import { resolveOldestAge, withOldestAge } from "../oldest-age";
import { scoreImpact } from "../score-impact";
import { derivePoint, meanRate, type RawPoint, type SamplePoint } from "../sample-point";
import { loadExpectations } from "../expected/load-expectations";
import { loadConsumerContext } from "./consumer-context";
import type { ConsumerWindows } from "./consumer-windows";
import { ensureCluster } from "@/lib/clusters/ensure-cluster";
import { markGone, upsertConsumers, writeMissing, writeSamples, writeVerdicts, type SweepRow } from "./write-sweep";

/**
 * Where a sweep's time went, in ms: the broker's listing; the store's expectations and context; the
 * upsert of new or changed consumers; deriving points, verdicts and findings; comparing with what was
 * last written; the sample INSERT; the consumer-row UPDATE; marking gone and missing consumers.
 */
export type SweepSteps = { read: number; context: number; upsert: number; derive: number; compare: number; samples: number; rows: number; absent: number };

/** `skipped`: taken over moments after its previous leader swept it; swept from the next tick. */
export type SweepResult = {
  cluster: string;
  consumers: number;
  ms: number;
  error: string | null;
  skipped?: boolean;
  written?: { samples: number; rows: number };
  steps?: SweepSteps;
};

const SPARKLINE_POINTS = 30;

/** A broker's reading as the counters a sample point is derived from (no broker timestamps). */
export function toRaw(r: ConsumerReading, t: number): RawPoint {
  return {
    t,
    pending: r.pending,
    inFlight: r.inFlight,
    backlog: r.pending + r.inFlight,
    inFlightLimit: r.inFlightLimit,
    consumerCount: r.consumerCount,
    deliveredTotal: r.deliveredTotal,
    ackedTotal: r.ackedTotal,
    publishedTotal: r.publishedTotal,
    redeliveredTotal: r.redeliveredTotal,
    counterEpoch: r.counterEpoch,
  };
}

/** Why no max-delivery advisory of this cluster is captured (NATS), or null when Redrive's capture consumer is there. */
function missingCapture(cluster: ClusterConfig, readings: ConsumerReading[]): string | null {
  switch (cluster.kind) {
    case "rabbitmq":
      return null;
    case "nats": {
      const capture = cluster.capture ?? DEFAULT_CAPTURE;
      if (!capture.enabled) return "Redrive's dead-letter capture is switched off for this cluster";
      return readings.some((r) => r.key === `${capture.stream}/${capture.consumer}`) ? null : `Redrive's capture consumer ${capture.stream}/${capture.consumer} is not on the broker`;
    }
  }
}

/** Reads every consumer of one cluster, derives rates and health, and stores one sample each. */
export async function sweepCluster(deps: { prisma: PrismaClient; broker: Broker; cluster: ClusterConfig; windows: ConsumerWindows; intervalMs: number; now?: () => Date }): Promise<SweepResult> {
  const { prisma, broker, cluster, windows, intervalMs } = deps;
  const now = deps.now ?? (() => new Date());
  const thresholds = cluster.health ?? DEFAULT_THRESHOLDS;

  const clusterId = await ensureCluster(prisma, cluster.name, cluster.kind);
  const started = performance.now();

  let readings: ConsumerReading[];
  try {
    readings = await broker.listConsumers();
  } catch (e) {
    const reason = describeError(e);
    const at = now();
    const known = await prisma.consumer.findMany({ where: { clusterId, goneAt: null }, select: { id: true } });
    await writeVerdicts(
      prisma,
      known.map(({ id }) => {
        const verdict = evaluateHealth(windows.get(id), { now: at.getTime(), intervalMs, thresholds, reachable: false, unreachableReason: reason });
        const stateSince = windows.mark(id, verdict.state, at);
        const impact = scoreImpact({ state: verdict.state, backlog: windows.last(id)?.backlog ?? 0, growthPerSecond: null, secondsInState: (at.getTime() - stateSince.getTime()) / 1000 });
        return { id, verdict, stateSince, impact };
      }),
    );
    // Their rows now say UNKNOWN: the next sweep that reads them writes them whole again.
    for (const { id } of known) {
      const w = windows.written.get(id);
      if (w) windows.written.set(id, { ...w, row: undefined });
    }
    const ms = Math.round(performance.now() - started);
    await prisma.cluster.update({ where: { id: clusterId }, data: { lastSampleError: reason, lastSampleMs: ms } });
    return { cluster: cluster.name, consumers: known.length, ms, error: reason };
  }

  const read = performance.now();
  const at = now();
  const expected = await loadExpectations(prisma, cluster);
  const context = await loadConsumerContext(prisma, clusterId, cluster, thresholds.windowSeconds, at);
  const previous = windows.sweptAt;
  const contextRead = performance.now();
  const ids = await upsertConsumers(prisma, clusterId, cluster.kind, readings, at, windows.known);
  const upserted = performance.now();
  // First every point, then the verdicts: a queue's verdict may read its DLQ's latest inflow. A
  // consumer's window is made into objects only while it is judged, never all of them at once.
  const pushed: Array<{ id: string; reading: ConsumerReading; point: SamplePoint }> = [];
  for (const reading of readings) {
    const id = ids.get(reading.key);
    if (!id) continue;
    const point = derivePoint(windows.last(id), toRaw(reading, at.getTime()));
    windows.push(id, point);
    pushed.push({ id, reading, point });
  }
  const deadPerMinute = new Map(context.deadLettersPerMinute);
  for (const [dlqKey, source] of context.fedByOne) {
    const dlqId = ids.get(dlqKey);
    const perSecond = dlqId ? meanRate(windows.get(dlqId), at.getTime() - thresholds.windowSeconds * 1000, "inflowRate") : null;
    const inflow = perSecond === null ? null : perSecond * 60;
    if (inflow !== null) deadPerMinute.set(source, Math.max(deadPerMinute.get(source) ?? 0, inflow));
  }
  const captureMissing = missingCapture(cluster, readings);
  const rows: SweepRow[] = [];
  for (const { id, reading, point } of pushed) {
    const window = windows.get(id);
    const role = context.roles.get(reading.key) ?? (context.captureStream !== null && reading.key.startsWith(`${context.captureStream}/`) ? "capture" : null);
    const deadLetterPerMinute = deadPerMinute.get(reading.key) ?? null;
    const judged = evaluateHealth(window, { now: at.getTime(), intervalMs, thresholds, reachable: true, role, deadLetterPerMinute, held: windows.held(id) });
    const oldest = resolveOldestAge({ backlog: point.backlog, measured: reading.oldestAgeSeconds, note: reading.oldestAgeNote, window, now: at.getTime(), windowSeconds: thresholds.windowSeconds });
    const expectation = expectationFor(expected, reading.key);
    // An expected consumer with too few attached is MISSING, whatever its backlog says.
    const detached = expectation ? detachedReason(expectation, point.consumerCount, point.backlog) : null;
    const verdict = detached ? { ...judged, state: "MISSING" as const, reason: withOldestAge(detached, oldest) } : { ...judged, reason: withOldestAge(judged.reason, oldest) };
    const recentBacklog = window.slice(-SPARKLINE_POINTS).map((p) => p.backlog);
    const prev = window[window.length - 2];
    const rateWindowSeconds = prev && point.ackRate !== null ? (point.t - prev.t) / 1000 : null;
    // Dead-letter queues and the capture consumer are not meant to be consumed: no findings for them.
    const deliverSubject = typeof reading.config.deliver_subject === "string" ? reading.config.deliver_subject : null;
    const detected = role
      ? []
      : detectFindings({
          kind: cluster.kind,
          parent: reading.parent,
          name: reading.name,
          window,
          signals: reading.signals ?? null,
          minRunMs: intervalMs,
          deliverSubject,
          maxDeliver: typeof reading.config.max_deliver === "number" ? reading.config.max_deliver : null,
          redeliveredNow: reading.redeliveredNow,
          captureMissing,
        });
    const findings = windows.carryFindings(id, detected);
    // Shown as "last activity": the broker's time of a real delivery or ack where it gives one
    // (JetStream), else this sweep when a counter moved; never a timestamp the broker refreshes by itself.
    const moved = (point.deliverRate ?? 0) > 0 || (point.ackRate ?? 0) > 0 || (point.inflowRate ?? 0) > 0;
    const activityAt = reading.lastActivityAt ?? (moved ? at : null);
    const stateSince = windows.mark(id, verdict.state, at, verdict.state === judged.state ? judged.since : undefined);
    const secondsInState = (at.getTime() - stateSince.getTime()) / 1000;
    const impact = scoreImpact({ state: verdict.state, backlog: point.backlog, growthPerSecond: judged.drainRate === null ? null : -judged.drainRate, secondsInState });
    rows.push({ id, role, reading, point, verdict, oldest, findings, expectedMin: expectation?.minConsumers ?? null, stateSince, recentBacklog, rateWindowSeconds, activityAt, impact });
  }
  const derived = performance.now();
  const { ms: writeMs, ...written } = await writeSamples(prisma, rows, at, windows.written);
  const wrote = performance.now();
  // Expected consumers nothing on the broker matches keep (or get) a row of their own, MISSING.
  const unmet = unmetByName(expected, readings.map((r) => r.key));
  const seen = { keys: new Set(readings.map((r) => r.key)), known: windows.known, previous };
  for (const id of await markGone(prisma, clusterId, at, unmet.map((e) => e.key), seen)) windows.forget(id);
  await writeMissing(prisma, clusterId, cluster.kind, unmet, at, (id, state) => windows.mark(id, state, at));
  const done = performance.now();
  const ms = Math.round(done - started);
  const steps = { read: Math.round(read - started), context: Math.round(contextRead - read), upsert: Math.round(upserted - contextRead), derive: Math.round(derived - upserted), ...writeMs, absent: Math.round(done - wrote) };
  await prisma.cluster.update({ where: { id: clusterId }, data: { lastSampledAt: at, lastSampleError: null, lastSampleMs: ms, lastSampleConsumers: rows.length } });
  windows.sweptAt = at;
  return { cluster: cluster.name, consumers: rows.length, ms, error: null, written, steps };
}
