import { isHttps } from "@/lib/auth/request-info";
import { clearedSessionCookie } from "@/lib/auth/session-cookie";
import { signOut } from "@/lib/auth/sign-out";
import { defineRoute, json } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const POST = defineRoute({ action: "sign out", permission: "signed-in" }, async ({ principal, address, request }) =>
  json({ data: await signOut(principal, address) }, 200, { "set-cookie": clearedSessionCookie(isHttps(request)) }),
);
