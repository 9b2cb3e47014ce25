// Raw samples live in two places (prisma/migrations/20261206171000_packed_consumer_samples):
// "consumer_samples" holds the current hour or so, a row a sample, where the sampler writes; once an
// hour is over, the sampler's maintenance packs it into "consumer_sample_spans", one row per consumer
// and hour holding the hour's samples as arrays (times, counters and backlog as differences from the
// sample before, which PostgreSQL compresses to a few bytes a sample). These are the SQL that write
// and read both as if they were one table.

/** Spans are whole UTC hours (date_bin, not date_trunc: the session's time zone plays no part). */
export const SPAN_MS = 3_600_000;
export const spanOf = (ts: string) => `date_bin('1 hour', ${ts}, timestamptz '2000-01-01 00:00:00+00')`;

/** Columns of a sample row, in the order both parts return them. */
export const SAMPLE_COLUMNS = `"consumer_id", "taken_at", "backlog", "in_flight", "in_flight_limit", "consumer_count", "delivered_total", "acked_total",
  "published_total", "redelivered_total", "counter_epoch", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_seconds"`;

/** A delta-encoded column back to its values: a running sum, restarted after each NULL (the first value after one is stored whole). */
const undelta = (col: string) => `CASE WHEN u."${col}" IS NULL THEN NULL ELSE (sum(u."${col}") OVER (PARTITION BY s."consumer_id", s."span", u."g_${col}" ORDER BY u.n))::int8 END`;
const nullRuns = (col: string) => `count(*) FILTER (WHERE v."${col}" IS NULL) OVER (ORDER BY v.n) AS "g_${col}"`;

/**
 * Sample rows with `where` applied to each part, e.g. `"consumer_id" = $1::uuid` and a time range.
 * `spanWhere` limits the spans read (it may name "consumer_id" and "span"); the packed rows are then
 * filtered by `where` too.
 */
export function sampleRowsSql(where: string, spanWhere: string): string {
  return `(SELECT ${SAMPLE_COLUMNS} FROM "consumer_samples" WHERE ${where}
  UNION ALL
  SELECT ${SAMPLE_COLUMNS} FROM (
    SELECT s."consumer_id", s."span" + (sum(u."ms") OVER (PARTITION BY s."consumer_id", s."span" ORDER BY u.n)) * interval '1 millisecond' AS "taken_at",
      (sum(u."backlog") OVER (PARTITION BY s."consumer_id", s."span" ORDER BY u.n))::int8 AS "backlog", u."in_flight", u."in_flight_limit", u."consumer_count",
      ${undelta("delivered_total")} AS "delivered_total", ${undelta("acked_total")} AS "acked_total",
      ${undelta("published_total")} AS "published_total", ${undelta("redelivered_total")} AS "redelivered_total",
      u."counter_epoch", u."ack_rate", u."deliver_rate", u."inflow_rate", u."redeliver_rate", u."oldest_age_seconds"
    FROM (SELECT * FROM "consumer_sample_spans" WHERE ${spanWhere}) s CROSS JOIN LATERAL (
      SELECT v.*, ${nullRuns("delivered_total")}, ${nullRuns("acked_total")}, ${nullRuns("published_total")}, ${nullRuns("redelivered_total")}
      FROM unnest(s."ms", s."backlog", s."in_flight", s."in_flight_limit", s."consumer_count", s."delivered_total", s."acked_total", s."published_total",
        s."redelivered_total", s."counter_epoch", s."ack_rate", s."deliver_rate", s."inflow_rate", s."redeliver_rate", s."oldest_age_seconds") WITH ORDINALITY
        AS v("ms", "backlog", "in_flight", "in_flight_limit", "consumer_count", "delivered_total", "acked_total", "published_total", "redelivered_total",
          "counter_epoch", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_seconds", n)
    ) u
  ) p WHERE ${where})`;
}

