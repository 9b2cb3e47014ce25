-- A finished job's letters never change outcome again (nothing updates or deletes them once the
-- job has completed or been cancelled), so their counts are kept on the job row when it ends,
-- { outcome: letters }, and the job list and the job's page read them instead of counting every
-- letter of every finished job on each request (a million-letter job: a million index entries).
-- Null while the job runs, and for a job that ended with no letters: those are counted live.
ALTER TABLE "redrive_jobs" ADD COLUMN "final_counts" JSONB;

-- Jobs that ended before this migration.
UPDATE "redrive_jobs" j SET "final_counts" = c."counts"
FROM (
  SELECT "job_id", jsonb_object_agg("outcome", "n") AS "counts"
  FROM (SELECT "job_id", "outcome", count(*) AS "n" FROM "redrive_job_letters" GROUP BY 1, 2) x
  GROUP BY 1
) c
WHERE c."job_id" = j."id" AND j."state" IN ('completed', 'cancelled', 'failed');
