-- One row naming this installation (all replicas sharing this store). Its id names the
-- installation's own durable on the NATS capture stream, so two installations on one NATS each
-- receive every dead-letter advisory. Made here, once per store, so replicas never race for it.
CREATE TABLE "installation" (
    "id" TEXT NOT NULL,
    "singleton" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "installation_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "installation_singleton_check" CHECK ("singleton")
);
CREATE UNIQUE INDEX "installation_singleton_key" ON "installation"("singleton");
INSERT INTO "installation" ("id") VALUES (substr(replace(gen_random_uuid()::text, '-', ''), 1, 12));

-- RabbitMQ: what a redelivery is compared with. A first delivery is never a duplicate (two
-- identical messages dying in the same second are two letters), so its dedupe key is made unique;
-- the content key stays, for a redelivery after a crash between storing and acknowledging.
ALTER TABLE "dead_letters" ADD COLUMN "content_key" TEXT;
UPDATE "dead_letters" SET "content_key" = "dedupe_key" WHERE "kind" = 'rabbitmq' AND "dedupe_key" LIKE 'rmq:%';
CREATE INDEX "dead_letters_cluster_id_content_key_idx" ON "dead_letters"("cluster_id", "content_key");

-- NATS: letters were keyed stream:consumer:seq:reason, which collides once a stream or durable is
-- recreated under its old name (sequences restart at 1). They are now keyed by the advisory's own
-- id. Letters stored before keep deduplicating an advisory still in flight across the upgrade:
-- their key is rewritten to the new form from the advisory id they recorded.
UPDATE "dead_letters"
SET "dedupe_key" = 'nats:adv:' || ("properties"->>'stream') || ':' || ("properties"->>'consumer') || ':' || ("properties"->>'advisoryId')
WHERE "kind" = 'nats'
  AND coalesce("properties"->>'advisoryId', '') <> ''
  AND "dedupe_key" = 'nats:' || ("properties"->>'stream') || ':' || ("properties"->>'consumer') || ':' || ("properties"->>'streamSequence') || ':' || "reason";