/** Delta of a column from the sample before in the same span; the first (and the first after a NULL) is stored whole. */
const delta = (col: string) => `"${col}" - coalesce(lag("${col}") OVER w, 0) AS "${col}"`;

/**
 * Moves every hour before `$1` (an hour boundary) of the consumers with ids in [$2, $3) ($3 NULL: no
 * upper bound) from "consumer_samples" into spans, rolling each hour up into "consumer_rollups" on
 * the way, in one statement (all or nothing). An hour already
 * packed for a consumer (a sample that came after its hour was packed: a leader's clock behind the
 * last one's) is left as rows, read as such and expired by time.
 */
export const PACK_SQL = `WITH moved AS (
    DELETE FROM "consumer_samples" c WHERE c."taken_at" < $1::timestamptz
      AND c."consumer_id" >= $2::uuid AND ($3::uuid IS NULL OR c."consumer_id" < $3::uuid)
      AND NOT EXISTS (SELECT 1 FROM "consumer_sample_spans" p WHERE p."consumer_id" = c."consumer_id" AND p."span" = ${spanOf('c."taken_at"')})
    RETURNING *
  ), rolled AS (
    INSERT INTO "consumer_rollups" ("consumer_id", "bucket", "samples", "backlog_avg", "backlog_max", "in_flight_avg", "in_flight_limit",
      "consumer_count_min", "consumer_count_max", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_max")
    SELECT "consumer_id", ${spanOf('"taken_at"')}, count(*)::int, avg("backlog")::float8, max("backlog"), avg("in_flight")::float8,
      max("in_flight_limit"), min("consumer_count"), max("consumer_count"),
      avg("ack_rate"), avg("deliver_rate"), avg("inflow_rate"), avg("redeliver_rate"), max("oldest_age_seconds")
    FROM moved GROUP BY 1, 2
    ON CONFLICT ("consumer_id", "bucket") DO UPDATE SET "samples" = EXCLUDED."samples", "backlog_avg" = EXCLUDED."backlog_avg",
      "backlog_max" = EXCLUDED."backlog_max", "in_flight_avg" = EXCLUDED."in_flight_avg", "in_flight_limit" = EXCLUDED."in_flight_limit",
      "consumer_count_min" = EXCLUDED."consumer_count_min", "consumer_count_max" = EXCLUDED."consumer_count_max",
      "ack_rate" = EXCLUDED."ack_rate", "deliver_rate" = EXCLUDED."deliver_rate", "inflow_rate" = EXCLUDED."inflow_rate",
      "redeliver_rate" = EXCLUDED."redeliver_rate", "oldest_age_max" = EXCLUDED."oldest_age_max"
      WHERE "consumer_rollups"."samples" <= EXCLUDED."samples"
    RETURNING 1
  ), packed AS (
    INSERT INTO "consumer_sample_spans" ("consumer_id", "span", "ms", "backlog", "in_flight", "in_flight_limit", "consumer_count", "delivered_total", "acked_total",
      "published_total", "redelivered_total", "counter_epoch", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_seconds")
    SELECT "consumer_id", "span", array_agg("ms" ORDER BY "taken_at"), array_agg("backlog" ORDER BY "taken_at"), array_agg("in_flight" ORDER BY "taken_at"),
      array_agg("in_flight_limit" ORDER BY "taken_at"), array_agg("consumer_count" ORDER BY "taken_at"), array_agg("delivered_total" ORDER BY "taken_at"),
      array_agg("acked_total" ORDER BY "taken_at"), array_agg("published_total" ORDER BY "taken_at"), array_agg("redelivered_total" ORDER BY "taken_at"),
      array_agg("counter_epoch" ORDER BY "taken_at"), array_agg("ack_rate" ORDER BY "taken_at"), array_agg("deliver_rate" ORDER BY "taken_at"),
      array_agg("inflow_rate" ORDER BY "taken_at"), array_agg("redeliver_rate" ORDER BY "taken_at"), array_agg("oldest_age_seconds" ORDER BY "taken_at")
    FROM (
      SELECT "consumer_id", "taken_at", ${spanOf('"taken_at"')} AS "span",
        (round(extract(epoch FROM "taken_at" - coalesce(lag("taken_at") OVER w, ${spanOf('"taken_at"')})) * 1000))::int4 AS "ms",
        ${delta("backlog")}, "in_flight", "in_flight_limit", "consumer_count",
        ${delta("delivered_total")}, ${delta("acked_total")}, ${delta("published_total")}, ${delta("redelivered_total")},
        "counter_epoch", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_seconds"
      FROM moved WINDOW w AS (PARTITION BY "consumer_id", ${spanOf('"taken_at"')} ORDER BY "taken_at")
    ) d GROUP BY 1, 2
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM moved)::int AS samples, (SELECT count(*) FROM packed)::int AS spans, (SELECT count(*) FROM rolled)::int AS rollups`;

