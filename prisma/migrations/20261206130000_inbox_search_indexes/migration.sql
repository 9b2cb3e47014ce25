-- Inbox search at a million letters. Payload text search is a substring match (ILIKE '%…%'): a
-- trigram index answers it for any query of three characters or more instead of reading every
-- payload. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it; the
-- embedded store loads it when it opens.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Building a GIN index over an existing inbox is mostly sorting: give it room (this transaction only).
SET LOCAL maintenance_work_mem = '128MB';

CREATE INDEX "dead_letters_payload_text_trgm_idx" ON "dead_letters" USING gin ("payload_text" gin_trgm_ops);

-- The header filter asks for "headers contain {key: value}" (jsonb @>), which this index answers.
CREATE INDEX "dead_letters_headers_idx" ON "dead_letters" USING gin ("headers" jsonb_path_ops);
