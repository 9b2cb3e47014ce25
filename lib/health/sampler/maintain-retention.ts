import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";

// Storage stays bounded however long Redrive runs: raw samples become 1-minute rollups, then
// both expire. Deletes go in batches so no statement holds locks for long.

const DELETE_BATCH = 20_000;

/** Rolls up every complete minute in [from, to) (idempotent: a re-run overwrites the same buckets). */
export async function rollUpMinutes(prisma: PrismaClient, from: Date, to: Date): Promise<number> {
  return prisma.$executeRawUnsafe(
    `INSERT INTO "consumer_rollups" ("consumer_id", "bucket", "samples", "backlog_avg", "backlog_max", "in_flight_avg", "in_flight_limit",
       "consumer_count_min", "consumer_count_max", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_max")
     SELECT "consumer_id", date_trunc('minute', "taken_at"), count(*)::int, avg("backlog")::float8, max("backlog"), avg("in_flight")::float8,
       max("in_flight_limit"), min("consumer_count"), max("consumer_count"),
       avg("ack_rate"), avg("deliver_rate"), avg("inflow_rate"), avg("redeliver_rate"), max("oldest_age_seconds")
     FROM "consumer_samples"
     WHERE "taken_at" >= date_trunc('minute', $1::timestamptz) AND "taken_at" < date_trunc('minute', $2::timestamptz)
     GROUP BY 1, 2
     ON CONFLICT ("consumer_id", "bucket") DO UPDATE SET "samples" = EXCLUDED."samples", "backlog_avg" = EXCLUDED."backlog_avg",
       "backlog_max" = EXCLUDED."backlog_max", "in_flight_avg" = EXCLUDED."in_flight_avg", "in_flight_limit" = EXCLUDED."in_flight_limit",
       "consumer_count_min" = EXCLUDED."consumer_count_min", "consumer_count_max" = EXCLUDED."consumer_count_max",
       "ack_rate" = EXCLUDED."ack_rate", "deliver_rate" = EXCLUDED."deliver_rate", "inflow_rate" = EXCLUDED."inflow_rate",
       "redeliver_rate" = EXCLUDED."redeliver_rate", "oldest_age_max" = EXCLUDED."oldest_age_max"`,
    from.toISOString(),
    to.toISOString(),
  );
}

async function deleteBatches(prisma: PrismaClient, sql: string, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await prisma.$executeRawUnsafe(sql, before.toISOString(), DELETE_BATCH);
    total += n;
    if (n < DELETE_BATCH) return total;
  }
}

export async function expireOldData(prisma: PrismaClient, now: Date, rawRetentionMs: number, rollupRetentionMs: number): Promise<{ samples: number; rollups: number }> {
  const samples = await deleteBatches(
    prisma,
    `DELETE FROM "consumer_samples" WHERE ("consumer_id", "taken_at") IN (SELECT "consumer_id", "taken_at" FROM "consumer_samples" WHERE "taken_at" < $1::timestamptz LIMIT $2)`,
    new Date(now.getTime() - rawRetentionMs),
  );
  const rollups = await deleteBatches(
    prisma,
    `DELETE FROM "consumer_rollups" WHERE ("consumer_id", "bucket") IN (SELECT "consumer_id", "bucket" FROM "consumer_rollups" WHERE "bucket" < $1::timestamptz LIMIT $2)`,
    new Date(now.getTime() - rollupRetentionMs),
  );
  return { samples, rollups };
}
