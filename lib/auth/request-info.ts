import "server-only";
import { getConfig } from "@/lib/config";

// What Redrive knows of where a request came from. Next.js fills X-Forwarded-For with the socket's
// address when the client sent none; with `auth.trustProxy` the first (client-most) entry a reverse
// proxy wrote is used, otherwise the last one.

export function clientAddress(headers: Headers): string | null {
  const xff = headers.get("x-forwarded-for");
  if (!xff) return null;
  const list = xff.split(",").map((s) => s.trim()).filter(Boolean);
  const pick = getConfig().auth.trustProxy ? list[0] : list[list.length - 1];
  return pick ? pick.slice(0, 100) : null;
}

/** True when the browser reached Redrive over https (directly, or through a proxy that says so). */
export function isHttps(request: Request): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  return getConfig().auth.trustProxy && request.headers.get("x-forwarded-proto") === "https";
}
