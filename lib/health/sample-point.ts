// One consumer reading at one instant, with the rates derived from the reading before it.

export type SamplePoint = {
  /** Local clock, ms since epoch (2.9 and RabbitMQ give no server timestamp). */
  t: number;
  pending: number;
  inFlight: number;
  backlog: number;
  inFlightLimit: number | null;
  consumerCount: number;
  deliveredTotal: number | null;
  ackedTotal: number | null;
  publishedTotal: number | null;
  redeliveredTotal: number | null;
  counterEpoch: string | null;
  /** Per-second rates since the previous point; null on the first point and after a counter reset. */
  ackRate: number | null;
  deliverRate: number | null;
  inflowRate: number | null;
  redeliverRate: number | null;
};

export type RawPoint = Omit<SamplePoint, "ackRate" | "deliverRate" | "inflowRate" | "redeliverRate">;

function delta(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : b - a;
}

/** True when the broker's counters restarted between two readings (consumer recreated, node restarted). */
export function countersReset(prev: RawPoint, cur: RawPoint): boolean {
  if (prev.counterEpoch !== cur.counterEpoch) return true;
  return [delta(prev.deliveredTotal, cur.deliveredTotal), delta(prev.ackedTotal, cur.ackedTotal), delta(prev.publishedTotal, cur.publishedTotal), delta(prev.redeliveredTotal, cur.redeliveredTotal)].some(
    (d) => d !== null && d < 0,
  );
}

/**
 * A point written out field by field, as one object literal of one shape: V8 then gives it all its
 * fields in the object itself. Spreading the reading and adding the rates to it, as before, left the
 * rates in a second array per point. The sampler keeps its windows as numbers (sampler/point-ring.ts)
 * and makes objects of them for each sweep, so every sweep makes hundreds of thousands of these.
 */
function pointOf(cur: RawPoint, ackRate: number | null, deliverRate: number | null, inflowRate: number | null, redeliverRate: number | null): SamplePoint {
  return {
    t: cur.t,
    pending: cur.pending,
    inFlight: cur.inFlight,
    backlog: cur.backlog,
    inFlightLimit: cur.inFlightLimit,
    consumerCount: cur.consumerCount,
    deliveredTotal: cur.deliveredTotal,
    ackedTotal: cur.ackedTotal,
    publishedTotal: cur.publishedTotal,
    redeliveredTotal: cur.redeliveredTotal,
    counterEpoch: cur.counterEpoch,
    ackRate,
    deliverRate,
    inflowRate,
    redeliverRate,
  };
}

/** Rates from counter deltas; never negative, null where a reading lacks the counter or counters reset. */
export function derivePoint(prev: SamplePoint | RawPoint | undefined, cur: RawPoint): SamplePoint {
  if (!prev) return pointOf(cur, null, null, null, null);
  const dt = (cur.t - prev.t) / 1000;
  if (dt <= 0 || countersReset(prev, cur)) return pointOf(cur, null, null, null, null);
  const rate = (d: number | null) => (d === null ? null : Math.max(0, d) / dt);
  const dAcked = delta(prev.ackedTotal, cur.ackedTotal);
  const dDelivered = delta(prev.deliveredTotal, cur.deliveredTotal);
  const dPublished = delta(prev.publishedTotal, cur.publishedTotal);
  const dBacklog = cur.backlog - prev.backlog;
  // Arrivals the queue saw: what was published, or (where the broker does not count arrivals, as for
  // dead-lettered messages) what the backlog grew by plus what was completed meanwhile.
  const derivedInflow = dAcked === null ? null : dBacklog + dAcked;
  const inflow = dPublished === null ? derivedInflow : derivedInflow === null ? dPublished : Math.max(dPublished, derivedInflow);
  let redelivered = delta(prev.redeliveredTotal, cur.redeliveredTotal);
  if (redelivered === null && dDelivered !== null && dPublished !== null) {
    // JetStream: deliveries of new messages are the arrivals less what is still pending.
    const fresh = dPublished - (cur.pending - prev.pending);
    redelivered = Math.max(0, dDelivered - fresh);
  }
  return pointOf(cur, rate(dAcked), rate(dDelivered), rate(inflow), rate(redelivered));
}

/** A rate's time-weighted mean (per second) over the points after `since`; null when none of them has that rate. */
export function meanRate(points: SamplePoint[], since: number, rate: "ackRate" | "deliverRate" | "inflowRate" | "redeliverRate"): number | null {
  let total = 0;
  let seconds = 0;
  for (let i = 1; i < points.length; i++) {
    const p = points[i]!;
    const r = p[rate];
    if (p.t <= since || r === null) continue;
    const dt = (p.t - points[i - 1]!.t) / 1000;
    total += r * dt;
    seconds += dt;
  }
  return seconds > 0 ? total / seconds : null;
}
