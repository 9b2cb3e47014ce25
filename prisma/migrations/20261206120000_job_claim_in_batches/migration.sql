-- A large job claims its letters in batches while it runs, so its first letters move within a
-- second of the start instead of after one transaction claiming every letter. The start claims the
-- first batch; the runner holding the lease claims the rest, in captured order, after the cursor
-- (claim_after_at, claim_after_id) and among letters captured up to claim_until (the start's
-- time), each batch in one transaction with the cursor. claim_until is NULL once every letter
-- in scope is claimed (and for jobs claimed whole at their start); claimed counts them.
ALTER TABLE "redrive_jobs"
    ADD COLUMN "claim_until" TIMESTAMPTZ(3),
    ADD COLUMN "claim_after_at" TIMESTAMPTZ(3),
    ADD COLUMN "claim_after_id" UUID,
    ADD COLUMN "claimed" INTEGER NOT NULL DEFAULT 0;

-- Jobs started before claim letters whole: their count is their total.
UPDATE "redrive_jobs" SET "claimed" = "total";
