import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

// A state-changing request made with the session cookie must come from Redrive's own pages: the
// browser's Sec-Fetch-Site says "same-origin", or its Origin is Redrive's own (the Host it was sent
// to) or one listed in `auth.allowedOrigins`. Requests with an API token carry no ambient
// credential and are not subject to this.

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function checkOrigin(request: Request): void {
  if (SAFE.has(request.method)) return;
  if (/^Bearer\s/i.test(request.headers.get("authorization") ?? "")) return;
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin") refuse(`the browser says it came from another site (Sec-Fetch-Site: ${site.slice(0, 40)})`);
  const origin = request.headers.get("origin");
  if (origin === null) {
    if (site === "same-origin") return;
    refuse("it names no Origin");
  }
  if (!ownOrigins(request).has(origin)) refuse(`it came from ${origin.slice(0, 200)}`);
}

function ownOrigins(request: Request): Set<string> {
  const own = new Set(getConfig().auth.allowedOrigins);
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
