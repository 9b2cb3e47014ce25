import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { DAY_MS, PACK_DAYS_SQL, PACK_SQL, SPAN_MS } from "../sample-rows";

// Storage stays bounded however long Redrive runs: each finished hour of raw samples is packed into
// one row per consumer (and rolled up into an hourly rollup on the way), each finished day of hourly
// rollups into one row per consumer, then all expire. Deletes go
// in batches so no statement holds locks for long.

const DELETE_BATCH = 20_000;

/** How long after an hour ends its samples are packed: the hour's last sweeps are written by then. */
export const PACK_SETTLE_MS = 2 * 60_000;
/** Raw samples are kept this much past the raw window, so a chart of the whole window (asked a moment earlier) finds its start. */
export const RAW_SLACK_MS = 10 * 60_000;

/** The end of the last hour that can be packed at `now`. */
export const packBoundary = (now: Date) => new Date(Math.floor((now.getTime() - PACK_SETTLE_MS) / SPAN_MS) * SPAN_MS);

/** Consumers are packed a sixteenth at a time (by the first hex digit of their id): statements stay short, sweeps go on between them. */
const ID_BOUNDS = Array.from({ length: 17 }, (_, i) => (i === 16 ? null : `${i.toString(16)}0000000-0000-0000-0000-000000000000`));

/** Packs (and rolls up) every hour that ended at least PACK_SETTLE_MS before `now`; idempotent. */
export async function packHours(prisma: PrismaClient, now: Date): Promise<{ samples: number; spans: number; rollups: number }> {
  const before = packBoundary(now).toISOString();
  const total = { samples: 0, spans: 0, rollups: 0 };
  for (let i = 0; i < 16; i++) {
    const [r] = await prisma.$queryRawUnsafe<Array<{ samples: number; spans: number; rollups: number }>>(PACK_SQL, before, ID_BOUNDS[i], ID_BOUNDS[i + 1]);
    total.samples += r?.samples ?? 0;
    total.spans += r?.spans ?? 0;
    total.rollups += r?.rollups ?? 0;
  }
  return total;
}

/** Packs the hourly rollups of every UTC day that ended at least PACK_SETTLE_MS before `now` (after packHours); idempotent. */
export async function packDays(prisma: PrismaClient, now: Date): Promise<{ rollups: number; days: number }> {
  const before = new Date(Math.floor((now.getTime() - PACK_SETTLE_MS) / DAY_MS) * DAY_MS);
  const [r] = await prisma.$queryRawUnsafe<Array<{ rollups: number; days: number }>>(PACK_DAYS_SQL, before.toISOString());
  return r ?? { rollups: 0, days: 0 };
}

async function deleteBatches(prisma: PrismaClient, sql: string, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await prisma.$executeRawUnsafe(sql, before.toISOString(), DELETE_BATCH);
    total += n;
    if (n < DELETE_BATCH) return total;
  }
}

/** Drops spans that ended (and sample rows taken) before the raw window, and rollups (hours, and days that ended) before theirs. */
export async function expireOldData(prisma: PrismaClient, now: Date, rawRetentionMs: number, rollupRetentionMs: number): Promise<{ samples: number; spans: number; rollups: number; days: number }> {
  const rawCutoff = new Date(now.getTime() - rawRetentionMs - RAW_SLACK_MS);
  const samples = await deleteBatches(
    prisma,
    `DELETE FROM "consumer_samples" WHERE ("consumer_id", "taken_at") IN (SELECT "consumer_id", "taken_at" FROM "consumer_samples" WHERE "taken_at" < $1::timestamptz LIMIT $2)`,
    rawCutoff,
  );
  const spans = await deleteBatches(
    prisma,
    `DELETE FROM "consumer_sample_spans" WHERE ("consumer_id", "span") IN (SELECT "consumer_id", "span" FROM "consumer_sample_spans" WHERE "span" < $1::timestamptz LIMIT $2)`,
    new Date(rawCutoff.getTime() - SPAN_MS),
  );
  const rollups = await deleteBatches(
    prisma,
    `DELETE FROM "consumer_rollups" WHERE ("consumer_id", "bucket") IN (SELECT "consumer_id", "bucket" FROM "consumer_rollups" WHERE "bucket" < $1::timestamptz LIMIT $2)`,
    new Date(now.getTime() - rollupRetentionMs),
  );
  // A day goes once all its hours are past the rollup window.
  const days = await deleteBatches(
    prisma,
    `DELETE FROM "consumer_rollup_days" WHERE ("consumer_id", "day") IN (SELECT "consumer_id", "day" FROM "consumer_rollup_days" WHERE "day" < $1::timestamptz LIMIT $2)`,
    new Date(now.getTime() - rollupRetentionMs - DAY_MS),
  );
  return { samples, spans, rollups, days };
}
