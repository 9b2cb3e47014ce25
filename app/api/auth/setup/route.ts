import { completeSetup, setupBody } from "@/lib/auth/complete-setup";
import { isHttps } from "@/lib/auth/request-info";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { defineRoute, json } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

// Public, but useless without the one-time link printed to the log while no account exists.
export const POST = defineRoute({ action: "create the first admin", permission: "public", body: setupBody }, async ({ body, address, request }) => {
  const done = await completeSetup(body, { address, userAgent: request.headers.get("user-agent") });
  return json({ data: { user: done.user } }, 201, { "set-cookie": sessionCookie(done.token, done.maxAgeMs, isHttps(request)) });
});
