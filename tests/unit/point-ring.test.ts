import { describe, expect, it } from "vitest";
import type { SamplePoint } from "@/lib/health/sample-point";
import { PointRing } from "@/lib/health/sampler/point-ring";
import { ConsumerWindows } from "@/lib/health/sampler/consumer-windows";

// The sampler keeps each consumer's recent points as numbers in a ring. What comes back must be the
// points that went in, exactly, with the same ones forgotten as a plain list of objects forgets.

/** A deterministic stream of pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function pointMaker(seed: number) {
  const r = random(seed);
  const maybe = (v: number) => (r() < 0.2 ? null : v);
  let t = 1_800_000_000_000;
  let epoch = "epoch-0";
  return (): SamplePoint => {
    // Irregular sweeps: mostly 10 s apart, sometimes late, sometimes in a burst.
    t += r() < 0.1 ? Math.floor(r() * 40_000) : r() < 0.1 ? 1 : 10_000 + Math.floor(r() * 500);
    if (r() < 0.05) epoch = `epoch-${Math.floor(r() * 1e6)}`;
    const inFlight = Math.floor(r() * 100);
    const pending = Math.floor(r() * 2 ** 40);
    return {
      t,
      pending,
      inFlight,
      backlog: pending + inFlight,
      inFlightLimit: maybe(Math.floor(r() * 1_000)),
      consumerCount: Math.floor(r() * 5),
      deliveredTotal: maybe(Math.floor(r() * 2 ** 52)),
      ackedTotal: maybe(Math.floor(r() * 2 ** 52)),
      publishedTotal: maybe(0),
      redeliveredTotal: maybe(Math.floor(r() * 10)),
      counterEpoch: r() < 0.1 ? null : epoch,
      ackRate: maybe(r() * 1e4),
      deliverRate: maybe(r() / 3),
      inflowRate: maybe(0),
      redeliverRate: maybe(1e-9 * r()),
    };
  };
}

/** What the sampler kept before the ring: a list, trimmed after each push. */
function pushToList(list: SamplePoint[], p: SamplePoint, keepMs: number): void {
  list.push(p);
  const cutoff = p.t - keepMs;
  while (list.length > 2 && list[0]!.t < cutoff) list.shift();
}

describe("PointRing", () => {
  it("gives back exactly the points a plain list keeps, through trimming, bursts and growth", () => {
    for (const seed of [1, 2, 3, 42, 2026]) {
      const next = pointMaker(seed);
      const keepMs = 320_000;
      // Sized too small on purpose for some seeds: growing must keep every point and their order.
      const ring = new PointRing(seed % 2 ? 3 : 34);
      const list: SamplePoint[] = [];
      for (let i = 0; i < 500; i++) {
        const p = next();
        pushToList(list, { ...p }, keepMs);
        ring.push(p, keepMs);
        expect(ring.length).toBe(list.length);
        if (i % 37 === 0 || i > 490) expect(ring.points()).toEqual(list);
      }
      expect(ring.at(ring.length - 1)).toEqual(list[list.length - 1]);
      expect(ring.at(0)).toEqual(list[0]);
    }
  });

  it("keeps null as null, zero as zero and fractions to the last bit", () => {
    const ring = new PointRing(4);
    const p: SamplePoint = {
      t: 1_765_000_000_123,
      pending: 0,
      inFlight: 0,
      backlog: 0,
      inFlightLimit: null,
      consumerCount: 0,
      deliveredTotal: null,
      ackedTotal: 0,
      publishedTotal: Number.MAX_SAFE_INTEGER,
      redeliveredTotal: null,
      counterEpoch: null,
      ackRate: 1 / 3,
      deliverRate: null,
      inflowRate: 0,
      redeliverRate: 5e-324,
    };
    ring.push(p, 60_000);
    const back = ring.at(0);
    expect(back).toEqual(p);
    expect(Object.is(back.inflowRate, 0)).toBe(true);
    expect(back.ackRate).toBe(1 / 3);
  });

  it("keeps at least two points however old, and holds no more than the kept span at a steady interval", () => {
    const ring = new PointRing(34);
    const base = pointMaker(7)();
    ring.push({ ...base, t: 0 }, 320_000);
    ring.push({ ...base, t: 10_000_000 }, 320_000);
    expect(ring.points().map((p) => p.t)).toEqual([0, 10_000_000]);
    for (let i = 1; i <= 200; i++) ring.push({ ...base, t: 10_000_000 + i * 10_000 }, 320_000);
    // 320 s at 10 s: the newest and the 32 before it, in the 34 slots it was given.
    expect(ring.length).toBe(33);
    expect(ring.capacity).toBe(34);
  });
});

describe("ConsumerWindows", () => {
  it("sizes a consumer's ring from the interval, keeps consumers apart and forgets one whole", () => {
    const windows = new ConsumerWindows(320_000, 10_000);
    const a = pointMaker(11);
    const b = pointMaker(12);
    const listA: SamplePoint[] = [];
    const listB: SamplePoint[] = [];
    for (let i = 0; i < 100; i++) {
      const pa = a();
      const pb = b();
      windows.push("a", pa);
      windows.push("b", pb);
      pushToList(listA, pa, 320_000);
      pushToList(listB, pb, 320_000);
    }
    expect(windows.get("a")).toEqual(listA);
    expect(windows.get("b")).toEqual(listB);
    expect(windows.last("a")).toEqual(listA[listA.length - 1]);
    // Objects made for the caller: changing them changes nothing kept.
    windows.get("a")[0]!.backlog = -1;
    expect(windows.get("a")[0]).toEqual(listA[0]);
    windows.forget("a");
    expect(windows.get("a")).toEqual([]);
    expect(windows.last("a")).toBeUndefined();
    expect(windows.get("b")).toEqual(listB);
  });
});
