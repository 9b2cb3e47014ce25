-- A job updates each letter it takes twice (held by the job, then its state), and neither update
-- can be HOT, so each adds an entry to every index of dead_letters — also for columns that are
-- NULL on nearly every letter. These three are only ever asked for a value (job_id = …,
-- bounced_from_… = …), which the planner proves is not NULL, so they keep only the letters that
-- have one: a letter held by a job, a letter that came back from a requeue. Measured on 100,000
-- letters: 500-letter updates of job_id and of state, 0.12 ms a letter before, 0.09 ms after.
DROP INDEX "dead_letters_job_id_idx";
CREATE INDEX "dead_letters_job_id_idx" ON "dead_letters"("job_id") WHERE "job_id" IS NOT NULL;

DROP INDEX "dead_letters_bounced_from_job_id_idx";
CREATE INDEX "dead_letters_bounced_from_job_id_idx" ON "dead_letters"("bounced_from_job_id") WHERE "bounced_from_job_id" IS NOT NULL;

DROP INDEX "dead_letters_bounced_from_letter_id_idx";
CREATE INDEX "dead_letters_bounced_from_letter_id_idx" ON "dead_letters"("bounced_from_letter_id") WHERE "bounced_from_letter_id" IS NOT NULL;
