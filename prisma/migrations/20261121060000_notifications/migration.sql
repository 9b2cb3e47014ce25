-- Where notifications go: a webhook (generic JSON) or a Slack-compatible incoming webhook.
-- Channels from the configuration file keep no URL here (it may be a secret from the environment):
-- it is read from the configuration when a message is sent.
CREATE TABLE "notification_channels" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "url" TEXT,
    -- "config" (read-only in the UI) or "ui" (made by an admin).
    "source" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notification_channels_name_key" ON "notification_channels"("name");

-- What to notify about: a consumer state, a time to drain, a dead-letter inflow, a DLX routing nowhere.
CREATE TABLE "notification_rules" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    -- Per kind: { states } | { aboveSeconds, includeNotDraining } | { perMinute } | {}.
    "params" JSONB NOT NULL DEFAULT '{}',
    "cluster" TEXT,
    "match" TEXT,
    "for_seconds" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_rules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notification_rules_name_key" ON "notification_rules"("name");

CREATE TABLE "notification_rule_channels" (
    "rule_id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,

    CONSTRAINT "notification_rule_channels_pkey" PRIMARY KEY ("rule_id", "channel_id")
);

-- AddForeignKey
ALTER TABLE "notification_rule_channels" ADD CONSTRAINT "notification_rule_channels_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "notification_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_rule_channels" ADD CONSTRAINT "notification_rule_channels_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One condition of one rule on one target (a consumer, a DLQ, a source queue), from when it was first
-- seen until it cleared: pending (holding, not yet for long enough) → firing → resolved.
-- At most one open (pending or firing) per rule and target: that is the deduplication.
CREATE TABLE "notification_incidents" (
    "id" UUID NOT NULL,
    "number" BIGSERIAL NOT NULL,
    "rule_id" UUID,
    "rule_name" TEXT NOT NULL,
    "target_key" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "fired_at" TIMESTAMPTZ(3),
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "resolution" TEXT,

    CONSTRAINT "notification_incidents_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notification_incidents_number_key" ON "notification_incidents"("number");
CREATE UNIQUE INDEX "notification_incidents_open_key" ON "notification_incidents"("rule_id", "target_key") WHERE "status" IN ('pending', 'firing');
CREATE INDEX "notification_incidents_status_idx" ON "notification_incidents"("status");
CREATE INDEX "notification_incidents_started_at_idx" ON "notification_incidents"("started_at" DESC);

-- AddForeignKey
ALTER TABLE "notification_incidents" ADD CONSTRAINT "notification_incidents_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "notification_rules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- One message to one channel (firing, resolved or a test), with its exact body, retried with backoff.
CREATE TABLE "notification_deliveries" (
    "id" UUID NOT NULL,
    "incident_id" UUID,
    "channel_id" UUID,
    "channel_name" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    -- pending | sending | sent | failed
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notification_deliveries_status_next_attempt_at_idx" ON "notification_deliveries"("status", "next_attempt_at");
CREATE INDEX "notification_deliveries_created_at_idx" ON "notification_deliveries"("created_at" DESC);
CREATE INDEX "notification_deliveries_incident_id_idx" ON "notification_deliveries"("incident_id");

-- AddForeignKey
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "notification_incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Every attempt to send a delivery, and what the receiver answered.
CREATE TABLE "notification_attempts" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "duration_ms" INTEGER NOT NULL,
    "http_status" INTEGER,
    "ok" BOOLEAN NOT NULL,
    "error" TEXT,

    CONSTRAINT "notification_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notification_attempts_delivery_id_at_idx" ON "notification_attempts"("delivery_id", "at");
CREATE INDEX "notification_attempts_at_idx" ON "notification_attempts"("at" DESC);

-- AddForeignKey
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "notification_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;
