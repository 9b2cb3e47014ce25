import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sparklinePoints } from "@/components/charts/sparkline";
import type { ConsumerReading } from "@/lib/brokers/types";
import { ensureCluster } from "@/lib/clusters/ensure-cluster";
import { openStore, type Store } from "@/lib/db/open-store";
import { derivePoint, type SamplePoint } from "@/lib/health/sample-point";
import { IMPACT_STEP, upsertConsumers, writeSamples, type SweepRow, type Written } from "@/lib/health/sampler/write-sweep";
import { createTestDatabase } from "../support/postgres";

// The sweep writes a consumer's row only when what an operator sees of it changed: a level sparkline
// that only grows longer, or an impact score creeping up by less than a step, leave the row as it is;
// any change of shape, of a figure, or of the score by a step is written, and the stored readings
// catch up with the window then.

const reading = (key: string, backlog: number): ConsumerReading => ({
  key,
  parent: "v",
  name: key,
  pending: backlog,
  inFlight: 0,
  inFlightLimit: null,
  consumerCount: 0,
  deliveredTotal: 0,
  ackedTotal: 0,
  publishedTotal: backlog,
  redeliveredTotal: 0,
  redeliveredNow: 0,
  counterEpoch: null,
  lastActivityAt: null,
  oldestAgeSeconds: null,
  oldestAgeNote: null,
  config: {},
});

/** What the table's sparkline draws: where its line starts and ends, and at which heights it runs (collinear points draw the same line). */
function drawn(values: number[]) {
  const points = (sparklinePoints(values, 48, 18) ?? "").split(" ");
  return { from: points[0], to: points[points.length - 1], heights: [...new Set(points.map((p) => p.split(",")[1]))] };
}

