-- Time lag: the age of the oldest waiting message, sampled like the counts, charted from the
-- samples and their rollups. Where the broker does not give it, the consumer row says why
-- ("oldest_age_note") and may carry an estimate (backlog ÷ ack rate), flagged as one.
ALTER TABLE "consumer_samples" ADD COLUMN "oldest_age_seconds" INTEGER;
ALTER TABLE "consumer_rollups" ADD COLUMN "oldest_age_max" INTEGER;
ALTER TABLE "consumers" ADD COLUMN "oldest_age_estimated" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "consumers" ADD COLUMN "oldest_age_note" TEXT;

-- Silent-stuck findings: named problems a consumer shows while looking connected, each with since when.
ALTER TABLE "consumers" ADD COLUMN "findings" JSONB NOT NULL DEFAULT '[]';

-- Expected consumers: the minimum the configuration asks for (null: not expected), and whether the
-- row stands for an expected consumer never found on the broker (kept so lists and metrics show it MISSING).
ALTER TABLE "consumers" ADD COLUMN "expected_min" INTEGER;
ALTER TABLE "consumers" ADD COLUMN "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- Expected consumers added by an admin (the configuration's own are read from the file).
CREATE TABLE "expected_consumers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "min_consumers" INTEGER NOT NULL DEFAULT 1,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "expected_consumers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "expected_consumers_cluster_key_key" ON "expected_consumers"("cluster", "key");
