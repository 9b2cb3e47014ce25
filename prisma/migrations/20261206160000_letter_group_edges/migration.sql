-- Cause groups at a million letters without a probe per group: each group count also keeps how
-- many of its letters are bounces and its first and last arrival, so the groups view (ordered by
-- count, then last arrival) reads only this table.
--
-- The bounce count is exact (a delta, like letters). An arrival only ever widens first/last
-- exactly; a letter leaving the count (deleted, changed state, edited into another group, or its
-- arrival changed) that was at an edge leaves the edge unknown: the row is marked edges_stale and
-- the groups view recomputes it from the letters (lib/dead-letters/list-letter-groups.ts) —
-- never in the writer's transaction, so a job moving letters pays nothing for it. A row whose
-- letters reach 0 forgets its edges; the next arrival sets them.
ALTER TABLE "dead_letter_group_counts"
  ADD COLUMN "bounced" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "first_seen" TIMESTAMPTZ(3),
  ADD COLUMN "last_seen" TIMESTAMPTZ(3),
  ADD COLUMN "edges_stale" BOOLEAN NOT NULL DEFAULT false;

-- The rows the groups view has to recompute: usually none.
CREATE INDEX "dead_letter_group_counts_stale_idx" ON "dead_letter_group_counts"("group_key") WHERE "edges_stale";

