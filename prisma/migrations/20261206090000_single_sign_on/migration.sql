-- Single sign-on: accounts made by an OpenID provider or a trusted reverse proxy have no password,
-- and are tied to the identity that made them; OpenID sign-ins in flight are kept here between the
-- redirect to the provider and its callback (so any replica can finish them, and each only once).

ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL;
-- NULL: a local account (password). 'oidc' or 'proxy': made by single sign-on, no password.
ALTER TABLE "users" ADD COLUMN "sso_source" TEXT CHECK ("sso_source" IN ('oidc', 'proxy'));
-- The provider's issuer and the subject (OpenID "sub"; the proxy's user name) the account belongs to.
ALTER TABLE "users" ADD COLUMN "sso_issuer" TEXT;
ALTER TABLE "users" ADD COLUMN "sso_subject" TEXT;
CREATE UNIQUE INDEX "users_sso_identity_key" ON "users" ("sso_source", "sso_issuer", "sso_subject");

CREATE TABLE "oidc_logins" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    -- SHA-256 of the state parameter, and of the random value in the browser's cookie that started it.
    "state_hash" TEXT NOT NULL,
    "browser_hash" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    -- The page to land on afterwards (a path on Redrive, checked by safeNext).
    "next" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    CONSTRAINT "oidc_logins_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "oidc_logins_state_hash_key" ON "oidc_logins"("state_hash");
CREATE INDEX "oidc_logins_expires_at_idx" ON "oidc_logins"("expires_at");
