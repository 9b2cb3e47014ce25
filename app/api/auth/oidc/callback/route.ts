import { finishOidcSignIn } from "@/lib/auth/finish-oidc-sign-in";
import { landingUrl } from "@/lib/auth/landing-url";
import { clearedOidcCookie, oidcBrowserValue } from "@/lib/auth/oidc-cookie";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { isSsoError } from "@/lib/auth/sso-error-sentence";
import { getConfig } from "@/lib/config";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

// The provider sends the browser back here (publicUrl + /api/auth/oidc/callback, registered with
// it). Success: a session and the page first asked for; otherwise the sign-in page with the reason.
export const GET = defineRoute({ action: "finish single sign-on", permission: "public" }, async ({ request, address }) => {
  const params = new URL(request.url).searchParams;
  const headers = new Headers({ "cache-control": "no-store" });
  headers.append("set-cookie", clearedOidcCookie());
  try {
    const done = await finishOidcSignIn(params, oidcBrowserValue(request.headers), { address, userAgent: request.headers.get("user-agent") });
    headers.append("set-cookie", sessionCookie(done.token, done.maxAgeMs, new URL(getConfig().publicUrl).protocol === "https:"));
    headers.set("location", landingUrl(done.next));
  } catch (e) {
    const reason = (e as { details?: { sso?: unknown } }).details?.sso;
    if (!isSsoError(reason)) throw e;
    headers.set("location", landingUrl(`/sign-in?sso=${reason}`));
  }
  return new Response(null, { status: 303, headers });
});
