import { createApiToken, createTokenBody } from "@/lib/auth/create-api-token";
import { listApiTokens } from "@/lib/auth/list-api-tokens";
import { defineRoute, json } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list API tokens", permission: "users:manage" }, () => listApiTokens());

export const POST = defineRoute({ action: "create an API token", permission: "users:manage", body: createTokenBody }, async ({ body, principal, address }) =>
  json({ data: await createApiToken(body, principal, address) }, 201),
);
