-- The audit log becomes append-only and hash-chained.
--
-- Every row carries prev_hash (the hash of the row before it; 64 zeros for the first row) and
-- hash = sha256 over prev_hash and a canonical text of the row (audit_canonical below; the same
-- form is written in lib/audit/chain-hash.ts, which npm run audit:verify uses to recompute every
-- hash on its own). A one-row head remembers the last row's id and hash, so a removed tail shows.
--
-- Rows are chained by a BEFORE INSERT trigger under the head row's lock: concurrent writers queue
-- on that lock, and the id is drawn from the sequence only once the lock is held, so chain order
-- is id order. A transaction that writes an audit row holds the lock until it ends: keep such
-- transactions short. UPDATE, DELETE and TRUNCATE of audit_events are refused, and so is any
-- change to the head except the one the insert path makes. Whoever can disable triggers (the
-- table's owner, a superuser) can still alter rows; the chain is what shows that they did.

-- Audit rows outlive clusters, and deleting a cluster must never touch them (ON DELETE SET NULL
-- was an UPDATE of audit rows). The column stays, with an index.
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_cluster_id_fkey";

-- Ids come from the sequence inside the chain trigger, once the head is locked. A column default
-- would draw a second, out-of-order value for every row, so there is none.
ALTER TABLE "audit_events" ALTER COLUMN "id" DROP DEFAULT;
ALTER SEQUENCE "audit_events_id_seq" CACHE 1;

-- The canonical text of a row, field by field: NULL is "-", any other value is its length in
-- UTF-8 bytes, ":", and the value. Fields are joined by "|" after the version tag "v1":
--   v1|id|at|actor|address|action|phase|intent_id|cluster_id|target|request|result|detail
-- id and intent_id in decimal; at in UTC as YYYY-MM-DDTHH:MM:SS.mmmZ; cluster_id as lowercase
-- hyphenated text; request and detail as PostgreSQL prints jsonb (jsonb::text).
CREATE FUNCTION "audit_field"(v text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v IS NULL THEN '-' ELSE octet_length(convert_to(v, 'UTF8'))::text || ':' || v END
$$;

CREATE FUNCTION "audit_at_text"(at timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE FUNCTION "audit_canonical"(
  id bigint, at timestamptz, actor text, address text, action text, phase text, intent_id bigint,
  cluster_id uuid, target text, request jsonb, result text, detail jsonb
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'v1'
    || '|' || "audit_field"(id::text)
    || '|' || "audit_field"("audit_at_text"(at))
    || '|' || "audit_field"(actor)
    || '|' || "audit_field"(address)
    || '|' || "audit_field"(action)
    || '|' || "audit_field"(phase)
    || '|' || "audit_field"(intent_id::text)
    || '|' || "audit_field"(cluster_id::text)
    || '|' || "audit_field"(target)
    || '|' || "audit_field"(request::text)
    || '|' || "audit_field"(result)
    || '|' || "audit_field"(detail::text)
$$;

-- hash = lowercase hex sha256 of the UTF-8 bytes of prev_hash, a newline, and the canonical text.
CREATE FUNCTION "audit_row_hash"(prev_hash text, canonical text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(prev_hash || E'\n' || canonical, 'UTF8')), 'hex')
$$;

-- The end of the chain: one row, moved only by the insert path.
CREATE TABLE "audit_chain_head" (
    "id" INTEGER NOT NULL,
    "last_id" BIGINT,
    "last_hash" TEXT NOT NULL,

    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_chain_head_one_row" CHECK ("id" = 1)
);

-- Rows written before this migration are chained here, in id order.
ALTER TABLE "audit_events"
    ALTER COLUMN "prev_hash" SET DEFAULT '',
    ALTER COLUMN "hash" SET DEFAULT '';

DO $$
DECLARE
  r RECORD;
  prev TEXT := repeat('0', 64);
  h TEXT;
  last BIGINT;
BEGIN
  FOR r IN SELECT * FROM "audit_events" ORDER BY "id" LOOP
    h := "audit_row_hash"(prev, "audit_canonical"(r."id", r."at", r."actor", r."address", r."action", r."phase", r."intent_id", r."cluster_id", r."target", r."request", r."result", r."detail"));
    UPDATE "audit_events" SET "prev_hash" = prev, "hash" = h WHERE "id" = r."id";
    prev := h;
    last := r."id";
  END LOOP;
  INSERT INTO "audit_chain_head" ("id", "last_id", "last_hash") VALUES (1, last, prev);
END $$;

ALTER TABLE "audit_events"
    ALTER COLUMN "prev_hash" SET NOT NULL,
    ALTER COLUMN "hash" SET NOT NULL;

-- Appends one row to the chain. Every row takes the head's lock first (concurrent writers wait
-- here; a transaction that already holds it passes straight through). The head itself moves once
-- per statement (audit_events_chain_advance), not once per row: a createMany of thousands of rows
-- would otherwise leave thousands of versions of the head row for each next row to step over.
-- Within a statement, the rows it already appended lie past the head, and a row-level BEFORE
-- trigger sees them: the newest of them is the one this row follows.
CREATE FUNCTION "audit_events_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_id BIGINT;
  prev TEXT;
  tail TEXT;
BEGIN
  SELECT "last_id", "last_hash" INTO head_id, prev FROM "audit_chain_head" WHERE "id" = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head has no row: the audit log cannot be appended to';
  END IF;
  SELECT a."hash" INTO tail FROM "audit_events" a WHERE a."id" > coalesce(head_id, 0) ORDER BY a."id" DESC LIMIT 1;
  IF tail IS NOT NULL THEN
    prev := tail;
  END IF;
  NEW."id" := nextval('"audit_events_id_seq"');
  -- The time of recording is the database's, taken under the lock: it follows chain order and
  -- cannot be chosen by the writer. Milliseconds, as the column keeps them.
  NEW."at" := date_trunc('milliseconds', clock_timestamp());
  NEW."prev_hash" := prev;
  NEW."hash" := "audit_row_hash"(prev, "audit_canonical"(NEW."id", NEW."at", NEW."actor", NEW."address", NEW."action", NEW."phase", NEW."intent_id", NEW."cluster_id", NEW."target", NEW."request", NEW."result", NEW."detail"));
  RETURN NEW;
END $$;

-- Moves the head to the last row the statement appended (none appended: the head stays).
CREATE FUNCTION "audit_events_chain_advance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "audit_chain_head" h SET "last_id" = t."id", "last_hash" = t."hash"
  FROM (SELECT n."id", n."hash" FROM "appended" n ORDER BY n."id" DESC LIMIT 1) t
  WHERE h."id" = 1;
  RETURN NULL;
END $$;

CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'Audit rows are never changed or removed; record a new event instead.';
END $$;

-- The head moves only from inside the insert path, only forward, and only onto a row that is there.
CREATE FUNCTION "audit_chain_head_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND NEW."id" = OLD."id"
     AND NEW."last_id" > coalesce(OLD."last_id", 0)
     AND EXISTS (SELECT 1 FROM "audit_events" a WHERE a."id" = NEW."last_id" AND a."hash" = NEW."last_hash") THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: audit_chain_head moves only when a row is appended (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER "audit_events_chain" BEFORE INSERT ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_chain"();
CREATE TRIGGER "audit_events_chain_advance" AFTER INSERT ON "audit_events" REFERENCING NEW TABLE AS "appended" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_chain_advance"();
CREATE TRIGGER "audit_events_no_update" BEFORE UPDATE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_events_no_delete" BEFORE DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_chain_head_guard" BEFORE UPDATE OR DELETE ON "audit_chain_head" FOR EACH ROW EXECUTE FUNCTION "audit_chain_head_guard"();
CREATE TRIGGER "audit_chain_head_no_truncate" BEFORE TRUNCATE ON "audit_chain_head" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();

-- The Audit page's filters, each read newest first by id (keyset paging).
DROP INDEX "audit_events_target_idx";
DROP INDEX "audit_events_action_at_idx";
CREATE INDEX "audit_events_target_id_idx" ON "audit_events"("target", "id");
CREATE INDEX "audit_events_actor_id_idx" ON "audit_events"("actor", "id");
CREATE INDEX "audit_events_cluster_id_id_idx" ON "audit_events"("cluster_id", "id");
CREATE INDEX "audit_events_intent_id_idx" ON "audit_events"("intent_id");
-- Exact actions and prefixes ("job.") whatever the database's collation.
CREATE INDEX "audit_events_action_id_idx" ON "audit_events"("action" text_pattern_ops, "id");
-- A job's rows: its own (target job:<id>) and its letters' (request or detail names the job).
CREATE INDEX "audit_events_job_idx" ON "audit_events"((COALESCE("request" ->> 'job', "detail" ->> 'job')), "id")
    WHERE COALESCE("request" ->> 'job', "detail" ->> 'job') IS NOT NULL;
