import path from "node:path";
import type { ConsumerReading } from "@/lib/brokers/types";
import { openStore, type Store } from "@/lib/db/open-store";
import { derivePoint, type SamplePoint } from "@/lib/health/sample-point";
import { PACK_SETTLE_MS, packDays, packHours } from "@/lib/health/sampler/maintain-retention";
import { writeSamples, type SweepRow, type Written } from "@/lib/health/sampler/write-sweep";
import { loadAverage } from "./machine";
import { createDatabase, dropDatabase } from "./temp-database";

// Bytes on disk per consumer-day of raw samples, measured on real tables filled the way the sampler
// fills them: the sampler's own writeSamples, tick by tick (10 s apart on a simulated clock, from an
// hour boundary), for busy consumers (every counter moves every tick) and idle ones (nothing moves),
// then packed by the sampler's own packHours (one row per consumer and hour, hourly rollups on the
// way). The sample rows stay for the current hour (and PACK_SETTLE_MS), so the raw window costs 24 h
// of packed hours plus that much of rows. Baselines, filled with the same readings in the same
// database: the first layout (a row of every consumer at every tick, surrogate id, two B-tree
// indexes), the compact rows alone (20261206150000: every hour kept as rows), and 1-minute rollups.

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;

/** The raw sample table as it was before the compact layout (migrations up to 20261206080000). */
const LEGACY_DDL = `CREATE TABLE "legacy_samples" (
    "id" BIGSERIAL NOT NULL, "consumer_id" UUID NOT NULL, "taken_at" TIMESTAMPTZ(3) NOT NULL, "backlog" BIGINT NOT NULL, "pending" BIGINT NOT NULL,
    "in_flight" BIGINT NOT NULL, "in_flight_limit" INTEGER, "consumer_count" INTEGER NOT NULL, "delivered_total" BIGINT, "acked_total" BIGINT,
    "published_total" BIGINT, "redelivered_total" BIGINT, "counter_epoch" TEXT, "redelivered_now" BIGINT, "ack_rate" DOUBLE PRECISION,
    "deliver_rate" DOUBLE PRECISION, "inflow_rate" DOUBLE PRECISION, "redeliver_rate" DOUBLE PRECISION, "oldest_age_seconds" INTEGER,
    CONSTRAINT "legacy_samples_pkey" PRIMARY KEY ("id"));
  CREATE INDEX "legacy_samples_consumer_id_taken_at_idx" ON "legacy_samples"("consumer_id", "taken_at");
  CREATE INDEX "legacy_samples_taken_at_idx" ON "legacy_samples"("taken_at");
  CREATE TABLE "legacy_rollups" (LIKE "consumer_rollups" INCLUDING DEFAULTS);
  ALTER TABLE "legacy_rollups" ADD PRIMARY KEY ("consumer_id", "bucket");
  CREATE INDEX "legacy_rollups_bucket_idx" ON "legacy_rollups"("bucket")`;

/** The 1-minute rollups as they were before 20261206171000. */
const LEGACY_ROLLUP_SQL = `INSERT INTO "legacy_rollups" ("consumer_id", "bucket", "samples", "backlog_avg", "backlog_max", "in_flight_avg", "in_flight_limit",
    "consumer_count_min", "consumer_count_max", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_max")
  SELECT "consumer_id", date_trunc('minute', "taken_at"), count(*)::int, avg("backlog")::float8, max("backlog"), avg("in_flight")::float8,
    max("in_flight_limit"), min("consumer_count"), max("consumer_count"), avg("ack_rate"), avg("deliver_rate"), avg("inflow_rate"), avg("redeliver_rate"), max("oldest_age_seconds")
  FROM "consumer_samples" GROUP BY 1, 2`;

