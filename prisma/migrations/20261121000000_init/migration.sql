-- CreateEnum
CREATE TYPE "BrokerKind" AS ENUM ('nats', 'rabbitmq');

-- CreateTable
CREATE TABLE "clusters" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "BrokerKind" NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_checked_at" TIMESTAMPTZ(3),
    "reachable" BOOLEAN NOT NULL DEFAULT false,
    "server_version" TEXT,
    "management_ok" BOOLEAN,
    "last_error" TEXT,
    "state_since" TIMESTAMPTZ(3),

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consumers" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "BrokerKind" NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "gone_at" TIMESTAMPTZ(3),
    "config" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "consumers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consumer_samples" (
    "id" BIGSERIAL NOT NULL,
    "consumer_id" UUID NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL,
    "backlog" BIGINT NOT NULL,
    "pending" BIGINT NOT NULL,
    "in_flight" BIGINT NOT NULL,
    "in_flight_limit" INTEGER,
    "consumer_count" INTEGER NOT NULL,
    "delivered_total" BIGINT,
    "acked_total" BIGINT,
    "published_total" BIGINT,
    "redelivered" BIGINT,
    "counter_epoch" TEXT,

    CONSTRAINT "consumer_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "address" TEXT,
    "action" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "intent_id" BIGINT,
    "cluster_id" UUID,
    "target" TEXT,
    "request" JSONB NOT NULL DEFAULT '{}',
    "result" TEXT,
    "detail" JSONB,
    "prev_hash" TEXT,
    "hash" TEXT,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "clusters_name_key" ON "clusters"("name");

-- CreateIndex
CREATE UNIQUE INDEX "consumers_cluster_id_key_key" ON "consumers"("cluster_id", "key");

-- CreateIndex
CREATE INDEX "consumer_samples_consumer_id_taken_at_idx" ON "consumer_samples"("consumer_id", "taken_at");

-- CreateIndex
CREATE INDEX "consumer_samples_taken_at_idx" ON "consumer_samples"("taken_at");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_action_at_idx" ON "audit_events"("action", "at");

-- CreateIndex
CREATE INDEX "audit_events_target_idx" ON "audit_events"("target");

-- AddForeignKey
ALTER TABLE "consumers" ADD CONSTRAINT "consumers_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consumer_samples" ADD CONSTRAINT "consumer_samples_consumer_id_fkey" FOREIGN KEY ("consumer_id") REFERENCES "consumers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;
