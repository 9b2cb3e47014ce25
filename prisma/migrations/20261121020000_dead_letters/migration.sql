-- The dead-letter inbox: Redrive's own custody of every dead letter it collected.
CREATE TABLE "dead_letters" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "kind" "BrokerKind" NOT NULL,
    -- Recognises a second capture of the same death (a crash between storing and acknowledging).
    "dedupe_key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "collected_from" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "error_text" TEXT,
    "payload_shape" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'dead',
    "message_id" TEXT,
    "content_type" TEXT,
    "payload" BYTEA,
    "payload_size" INTEGER NOT NULL,
    "payload_missing" TEXT,
    "payload_text" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "headers" JSONB NOT NULL DEFAULT '{}',
    "deaths" JSONB NOT NULL DEFAULT '[]',
    "death_count" INTEGER NOT NULL DEFAULT 1,
    "first_death_at" TIMESTAMPTZ(3),
    "last_death_at" TIMESTAMPTZ(3),
    "captured_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dead_letters_cluster_id_dedupe_key_key" ON "dead_letters"("cluster_id", "dedupe_key");

-- CreateIndex
CREATE INDEX "dead_letters_captured_at_id_idx" ON "dead_letters"("captured_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "dead_letters_fingerprint_captured_at_idx" ON "dead_letters"("fingerprint", "captured_at" DESC);

-- CreateIndex
CREATE INDEX "dead_letters_source_captured_at_idx" ON "dead_letters"("source", "captured_at" DESC);

-- CreateIndex
CREATE INDEX "dead_letters_message_id_idx" ON "dead_letters"("message_id");

-- CreateIndex
CREATE INDEX "dead_letters_state_captured_at_idx" ON "dead_letters"("state", "captured_at" DESC);

-- AddForeignKey
ALTER TABLE "dead_letters" ADD CONSTRAINT "dead_letters_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Every DLQ Redrive knows of, and whether it collects from it.
CREATE TABLE "dlqs" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "sources" JSONB NOT NULL DEFAULT '[]',
    "found_by" TEXT NOT NULL,
    "adopted" BOOLEAN NOT NULL DEFAULT false,
    "adopted_by" TEXT,
    "adopted_at" TIMESTAMPTZ(3),
    "depth" BIGINT,
    "problem" TEXT,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dlqs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dlqs_cluster_id_name_key" ON "dlqs"("cluster_id", "name");

-- AddForeignKey
ALTER TABLE "dlqs" ADD CONSTRAINT "dlqs_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Queues whose dead letters are being dropped (dead-letter exchange missing or routing nowhere), as last discovered.
ALTER TABLE "clusters" ADD COLUMN "dead_letter_problems" JSONB NOT NULL DEFAULT '[]';
