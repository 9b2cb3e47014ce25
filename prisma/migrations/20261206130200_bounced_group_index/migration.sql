-- A group's bounces (letters that died again after a requeue) counted beside the maintained group
-- counts: only bounced letters are in this index, so counting them per group reads no other letter.
CREATE INDEX "dead_letters_bounced_fingerprint_idx" ON "dead_letters"("fingerprint", "captured_at") WHERE "bounced_from_job_id" IS NOT NULL;
