-- Raw samples packed by the hour, and hourly rollups (issue 18: 24 h of 12,000 busy consumers and
-- 30 days of rollups in under 2 GB).
--
-- "consumer_samples" stays where the sampler writes, a row a sample, but only for the current hour
-- or so: once an hour is over, the sampler's maintenance moves it into "consumer_sample_spans", one
-- row per consumer and hour whose arrays hold the hour's samples in order. Times, backlog and the
-- four counters are stored as differences from the sample before (the first of a span, and the
-- first after a NULL, whole), so a busy consumer's counters are small repeated numbers; the arrays
-- are compressed and kept in the row (STORAGE MAIN, toast_tuple_target), a few bytes a sample, where
-- a sample row took about 170. See lib/health/sample-rows.ts for the SQL that writes and reads both.
--
-- "consumer_rollups" keeps its columns but its buckets become hours: raw samples cover the charts'
-- ranges up to a day (and their 5-minute steps), the rollups the ranges beyond, whose steps are
-- hours anyway. Rollup rows are kept for the current UTC day; finished days are moved into
-- "consumer_rollup_days", one row per consumer and day. Existing 1-minute rollups are merged into
-- hours here. Existing samples and rollups are packed by the sampler's maintenance after the upgrade
-- (a sixteenth of the consumers per statement, beside its sweeps), not here: an upgrade of a large
-- store does not wait for them, and charts read unpacked rows and packed ones alike meanwhile.

CREATE TABLE "consumer_sample_spans" (
    "consumer_id" UUID NOT NULL,
    "span" TIMESTAMPTZ(3) NOT NULL,
    "ms" INTEGER[] NOT NULL,
    "backlog" BIGINT[] NOT NULL,
    "in_flight" BIGINT[] NOT NULL,
    "in_flight_limit" INTEGER[] NOT NULL,
    "consumer_count" INTEGER[] NOT NULL,
    "delivered_total" BIGINT[] NOT NULL,
    "acked_total" BIGINT[] NOT NULL,
    "published_total" BIGINT[] NOT NULL,
    "redelivered_total" BIGINT[] NOT NULL,
    "counter_epoch" TEXT[] NOT NULL,
    "ack_rate" REAL[] NOT NULL,
    "deliver_rate" REAL[] NOT NULL,
    "inflow_rate" REAL[] NOT NULL,
    "redeliver_rate" REAL[] NOT NULL,
    "oldest_age_seconds" INTEGER[] NOT NULL,

    CONSTRAINT "consumer_sample_spans_pkey" PRIMARY KEY ("consumer_id", "span")
) WITH (toast_tuple_target = 128);

ALTER TABLE "consumer_sample_spans" ALTER COLUMN "ms" SET STORAGE MAIN, ALTER COLUMN "backlog" SET STORAGE MAIN, ALTER COLUMN "in_flight" SET STORAGE MAIN,
    ALTER COLUMN "in_flight_limit" SET STORAGE MAIN, ALTER COLUMN "consumer_count" SET STORAGE MAIN, ALTER COLUMN "delivered_total" SET STORAGE MAIN,
    ALTER COLUMN "acked_total" SET STORAGE MAIN, ALTER COLUMN "published_total" SET STORAGE MAIN, ALTER COLUMN "redelivered_total" SET STORAGE MAIN,
    ALTER COLUMN "counter_epoch" SET STORAGE MAIN, ALTER COLUMN "ack_rate" SET STORAGE MAIN, ALTER COLUMN "deliver_rate" SET STORAGE MAIN,
    ALTER COLUMN "inflow_rate" SET STORAGE MAIN, ALTER COLUMN "redeliver_rate" SET STORAGE MAIN, ALTER COLUMN "oldest_age_seconds" SET STORAGE MAIN;
ALTER TABLE "consumer_sample_spans" ADD CONSTRAINT "consumer_sample_spans_consumer_id_fkey" FOREIGN KEY ("consumer_id") REFERENCES "consumers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "consumer_sample_spans_span_idx" ON "consumer_sample_spans" USING BRIN ("span");

