import "server-only";
import { parse, serialize } from "cookie";
import { SESSION_COOKIE } from "./public-pages";

export function sessionTokenFrom(headers: Headers): string | undefined {
  const header = headers.get("cookie");
  if (!header) return undefined;
  return parse(header)[SESSION_COOKIE] || undefined;
}

/** httpOnly, SameSite=Lax (a link from an alert still arrives signed in), Secure over https. */
export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  return serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: Math.floor(maxAgeMs / 1000) });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 0 });
}
