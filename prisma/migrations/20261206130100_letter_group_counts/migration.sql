-- Cause groups at a million letters: how many letters each group holds, per state and per DLQ,
-- kept in step with dead_letters by statement triggers in the same transaction as the change, so
-- the groups view reads a few thousand rows instead of counting the whole inbox. Every column the
-- groups view shows or filters on is part of the key; group_key is their hash (NULLs included).
CREATE TABLE "dead_letter_group_counts" (
    "group_key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "cluster_id" UUID NOT NULL,
    "kind" "BrokerKind" NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "error_text" TEXT,
    "payload_shape" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "collected_from" TEXT NOT NULL,
    "letters" BIGINT NOT NULL,

    CONSTRAINT "dead_letter_group_counts_pkey" PRIMARY KEY ("group_key")
);

CREATE INDEX "dead_letter_group_counts_fingerprint_idx" ON "dead_letter_group_counts"("fingerprint");

CREATE FUNCTION "dead_letter_group_key"(fingerprint TEXT, cluster_id UUID, kind "BrokerKind", source TEXT, reason TEXT, error_text TEXT, payload_shape TEXT, state TEXT, collected_from TEXT)
RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT md5(ROW(fingerprint, cluster_id, kind, source, reason, error_text, payload_shape, state, collected_from)::text)
$$;

-- Deltas are applied in key order, so two writers touching the same groups lock them in the same
-- order and cannot deadlock on this table.
CREATE FUNCTION "dead_letter_group_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "dead_letter_group_counts" AS g ("group_key", "fingerprint", "cluster_id", "kind", "source", "reason", "error_text", "payload_shape", "state", "collected_from", "letters")
    SELECT "dead_letter_group_key"(n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from") AS k,
           n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from", count(*)
    FROM new_rows n
    GROUP BY n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from"
    ORDER BY k
    ON CONFLICT ("group_key") DO UPDATE SET "letters" = g."letters" + EXCLUDED."letters";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "dead_letter_group_counts" AS g ("group_key", "fingerprint", "cluster_id", "kind", "source", "reason", "error_text", "payload_shape", "state", "collected_from", "letters")
    SELECT "dead_letter_group_key"(o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from") AS k,
           o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from", -count(*)
    FROM old_rows o
    GROUP BY o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from"
    ORDER BY k
    ON CONFLICT ("group_key") DO UPDATE SET "letters" = g."letters" + EXCLUDED."letters";
  ELSE
    -- Most updates (a job taking letters, redrive counts) change no key column: their +1 and -1 cancel out.
    INSERT INTO "dead_letter_group_counts" AS g ("group_key", "fingerprint", "cluster_id", "kind", "source", "reason", "error_text", "payload_shape", "state", "collected_from", "letters")
    SELECT "dead_letter_group_key"(x."fingerprint", x."cluster_id", x."kind", x."source", x."reason", x."error_text", x."payload_shape", x."state", x."collected_from") AS k,
           x."fingerprint", x."cluster_id", x."kind", x."source", x."reason", x."error_text", x."payload_shape", x."state", x."collected_from", sum(x.delta)
    FROM (
      SELECT n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from", 1 AS delta FROM new_rows n
      UNION ALL
      SELECT o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from", -1 AS delta FROM old_rows o
    ) x
    GROUP BY x."fingerprint", x."cluster_id", x."kind", x."source", x."reason", x."error_text", x."payload_shape", x."state", x."collected_from"
    HAVING sum(x.delta) <> 0
    ORDER BY k
    ON CONFLICT ("group_key") DO UPDATE SET "letters" = g."letters" + EXCLUDED."letters";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "dead_letters_group_counts_insert" AFTER INSERT ON "dead_letters"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letter_group_counts_apply"();
CREATE TRIGGER "dead_letters_group_counts_update" AFTER UPDATE ON "dead_letters"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letter_group_counts_apply"();
CREATE TRIGGER "dead_letters_group_counts_delete" AFTER DELETE ON "dead_letters"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letter_group_counts_apply"();

CREATE FUNCTION "dead_letter_group_counts_clear"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "dead_letter_group_counts";
  RETURN NULL;
END $$;

CREATE TRIGGER "dead_letters_group_counts_truncate" AFTER TRUNCATE ON "dead_letters"
  FOR EACH STATEMENT EXECUTE FUNCTION "dead_letter_group_counts_clear"();

-- The letters already stored.
INSERT INTO "dead_letter_group_counts" ("group_key", "fingerprint", "cluster_id", "kind", "source", "reason", "error_text", "payload_shape", "state", "collected_from", "letters")
SELECT "dead_letter_group_key"(d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from"),
       d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from", count(*)
FROM "dead_letters" d
GROUP BY d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from";
