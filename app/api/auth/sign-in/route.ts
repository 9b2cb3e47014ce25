import { isHttps } from "@/lib/auth/request-info";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { signIn, signInBody } from "@/lib/auth/sign-in";
import { defineRoute, json } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const POST = defineRoute({ action: "sign in", permission: "public", body: signInBody }, async ({ body, address, request }) => {
  const done = await signIn(body, { address, userAgent: request.headers.get("user-agent") });
  return json({ data: { user: done.user } }, 200, { "set-cookie": sessionCookie(done.token, done.maxAgeMs, isHttps(request)) });
});
