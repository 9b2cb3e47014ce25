import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

// A state-changing request made with the session cookie must come from Redrive's own pages: the
// browser's Sec-Fetch-Site says "same-origin", and its Origin is Redrive's own or one listed in
// `auth.allowedOrigins`. Redrive's own origin is `publicUrl`'s when the config names one. Without
// it, the Host the request was sent to stands in — which a DNS-rebinding page controls (its own
// name, resolved to Redrive's address, is then "same-origin"), so that fallback lets such a page
// reach sign-in and setup; naming publicUrl closes it. Requests with an API token carry no ambient
// credential and are not subject to this.

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginRules = { publicOrigin: string | null; allowedOrigins: string[] };

export function checkOrigin(request: Request, rules: OriginRules = getConfig().auth): void {
  if (SAFE.has(request.method)) return;
  if (/^Bearer\s/i.test(request.headers.get("authorization") ?? "")) return;
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin") refuse(`the browser says it came from another site (Sec-Fetch-Site: ${site.slice(0, 40)})`);
  const origin = request.headers.get("origin");
  if (origin === null) {
    // Browsers send Origin with every POST, PUT, PATCH and DELETE; this is a same-origin form of an older one.
    if (site === "same-origin" && rules.publicOrigin === null) return;
    refuse("it names no Origin");
  }
  if (!ownOrigins(request, rules).has(origin)) refuse(`it came from ${origin.slice(0, 200)}`);
}

function ownOrigins(request: Request, rules: OriginRules): Set<string> {
  const own = new Set(rules.allowedOrigins);
  if (rules.publicOrigin !== null) {
    own.add(rules.publicOrigin);
    return own;
  }
  const host = request.headers.get("host");
  if (host) {
    own.add(`http://${host}`);
    own.add(`https://${host}`);
  }
  return own;
}

function refuse(why: string): never {
  throw new AppError("FORBIDDEN", `Refused: state-changing requests must come from Redrive's own pages, and ${why}. Use Redrive's UI, or an API token for automation.`);
}