export type StorageFigures = {
  consumers: number;
  hours: number;
  intervalMs: number;
  /** Bytes per consumer-day (table, indexes and TOAST), and rows per consumer-day. */
  legacy: { bytes: number; rows: number };
  /** The compact rows, every hour kept as rows (the layout before packing). */
  compact: { bytes: number; rows: number };
  /** Packed hours (per consumer-day), and the rows of the hour not yet packed (per consumer-day: one hour of them is 1/24 of it). */
  busy: { bytes: number; rows: number; hot: number };
  idle: { bytes: number; rows: number; hot: number };
  /** Hourly rollups packed by the day (and as rows, before packing), and the 1-minute rollups before them. */
  rollups: { bytes: number; rows: number; hourRows: { bytes: number; rows: number } };
  legacyRollups: { bytes: number; rows: number };
  fillMs: number;
  /** packHours over all the busy consumers' hours (one sixteenth of the consumers per statement). */
  packMs: number;
  loadAverage: string;
};

function reading(key: string, i: number, tick: number, busy: boolean): ConsumerReading {
  const n = busy ? tick : 0;
  return {
    key,
    parent: "bench",
    name: key,
    pending: busy ? 100 + ((tick * 7 + i) % 50) : 40,
    inFlight: busy ? (tick + i) % 10 : 0,
    inFlightLimit: 10,
    consumerCount: busy ? 2 : 0,
    deliveredTotal: 1_000_000 + n * (20 + (i % 5)),
    ackedTotal: 1_000_000 + n * (20 + (i % 5)) - (busy ? (tick + i) % 10 : 0),
    publishedTotal: 1_000_000 + n * (21 + (i % 5)),
    redeliveredTotal: 100 + Math.floor(n / 30),
    redeliveredNow: 0,
    counterEpoch: null,
    lastActivityAt: null,
    oldestAgeSeconds: busy ? 3 + ((tick + i) % 4) : 3600 + tick * 10, // idle: the same message waits, older every tick
    oldestAgeNote: null,
    config: {},
  };
}

/** `ticks` sweeps of `ids` through the sampler's writeSamples; with `legacy`, every reading also goes into the old layout. */
async function fill(store: Store, ids: string[], ticks: number, intervalMs: number, busy: boolean, legacy: boolean, start: number): Promise<void> {
  const written: Written = new Map();
  const last = new Map<string, SamplePoint>();
  for (let tick = 0; tick < ticks; tick++) {
    const at = new Date(start + tick * intervalMs);
    const rows: SweepRow[] = ids.map((id, i) => {
      const r = reading(id, i, tick, busy);
      const point = derivePoint(last.get(id), { t: at.getTime(), pending: r.pending, inFlight: r.inFlight, backlog: r.pending + r.inFlight, inFlightLimit: r.inFlightLimit, consumerCount: r.consumerCount, deliveredTotal: r.deliveredTotal, ackedTotal: r.ackedTotal, publishedTotal: r.publishedTotal, redeliveredTotal: r.redeliveredTotal, counterEpoch: r.counterEpoch });
      last.set(id, point);
      return {
        id,
        role: null,
        reading: r,
        point,
        verdict: { state: busy ? "OK" : "STOPPED", reason: busy ? "draining" : "backlog 40 and no consumer", etaSeconds: null, drainRate: null, windowSeconds: null },
        oldest: { seconds: r.oldestAgeSeconds, estimated: false, note: null },
        expectedMin: null,
        findings: [],
        stateSince: new Date(start),
        recentBacklog: [],
        rateWindowSeconds: point.ackRate === null ? null : intervalMs / 1000,
        activityAt: null,
        impact: 0,
      };
    });
    await writeSamples(store.prisma, rows, at, written);
    if (legacy) {
      await store.prisma.$executeRawUnsafe(
        `INSERT INTO "legacy_samples" ("consumer_id", "taken_at", "backlog", "pending", "in_flight", "in_flight_limit", "consumer_count", "delivered_total", "acked_total",
           "published_total", "redelivered_total", "redelivered_now", "counter_epoch", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_seconds")
         SELECT u.id, $1::timestamptz, u.b, u.p, u.f, 10, u.cc, u.d, u.a, u.pu, u.r, 0, NULL, u.ar, u.dr, u.ir, u.rr, u.oa
         FROM unnest($2::uuid[], $3::int8[], $4::int8[], $5::int8[], $6::int4[], $7::int8[], $8::int8[], $9::int8[], $10::int8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::int4[])
           AS u(id, b, p, f, cc, d, a, pu, r, ar, dr, ir, rr, oa)`,
        at.toISOString(),
        rows.map((r) => r.id),
        rows.map((r) => r.point.backlog),
        rows.map((r) => r.point.pending),
        rows.map((r) => r.point.inFlight),
        rows.map((r) => r.point.consumerCount),
        rows.map((r) => r.point.deliveredTotal),
        rows.map((r) => r.point.ackedTotal),
        rows.map((r) => r.point.publishedTotal),
        rows.map((r) => r.point.redeliveredTotal),
        rows.map((r) => r.point.ackRate),
        rows.map((r) => r.point.deliverRate),
        rows.map((r) => r.point.inflowRate),
        rows.map((r) => r.point.redeliverRate),
        rows.map((r) => r.oldest.seconds),
      );
    }
  }
}

