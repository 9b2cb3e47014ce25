import type { ConsumerRole, HealthState, HealthThresholds } from "./types";
import type { SamplePoint } from "./sample-point";

// Burrow-style rules over a sliding window of one consumer's samples. Pure: the same window gives
// the same verdict, which is what makes them testable on recorded sequences.

export type Verdict = {
  state: HealthState;
  reason: string;
  /** Seconds to drain at the net drain rate; 0 when empty; null when not draining or unknown. */
  etaSeconds: number | null;
  /** Messages per second the backlog shrinks by (negative when growing); null with too few points. */
  drainRate: number | null;
  /** Over how many seconds the window's rates were measured. */
  windowSeconds: number | null;
  /** When the evidence for this state began (ms), when the rules know it; the stored "state since" starts there, so it and the reason tell the same duration. */
  since?: number;
};

export type EvaluateOptions = {
  now: number;
  intervalMs: number;
  thresholds: HealthThresholds;
  /** Whether the broker answered this sweep; when not, why. */
  reachable: boolean;
  unreachableReason?: string | null;
  /** Dead letters per minute attributed to this consumer, where known. */
  deadLetterPerMinute?: number | null;
  /** A dead-letter queue or Redrive's capture consumer: nobody is meant to drain it, so it is never STOPPED, STALLED, LAGGING or FAILING, and has no time to drain. */
  role?: ConsumerRole | null;
  /** The state the previous sweep gave and since when (ms): a state held longer than the window says so. */
  held?: { state: HealthState; since: number } | null;
};