// Hourly rollups: rows for the current day or so ("consumer_rollups"), then one row per consumer and
// UTC day ("consumer_rollup_days") holding the day's hours as arrays, the same values exactly.

export const DAY_MS = 86_400_000;
export const dayOf = (ts: string) => `date_bin('1 day', ${ts}, timestamptz '2000-01-01 00:00:00+00')`;

export const ROLLUP_COLUMNS = `"consumer_id", "bucket", "samples", "backlog_avg", "backlog_max", "in_flight_avg", "in_flight_limit",
  "consumer_count_min", "consumer_count_max", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_max"`;
const ROLLUP_VALUES = ["samples", "backlog_avg", "backlog_max", "in_flight_avg", "in_flight_limit", "consumer_count_min", "consumer_count_max", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_max"];

/** Hourly rollup rows with `where` applied to each part; `dayWhere` limits the days read (it may name "consumer_id" and "day"). */
export function rollupRowsSql(where: string, dayWhere: string): string {
  return `(SELECT ${ROLLUP_COLUMNS} FROM "consumer_rollups" WHERE ${where}
  UNION ALL
  SELECT ${ROLLUP_COLUMNS} FROM (
    SELECT d."consumer_id", d."day" + u."hour" * interval '1 hour' AS "bucket", ${ROLLUP_VALUES.map((c) => `u."${c}"`).join(", ")}
    FROM (SELECT * FROM "consumer_rollup_days" WHERE ${dayWhere}) d
      CROSS JOIN LATERAL unnest(d."hour", ${ROLLUP_VALUES.map((c) => `d."${c}"`).join(", ")}) AS u("hour", ${ROLLUP_VALUES.map((c) => `"${c}"`).join(", ")})
  ) p WHERE ${where})`;
}

/** Moves every hourly rollup of a UTC day before `$1` (a day boundary) into one row per consumer and day. */
export const PACK_DAYS_SQL = `WITH moved AS (
    DELETE FROM "consumer_rollups" r WHERE r."bucket" < $1::timestamptz
      AND NOT EXISTS (SELECT 1 FROM "consumer_rollup_days" d WHERE d."consumer_id" = r."consumer_id" AND d."day" = ${dayOf('r."bucket"')})
    RETURNING *
  ), packed AS (
    INSERT INTO "consumer_rollup_days" ("consumer_id", "day", "hour", ${ROLLUP_VALUES.map((c) => `"${c}"`).join(", ")})
    SELECT "consumer_id", ${dayOf('"bucket"')}, array_agg((extract(epoch FROM "bucket" - ${dayOf('"bucket"')}) / 3600)::int2 ORDER BY "bucket"),
      ${ROLLUP_VALUES.map((c) => `array_agg("${c}" ORDER BY "bucket")`).join(", ")}
    FROM moved GROUP BY 1, 2
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM moved)::int AS rollups, (SELECT count(*) FROM packed)::int AS days`;
