import { createUser, createUserBody } from "@/lib/auth/create-user";
import { listUsers } from "@/lib/auth/list-users";
import { defineRoute, json } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list accounts", permission: "users:manage" }, () => listUsers());

export const POST = defineRoute({ action: "create an account", permission: "users:manage", body: createUserBody }, async ({ body, principal, address }) =>
  json({ data: await createUser(body, principal, address) }, 201),
);
