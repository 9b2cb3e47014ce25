import "server-only";
import { parse, serialize } from "cookie";
import { BASE_PATH } from "@/lib/base-path";
import { SESSION_COOKIE } from "./public-pages";

// Scoped to the path Redrive is served under: another app on the same host (or a second Redrive
// under another path) never receives it.
const COOKIE_PATH = BASE_PATH || "/";

export function sessionTokenFrom(headers: Headers): string | undefined {
  const header = headers.get("cookie");
  if (!header) return undefined;
  return parse(header)[SESSION_COOKIE] || undefined;
}

/** httpOnly, SameSite=Lax (a link from an alert still arrives signed in), Secure over https. */
export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  return serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: COOKIE_PATH, maxAge: Math.floor(maxAgeMs / 1000) });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", secure, path: COOKIE_PATH, maxAge: 0 });
}
