-- A job's bookkeeping at the speed of the brokers: every letter a job takes and settles is
-- updated twice in dead_letters (held by the job, then its state), and neither update can be HOT
-- (job_id and state are indexed), so each inserted into every index of the table — ~300 trigram
-- entries and the header keys per letter, five times the cost of everything else together
-- (measured: 500-letter updates of job_id and of state, 0.98 ms a letter with the two GIN
-- indexes, 0.19 ms without). The text the inbox searches never changes after capture: it moves,
-- with its indexes, to a table written once per letter, and the search filters ask it by EXISTS.
-- dead_letters keeps its own payload_text and headers (previews, the letter page, requeues).
CREATE TABLE "dead_letter_search" (
    "letter_id" UUID NOT NULL,
    "payload_text" TEXT,
    "headers" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "dead_letter_search_pkey" PRIMARY KEY ("letter_id"),
    CONSTRAINT "dead_letter_search_letter_id_fkey" FOREIGN KEY ("letter_id") REFERENCES "dead_letters"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Kept in step by the store itself, so every writer of dead_letters (the collector, restores,
-- imports, the bench's SQL copies) is covered without knowing about it.
CREATE FUNCTION "dead_letter_search_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "dead_letter_search" ("letter_id", "payload_text", "headers")
  SELECT n."id", n."payload_text", n."headers" FROM new_rows n;
  RETURN NULL;
END $$;

CREATE TRIGGER "dead_letters_search_insert" AFTER INSERT ON "dead_letters"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letter_search_insert"();

-- Only an update naming payload_text or headers fires this (a job's updates do not).
CREATE FUNCTION "dead_letter_search_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW."payload_text", NEW."headers") IS DISTINCT FROM (OLD."payload_text", OLD."headers") THEN
    UPDATE "dead_letter_search" SET "payload_text" = NEW."payload_text", "headers" = NEW."headers" WHERE "letter_id" = NEW."id";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "dead_letters_search_update" AFTER UPDATE OF "payload_text", "headers" ON "dead_letters"
  FOR EACH ROW EXECUTE FUNCTION "dead_letter_search_update"();

-- The letters already stored.
INSERT INTO "dead_letter_search" ("letter_id", "payload_text", "headers")
SELECT d."id", d."payload_text", d."headers" FROM "dead_letters" d;

DROP INDEX "dead_letters_payload_text_trgm_idx";
DROP INDEX "dead_letters_headers_idx";

SET LOCAL maintenance_work_mem = '128MB';

CREATE INDEX "dead_letter_search_payload_text_trgm_idx" ON "dead_letter_search" USING gin ("payload_text" gin_trgm_ops);
CREATE INDEX "dead_letter_search_headers_idx" ON "dead_letter_search" USING gin ("headers" jsonb_path_ops);

-- Statistics for the new table now, not when autovacuum first gets to it: without them the planner
-- guesses a header filter matches many letters and walks the whole inbox by date to find none.
ANALYZE "dead_letter_search";