describe("writing a sweep", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openStore({ kind: "postgres", url: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("leaves a row whose sparkline only grows level or whose impact creeps up, and writes every visible change", async () => {
    const prisma = store.prisma;
    const clusterId = await ensureCluster(prisma, "write-sweep", "rabbitmq");
    const start = Date.parse("2026-12-06T12:00:00Z");
    const ids = await upsertConsumers(prisma, clusterId, "rabbitmq", ["level", "moving", "creeping"].map((k) => reading(k, 5)), new Date(start));
    const written: Written = new Map();
    const last = new Map<string, SamplePoint>();
    const history = new Map<string, number[]>();

    /** One sweep at `tick` (10 s apart): each consumer's backlog and impact as given; returns the rows written. */
    const sweep = async (tick: number, of: Record<string, { backlog: number; impact: number }>) => {
      const at = new Date(start + tick * 10_000);
      const rows: SweepRow[] = Object.entries(of).map(([key, v]) => {
        const id = ids.get(key)!;
        const r = reading(key, v.backlog);
        const point = derivePoint(last.get(id), { t: at.getTime(), pending: r.pending, inFlight: 0, backlog: r.pending, inFlightLimit: null, consumerCount: 0, deliveredTotal: 0, ackedTotal: 0, publishedTotal: r.publishedTotal, redeliveredTotal: 0, counterEpoch: null });
        last.set(id, point);
        history.set(id, [...(history.get(id) ?? []), v.backlog]);
        return {
          id,
          role: null,
          reading: r,
          point,
          verdict: { state: "STOPPED", reason: `backlog ${v.backlog} and no consumer`, etaSeconds: null, drainRate: null, windowSeconds: null },
          oldest: { seconds: null, estimated: false, note: null },
          expectedMin: null,
          findings: [],
          stateSince: new Date(start),
          recentBacklog: history.get(id)!.slice(-30),
          rateWindowSeconds: null,
          activityAt: null,
          impact: v.impact,
        };
      });
      return (await writeSamples(prisma, rows, at, written)).rows;
    };
    const stored = async (key: string) => {
      const row = await prisma.consumer.findUniqueOrThrow({ where: { id: ids.get(key)! }, select: { recentBacklog: true, impact: true, backlog: true } });
      return { recent: row.recentBacklog as number[], impact: row.impact, backlog: Number(row.backlog) };
    };

    expect(await sweep(0, { level: { backlog: 5, impact: 40 }, moving: { backlog: 5, impact: 40 }, creeping: { backlog: 5, impact: 40 } })).toBe(3);
    // A second reading draws the first line: every row is written.
    expect(await sweep(1, { level: { backlog: 5, impact: 40 }, moving: { backlog: 5, impact: 40 }, creeping: { backlog: 5, impact: 40 } })).toBe(3);
    expect(await stored("level")).toEqual({ recent: [5, 5], impact: 40, backlog: 5 });

    // "level" only grows longer; "moving" gets a new shape; "creeping" rises by less than a step.
    const creep = 40 + IMPACT_STEP / 2;
    expect(await sweep(2, { level: { backlog: 5, impact: 40 }, moving: { backlog: 5, impact: 40 }, creeping: { backlog: 5, impact: creep } })).toBe(0);
    expect(await sweep(3, { level: { backlog: 5, impact: 40 }, moving: { backlog: 9, impact: 40 }, creeping: { backlog: 5, impact: creep } })).toBe(1);
    expect(await stored("moving")).toEqual({ recent: [5, 5, 5, 9], impact: 40, backlog: 9 });
    // The row left alone draws what the window draws.
    const level = await stored("level");
    expect(level.recent).toEqual([5, 5]);
    expect(drawn(level.recent)).toEqual(drawn(history.get(ids.get("level")!)!));
    expect(drawn(level.recent).heights).toHaveLength(1);
    expect((await stored("creeping")).impact).toBe(40);

    // A series that is not level changes shape with every reading: "moving" would be written each sweep (left out below).
    // Measured from the score last stored, not the last computed: small rises add up to a write.
    expect(await sweep(4, { level: { backlog: 5, impact: 40 }, creeping: { backlog: 5, impact: 40 + IMPACT_STEP } })).toBe(1);
    expect((await stored("creeping")).impact).toBeCloseTo(40 + IMPACT_STEP, 6);
    // A fall, however small, is written (it follows a smaller backlog or a change of state).
    expect(await sweep(5, { level: { backlog: 5, impact: 40 }, creeping: { backlog: 5, impact: 40 + IMPACT_STEP - 0.01 } })).toBe(1);
    expect((await stored("creeping")).impact).toBeCloseTo(40 + IMPACT_STEP - 0.01, 6);

    // When the level series finally moves, the row gets the whole window, not the two readings it had.
    expect(await sweep(6, { level: { backlog: 6, impact: 40 }, creeping: { backlog: 5, impact: 40 + IMPACT_STEP - 0.01 } })).toBe(1);
    expect(await stored("level")).toEqual({ recent: [5, 5, 5, 5, 5, 5, 6], impact: 40, backlog: 6 });
  });

  it("leaves a row where nothing moves when only the spacing of sweeps changes, and writes the window of rates that move", async () => {
    const prisma = store.prisma;
    const clusterId = await ensureCluster(prisma, "write-sweep-window", "rabbitmq");
    const start = Date.parse("2026-12-06T13:00:00Z");
    const ids = await upsertConsumers(prisma, clusterId, "rabbitmq", ["still", "busy"].map((k) => reading(k, 0)), new Date(start));
    const written: Written = new Map();
    const last = new Map<string, SamplePoint>();

    /** One sweep `seconds` after the previous one: each consumer's acked counter as given; returns the rows written. */
    let t = start;
    const sweep = async (seconds: number, acked: Record<string, number>) => {
      t += seconds * 1000;
      const at = new Date(t);
      const rows: SweepRow[] = Object.entries(acked).map(([key, total]) => {
        const id = ids.get(key)!;
        const prev = last.get(id);
        const point = derivePoint(prev, { t, pending: 0, inFlight: 0, backlog: 0, inFlightLimit: null, consumerCount: 1, deliveredTotal: total, ackedTotal: total, publishedTotal: total, redeliveredTotal: 0, counterEpoch: null });
        last.set(id, point);
        return {
          id,
          role: null,
          reading: reading(key, 0),
          point,
          verdict: { state: "OK", reason: "empty", etaSeconds: 0, drainRate: null, windowSeconds: null },
          oldest: { seconds: null, estimated: false, note: null },
          expectedMin: null,
          findings: [],
          stateSince: new Date(start),
          recentBacklog: [0, 0],
          rateWindowSeconds: prev && point.ackRate !== null ? (t - prev.t) / 1000 : null,
          activityAt: null,
          impact: 0,
        };
      });
      return (await writeSamples(prisma, rows, at, written)).rows;
    };
    const window = async (key: string) => (await prisma.consumer.findUniqueOrThrow({ where: { id: ids.get(key)! }, select: { rateWindowSeconds: true, ackRate: true } }));

    expect(await sweep(0, { still: 0, busy: 0 })).toBe(2);
    // The first rates, and their window, are written.
    expect(await sweep(10, { still: 0, busy: 10 })).toBe(2);
    expect(await window("still")).toEqual({ rateWindowSeconds: 10, ackRate: 0 });
    expect(await window("busy")).toEqual({ rateWindowSeconds: 10, ackRate: 1 });
    // A sweep that overran: "still" reads 0/s over 17 s as over 10 s and is left; "busy" is written with its window.
    expect(await sweep(17, { still: 0, busy: 27 })).toBe(1);
    expect(await window("still")).toEqual({ rateWindowSeconds: 10, ackRate: 0 });
    expect(await window("busy")).toEqual({ rateWindowSeconds: 17, ackRate: 1 });
    // The same spacing and rate again: nothing to write.
    expect(await sweep(17, { still: 0, busy: 44 })).toBe(0);
    // Once something moves on "still", its rate and the window it was measured over are written.
    expect(await sweep(12, { still: 6, busy: 56 })).toBe(2);
    expect(await window("still")).toEqual({ rateWindowSeconds: 12, ackRate: 0.5 });
    // And when it is still again, the zero rate is written (a change of rate), with its window.
    expect(await sweep(14, { still: 6, busy: 70 })).toBe(2);
    expect(await window("still")).toEqual({ rateWindowSeconds: 14, ackRate: 0 });
  });
});
