-- Bounce lineage: a letter that died again after a requeue names the letter it was sent back for and
-- the job that sent it (read from the attempt id the requeue carried). No foreign keys: letters and
-- jobs are pruned on their own schedules, and a lineage that outlives them is still worth showing.
ALTER TABLE "dead_letters" ADD COLUMN "bounced_from_letter_id" UUID;
ALTER TABLE "dead_letters" ADD COLUMN "bounced_from_job_id" UUID;
CREATE INDEX "dead_letters_bounced_from_job_id_idx" ON "dead_letters"("bounced_from_job_id");
CREATE INDEX "dead_letters_bounced_from_letter_id_idx" ON "dead_letters"("bounced_from_letter_id");

-- Health-gated jobs: why a job is paused and who paused it ("operator", "gate", "canary"), the
-- threshold it watches, since when it watches (its start, then each resume), and the optional
-- auto-resume after its destinations have been healthy for that many minutes.
ALTER TABLE "redrive_jobs" ADD COLUMN "paused_reason" TEXT;
ALTER TABLE "redrive_jobs" ADD COLUMN "paused_by" TEXT;
ALTER TABLE "redrive_jobs" ADD COLUMN "paused_at" TIMESTAMPTZ(3);
ALTER TABLE "redrive_jobs" ADD COLUMN "watch_since" TIMESTAMPTZ(3);
ALTER TABLE "redrive_jobs" ADD COLUMN "bounce_threshold" DOUBLE PRECISION;
ALTER TABLE "redrive_jobs" ADD COLUMN "bounce_min_sent" INTEGER;
ALTER TABLE "redrive_jobs" ADD COLUMN "auto_resume_minutes" DOUBLE PRECISION;

-- Canary: how many letters go first, then the verdict ("waiting", "passed", "failed") with its evidence.
ALTER TABLE "redrive_jobs" ADD COLUMN "canary_size" INTEGER;
ALTER TABLE "redrive_jobs" ADD COLUMN "canary_state" TEXT;
ALTER TABLE "redrive_jobs" ADD COLUMN "canary_detail" TEXT;
ALTER TABLE "redrive_jobs" ADD COLUMN "canary_sent_at" TIMESTAMPTZ(3);