async function size(store: Store, table: string): Promise<{ bytes: number; rows: number }> {
  await store.prisma.$executeRawUnsafe(`VACUUM ANALYZE "${table}"`);
  const [r] = await store.prisma.$queryRawUnsafe<Array<{ bytes: bigint; rows: bigint }>>(`SELECT pg_total_relation_size('"${table}"') AS bytes, (SELECT count(*) FROM "${table}") AS rows`);
  return { bytes: Number(r!.bytes), rows: Number(r!.rows) };
}

/** Fills and measures in a temporary database of its own. */
export async function measureStorage(opts: { id: string; consumers: number; hours: number; intervalMs?: number; log?: (line: string) => void }): Promise<StorageFigures> {
  const intervalMs = opts.intervalMs ?? 10_000;
  const name = `redrive_bench_storage_${opts.id}`;
  const db = await createDatabase(name);
  const store = await openStore({ kind: "postgres", url: db.url }, path.join(ROOT, "prisma/migrations"));
  try {
    const started = performance.now();
    const ticks = Math.round((opts.hours * 3_600_000) / intervalMs);
    const days = (ticks * intervalMs) / DAY_MS;
    const perDay = (s: { bytes: number; rows: number }) => ({ bytes: s.bytes / opts.consumers / days, rows: s.rows / opts.consumers / days });
    for (const stmt of LEGACY_DDL.split(";")) await store.prisma.$executeRawUnsafe(stmt);
    const cluster = await store.prisma.cluster.create({ data: { name: `bench-storage-${opts.id}`, kind: "rabbitmq" } });
    const made = await store.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `INSERT INTO "consumers" ("id", "cluster_id", "key", "kind", "parent", "name") SELECT gen_random_uuid(), $1::uuid, 'q' || g, 'rabbitmq', 'bench', 'q' || g FROM generate_series(1, $2::int) g RETURNING "id"::text AS id`,
      cluster.id,
      opts.consumers,
    );
    const ids = made.map((m) => m.id);
    // Whole hours from an hour boundary, packed as the sampler would once the last one is over.
    const start = Math.floor((Date.now() - ticks * intervalMs) / 3_600_000 - 1) * 3_600_000;
    const packAt = new Date(start + ticks * intervalMs + PACK_SETTLE_MS);
    opts.log?.(`  storage: ${opts.consumers} busy consumers, ${ticks} ticks (${opts.hours} h of samples)`);
    await fill(store, ids, ticks, intervalMs, true, true, start);
    const compact = perDay(await size(store, "consumer_samples"));
    const legacy = perDay(await size(store, "legacy_samples"));
    await store.prisma.$executeRawUnsafe(`DROP TABLE "legacy_samples"`);
    await store.prisma.$executeRawUnsafe(LEGACY_ROLLUP_SQL);
    const legacyRollups = perDay(await size(store, "legacy_rollups"));
    await store.prisma.$executeRawUnsafe(`DROP TABLE "legacy_rollups"`);
    const packStarted = performance.now();
    await packHours(store.prisma, packAt);
    const packMs = performance.now() - packStarted;
    const busy = { ...perDay(await size(store, "consumer_sample_spans")), hot: compact.bytes };
    const hourRows = perDay(await size(store, "consumer_rollups"));
    // Finished days of them, one row per consumer and UTC day: the filled hours repeated over a whole day
    // (the day before the fill), as a day row holds 24 of them, then packed by the sampler's packDays.
    const day0 = Math.floor(start / DAY_MS) * DAY_MS - DAY_MS;
    await store.prisma.$executeRawUnsafe(
      `INSERT INTO "consumer_rollups" SELECT r."consumer_id", $1::timestamptz + h * interval '1 hour', r."samples", r."backlog_avg", r."backlog_max", r."in_flight_avg",
         r."in_flight_limit", r."consumer_count_min", r."consumer_count_max", r."ack_rate", r."deliver_rate", r."inflow_rate", r."redeliver_rate", r."oldest_age_max"
       FROM generate_series(0, 23) h JOIN "consumer_rollups" r ON r."bucket" = $2::timestamptz + (h % $3::int) * interval '1 hour'`,
      new Date(day0).toISOString(),
      new Date(start).toISOString(),
      opts.hours,
    );
    await store.prisma.$executeRawUnsafe(`DELETE FROM "consumer_rollups" WHERE "bucket" >= $1::timestamptz`, new Date(start).toISOString());
    await packDays(store.prisma, new Date(day0 + DAY_MS + PACK_SETTLE_MS));
    const rollups = { bytes: (await size(store, "consumer_rollup_days")).bytes / opts.consumers, rows: 1, hourRows };
    await store.prisma.$executeRawUnsafe(`TRUNCATE "consumer_samples", "consumer_sample_spans", "consumer_rollups", "consumer_rollup_days"`);
    opts.log?.(`  storage: ${opts.consumers} idle consumers, ${ticks} ticks`);
    await fill(store, ids, ticks, intervalMs, false, false, start);
    const idleRows = perDay(await size(store, "consumer_samples"));
    await packHours(store.prisma, packAt);
    const idle = { ...perDay(await size(store, "consumer_sample_spans")), hot: idleRows.bytes };
    return { consumers: opts.consumers, hours: opts.hours, intervalMs, legacy, compact, busy, idle, rollups, legacyRollups, packMs, fillMs: performance.now() - started, loadAverage: loadAverage() };
  } finally {
    await store.close().catch(() => undefined);
    await dropDatabase(name).catch(() => undefined);
  }
}

