import { z } from "zod";
import { updateUser, updateUserBody } from "@/lib/auth/update-user";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const PATCH = defineRoute({ action: "change an account", permission: "users:manage", params: z.object({ id: z.uuid() }), body: updateUserBody }, ({ params, body, principal, address }) =>
  updateUser(params.id, body, principal, address),
);
