-- Raw samples, compact: the sampler stores a sample only when a value changed (and once a minute),
-- and each row is narrower. No surrogate id: the key is (consumer, time), which the charts and the
-- sampler read by anyway. Fixed-width columns widest first, so nothing is padded. Rates as real (a
-- chart needs no more than 7 digits). "pending" (backlog − in flight) and "redelivered_now" (kept on
-- the consumer's row) are not repeated per sample. Expiry reads by time through a BRIN index, a few
-- pages for the whole table, instead of a B-tree entry per row.

CREATE TABLE "consumer_samples_compact" (
    "taken_at" TIMESTAMPTZ(3) NOT NULL,
    "backlog" BIGINT NOT NULL,
    "in_flight" BIGINT NOT NULL,
    "delivered_total" BIGINT,
    "acked_total" BIGINT,
    "published_total" BIGINT,
    "redelivered_total" BIGINT,
    "consumer_id" UUID NOT NULL,
    "consumer_count" INTEGER NOT NULL,
    "in_flight_limit" INTEGER,
    "oldest_age_seconds" INTEGER,
    "ack_rate" REAL,
    "deliver_rate" REAL,
    "inflow_rate" REAL,
    "redeliver_rate" REAL,
    "counter_epoch" TEXT,

    CONSTRAINT "consumer_samples_compact_pkey" PRIMARY KEY ("consumer_id", "taken_at")
);

INSERT INTO "consumer_samples_compact" ("taken_at", "backlog", "in_flight", "delivered_total", "acked_total", "published_total", "redelivered_total",
    "consumer_id", "consumer_count", "in_flight_limit", "oldest_age_seconds", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "counter_epoch")
SELECT "taken_at", "backlog", "in_flight", "delivered_total", "acked_total", "published_total", "redelivered_total",
    "consumer_id", "consumer_count", "in_flight_limit", "oldest_age_seconds", "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "counter_epoch"
FROM "consumer_samples"
ON CONFLICT DO NOTHING;

DROP TABLE "consumer_samples";
ALTER TABLE "consumer_samples_compact" RENAME TO "consumer_samples";
ALTER TABLE "consumer_samples" RENAME CONSTRAINT "consumer_samples_compact_pkey" TO "consumer_samples_pkey";
ALTER INDEX IF EXISTS "consumer_samples_compact_pkey" RENAME TO "consumer_samples_pkey";
ALTER TABLE "consumer_samples" ADD CONSTRAINT "consumer_samples_consumer_id_fkey" FOREIGN KEY ("consumer_id") REFERENCES "consumers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "consumer_samples_taken_at_idx" ON "consumer_samples" USING BRIN ("taken_at");
