import "server-only";
import { parse, serialize } from "cookie";
import { getConfig } from "@/lib/config";

// Ties an OpenID sign-in to the browser that started it: a random value in a short-lived cookie,
// whose SHA-256 the sign-in row keeps. A callback arriving in another browser (someone sent a
// victim their own callback link, to sign them in as the sender) finds no match and is refused.
// The cookie is sent only to the OpenID routes, under publicUrl's path (so a sub-path works), and
// is SameSite=Lax: the provider's redirect back is a top-level navigation, which carries it.

export const OIDC_COOKIE = "redrive_oidc";
const MAX_AGE_SECONDS = 600;

function cookiePath(): string {
  return `${new URL(getConfig().publicUrl).pathname.replace(/\/+$/, "")}/api/auth/oidc`;
}

function secure(): boolean {
  return new URL(getConfig().publicUrl).protocol === "https:";
}

export function oidcBrowserValue(headers: Headers): string | undefined {
  const header = headers.get("cookie");
  return header ? parse(header)[OIDC_COOKIE] || undefined : undefined;
}

export function oidcCookie(value: string): string {
  return serialize(OIDC_COOKIE, value, { httpOnly: true, sameSite: "lax", secure: secure(), path: cookiePath(), maxAge: MAX_AGE_SECONDS });
}

export function clearedOidcCookie(): string {
  return serialize(OIDC_COOKIE, "", { httpOnly: true, sameSite: "lax", secure: secure(), path: cookiePath(), maxAge: 0 });
}
