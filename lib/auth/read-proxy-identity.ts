import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { getConfig, type ProxyHeadersConfig } from "@/lib/config";
import { readGroups } from "./read-groups";
import type { SsoIdentity } from "./sign-in-sso";

// Trusted reverse-proxy sign-in (the oauth2-proxy convention: X-Forwarded-User, -Email, -Groups).
// Anyone can write those headers, so they count only on a request from the proxy, which proves
// itself by the shared secret in its own header (compared in constant time) and/or by being the
// connection's peer at one of the configured addresses — the socket's address, as server.mjs hands
// it over, never X-Forwarded-For. When both are configured both must hold. A request carrying the
// user header without that proof is refused, never treated as anonymous-but-fine.

export type ProxyIdentity = { identity: SsoIdentity } | { refused: string } | null;

export function readProxyIdentity(
  headers: Headers,
  rules: ProxyHeadersConfig | null = getConfig().auth.proxyHeaders,
  peerHeader: string | null = getConfig().auth.peerHeader,
): ProxyIdentity {
  if (!rules) return null;
  const user = headers.get(rules.userHeader)?.trim() ?? "";
  const email = headers.get(rules.emailHeader)?.trim() ?? "";
  if (user === "" && email === "") return null;
  if (rules.secret !== null) {
    const sent = headers.get(rules.secretHeader);
    if (sent === null) return { refused: `the ${rules.secretHeader} header is missing` };
    if (!sameSecret(sent, rules.secret)) return { refused: `the ${rules.secretHeader} header is wrong` };
  }
  if (rules.proxies.length > 0) {
    const peer = peerHeader ? (headers.get(peerHeader) ?? "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "") : "";
    if (peer === "") return { refused: "the connection's peer address is unknown (Redrive was not started with npm start)" };
    if (!rules.proxies.includes(peer)) return { refused: `the connection's peer ${peer.slice(0, 60)} is not one of auth.proxyHeaders.proxies` };
  }
  const name = rules.usernameFrom === "email" ? email : user;
  if (name === "") return { refused: `the ${rules.usernameFrom === "email" ? rules.emailHeader : rules.userHeader} header is empty` };
  return { identity: { via: "proxy", issuer: "proxy", subject: name.toLowerCase(), name, groups: readGroups(headers.get(rules.groupsHeader)) } };
}

/** Constant-time whatever the lengths: both sides are hashed to 32 bytes first. */
function sameSecret(sent: string, expected: string): boolean {
  const a = createHash("sha256").update(sent).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