const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const gib = (b: number) => `${(b / GIB).toFixed(2)} GiB`;

/** The rows not yet packed, at most: the current hour and the settling minutes after it. */
const HOT_DAYS = (3_600_000 + PACK_SETTLE_MS) / DAY_MS;

export function storageMarkdown(f: StorageFigures, fleet = 12_000): string {
  const n = fleet.toLocaleString("en-US");
  // 24 h of raw samples: packed hours, plus the rows of the hour not yet packed.
  const raw = (x: { bytes: number; hot: number }) => x.bytes + x.hot * HOT_DAYS;
  const mix = <T extends Record<"bytes" | "hot", number>>(share: number, a: T, b: T) => ({ bytes: share * a.bytes + (1 - share) * b.bytes, hot: share * a.hot + (1 - share) * b.hot });
  // 30 days of rollups: 29 packed days and up to a day of rows.
  const rollups30 = f.rollups.bytes * 29 + f.rollups.hourRows.bytes;
  const total = (x: { bytes: number; hot: number }) => (raw(x) + rollups30) * fleet;
  const realistic = mix(0.25, f.busy, f.idle);
  const verdict = (b: number) => (b < 2 * GIB ? "under 2 GiB" : "over 2 GiB");
  const lines = [
    `### Sample storage (bytes on disk per consumer-day)`,
    "",
    `${f.consumers} consumers, ${f.hours} h of ticks ${f.intervalMs / 1000} s apart, written by the sampler's own writeSamples and packed by its packHours (PostgreSQL; table + indexes + TOAST, after VACUUM); ` +
      `projected to ${n} consumers × 24 h of raw samples with 30 days of rollups beside them. Load average ${f.loadAverage}; fill took ${(f.fillMs / 1000).toFixed(1)} s.`,
    "",
    `| layout | rows / consumer-day | bytes / consumer-day | 24 h of ${n} consumers |`,
    "| --- | --- | --- | --- |",
    `| first layout: every sample a row, id + 2 B-trees (baseline) | ${Math.round(f.legacy.rows)} | ${kb(f.legacy.bytes)} | ${gib(f.legacy.bytes * fleet)} |`,
    `| compact rows, busy (every counter moves every tick; before packing) | ${Math.round(f.compact.rows)} | ${kb(f.compact.bytes)} | ${gib(f.compact.bytes * fleet)} |`,
    `| packed hours, busy (+ up to ${Math.round(HOT_DAYS * 1440)} min of rows not yet packed) | ${Math.round(f.busy.rows)} | ${kb(raw(f.busy))} | ${gib(raw(f.busy) * fleet)} |`,
    `| packed hours, idle (one sample a minute) | ${Math.round(f.idle.rows)} | ${kb(raw(f.idle))} | ${gib(raw(f.idle) * fleet)} |`,
    `| packed hours, 25 % busy / 75 % idle | — | ${kb(raw(realistic))} | ${gib(raw(realistic) * fleet)} |`,
    `| 1-minute rollups (before), per day | ${Math.round(f.legacyRollups.rows)} | ${kb(f.legacyRollups.bytes)} | ${gib(f.legacyRollups.bytes * fleet)} a day, ${gib(f.legacyRollups.bytes * fleet * 30)} for 30 days |`,
    `| hourly rollups as rows (the current day), per day | ${Math.round(f.rollups.hourRows.rows)} | ${kb(f.rollups.hourRows.bytes)} | ${gib(f.rollups.hourRows.bytes * fleet)} a day, ${gib(f.rollups.hourRows.bytes * 30 * fleet)} for 30 days |`,
    `| hourly rollups packed by the day, per day | ${f.rollups.rows.toFixed(1)} | ${kb(f.rollups.bytes)} | ${gib(f.rollups.bytes * fleet)} a day, ${gib(rollups30 * fleet)} for 30 days |`,
    "",
    `24 h of ${n} consumers with 30 days of rollups: all busy ${gib(total(f.busy))} (${verdict(total(f.busy))}); 25 % busy ${gib(total(realistic))} (${verdict(total(realistic))}); ` +
      `before (compact rows, 1-minute rollups), all busy: ${gib((f.compact.bytes + f.legacyRollups.bytes * 30) * fleet)}.`,
    `Packed vs compact rows, busy: ${(f.compact.bytes / raw(f.busy)).toFixed(1)}× smaller; vs the first layout: ${(f.legacy.bytes / raw(f.busy)).toFixed(1)}× smaller. ` +
      `30 days of rollups vs 1-minute rollups: ${((f.legacyRollups.bytes * 30) / rollups30).toFixed(1)}× smaller.`,
    `Packing ${f.hours} h of ${f.consumers} busy consumers took ${(f.packMs / 1000).toFixed(1)} s (the sampler packs one hour at a time, beside its sweeps): ` +
      `${((f.packMs / f.consumers / f.hours) * 1000).toFixed(0)} µs per consumer-hour, about ${((f.packMs / f.consumers / f.hours) * fleet / 1000).toFixed(0)} s an hour for ${n}.`,
  ];
  return lines.join("\n");
}
