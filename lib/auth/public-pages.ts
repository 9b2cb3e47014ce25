// Shared by proxy.ts (which cannot import server-only modules) and the server: the name of the
// session cookie, and the pages anyone may open without one.

export const SESSION_COOKIE = "redrive_session";

const PUBLIC_PAGES = ["/sign-in", "/setup"];

/** Sign-in and first-admin setup: the only pages served without a session. */
export function isPublicPage(pathname: string): boolean {
  return PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}
