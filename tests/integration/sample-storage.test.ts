import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedriveConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { openStore, type Store } from "@/lib/db/open-store";
import { readConsumerSeries } from "@/lib/health/get-consumer-series";
import { ROLLUP_COLUMNS, SAMPLE_COLUMNS, rollupRowsSql, sampleRowsSql } from "@/lib/health/sample-rows";
import { PACK_SETTLE_MS, RAW_SLACK_MS, expireOldData, packDays, packHours } from "@/lib/health/sampler/maintain-retention";
import { createTestDatabase } from "../support/postgres";
import { migrationsBefore } from "../support/migrations-before";

// Raw samples packed by the hour (prisma/migrations/20261206171000_packed_consumer_samples): what goes
// in as rows comes back the same through the packed spans, on both stores.

const PACKED_MIGRATION = "20261206171000_packed_consumer_samples";
const HOUR = 3_600_000;
const TICK = 10_000;

type Sample = {
  t: number;
  backlog: number;
  inFlight: number;
  limit: number | null;
  count: number;
  delivered: number | null;
  acked: number | null;
  published: number | null;
  redelivered: number | null;
  epoch: string | null;
  ackRate: number | null;
  oldest: number | null;
};

/** A busy consumer's ticks from `from`, `n` of them, 10 s apart with the jitter of a real sweep; `tweak` changes one. */
function ticks(from: number, n: number, tweak: (s: Sample, i: number) => Sample = (s) => s): Sample[] {
  return Array.from({ length: n }, (_, i) =>
    tweak(
      {
        t: from + i * TICK + ((i * 37) % 400),
        backlog: 100 + ((i * 7) % 50),
        inFlight: i % 10,
        limit: 10,
        count: 2,
        delivered: 1_000_000 + i * 23,
        acked: 1_000_000 + i * 23 - (i % 10),
        published: 9_007_199_254_740_000 + i * 24,
        redelivered: 100 + Math.floor(i / 30),
        epoch: "2026-12-01T00:00:00Z",
        ackRate: i === 0 ? null : 2.3 + (i % 3) / 10,
        oldest: i % 5 === 4 ? null : 3 + (i % 4),
      },
      i,
    ),
  );
}

async function insertSamples(prisma: PrismaClient, id: string, samples: Sample[]): Promise<void> {
  await prisma.$executeRawUnsafe(
    `INSERT INTO "consumer_samples" ("consumer_id", "taken_at", "backlog", "in_flight", "in_flight_limit", "consumer_count", "delivered_total", "acked_total",
       "published_total", "redelivered_total", "counter_epoch", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_seconds")
     SELECT $1::uuid, u.t, u.b, u.f, u.l, u.c, u.d, u.a, u.p, u.r, u.e, u.ar, u.ar * 2, NULL, 0, u.o
     FROM unnest($2::timestamptz[], $3::int8[], $4::int8[], $5::int4[], $6::int4[], $7::int8[], $8::int8[], $9::int8[], $10::int8[], $11::text[], $12::float4[], $13::int4[])
       AS u(t, b, f, l, c, d, a, p, r, e, ar, o)`,
    id,
    samples.map((s) => new Date(s.t).toISOString()),
    samples.map((s) => String(s.backlog)),
    samples.map((s) => String(s.inFlight)),
    samples.map((s) => s.limit),
    samples.map((s) => s.count),
    samples.map((s) => (s.delivered === null ? null : String(s.delivered))),
    samples.map((s) => (s.acked === null ? null : String(s.acked))),
    samples.map((s) => (s.published === null ? null : String(s.published))),
    samples.map((s) => (s.redelivered === null ? null : String(s.redelivered))),
    samples.map((s) => s.epoch),
    samples.map((s) => s.ackRate),
    samples.map((s) => s.oldest),
  );
}