-- 1-minute rollups merged into hours: averages weighted by samples, rates averaged over the minutes.
CREATE TABLE "consumer_rollups_hours" AS
SELECT "consumer_id", date_bin('1 hour', "bucket", timestamptz '2000-01-01 00:00:00+00') AS "bucket", sum("samples")::int AS "samples",
    (sum("backlog_avg" * "samples") / nullif(sum("samples"), 0))::float8 AS "backlog_avg", max("backlog_max") AS "backlog_max",
    (sum("in_flight_avg" * "samples") / nullif(sum("samples"), 0))::float8 AS "in_flight_avg", max("in_flight_limit") AS "in_flight_limit",
    min("consumer_count_min") AS "consumer_count_min", max("consumer_count_max") AS "consumer_count_max",
    avg("ack_rate") AS "ack_rate", avg("deliver_rate") AS "deliver_rate", avg("inflow_rate") AS "inflow_rate", avg("redeliver_rate") AS "redeliver_rate",
    max("oldest_age_max") AS "oldest_age_max"
FROM "consumer_rollups" GROUP BY 1, 2;
DELETE FROM "consumer_rollups";
INSERT INTO "consumer_rollups" ("consumer_id", "bucket", "samples", "backlog_avg", "backlog_max", "in_flight_avg", "in_flight_limit",
    "consumer_count_min", "consumer_count_max", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_max")
SELECT "consumer_id", "bucket", "samples", coalesce("backlog_avg", 0), "backlog_max", coalesce("in_flight_avg", 0), "in_flight_limit",
    "consumer_count_min", "consumer_count_max", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_max"
FROM "consumer_rollups_hours";
DROP TABLE "consumer_rollups_hours";
-- Hours are few: a BRIN index finds expired ones, where a B-tree entry per row cost as much as the row.
DROP INDEX "consumer_rollups_bucket_idx";
CREATE INDEX "consumer_rollups_bucket_idx" ON "consumer_rollups" USING BRIN ("bucket");

-- The 1-minute rollups are hours now; finished days of them are packed further below.

-- Hourly rollups of finished UTC days, one row per consumer and day (the same values, as arrays in
-- hour order; "hour" is the hour of the day), compressed in the row like the spans.
CREATE TABLE "consumer_rollup_days" (
    "consumer_id" UUID NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "hour" SMALLINT[] NOT NULL,
    "samples" INTEGER[] NOT NULL,
    "backlog_avg" DOUBLE PRECISION[] NOT NULL,
    "backlog_max" BIGINT[] NOT NULL,
    "in_flight_avg" DOUBLE PRECISION[] NOT NULL,
    "in_flight_limit" INTEGER[] NOT NULL,
    "consumer_count_min" INTEGER[] NOT NULL,
    "consumer_count_max" INTEGER[] NOT NULL,
    "ack_rate" DOUBLE PRECISION[] NOT NULL,
    "deliver_rate" DOUBLE PRECISION[] NOT NULL,
    "inflow_rate" DOUBLE PRECISION[] NOT NULL,
    "redeliver_rate" DOUBLE PRECISION[] NOT NULL,
    "oldest_age_max" INTEGER[] NOT NULL,

    CONSTRAINT "consumer_rollup_days_pkey" PRIMARY KEY ("consumer_id", "day")
) WITH (toast_tuple_target = 128);

ALTER TABLE "consumer_rollup_days" ALTER COLUMN "hour" SET STORAGE MAIN, ALTER COLUMN "samples" SET STORAGE MAIN, ALTER COLUMN "backlog_avg" SET STORAGE MAIN,
    ALTER COLUMN "backlog_max" SET STORAGE MAIN, ALTER COLUMN "in_flight_avg" SET STORAGE MAIN, ALTER COLUMN "in_flight_limit" SET STORAGE MAIN,
    ALTER COLUMN "consumer_count_min" SET STORAGE MAIN, ALTER COLUMN "consumer_count_max" SET STORAGE MAIN, ALTER COLUMN "ack_rate" SET STORAGE MAIN,
    ALTER COLUMN "deliver_rate" SET STORAGE MAIN, ALTER COLUMN "inflow_rate" SET STORAGE MAIN, ALTER COLUMN "redeliver_rate" SET STORAGE MAIN,
    ALTER COLUMN "oldest_age_max" SET STORAGE MAIN;
ALTER TABLE "consumer_rollup_days" ADD CONSTRAINT "consumer_rollup_days_consumer_id_fkey" FOREIGN KEY ("consumer_id") REFERENCES "consumers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "consumer_rollup_days_day_idx" ON "consumer_rollup_days" USING BRIN ("day");
