-- API tokens: each records the account that made it, so a token never has more rights than its
-- maker has now, and names are unique so the audit actor "token:<id>:<name>" reads unambiguously.

ALTER TABLE "api_tokens" ADD COLUMN "created_by_id" UUID;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "api_tokens_created_by_id_idx" ON "api_tokens"("created_by_id");

-- Tokens made before: "created_by" holds the maker's name. Account names are unique without case,
-- so a name that matches an account names its maker.
UPDATE "api_tokens" t SET "created_by_id" = u."id" FROM "users" u WHERE t."created_by_id" IS NULL AND lower(u."name") = lower(t."created_by");

-- A token made by a token ("token:<name>") belongs to the account behind that token, when the name
-- points at exactly one token whose maker is known; followed along chains of such tokens.
DO $$
DECLARE changed integer;
BEGIN
  LOOP
    UPDATE "api_tokens" t SET "created_by_id" = m."created_by_id"
    FROM "api_tokens" m
    WHERE t."created_by_id" IS NULL AND m."created_by_id" IS NOT NULL AND t."created_by" = 'token:' || m."name"
      AND (SELECT count(*) FROM "api_tokens" x WHERE x."name" = m."name") = 1;
    GET DIAGNOSTICS changed = ROW_COUNT;
    EXIT WHEN changed = 0;
  END LOOP;
END $$;
-- What is left has no known maker: it keeps working with its own role and is listed as
-- "maker unknown" on the Users & tokens page, for an admin to revoke and remake.

-- Names are unique without case, revoked tokens included (a name is never reused). Existing
-- duplicates keep the oldest as it is; the others get the start of their id appended.
UPDATE "api_tokens" t SET "name" = t."name" || ' (' || left(t."id"::text, 8) || ')'
FROM (
  SELECT "id", row_number() OVER (PARTITION BY lower("name") ORDER BY "created_at", "id") AS n FROM "api_tokens"
) d
WHERE d."id" = t."id" AND d.n > 1;
CREATE UNIQUE INDEX "api_tokens_name_lower_key" ON "api_tokens" (lower("name"));

-- Webhook attempts once kept the first 200 characters of a failed reply; only the status is kept now.
UPDATE "notification_attempts" SET "error" = substring("error" FROM '^the receiver answered HTTP [0-9]+') WHERE "error" ~ '^the receiver answered HTTP [0-9]+: ';
UPDATE "notification_deliveries" SET "last_error" = substring("last_error" FROM '^the receiver answered HTTP [0-9]+') WHERE "last_error" ~ '^the receiver answered HTTP [0-9]+: ';