/** A consumer's samples as the readers see them (rows and packed spans alike), every value as text. */
async function readSamples(prisma: PrismaClient, id: string): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT ${SAMPLE_COLUMNS} FROM ${sampleRowsSql(`"consumer_id" = $1::uuid`, `"consumer_id" = $1::uuid`)} s ORDER BY "taken_at"`,
    id,
  );
  return rows.map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)));
}

/** What was written, as readSamples returns it. */
function expected(id: string, samples: Sample[]): string[] {
  const n = (v: number | null) => (v === null ? null : `${v}n`);
  return samples.map((s) =>
    JSON.stringify({
      consumer_id: id,
      taken_at: new Date(s.t).toISOString(),
      backlog: n(s.backlog),
      in_flight: n(s.inFlight),
      in_flight_limit: s.limit,
      consumer_count: s.count,
      delivered_total: n(s.delivered),
      acked_total: n(s.acked),
      published_total: n(s.published),
      redelivered_total: n(s.redelivered),
      counter_epoch: s.epoch,
      ack_rate: s.ackRate,
      deliver_rate: s.ackRate === null ? null : Number((s.ackRate * 2).toPrecision(6)),
      inflow_rate: null,
      redeliver_rate: 0,
      oldest_age_seconds: s.oldest,
    }),
  );
}

/** A consumer's hourly rollups (rows and packed days alike), in time order. */
async function readRollups(prisma: PrismaClient, id: string) {
  return prisma.$queryRawUnsafe<Array<{ bucket: Date; samples: number; backlog_avg: number; backlog_max: bigint; ack_rate: number | null }>>(
    `SELECT ${ROLLUP_COLUMNS} FROM ${rollupRowsSql(`"consumer_id" = $1::uuid`, `"consumer_id" = $1::uuid`)} r ORDER BY "bucket"`,
    id,
  );
}

async function newConsumer(prisma: PrismaClient, name = "orders"): Promise<string> {
  const cluster = (await prisma.cluster.findFirst({ where: { name: "c" } })) ?? (await prisma.cluster.create({ data: { name: "c", kind: "rabbitmq" } }));
  const c = await prisma.consumer.create({ data: { clusterId: cluster.id, key: `v/${name}`, kind: "rabbitmq", parent: "v", name } });
  return c.id;
}

const countRows = async (prisma: PrismaClient, id: string) => ({
  rows: await prisma.consumerSample.count({ where: { consumerId: id } }),
  spans: await prisma.consumerSampleSpan.count({ where: { consumerId: id } }),
});

type Opener = (migrationsDir?: string) => Promise<Store>;

function suite(kind: string, make: () => Promise<Opener>) {
  describe(`packed samples (${kind})`, () => {
    let open: Opener;
    beforeAll(async () => {
      open = await make();
    });
    // Three finished hours and the current one, on the sampler's clock.
    const hour0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    const now = hour0 + 3 * HOUR + 20 * 60_000;

    it("reads back every sample of a packed hour exactly, and charts the same points before and after packing", async () => {
      const store = await open();
      try {
        const id = await newConsumer(store.prisma);
        const samples = ticks(hour0, (3 * HOUR + 20 * 60_000) / TICK);
        await insertSamples(store.prisma, id, samples);
        const sampler = { intervalMs: TICK, rawRetentionMs: 24 * HOUR };
        const ranges = [
          { from: new Date(now - HOUR), to: new Date(now) },
          { from: new Date(hour0 + 17 * 60_000), to: new Date(hour0 + 77 * 60_000), step: 30 },
          { from: new Date(now - 6 * HOUR), to: new Date(now) },
          { from: new Date(now - 24 * HOUR), to: new Date(now) },
        ];
        const before = await Promise.all(ranges.map((q) => readConsumerSeries(store.prisma, sampler, id, q, new Date(now))));
        expect(before.map((s) => s.source)).toEqual(["raw", "raw", "raw", "raw"]);
        expect(before[0]!.points.length).toBe(300);
        expect(before[0]!.points.every((p) => p.backlog !== null && p.deliverRate !== null)).toBe(true);

        const packed = await packHours(store.prisma, new Date(now));
        expect(packed).toEqual({ samples: samples.filter((s) => s.t < hour0 + 3 * HOUR).length, spans: 3, rollups: 3 });
        expect(await countRows(store.prisma, id)).toEqual({ rows: samples.filter((s) => s.t >= hour0 + 3 * HOUR).length, spans: 3 });
        expect(await readSamples(store.prisma, id)).toEqual(expected(id, samples));
        const after = await Promise.all(ranges.map((q) => readConsumerSeries(store.prisma, sampler, id, q, new Date(now))));
        expect(after).toEqual(before);

        // Hourly rollups of exactly the samples packed, and the range beyond a day charted from them.
        const rollups = await store.prisma.consumerRollup.findMany({ where: { consumerId: id }, orderBy: { bucket: "asc" } });
        expect(rollups.map((r) => [r.bucket.getTime(), r.samples])).toEqual([0, 1, 2].map((h) => [hour0 + h * HOUR, samples.filter((s) => s.t >= hour0 + h * HOUR && s.t < hour0 + (h + 1) * HOUR).length]));
        const firstHour = samples.filter((s) => s.t < hour0 + HOUR);
        expect(rollups[0]!.backlogAvg).toBeCloseTo(firstHour.reduce((a, s) => a + s.backlog, 0) / firstHour.length, 9);
        const week = await readConsumerSeries(store.prisma, sampler, id, { from: new Date(hour0 - 6 * 24 * HOUR), to: new Date(hour0 + 3 * HOUR) }, new Date(now));
        expect(week.source).toBe("rollup");
        expect(week.stepSeconds).toBe(3600);
        const lastThree = week.points.slice(-3);
        rollups.forEach((r, i) => expect(lastThree[i]!.backlog).toBeCloseTo(r.backlogAvg, 9));
        expect(lastThree.map((p) => p.backlogMax)).toEqual(rollups.map((r) => Number(r.backlogMax)));

        // Packing again changes nothing.
        expect(await packHours(store.prisma, new Date(now))).toEqual({ samples: 0, spans: 0, rollups: 0 });
        expect(await readSamples(store.prisma, id)).toEqual(expected(id, samples));
      } finally {
        await store.close();
      }
    });

    it("keeps a counter reset, a new counter epoch and missing counters inside a packed hour", async () => {
      const store = await open();
      try {
        const id = await newConsumer(store.prisma, "reset");
        const samples = ticks(hour0, 360, (s, i) => ({
          ...s,
          // The broker restarted at tick 200: counters from zero, a new epoch.
          delivered: i >= 200 ? (i - 200) * 5 : s.delivered,
          acked: i >= 100 && i < 110 ? null : i >= 200 ? (i - 200) * 4 : s.acked,
          published: i < 50 ? null : s.published,
          redelivered: i === 359 ? null : s.redelivered,
          epoch: i >= 200 ? "2026-12-06T10:00:00Z" : s.epoch,
        }));
        await insertSamples(store.prisma, id, samples);
        await packHours(store.prisma, new Date(now));
        expect(await countRows(store.prisma, id)).toEqual({ rows: 0, spans: 1 });
        expect(await readSamples(store.prisma, id)).toEqual(expected(id, samples));
      } finally {
        await store.close();
      }
    });

    it("expires packed hours past the raw window and rollups past theirs, and leaves the rest", async () => {
      const store = await open();
      try {
        const id = await newConsumer(store.prisma, "expiry");
        const samples = ticks(hour0, (3 * HOUR) / TICK);
        await insertSamples(store.prisma, id, samples);
        await packHours(store.prisma, new Date(now));
        // Raw window of 1 h at hour0 + 3 h 20 min: hours ending before 2 h 10 min go; rollups older than 2 h go.
        const later = new Date(now);
        const out = await expireOldData(store.prisma, later, HOUR, 2 * HOUR);
        const cutoff = now - HOUR - RAW_SLACK_MS;
        const kept = [0, 1, 2].map((h) => hour0 + h * HOUR).filter((s) => s + HOUR >= cutoff);
        // (Counts are of the whole store, which other tests' consumers share.)
        expect(out.spans).toBeGreaterThanOrEqual(3 - kept.length);
        expect(out.rollups).toBeGreaterThanOrEqual([0, 1, 2].filter((h) => hour0 + h * HOUR < now - 2 * HOUR).length);
        const spans = await store.prisma.consumerSampleSpan.findMany({ where: { consumerId: id }, select: { span: true } });
        expect(spans.map((s) => s.span.getTime()).sort()).toEqual(kept);
        expect(await readSamples(store.prisma, id)).toEqual(expected(id, samples.filter((s) => s.t >= kept[0]!)));
        const rollups = await store.prisma.consumerRollup.findMany({ where: { consumerId: id }, select: { bucket: true } });
        expect(rollups.every((r) => r.bucket.getTime() >= now - 2 * HOUR)).toBe(true);
        expect(rollups.length).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    });

    it("packs a finished day of hourly rollups into one row, charts the same week from it, and expires it whole", async () => {
      const store = await open();
      try {
        const id = await newConsumer(store.prisma, "days");
        // Three hours of yesterday, from 10:00 UTC.
        const base = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000 + 10 * HOUR;
        await insertSamples(store.prisma, id, ticks(base, (3 * HOUR) / TICK));
        await packHours(store.prisma, new Date(base + 3 * HOUR + PACK_SETTLE_MS));
        const rollups = await readRollups(store.prisma, id);
        expect(rollups).toHaveLength(3);
        const dayEnd = base - 10 * HOUR + 86_400_000;
        const later = new Date(dayEnd + PACK_SETTLE_MS);
        const sampler = { intervalMs: TICK, rawRetentionMs: 24 * HOUR };
        const week = { from: new Date(dayEnd - 7 * 86_400_000), to: new Date(dayEnd) };
        const before = await readConsumerSeries(store.prisma, sampler, id, week, later);
        expect(before.points.filter((p) => p.backlog !== null)).toHaveLength(3);

        expect((await packDays(store.prisma, later)).rollups).toBeGreaterThanOrEqual(3);
        expect(await store.prisma.consumerRollup.count({ where: { consumerId: id } })).toBe(0);
        expect(await store.prisma.consumerRollupDay.count({ where: { consumerId: id } })).toBe(1);
        expect(await readRollups(store.prisma, id)).toEqual(rollups);
        expect(await readConsumerSeries(store.prisma, sampler, id, week, later)).toEqual(before);
        expect((await packDays(store.prisma, later)).rollups).toBe(0);

        // Kept while any of its hours is within the rollup window; gone after.
        await expireOldData(store.prisma, new Date(dayEnd + 5 * HOUR), HOUR, 6 * HOUR);
        expect(await readRollups(store.prisma, id)).toEqual(rollups);
        await expireOldData(store.prisma, new Date(dayEnd + 7 * HOUR), HOUR, 6 * HOUR);
        expect(await readRollups(store.prisma, id)).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it("starts a consumer deleted and made again under the same name with none of the old one's samples", async () => {
      const store = await open();
      try {
        const old = await newConsumer(store.prisma, "again");
        await insertSamples(store.prisma, old, ticks(hour0, 200));
        await packHours(store.prisma, new Date(now));
        expect((await countRows(store.prisma, old)).spans).toBe(1);
        await store.prisma.consumer.delete({ where: { id: old } });
        expect(await countRows(store.prisma, old)).toEqual({ rows: 0, spans: 0 });
        expect(await store.prisma.consumerRollup.count({ where: { consumerId: old } })).toBe(0);

        const again = await newConsumer(store.prisma, "again");
        expect(again).not.toBe(old);
        const fresh = ticks(hour0 + 30 * 60_000, 100, (s) => ({ ...s, delivered: 7, backlog: 3 }));
        await insertSamples(store.prisma, again, fresh);
        await packHours(store.prisma, new Date(now));
        expect(await readSamples(store.prisma, again)).toEqual(expected(again, fresh));
        expect(await readSamples(store.prisma, old)).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
}

function migration(kind: string, make: () => Promise<Opener>) {
  it(`carries existing samples and 1-minute rollups over (${kind})`, async () => {
    const open = await make();
    const migrations = await migrationsBefore(PACKED_MIGRATION);
    const hour0 = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
    const samples = ticks(hour0, Math.floor((Date.now() - hour0) / TICK));
    let id: string;
    const minutes = Array.from({ length: 90 }, (_, m) => ({ bucket: hour0 - 30 * HOUR + m * 60_000, samples: 1 + (m % 6), backlogAvg: m, ackRate: m % 2 ? 1 : null }));
    try {
      const before = await open(migrations.dir);
      try {
        id = await newConsumer(before.prisma, "migrated");
        await insertSamples(before.prisma, id, samples);
        await before.prisma.$executeRawUnsafe(
          `INSERT INTO "consumer_rollups" ("consumer_id", "bucket", "samples", "backlog_avg", "backlog_max", "in_flight_avg", "consumer_count_min", "consumer_count_max", "ack_rate")
           SELECT $1::uuid, u.b, u.s, u.a, 90, 0, 1, 2, u.r FROM unnest($2::timestamptz[], $3::int4[], $4::float8[], $5::float8[]) AS u(b, s, a, r)`,
          id,
          minutes.map((m) => new Date(m.bucket).toISOString()),
          minutes.map((m) => m.samples),
          minutes.map((m) => m.backlogAvg),
          minutes.map((m) => m.ackRate),
        );
      } finally {
        await before.close();
      }
    } finally {
      migrations.drop();
    }
    const store = await open();
    try {
      expect(store.migrations.applied).toContain(PACKED_MIGRATION);
      const current = Math.floor(Date.now() / HOUR) * HOUR;
      // The upgrade packs nothing itself: every sample is still a row, and reads the same.
      expect(await countRows(store.prisma, id)).toEqual({ rows: samples.length, spans: 0 });
      expect(await readSamples(store.prisma, id)).toEqual(expected(id, samples));
      // The sampler's maintenance packs finished hours, then finished days.
      await packHours(store.prisma, new Date(current + PACK_SETTLE_MS));
      await packDays(store.prisma, new Date(current + PACK_SETTLE_MS));
      expect(await countRows(store.prisma, id)).toEqual({ rows: samples.filter((s) => s.t >= current).length, spans: 2 });
      expect(await readSamples(store.prisma, id)).toEqual(expected(id, samples));
      const rollups = (await readRollups(store.prisma, id)).map((r) => ({ bucket: new Date(r.bucket), samples: r.samples, backlogAvg: r.backlog_avg, ackRate: r.ack_rate }));
      // Yesterday's (or older) hours are packed into a day.
      expect(await store.prisma.consumerRollupDay.count({ where: { consumerId: id } })).toBeGreaterThan(0);
      // The 1-minute rollups as two hours (weighted by samples), then the two packed hours.
      const hours = [0, 1].map((h) => minutes.filter((m) => m.bucket >= hour0 - 30 * HOUR + h * HOUR && m.bucket < hour0 - 29 * HOUR + h * HOUR));
      expect(rollups.map((r) => [r.bucket.getTime(), r.samples])).toEqual([
        ...hours.map((ms, h) => [hour0 - 30 * HOUR + h * HOUR, ms.reduce((a, m) => a + m.samples, 0)]),
        ...[0, 1].map((h) => [hour0 + h * HOUR, samples.filter((s) => s.t >= hour0 + h * HOUR && s.t < hour0 + (h + 1) * HOUR).length]),
      ]);
      const w = hours[0]!;
      expect(rollups[0]!.backlogAvg).toBeCloseTo(w.reduce((a, m) => a + m.backlogAvg * m.samples, 0) / w.reduce((a, m) => a + m.samples, 0), 9);
      expect(rollups[0]!.ackRate).toBe(1);
    } finally {
      await store.close();
    }
  });
}

const databases: Array<{ drop(): Promise<void> }> = [];
const folders: string[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop().catch(() => undefined);
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

async function postgres(): Promise<Opener> {
  const db = await createTestDatabase();
  databases.push(db);
  return (dir) => openStore({ kind: "postgres", url: db.url } satisfies RedriveConfig["database"], dir);
}
async function embedded(): Promise<Opener> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "redrive-pglite-"));
  folders.push(dataDir);
  return (dir) => openStore({ kind: "embedded", dataDir } satisfies RedriveConfig["database"], dir);
}

suite("PostgreSQL", postgres);
suite("embedded store", embedded);
describe("the packing migration", () => {
  migration("PostgreSQL", postgres);
  migration("embedded store", embedded);
});
