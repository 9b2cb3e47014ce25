import { landingUrl } from "@/lib/auth/landing-url";
import { signInThroughProxy } from "@/lib/auth/sign-in-through-proxy";
import { isHttps } from "@/lib/auth/request-info";
import { safeNext } from "@/lib/auth/safe-next";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { isSsoError } from "@/lib/auth/sso-error-sentence";
import { defineRoute } from "@/lib/http/define-route";
import { z } from "zod";

export const dynamic = "force-dynamic";

// A browser the trusted proxy signed in: a Redrive session for the proxy's user, then the page asked for.
export const GET = defineRoute(
  { action: "sign in through the proxy", permission: "public", query: z.object({ next: z.string().max(2000).optional() }) },
  async ({ query, request, address }) => {
    const next = safeNext(query.next);
    const headers = new Headers({ "cache-control": "no-store" });
    try {
      const done = await signInThroughProxy(request.headers, { address, userAgent: request.headers.get("user-agent") });
      headers.append("set-cookie", sessionCookie(done.token, done.maxAgeMs, isHttps(request)));
      headers.set("location", landingUrl(next));
    } catch (e) {
      const reason = (e as { details?: { sso?: unknown } }).details?.sso;
      if (!isSsoError(reason)) throw e;
      headers.set("location", landingUrl(`/sign-in?sso=${reason}&next=${encodeURIComponent(next)}`));
    }
    return new Response(null, { status: 303, headers });
  },
);
