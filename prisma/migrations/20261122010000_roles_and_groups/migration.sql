-- What a consumer is for, when it is not an application's: "dlq" (a RabbitMQ dead-letter queue that
-- nothing is meant to consume) or "capture" (Redrive's own JetStream consumer of dead-letter
-- advisories). Health does not call these STOPPED or LAGGING; the UI marks them.
ALTER TABLE "consumers" ADD COLUMN "role" TEXT;

-- Dead letters per source over the last few minutes, read by every sampler sweep to mark consumers
-- FAILING. Keyed on the death time, so adopting an old DLQ does not look like a burst.
CREATE INDEX "dead_letters_cluster_id_last_death_at_idx" ON "dead_letters"("cluster_id", "last_death_at");

-- A delivery that stands for many incidents of one rule (a summary sent instead of one message
-- each): how many. Null for a delivery of one incident or a test.
ALTER TABLE "notification_deliveries" ADD COLUMN "group_size" INTEGER;