CREATE OR REPLACE FUNCTION "dead_letter_group_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "dead_letter_group_counts" AS g ("group_key", "fingerprint", "cluster_id", "kind", "source", "reason", "error_text", "payload_shape", "state", "collected_from", "letters", "bounced", "first_seen", "last_seen")
    SELECT "dead_letter_group_key"(n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from") AS k,
           n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from",
           count(*), count(n."bounced_from_job_id"), min(n."captured_at"), max(n."captured_at")
    FROM new_rows n
    GROUP BY n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from"
    ORDER BY k
    ON CONFLICT ("group_key") DO UPDATE SET
      "letters" = g."letters" + EXCLUDED."letters",
      "bounced" = g."bounced" + EXCLUDED."bounced",
      "first_seen" = CASE WHEN g."letters" = 0 THEN EXCLUDED."first_seen" ELSE least(g."first_seen", EXCLUDED."first_seen") END,
      "last_seen" = CASE WHEN g."letters" = 0 THEN EXCLUDED."last_seen" ELSE greatest(g."last_seen", EXCLUDED."last_seen") END,
      "edges_stale" = g."edges_stale" AND g."letters" <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    -- Here first_seen/last_seen of the proposed row are the removed letters' earliest and latest arrival.
    INSERT INTO "dead_letter_group_counts" AS g ("group_key", "fingerprint", "cluster_id", "kind", "source", "reason", "error_text", "payload_shape", "state", "collected_from", "letters", "bounced", "first_seen", "last_seen")
    SELECT "dead_letter_group_key"(o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from") AS k,
           o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from",
           -count(*), -count(o."bounced_from_job_id"), min(o."captured_at"), max(o."captured_at")
    FROM old_rows o
    GROUP BY o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from"
    ORDER BY k
    ON CONFLICT ("group_key") DO UPDATE SET
      "letters" = g."letters" + EXCLUDED."letters",
      "bounced" = g."bounced" + EXCLUDED."bounced",
      "first_seen" = CASE WHEN g."letters" + EXCLUDED."letters" = 0 THEN NULL ELSE g."first_seen" END,
      "last_seen" = CASE WHEN g."letters" + EXCLUDED."letters" = 0 THEN NULL ELSE g."last_seen" END,
      "edges_stale" = g."letters" + EXCLUDED."letters" <> 0
        AND (g."edges_stale" OR g."first_seen" IS NULL OR EXCLUDED."first_seen" <= g."first_seen" OR EXCLUDED."last_seen" >= g."last_seen");
  ELSE
    -- Most updates (a job taking letters, redrive counts) change nothing a count keeps: those rows
    -- are left out. The rest leave their old key (-1) and join their new one (+1), in one statement
    -- so the rows are still locked in key order.
    WITH o AS (
      SELECT o.* FROM old_rows o LEFT JOIN new_rows n ON n."id" = o."id"
      WHERE n."id" IS NULL
         OR (o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from", o."captured_at", o."bounced_from_job_id" IS NULL)
            IS DISTINCT FROM (n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from", n."captured_at", n."bounced_from_job_id" IS NULL)
    ), n AS (
      SELECT n.* FROM new_rows n LEFT JOIN old_rows o ON o."id" = n."id"
      WHERE o."id" IS NULL
         OR (o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from", o."captured_at", o."bounced_from_job_id" IS NULL)
            IS DISTINCT FROM (n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from", n."captured_at", n."bounced_from_job_id" IS NULL)
    ), x AS (
      SELECT n."fingerprint", n."cluster_id", n."kind", n."source", n."reason", n."error_text", n."payload_shape", n."state", n."collected_from", n."captured_at", n."bounced_from_job_id", 1 AS delta FROM n
      UNION ALL
      SELECT o."fingerprint", o."cluster_id", o."kind", o."source", o."reason", o."error_text", o."payload_shape", o."state", o."collected_from", o."captured_at", o."bounced_from_job_id", -1 AS delta FROM o
    ), d AS (
      SELECT "dead_letter_group_key"(x."fingerprint", x."cluster_id", x."kind", x."source", x."reason", x."error_text", x."payload_shape", x."state", x."collected_from") AS k,
             x."fingerprint", x."cluster_id", x."kind", x."source", x."reason", x."error_text", x."payload_shape", x."state", x."collected_from",
             sum(x.delta) AS letters,
             sum(CASE WHEN x."bounced_from_job_id" IS NULL THEN 0 ELSE x.delta END) AS bounced,
             min(x."captured_at") FILTER (WHERE x.delta > 0) AS added_first,
             max(x."captured_at") FILTER (WHERE x.delta > 0) AS added_last,
             min(x."captured_at") FILTER (WHERE x.delta < 0) AS removed_first,
             max(x."captured_at") FILTER (WHERE x.delta < 0) AS removed_last
      FROM x
      GROUP BY x."fingerprint", x."cluster_id", x."kind", x."source", x."reason", x."error_text", x."payload_shape", x."state", x."collected_from"
    )
    INSERT INTO "dead_letter_group_counts" AS g ("group_key", "fingerprint", "cluster_id", "kind", "source", "reason", "error_text", "payload_shape", "state", "collected_from", "letters", "bounced", "first_seen", "last_seen", "edges_stale")
    SELECT d.k, d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from",
           d.letters, d.bounced, d.added_first, d.added_last,
           -- carried to the update below: did letters leave this key at all
           d.removed_first IS NOT NULL
    FROM d
    ORDER BY d.k
    ON CONFLICT ("group_key") DO UPDATE SET
      "letters" = g."letters" + EXCLUDED."letters",
      "bounced" = g."bounced" + EXCLUDED."bounced",
      "first_seen" = CASE
        WHEN g."letters" + EXCLUDED."letters" = 0 THEN NULL
        WHEN g."letters" = 0 THEN EXCLUDED."first_seen"
        ELSE coalesce(least(g."first_seen", EXCLUDED."first_seen"), g."first_seen") END,
      "last_seen" = CASE
        WHEN g."letters" + EXCLUDED."letters" = 0 THEN NULL
        WHEN g."letters" = 0 THEN EXCLUDED."last_seen"
        ELSE coalesce(greatest(g."last_seen", EXCLUDED."last_seen"), g."last_seen") END,
      "edges_stale" = g."letters" + EXCLUDED."letters" <> 0 AND g."letters" <> 0 AND (
        g."edges_stale" OR g."first_seen" IS NULL OR (EXCLUDED."edges_stale" AND (
          (SELECT d.removed_first <= g."first_seen" OR d.removed_last >= g."last_seen" FROM d WHERE d.k = g."group_key")
        ))
      );
  END IF;
  RETURN NULL;
END $$;

-- The groups already counted: their bounces and edges from the letters stored.
UPDATE "dead_letter_group_counts" g
SET "bounced" = e.bounced, "first_seen" = e.first_seen, "last_seen" = e.last_seen, "edges_stale" = false
FROM (
  SELECT "dead_letter_group_key"(d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from") AS k,
         count(d."bounced_from_job_id") AS bounced, min(d."captured_at") AS first_seen, max(d."captured_at") AS last_seen
  FROM "dead_letters" d
  GROUP BY d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from"
) e
WHERE e.k = g."group_key";
