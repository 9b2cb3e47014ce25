-- A running job records each chunk of letters as one chained intent row and one chained outcome
-- row, each naming its letters (request.letters / detail.letters), instead of two chained rows per
-- letter: the chain's lock and hashing were what capped a job. This plain table maps each letter
-- to the audit rows that name it, so a letter's trail is one index lookup at millions of rows.
-- It is written in the same statement as the row it indexes. It is not part of the chain: the
-- rows it points to are, and they name their letters themselves (an edit there shows in
-- npm run audit:verify); a row of this table only says where to look.
-- Rows written before (target "letter:<id>", one per letter) are still found by their target.
CREATE TABLE "audit_event_letters" (
    "letter_id" UUID NOT NULL,
    "event_id" BIGINT NOT NULL,

    CONSTRAINT "audit_event_letters_pkey" PRIMARY KEY ("letter_id", "event_id")
);
