import "server-only";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { dayOf, rollupRowsSql, sampleRowsSql, spanOf } from "./sample-rows";
import { RAW_SLACK_MS } from "./sampler/maintain-retention";
import type { ConsumerSeries, SeriesPoint } from "./types";

const MAX_RANGE_MS = 31 * 86_400_000;
/** Ranges up to a day (and a bit) read raw samples while the raw window covers them; longer ones the hourly rollups. */
const RAW_MAX_RANGE_MS = 25 * 3_600_000;
/** Beyond this, steps are whole minutes (as when these ranges read 1-minute rollups). */
const RAW_FINE_RANGE_MS = 6 * 3_600_000;
const ROLLUP_STEP_S = 3600;
const TARGET_POINTS = 300;
const MAX_POINTS = 2000;

export const seriesQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).transform((v) => new Date(v)),
    to: z.iso.datetime({ offset: true }).transform((v) => new Date(v)),
    step: z.coerce.number().int().min(1).max(86_400).optional(),
  })
  .refine((q) => q.from < q.to, { message: "from must be before to", path: ["from"] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_RANGE_MS, { message: "the range may span at most 31 days", path: ["to"] });

export type SeriesQuery = z.infer<typeof seriesQuery>;

type Bucket = {
  t: Date;
  backlog: number | null;
  backlog_max: number | null;
  in_flight: number | null;
  in_flight_limit: number | null;
  consumer_count: number | null;
  ack_rate: number | null;
  deliver_rate: number | null;
  inflow_rate: number | null;
  redeliver_rate: number | null;
  oldest_age: number | null;
  /** Raw only: the time of the bucket's last sample, whose values (l_*) hold until the next one is stored. */
  last_at?: Date;
};

// A sample is stored when a value changed, and at least once a minute: a sweep that stored none
// read the values of the last one. A bucket without a sample takes them from the last one stored
// within a minute and a sweep before it; a longer gap is a gap (Redrive was not sampling).
const LAST_SQL = `SELECT "taken_at" AS last_at, "backlog"::float8 AS backlog, "backlog"::float8 AS backlog_max, "in_flight"::float8 AS in_flight,
    "in_flight_limit"::float8 AS in_flight_limit, "consumer_count"::float8 AS consumer_count, "ack_rate"::float8 AS ack_rate, "deliver_rate"::float8 AS deliver_rate,
    "inflow_rate"::float8 AS inflow_rate, "redeliver_rate"::float8 AS redeliver_rate, "oldest_age_seconds"::float8 AS oldest_age
  FROM ${sampleRowsSql(`"consumer_id" = $1::uuid AND "taken_at" < $2::timestamptz AND "taken_at" >= $3::timestamptz`, `"consumer_id" = $1::uuid AND "span" >= ${spanOf("$3::timestamptz")} AND "span" < $2::timestamptz`)} s
  ORDER BY "taken_at" DESC LIMIT 1`;

const lastOf = (col: string, as: string) => `(array_agg(${col} ORDER BY "taken_at" DESC))[1]::float8 AS ${as}`;
const RAW_SQL = `SELECT date_bin(make_interval(secs => $2), "taken_at", $3::timestamptz) AS t, max("taken_at") AS last_at,
    ${lastOf('"backlog"', "l_backlog")}, ${lastOf('"in_flight"', "l_in_flight")}, ${lastOf('"in_flight_limit"', "l_in_flight_limit")},
    ${lastOf('"consumer_count"', "l_consumer_count")}, ${lastOf('"ack_rate"', "l_ack_rate")}, ${lastOf('"deliver_rate"', "l_deliver_rate")},
    ${lastOf('"inflow_rate"', "l_inflow_rate")}, ${lastOf('"redeliver_rate"', "l_redeliver_rate")}, ${lastOf('"oldest_age_seconds"', "l_oldest_age")},
    avg("backlog")::float8 AS backlog, max("backlog")::float8 AS backlog_max, avg("in_flight")::float8 AS in_flight,
    max("in_flight_limit")::float8 AS in_flight_limit, avg("consumer_count")::float8 AS consumer_count,
    avg("ack_rate") AS ack_rate, avg("deliver_rate") AS deliver_rate, avg("inflow_rate") AS inflow_rate, avg("redeliver_rate") AS redeliver_rate, max("oldest_age_seconds")::float8 AS oldest_age
  FROM ${sampleRowsSql(`"consumer_id" = $1::uuid AND "taken_at" >= $3::timestamptz AND "taken_at" < $4::timestamptz`, `"consumer_id" = $1::uuid AND "span" >= ${spanOf("$3::timestamptz")} AND "span" < $4::timestamptz`)} s
  GROUP BY 1 ORDER BY 1`;

const ROLLUP_SQL = `SELECT date_bin(make_interval(secs => $2), "bucket", $3::timestamptz) AS t,
    (sum("backlog_avg" * "samples") / sum("samples"))::float8 AS backlog, max("backlog_max")::float8 AS backlog_max,
    (sum("in_flight_avg" * "samples") / sum("samples"))::float8 AS in_flight, max("in_flight_limit")::float8 AS in_flight_limit,
    avg(("consumer_count_min" + "consumer_count_max") / 2.0)::float8 AS consumer_count,
    avg("ack_rate") AS ack_rate, avg("deliver_rate") AS deliver_rate, avg("inflow_rate") AS inflow_rate, avg("redeliver_rate") AS redeliver_rate, max("oldest_age_max")::float8 AS oldest_age
  FROM ${rollupRowsSql(`"consumer_id" = $1::uuid AND "bucket" >= $3::timestamptz AND "bucket" < $4::timestamptz`, `"consumer_id" = $1::uuid AND "day" >= ${dayOf("$3::timestamptz")} AND "day" < $4::timestamptz`)} r
  GROUP BY 1 ORDER BY 1`;

/** Charts' data: raw samples for recent ranges up to a day, hourly rollups beyond; gaps stay gaps. */
export async function getConsumerSeries(id: string, q: SeriesQuery, now = new Date()): Promise<ConsumerSeries> {
  const { prisma } = await getStore();
  if (!(await prisma.consumer.findUnique({ where: { id }, select: { id: true } }))) {
    throw new AppError("NOT_FOUND", "This consumer is not known to Redrive (any more).");
  }
  return readConsumerSeries(prisma, getConfig().sampler, id, q, now);
}

/** The series of a consumer known to exist, from a given store and sampler settings. */
export async function readConsumerSeries(prisma: PrismaClient, sampler: { intervalMs: number; rawRetentionMs: number }, id: string, q: SeriesQuery, now: Date): Promise<ConsumerSeries> {
  const config = { sampler };
  const range = q.to.getTime() - q.from.getTime();
  const rawCovers = q.from.getTime() >= now.getTime() - config.sampler.rawRetentionMs - RAW_SLACK_MS;
  const source = range <= RAW_MAX_RANGE_MS && rawCovers ? "raw" : "rollup";
  const minStep = source === "raw" ? Math.round(config.sampler.intervalMs / 1000) : ROLLUP_STEP_S;
  let step = Math.max(q.step ?? 0, minStep, Math.ceil(range / 1000 / TARGET_POINTS));
  if (source === "rollup") step = Math.ceil(step / ROLLUP_STEP_S) * ROLLUP_STEP_S;
  else if (range > RAW_FINE_RANGE_MS) step = Math.ceil(step / 60) * 60;
  step = Math.max(step, Math.ceil(range / 1000 / MAX_POINTS));

  const rows = await prisma.$queryRawUnsafe<Bucket[]>(source === "raw" ? RAW_SQL : ROLLUP_SQL, id, step, q.from.toISOString(), q.to.toISOString());
  const byTime = new Map(rows.map((r) => [new Date(r.t).getTime(), r]));
  const holdMs = 60_000 + config.sampler.intervalMs;
  let held: { at: number; values: Bucket } | null = null;
  if (source === "raw") {
    const [before] = await prisma.$queryRawUnsafe<Array<Bucket & { last_at: Date }>>(LAST_SQL, id, q.from.toISOString(), new Date(q.from.getTime() - holdMs).toISOString());
    if (before) held = { at: new Date(before.last_at).getTime(), values: before };
  }
  const points: SeriesPoint[] = [];
  for (let t = q.from.getTime(); t < q.to.getTime(); t += step * 1000) {
    let r = byTime.get(t);
    if (source === "raw") {
      if (r?.last_at) held = { at: new Date(r.last_at).getTime(), values: lastValues(r as unknown as Record<string, number | null>, t) };
      else if (!r && held && t - held.at <= holdMs && t <= now.getTime()) {
        // The same oldest message still waits: it is older by the time since.
        const age = held.values.oldest_age;
        r = { ...held.values, oldest_age: age === null ? null : age + Math.max(0, (t - held.at) / 1000) };
      }
    }
    points.push({
      t: new Date(t).toISOString(),
      backlog: r?.backlog ?? null,
      backlogMax: r?.backlog_max ?? null,
      inFlight: r?.in_flight ?? null,
      inFlightLimit: r?.in_flight_limit ?? null,
      consumerCount: r?.consumer_count ?? null,
      ackRate: r?.ack_rate ?? null,
      deliverRate: r?.deliver_rate ?? null,
      inflowRate: r?.inflow_rate ?? null,
      redeliverRate: r?.redeliver_rate ?? null,
      oldestAgeSeconds: r?.oldest_age ?? null,
    });
  }
  return { from: q.from.toISOString(), to: q.to.toISOString(), stepSeconds: step, source, points };
}

/** A raw bucket's last sample, as a bucket of its own. */
function lastValues(r: Record<string, number | null>, t: number): Bucket {
  const v = (k: string) => r[`l_${k}`] ?? null;
  return {
    t: new Date(t),
    backlog: v("backlog"),
    backlog_max: v("backlog"),
    in_flight: v("in_flight"),
    in_flight_limit: v("in_flight_limit"),
    consumer_count: v("consumer_count"),
    ack_rate: v("ack_rate"),
    deliver_rate: v("deliver_rate"),
    inflow_rate: v("inflow_rate"),
    redeliver_rate: v("redeliver_rate"),
    oldest_age: v("oldest_age"),
  };
}
