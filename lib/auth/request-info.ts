import "server-only";
import { getConfig } from "@/lib/config";

// What Redrive knows of where a request came from. Route handlers cannot see the socket, so
// server.mjs (what `npm start` runs) writes each connection's peer address into a header whose name
// is random per process (config: auth.peerHeader), after dropping any copy a client sent.
// - No trusted proxy (the default): the peer is the client; X-Forwarded-For is the client's own
//   words and is ignored.
// - `auth.trustProxy`: the peer is a reverse proxy you run, which appends the address it saw to
//   X-Forwarded-For; that last entry is the client (entries left of it were written by the
//   client and prove nothing).
// Started without server.mjs (`next start`, `next dev`) there is no peer header: Next.js passes the
// socket's address in X-Forwarded-For only when the client sent none, so a client can choose the
// address it is counted and recorded under. boot-server.ts warns about that at start.

export type AddressRules = { peerHeader: string | null; trustProxy: boolean };

export function clientAddress(headers: Headers, rules: AddressRules = getConfig().auth): string | null {
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (rules.peerHeader) {
    const peer = headers.get(rules.peerHeader) || null;
    return clip(rules.trustProxy ? (forwarded.at(-1) ?? peer) : peer);
  }
  return clip(forwarded.at(-1) ?? null);
}

function clip(address: string | null): string | null {
  return address ? address.slice(0, 100) : null;
}

/** True when the browser reached Redrive over https (directly, or through a proxy that says so). */
export function isHttps(request: Request): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  return getConfig().auth.trustProxy && request.headers.get("x-forwarded-proto") === "https";
}
