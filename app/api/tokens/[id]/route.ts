import { z } from "zod";
import { revokeApiToken } from "@/lib/auth/revoke-api-token";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const DELETE = defineRoute({ action: "revoke an API token", permission: "users:manage", params: z.object({ id: z.uuid() }) }, ({ params, principal, address }) =>
  revokeApiToken(params.id, principal, address),
);
