import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS } from "@/lib/config";
import { evaluateHealth, formatDuration } from "@/lib/health/evaluate-health";
import { ConsumerWindows } from "@/lib/health/sampler/consumer-windows";
import { derivePoint, type RawPoint, type SamplePoint } from "@/lib/health/sample-point";

const T0 = Date.parse("2026-03-01T09:00:00Z");
const STEP = 10_000;

function raw(i: number, r: Partial<RawPoint>): RawPoint {
  return {
    t: T0 + i * STEP,
    pending: 0,
    inFlight: 0,
    backlog: (r.pending ?? 0) + (r.inFlight ?? 0),
    inFlightLimit: 1000,
    consumerCount: 1,
    deliveredTotal: 0,
    ackedTotal: 0,
    publishedTotal: null,
    redeliveredTotal: null,
    counterEpoch: "e1",
    ...r,
  };
}

/** Derives rates along a recorded sequence, as the sampler does tick by tick. */
function record(raws: RawPoint[]): SamplePoint[] {
  const out: SamplePoint[] = [];
  for (const r of raws) out.push(derivePoint(out[out.length - 1], r));
  return out;
}

const opts = (points: SamplePoint[], extra: Partial<Parameters<typeof evaluateHealth>[1]> = {}) => ({
  now: points[points.length - 1]!.t + 1000,
  intervalMs: STEP,
  thresholds: DEFAULT_THRESHOLDS,
  reachable: true,
  ...extra,
});

describe("derivePoint", () => {
  it("turns counter deltas into per-second rates", () => {
    const [, b] = record([raw(0, { deliveredTotal: 100, ackedTotal: 90, publishedTotal: 1000, redeliveredTotal: 5 }), raw(1, { deliveredTotal: 300, ackedTotal: 290, publishedTotal: 1200, redeliveredTotal: 25 })]);
    expect(b).toMatchObject({ deliverRate: 20, ackRate: 20, inflowRate: 20, redeliverRate: 2 });
  });

  it("re-baselines instead of spiking when counters restart", () => {
    const pts = record([
      raw(0, { deliveredTotal: 5000, ackedTotal: 5000 }),
      raw(1, { deliveredTotal: 12, ackedTotal: 10 }),
      raw(2, { deliveredTotal: 112, ackedTotal: 110 }),
      raw(3, { deliveredTotal: 212, ackedTotal: 210, counterEpoch: "e2" }),
    ]);
    expect(pts.map((p) => p.ackRate)).toEqual([null, null, 10, null]);
    expect(pts.every((p) => p.deliverRate === null || p.deliverRate >= 0)).toBe(true);
  });

  it("counts dead-lettered arrivals the broker does not count as publishes", () => {
    // A RabbitMQ DLQ: publish stays 0 while the queue grows by 50 and 10 are consumed.
    const [, b] = record([raw(0, { pending: 100, publishedTotal: 0, ackedTotal: 0 }), raw(1, { pending: 140, publishedTotal: 0, ackedTotal: 10 })]);
    expect(b!.inflowRate).toBe(5);
  });

  it("splits JetStream deliveries into new ones and redeliveries", () => {
    // 100 arrived, pending grew by 20, so 80 new deliveries; 130 deliveries in all: 50 redeliveries.
    const [, b] = record([raw(0, { pending: 10, deliveredTotal: 1000, publishedTotal: 500 }), raw(1, { pending: 30, deliveredTotal: 1130, publishedTotal: 600 })]);
    expect(b!.redeliverRate).toBe(5);
  });
});

