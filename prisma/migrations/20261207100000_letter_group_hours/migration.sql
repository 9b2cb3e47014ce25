-- Cause groups' arrivals per hour without reading the letters: how many letters each group count
-- (dead_letter_group_counts, same group_key) holds per UTC hour of arrival (captured_at), kept by
-- statement triggers in the same transaction as the change, like the counts. The groups view shows
-- the last 24 hours; only letters whose hour is at most 25 hours before the current one are kept
-- (a 2-hour margin for an app clock behind the database's and for transactions started a while
-- ago). Older hours are never shown again: writers leave them alone and the periodic maintenance
-- deletes their rows (lib/dead-letters/expire-group-hours.ts). Raw SQL only: no Prisma model.
CREATE TABLE "dead_letter_group_hours" (
    "group_key" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "letters" BIGINT NOT NULL,

    CONSTRAINT "dead_letter_group_hours_pkey" PRIMARY KEY ("group_key", "hour")
);

-- For the expiry's bounded deletes of old hours.
CREATE INDEX "dead_letter_group_hours_hour_idx" ON "dead_letter_group_hours"("hour");

-- The first hour kept at this transaction's time: letters captured before it are not tracked.
-- UTC hours whatever the session's time zone (a zone 30 minutes off UTC would shift them).
CREATE FUNCTION "dead_letter_group_hours_since"() RETURNS TIMESTAMPTZ LANGUAGE sql STABLE AS $$
  SELECT date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '25 hours'
$$;

-- A second function on the same statements (after the counts' triggers: trigger names sort so),
-- so every writer locks its counts rows, then its hours rows, each in key order: no deadlock.
-- Only letters in the kept window are read; an update's +1 and -1 of a letter that changed no key
-- column and not its hour cancel out and are left out (HAVING), so a job moving old letters, or
-- bumping counters, writes nothing here.
CREATE FUNCTION "dead_letter_group_hours_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  since TIMESTAMPTZ := "dead_letter_group_hours_since"();
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "dead_letter_group_hours" AS h ("group_key", "hour", "letters")
    SELECT "dead_letter_group_key"(n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from") AS k,
           date_trunc('hour', n."captured_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hr, count(*)
    FROM new_rows n
    WHERE n."captured_at" >= since
    GROUP BY n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from", hr
    ORDER BY k, hr
    ON CONFLICT ("group_key", "hour") DO UPDATE SET "letters" = h."letters" + EXCLUDED."letters";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "dead_letter_group_hours" AS h ("group_key", "hour", "letters")
    SELECT "dead_letter_group_key"(o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from") AS k,
           date_trunc('hour', o."captured_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hr, -count(*)
    FROM old_rows o
    WHERE o."captured_at" >= since
    GROUP BY o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from", hr
    ORDER BY k, hr
    ON CONFLICT ("group_key", "hour") DO UPDATE SET "letters" = h."letters" + EXCLUDED."letters";
  ELSE
    INSERT INTO "dead_letter_group_hours" AS h ("group_key", "hour", "letters")
    SELECT "dead_letter_group_key"(x."fingerprint", x."cluster_id", x."kind", x."source", x."reason", x."error_text", x."payload_shape", x."state", x."collected_from") AS k,
           x.hr, sum(x.delta)
    FROM (
      SELECT n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from",
             date_trunc('hour', n."captured_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hr, 1 AS delta
      FROM new_rows n WHERE n."captured_at" >= since
      UNION ALL
      SELECT o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from",
             date_trunc('hour', o."captured_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hr, -1 AS delta
      FROM old_rows o WHERE o."captured_at" >= since
    ) x
    GROUP BY x."fingerprint", x."cluster_id", x."kind", x."source", x."reason", x."error_text", x."payload_shape", x."state", x."collected_from", x.hr
    HAVING sum(x.delta) <> 0
    ORDER BY k, x.hr
    ON CONFLICT ("group_key", "hour") DO UPDATE SET "letters" = h."letters" + EXCLUDED."letters";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "dead_letters_group_hours_insert" AFTER INSERT ON "dead_letters"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letter_group_hours_apply"();
CREATE TRIGGER "dead_letters_group_hours_update" AFTER UPDATE ON "dead_letters"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letter_group_hours_apply"();
CREATE TRIGGER "dead_letters_group_hours_delete" AFTER DELETE ON "dead_letters"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letter_group_hours_apply"();

CREATE FUNCTION "dead_letter_group_hours_clear"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "dead_letter_group_hours";
  RETURN NULL;
END $$;

CREATE TRIGGER "dead_letters_group_hours_truncate" AFTER TRUNCATE ON "dead_letters"
  FOR EACH STATEMENT EXECUTE FUNCTION "dead_letter_group_hours_clear"();

-- The letters already stored in the kept window.
INSERT INTO "dead_letter_group_hours" ("group_key", "hour", "letters")
SELECT "dead_letter_group_key"(d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from"),
       date_trunc('hour', d."captured_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hr, count(*)
FROM "dead_letters" d
WHERE d."captured_at" >= "dead_letter_group_hours_since"()
GROUP BY d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from", hr;
