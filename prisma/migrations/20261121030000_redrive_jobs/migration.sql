-- Headers as the broker typed them (AMQP timestamps, byte arrays), so a requeue republishes them faithfully.
ALTER TABLE "dead_letters"
    ADD COLUMN "raw_headers" JSONB,
    ADD COLUMN "redrive_count" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "job_id" UUID,
    ADD COLUMN "state_changed_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "dead_letters_job_id_idx" ON "dead_letters"("job_id");

-- CreateTable
CREATE TABLE "redrive_jobs" (
    "id" UUID NOT NULL,
    "number" BIGSERIAL NOT NULL,
    "action" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "scope" JSONB NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "rate" INTEGER NOT NULL,
    "include_poison" BOOLEAN NOT NULL DEFAULT false,
    "destination" TEXT,
    "edit" JSONB,
    "total" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),

    CONSTRAINT "redrive_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "redrive_jobs_number_key" ON "redrive_jobs"("number");

-- CreateIndex
CREATE INDEX "redrive_jobs_state_idx" ON "redrive_jobs"("state");

-- CreateTable
CREATE TABLE "redrive_job_letters" (
    "job_id" UUID NOT NULL,
    "letter_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'pending',
    "detail" TEXT,
    "attempt_id" TEXT,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "redrive_job_letters_pkey" PRIMARY KEY ("job_id", "letter_id")
);

-- CreateIndex
CREATE INDEX "redrive_job_letters_job_id_outcome_seq_idx" ON "redrive_job_letters"("job_id", "outcome", "seq");

-- CreateIndex
CREATE INDEX "redrive_job_letters_letter_id_idx" ON "redrive_job_letters"("letter_id");

-- AddForeignKey
ALTER TABLE "redrive_job_letters" ADD CONSTRAINT "redrive_job_letters_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "redrive_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "redrive_job_letters" ADD CONSTRAINT "redrive_job_letters_letter_id_fkey" FOREIGN KEY ("letter_id") REFERENCES "dead_letters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