const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const fmtRate = (r: number) => (Math.abs(r) < 10 ? r.toFixed(1) : fmt.format(r));

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Least-squares slope of backlog over time, in messages per second. */
export function backlogSlope(points: SamplePoint[]): number | null {
  if (points.length < 2) return null;
  const t0 = points[0]!.t;
  const xs = points.map((p) => (p.t - t0) / 1000);
  const ys = points.map((p) => p.backlog);
  const n = points.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

function sum(points: SamplePoint[], pick: (p: SamplePoint) => number | null): { total: number; seconds: number } | null {
  let total = 0;
  let seconds = 0;
  for (let i = 1; i < points.length; i++) {
    const v = pick(points[i]!);
    if (v === null) continue;
    const dt = (points[i]!.t - points[i - 1]!.t) / 1000;
    total += v * dt;
    seconds += dt;
  }
  return seconds > 0 ? { total, seconds } : null;
}

export function evaluateHealth(all: SamplePoint[], o: EvaluateOptions): Verdict {
  const th = o.thresholds;
  const points = all.filter((p) => p.t >= o.now - th.windowSeconds * 1000 && p.t <= o.now);
  const last = all[all.length - 1];
  const span = points.length > 1 ? (points[points.length - 1]!.t - points[0]!.t) / 1000 : null;
  const slope = backlogSlope(points);
  const drainRate = slope === null ? null : -slope;
  const eta = !last ? null : last.backlog === 0 ? 0 : drainRate !== null && drainRate > 0.01 ? Math.round(last.backlog / drainRate) : null;
  const base = { etaSeconds: eta, drainRate, windowSeconds: span };

  if (!last) return { state: "UNKNOWN", reason: "not sampled yet", ...base, etaSeconds: null };
  const age = o.now - last.t;
  if (!o.reachable || age > 3 * o.intervalMs) {
    const why = o.reachable ? "the sampler has not read it" : (o.unreachableReason ?? "the broker is unreachable");
    return { state: "UNKNOWN", reason: `no reading for ${formatDuration(age)} (${why}); last backlog ${fmt.format(last.backlog)}`, ...base, etaSeconds: null };
  }

  const backlog = fmt.format(last.backlog);
  if (o.role === "dlq") {
    const held = last.backlog === 0 ? "empty" : `holding ${backlog} dead letter${last.backlog === 1 ? "" : "s"}`;
    const by = last.consumerCount === 0 ? "no consumer" : last.consumerCount === 1 ? "1 consumer" : `${last.consumerCount} consumers`;
    return { state: "OK", reason: `dead-letter queue, ${held} (${by})`, ...base, etaSeconds: null };
  }
  if (o.role === "capture") {
    return { state: "OK", reason: last.backlog === 0 ? "Redrive's dead-letter capture, caught up" : `Redrive's dead-letter capture, ${backlog} advisories to copy`, ...base, etaSeconds: null };
  }
  // Work done since the last reading shows a consumer even when none is listed at this instant (a pull
  // consumer between two fetches). Only counters count: a broker refreshes some activity timestamps
  // by itself (RabbitMQ 3.10 moves an idle queue's idle_since every 2 minutes), which is no evidence.
  const recentlyActive = (last.deliverRate ?? 0) > 0 || (last.ackRate ?? 0) > 0;

  if (last.backlog > 0 && last.consumerCount === 0 && !recentlyActive) {
    let since = last.t;
    for (let i = points.length - 1; i >= 0 && points[i]!.consumerCount === 0; i--) since = points[i]!.t;
    // Stopped for longer than the window holds: the state's own start says how long.
    if (o.held?.state === "STOPPED" && o.held.since < since) since = o.held.since;
    const lasting = since < last.t ? ` for ${formatDuration(o.now - since)}` : "";
    // Nobody consumes: whatever the backlog does (expiry, a purge), it is not draining.
    return { state: "STOPPED", reason: `backlog ${backlog} and no consumer${lasting}`, ...base, etaSeconds: null, since };
  }

  if (last.backlog > 0 && last.consumerCount > 0) {
    // Find when completed work last moved; stalled when that was stallSeconds ago or more.
    let stillSince: number | null = null;
    if (last.ackedTotal !== null) {
      stillSince = last.t;
      for (let i = all.length - 2; i >= 0; i--) {
        const p = all[i]!;
        if (p.ackedTotal !== last.ackedTotal || p.counterEpoch !== last.counterEpoch) break;
        stillSince = p.t;
      }
    }
    if (stillSince !== null && last.t - stillSince >= th.stallSeconds * 1000) {
      const what = last.inFlight > 0 ? `${fmt.format(last.inFlight)} in flight` : `${backlog} waiting`;
      return { state: "STALLED", reason: `no acks for ${formatDuration(last.t - stillSince)} with ${what}`, ...base };
    }
  }

  const deliveries = sum(points, (p) => p.deliverRate);
  const redeliveries = sum(points, (p) => p.redeliverRate);
  if (deliveries && redeliveries && deliveries.total >= 20) {
    const ratio = redeliveries.total / deliveries.total;
    if (ratio > th.redeliveryRatio) {
      return {
        state: "FAILING",
        reason: `${Math.round(ratio * 100)}% of deliveries over ${formatDuration(deliveries.seconds * 1000)} were redeliveries (${fmtRate(redeliveries.total / redeliveries.seconds)}/s)`,
        ...base,
      };
    }
  }
  if (o.deadLetterPerMinute != null && o.deadLetterPerMinute > th.deadLetterPerMinute) {
    return { state: "FAILING", reason: `${fmtRate(o.deadLetterPerMinute)} dead letters per minute`, ...base };
  }

  if (slope !== null && slope > 0 && span !== null && span >= Math.min(60, th.windowSeconds / 2)) {
    let minAt = 0;
    for (let i = 1; i < points.length; i++) if (points[i]!.backlog <= points[minAt]!.backlog) minAt = i;
    const growth = last.backlog - points[minAt]!.backlog;
    if (growth >= th.lagMinGrowth && minAt < points.length - 1) {
      return { state: "LAGGING", reason: `backlog ${backlog} and rising ${fmtRate(slope)}/s for ${formatDuration(last.t - points[minAt]!.t)}`, ...base };
    }
  }

  if (last.backlog === 0) return { state: "OK", reason: (last.deliverRate ?? 0) > 0 ? `keeping up: backlog empty, ${fmtRate(last.deliverRate ?? 0)}/s delivered` : "backlog empty", ...base };
  if (drainRate !== null && drainRate > 0.01) return { state: "OK", reason: `backlog ${backlog}, draining ${fmtRate(drainRate)}/s`, ...base };
  return { state: "OK", reason: `backlog ${backlog}, steady`, ...base };
}
