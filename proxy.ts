import { NextResponse, type NextRequest } from "next/server";
import { isPublicPage, SESSION_COOKIE } from "@/lib/auth/public-pages";

// Runs before every page: a fresh CSP nonce per request (Next.js puts it on its own scripts), the
// security headers, and — when there is no session cookie at all — a redirect to sign-in that
// comes back to the very page asked for (alert links survive signing in). The session itself is
// checked by the root layout and by every API route; this is only the fast path.

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (!isPublicPage(pathname) && !request.cookies.get(SESSION_COOKIE)?.value) {
    const to = request.nextUrl.clone();
    to.pathname = "/sign-in";
    to.search = `?next=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(to);
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React and the charts set style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  headers.set("x-redrive-path", pathname + search);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