describe("evaluateHealth", () => {
  it("is OK with an ETA while a backlog drains", () => {
    const pts = record(Array.from({ length: 31 }, (_, i) => raw(i, { pending: 1000 - i * 20, deliveredTotal: i * 20, ackedTotal: i * 20 })));
    const v = evaluateHealth(pts, opts(pts));
    expect(v.state).toBe("OK");
    expect(v.reason).toBe("backlog 400, draining 2.0/s");
    expect(v.etaSeconds).toBe(200);
  });

  it("is LAGGING when the backlog keeps rising, and says by how much and for how long", () => {
    const pts = record(Array.from({ length: 31 }, (_, i) => raw(i, { pending: 12_400 - (30 - i) * 350, deliveredTotal: i * 50, ackedTotal: i * 50 })));
    const v = evaluateHealth(pts, opts(pts));
    expect(v.state).toBe("LAGGING");
    expect(v.reason).toBe("backlog 12,400 and rising 35/s for 5 min");
    expect(v.etaSeconds).toBeNull();
  });

  it("is STALLED when nothing completes with work in flight", () => {
    const pts = record(Array.from({ length: 37 }, (_, i) => raw(i, { pending: 500, inFlight: 1000, deliveredTotal: 7000, ackedTotal: 6000 })));
    const v = evaluateHealth(pts, opts(pts));
    expect(v.state).toBe("STALLED");
    expect(v.reason).toBe("no acks for 6 min with 1,000 in flight");
  });

  it("is STOPPED when a backlog has no consumer", () => {
    const pts = record(Array.from({ length: 13 }, (_, i) => raw(i, { pending: 250 + i, consumerCount: i < 4 ? 1 : 0, deliveredTotal: 100, ackedTotal: 100 })));
    const v = evaluateHealth(pts, opts(pts));
    expect(v.state).toBe("STOPPED");
    expect(v.reason).toBe("backlog 262 and no consumer for 81 s");
  });

  it("gives a STOPPED queue no time to drain, even while its backlog shrinks by expiry", () => {
    const pts = record(Array.from({ length: 13 }, (_, i) => raw(i, { pending: 600 - i * 40, consumerCount: 0, deliveredTotal: 100, ackedTotal: 100 })));
    const v = evaluateHealth(pts, opts(pts));
    expect(v.state).toBe("STOPPED");
    expect(v.etaSeconds).toBeNull();
  });

  it("dates a STOPPED state from the same evidence its reason tells", () => {
    // The consumer left at tick 4 (2 min before the last reading): the reason and the state's start agree.
    const pts = record(Array.from({ length: 13 }, (_, i) => raw(i, { pending: 250 + i, consumerCount: i < 4 ? 1 : 0, deliveredTotal: 100, ackedTotal: 100 })));
    const v = evaluateHealth(pts, opts(pts));
    expect(v.since).toBe(pts[4]!.t);
    const o = opts(pts);
    expect(v.reason).toContain(`for ${Math.round((o.now - v.since!) / 1000)} s`);
    const windows = new ConsumerWindows(60_000);
    expect(windows.mark("c", v.state, new Date(o.now), v.since).getTime()).toBe(pts[4]!.t);
    // Held on the next sweep: the start stays put, and the reason keeps counting from it.
    const later = record(Array.from({ length: 25 }, (_, i) => raw(i, { pending: 250 + i, consumerCount: i < 4 ? 1 : 0, deliveredTotal: 100, ackedTotal: 100 }))).slice(-4);
    const held = evaluateHealth(later, opts(later, { held: windows.held("c") }));
    expect(held.since).toBe(pts[4]!.t);
    expect(held.reason).toBe(`backlog 274 and no consumer for ${formatDuration(opts(later).now - pts[4]!.t)}`);
  });

  it("is not STOPPED by a pull consumer caught between two fetches", () => {
    const pts = record(Array.from({ length: 5 }, (_, i) => raw(i, { pending: 50, consumerCount: i === 4 ? 0 : 1, deliveredTotal: i * 100, ackedTotal: i * 100 })));
    expect(evaluateHealth(pts, opts(pts)).state).not.toBe("STOPPED");
  });

  it("is FAILING when a large share of deliveries are redeliveries", () => {
    const pts = record(Array.from({ length: 31 }, (_, i) => raw(i, { pending: 10, deliveredTotal: i * 100, ackedTotal: i * 60, redeliveredTotal: i * 40 })));
    const v = evaluateHealth(pts, opts(pts));
    expect(v.state).toBe("FAILING");
    expect(v.reason).toBe("40% of deliveries over 5 min were redeliveries (4.0/s)");
  });

  it("is FAILING when more of its messages die per minute than the threshold, and says how many", () => {
    const pts = record(Array.from({ length: 13 }, (_, i) => raw(i, { pending: 5, deliveredTotal: i * 30, ackedTotal: i * 30 })));
    expect(evaluateHealth(pts, opts(pts, { deadLetterPerMinute: 10 })).state).toBe("OK");
    const v = evaluateHealth(pts, opts(pts, { deadLetterPerMinute: 24 }));
    expect(v.state).toBe("FAILING");
    expect(v.reason).toBe("24 dead letters per minute");
  });

  it("never calls a dead-letter queue or Redrive's capture stopped, lagging or failing", () => {
    // A DLQ: growing, no consumer, letters arriving fast — the very picture of STOPPED and LAGGING.
    const pts = record(Array.from({ length: 31 }, (_, i) => raw(i, { pending: 1_000 + i * 40, consumerCount: 0 })));
    expect(evaluateHealth(pts, opts(pts)).state).toBe("STOPPED");
    const dlq = evaluateHealth(pts, opts(pts, { role: "dlq", deadLetterPerMinute: 500 }));
    expect(dlq.state).toBe("OK");
    expect(dlq.reason).toBe("dead-letter queue, holding 2,200 dead letters (no consumer)");
    const capture = evaluateHealth(pts, opts(pts, { role: "capture" }));
    expect(capture).toMatchObject({ state: "OK", reason: "Redrive's dead-letter capture, 2,200 advisories to copy" });
    // Unreachable is still UNKNOWN: the role says what it is for, not that it was read.
    expect(evaluateHealth(pts, opts(pts, { role: "dlq", reachable: false })).state).toBe("UNKNOWN");
  });

  it("is UNKNOWN, keeping the last value and its age, when the broker cannot be read", () => {
    const pts = record(Array.from({ length: 3 }, (_, i) => raw(i, { pending: 77 })));
    const down = evaluateHealth(pts, opts(pts, { reachable: false, unreachableReason: "Cannot reach NATS at nats://x:4222" }));
    expect(down).toMatchObject({ state: "UNKNOWN", etaSeconds: null });
    expect(down.reason).toBe("no reading for 1 s (Cannot reach NATS at nats://x:4222); last backlog 77");
    const stale = evaluateHealth(pts, opts(pts, { now: pts[2]!.t + 120_000 }));
    expect(stale.reason).toBe("no reading for 2 min (the sampler has not read it); last backlog 77");
  });

  it("uses the cluster's thresholds", () => {
    const pts = record(Array.from({ length: 31 }, (_, i) => raw(i, { pending: 100 + i * 2, deliveredTotal: i, ackedTotal: i })));
    expect(evaluateHealth(pts, opts(pts)).state).toBe("OK");
    expect(evaluateHealth(pts, opts(pts, { thresholds: { ...DEFAULT_THRESHOLDS, lagMinGrowth: 50 } })).state).toBe("LAGGING");
  });
});
