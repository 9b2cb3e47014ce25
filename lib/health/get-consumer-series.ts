import "server-only";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import type { ConsumerSeries, SeriesPoint } from "./types";

const MAX_RANGE_MS = 31 * 86_400_000;
const RAW_MAX_RANGE_MS = 6 * 3_600_000;
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
};

const RAW_SQL = `SELECT date_bin(make_interval(secs => $2), "taken_at", $3::timestamptz) AS t,
    avg("backlog")::float8 AS backlog, max("backlog")::float8 AS backlog_max, avg("in_flight")::float8 AS in_flight,
    max("in_flight_limit")::float8 AS in_flight_limit, avg("consumer_count")::float8 AS consumer_count,
    avg("ack_rate") AS ack_rate, avg("deliver_rate") AS deliver_rate, avg("inflow_rate") AS inflow_rate, avg("redeliver_rate") AS redeliver_rate, max("oldest_age_seconds")::float8 AS oldest_age
  FROM "consumer_samples" WHERE "consumer_id" = $1::uuid AND "taken_at" >= $3::timestamptz AND "taken_at" < $4::timestamptz
  GROUP BY 1 ORDER BY 1`;

const ROLLUP_SQL = `SELECT date_bin(make_interval(secs => $2), "bucket", $3::timestamptz) AS t,
    (sum("backlog_avg" * "samples") / sum("samples"))::float8 AS backlog, max("backlog_max")::float8 AS backlog_max,
    (sum("in_flight_avg" * "samples") / sum("samples"))::float8 AS in_flight, max("in_flight_limit")::float8 AS in_flight_limit,
    avg(("consumer_count_min" + "consumer_count_max") / 2.0)::float8 AS consumer_count,
    avg("ack_rate") AS ack_rate, avg("deliver_rate") AS deliver_rate, avg("inflow_rate") AS inflow_rate, avg("redeliver_rate") AS redeliver_rate, max("oldest_age_max")::float8 AS oldest_age
  FROM "consumer_rollups" WHERE "consumer_id" = $1::uuid AND "bucket" >= $3::timestamptz AND "bucket" < $4::timestamptz
  GROUP BY 1 ORDER BY 1`;

/** Charts' data: raw samples for recent short ranges, 1-minute rollups beyond; gaps stay gaps. */
export async function getConsumerSeries(id: string, q: SeriesQuery, now = new Date()): Promise<ConsumerSeries> {
  const config = getConfig();
  const { prisma } = await getStore();
  if (!(await prisma.consumer.findUnique({ where: { id }, select: { id: true } }))) {
    throw new AppError("NOT_FOUND", "This consumer is not known to Redrive (any more).");
  }
  const range = q.to.getTime() - q.from.getTime();
  const rawCovers = q.from.getTime() >= now.getTime() - config.sampler.rawRetentionMs;
  const source = range <= RAW_MAX_RANGE_MS && rawCovers ? "raw" : "rollup";
  const minStep = source === "raw" ? Math.round(config.sampler.intervalMs / 1000) : 60;
  let step = Math.max(q.step ?? 0, minStep, Math.ceil(range / 1000 / TARGET_POINTS));
  if (source === "rollup") step = Math.ceil(step / 60) * 60;
  step = Math.max(step, Math.ceil(range / 1000 / MAX_POINTS));

  const rows = await prisma.$queryRawUnsafe<Bucket[]>(source === "raw" ? RAW_SQL : ROLLUP_SQL, id, step, q.from.toISOString(), q.to.toISOString());
  const byTime = new Map(rows.map((r) => [new Date(r.t).getTime(), r]));
  const points: SeriesPoint[] = [];
  for (let t = q.from.getTime(); t < q.to.getTime(); t += step * 1000) {
    const r = byTime.get(t);
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
