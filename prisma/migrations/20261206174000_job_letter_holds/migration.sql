-- A job's hold on a letter moves off dead_letters: it is the job's letter row while that row's
-- outcome is not final (pending or in_flight). Claiming a letter then writes only the job's row,
-- not a new version of the wide inbox row (every index of it, the group counts' trigger); and a
-- letter leaving a job without a new state is not written at all.

-- Rows still pending or in flight whose letter is not held by their job (none is expected: the
-- claim, the outcome and the cancel wrote both together) are settled, so no two jobs hold a letter.
UPDATE "redrive_job_letters" jl
   SET "outcome" = CASE WHEN jl."outcome" = 'in_flight' THEN 'unknown' ELSE 'cancelled' END,
       "finished_at" = now(),
       "detail" = 'released: the letter was no longer held by this job'
  FROM "dead_letters" d
 WHERE d."id" = jl."letter_id" AND jl."outcome" IN ('pending', 'in_flight') AND d."job_id" IS DISTINCT FROM jl."job_id";

-- One job holds a letter at a time: finished rows (any number per letter) are not in it.
CREATE UNIQUE INDEX "redrive_job_letters_held_key" ON "redrive_job_letters"("letter_id") WHERE "outcome" IN ('pending', 'in_flight');

-- The old mark is no longer read or written: cleared, and its index dropped. (The column stays, NULL.)
DROP INDEX "dead_letters_job_id_idx";
UPDATE "dead_letters" SET "job_id" = NULL WHERE "job_id" IS NOT NULL;
