-- Latest health of each consumer, kept on its row so lists and sorts over 10,000 consumers are one indexed query.
ALTER TABLE "consumers"
    ADD COLUMN "parent" TEXT NOT NULL DEFAULT '',
    ADD COLUMN "name" TEXT NOT NULL DEFAULT '',
    ADD COLUMN "state" TEXT NOT NULL DEFAULT 'UNKNOWN',
    ADD COLUMN "severity" INTEGER NOT NULL DEFAULT 4,
    ADD COLUMN "state_reason" TEXT NOT NULL DEFAULT 'not sampled yet',
    ADD COLUMN "state_since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN "backlog" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "pending" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "in_flight" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "in_flight_limit" INTEGER,
    ADD COLUMN "consumer_count" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "ack_rate" DOUBLE PRECISION,
    ADD COLUMN "deliver_rate" DOUBLE PRECISION,
    ADD COLUMN "inflow_rate" DOUBLE PRECISION,
    ADD COLUMN "redeliver_rate" DOUBLE PRECISION,
    ADD COLUMN "rate_window_seconds" DOUBLE PRECISION,
    ADD COLUMN "eta_seconds" DOUBLE PRECISION,
    ADD COLUMN "redelivered_now" BIGINT,
    ADD COLUMN "last_activity_at" TIMESTAMPTZ(3),
    ADD COLUMN "oldest_age_seconds" INTEGER,
    ADD COLUMN "last_sampled_at" TIMESTAMPTZ(3),
    ADD COLUMN "recent_backlog" JSONB NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE INDEX "consumers_severity_backlog_idx" ON "consumers"("severity", "backlog" DESC);

-- CreateIndex
CREATE INDEX "consumers_backlog_idx" ON "consumers"("backlog" DESC);

-- CreateIndex
CREATE INDEX "consumers_state_idx" ON "consumers"("state");

-- Rates derived at sampling time from the previous sample; null on the first sample and after a counter reset.
ALTER TABLE "consumer_samples" RENAME COLUMN "redelivered" TO "redelivered_total";
ALTER TABLE "consumer_samples"
    ADD COLUMN "redelivered_now" BIGINT,
    ADD COLUMN "ack_rate" DOUBLE PRECISION,
    ADD COLUMN "deliver_rate" DOUBLE PRECISION,
    ADD COLUMN "inflow_rate" DOUBLE PRECISION,
    ADD COLUMN "redeliver_rate" DOUBLE PRECISION;

-- What the sampler last managed on each cluster.
ALTER TABLE "clusters"
    ADD COLUMN "last_sampled_at" TIMESTAMPTZ(3),
    ADD COLUMN "last_sample_error" TEXT,
    ADD COLUMN "last_sample_ms" INTEGER,
    ADD COLUMN "last_sample_consumers" INTEGER;

-- CreateTable
CREATE TABLE "consumer_rollups" (
    "consumer_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "backlog_avg" DOUBLE PRECISION NOT NULL,
    "backlog_max" BIGINT NOT NULL,
    "in_flight_avg" DOUBLE PRECISION NOT NULL,
    "in_flight_limit" INTEGER,
    "consumer_count_min" INTEGER NOT NULL,
    "consumer_count_max" INTEGER NOT NULL,
    "ack_rate" DOUBLE PRECISION,
    "deliver_rate" DOUBLE PRECISION,
    "inflow_rate" DOUBLE PRECISION,
    "redeliver_rate" DOUBLE PRECISION,

    CONSTRAINT "consumer_rollups_pkey" PRIMARY KEY ("consumer_id", "bucket")
);

-- CreateIndex
CREATE INDEX "consumer_rollups_bucket_idx" ON "consumer_rollups"("bucket");

-- AddForeignKey
ALTER TABLE "consumer_rollups" ADD CONSTRAINT "consumer_rollups_consumer_id_fkey" FOREIGN KEY ("consumer_id") REFERENCES "consumers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
