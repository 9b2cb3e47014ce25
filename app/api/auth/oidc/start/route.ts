import { landingUrl } from "@/lib/auth/landing-url";
import { oidcCookie } from "@/lib/auth/oidc-cookie";
import { safeNext } from "@/lib/auth/safe-next";
import { startOidcSignIn } from "@/lib/auth/start-oidc-sign-in";
import { getConfig } from "@/lib/config";
import { describeError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/define-route";
import { log } from "@/lib/log";
import { z } from "zod";

export const dynamic = "force-dynamic";

// The single sign-on button: off to the provider, with the page to come back to kept in the store.
export const GET = defineRoute(
  { action: "start single sign-on", permission: "public", query: z.object({ next: z.string().max(2000).optional() }) },
  async ({ query }) => {
    const next = safeNext(query.next);
    if (!getConfig().auth.oidc) return redirect(landingUrl(`/sign-in?sso=not-configured&next=${encodeURIComponent(next)}`));
    try {
      const { redirectTo, browser } = await startOidcSignIn(next);
      return redirect(redirectTo.href, oidcCookie(browser));
    } catch (e) {
      log.warn("single sign-on could not start: the provider's discovery failed", { error: describeError(e) });
      return redirect(landingUrl(`/sign-in?sso=unreachable&next=${encodeURIComponent(next)}`));
    }
  },
);

function redirect(location: string, cookie?: string): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  if (cookie) headers.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers });
}
