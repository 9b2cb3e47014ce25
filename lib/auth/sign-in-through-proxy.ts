import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { recordEvent } from "@/lib/audit/record-event";
import { recordRefusal } from "@/lib/audit/record-refusal";
import { getStore } from "@/lib/db/get-store";
import { readProxyIdentity } from "./read-proxy-identity";
import { signInSso, SsoRefusal } from "./sign-in-sso";
import { startSession } from "./start-session";

/** Opens a session for the trusted proxy's user (see read-proxy-identity.ts); forged headers are refused and audited. */
export async function signInThroughProxy(
  headers: Headers,
  from: { address: string | null; userAgent: string | null },
): Promise<{ token: string; maxAgeMs: number; name: string }> {
  const proxied = readProxyIdentity(headers);
  if (!proxied) throw new SsoRefusal("not-configured", "No trusted proxy signed this request in.");
  if ("refused" in proxied) {
    await recordRefusal("proxy sign-in|forged", {
      actor: "anonymous",
      address: from.address,
      action: "auth.refused",
      target: "route:GET /api/auth/proxy/sign-in",
      request: { method: "GET", path: "/api/auth/proxy/sign-in" },
      result: "unauthenticated",
      detail: { via: "proxy", reason: proxied.refused },
    });
    throw new SsoRefusal("proxy-refused", `The proxy's sign-in headers were refused: ${proxied.refused}.`);
  }
  const { prisma } = await getStore();
  const user = await signInSso(prisma, proxied.identity, from.address);
  const session = await startSession(prisma, user.id, from);
  await recordEvent(prisma, {
    actor: user.name,
    address: from.address,
    action: "auth.sign-in",
    target: auditTarget.user(user.name),
    request: { name: user.name },
    result: "ok",
    detail: { via: "proxy", sub: proxied.identity.subject, role: user.role, session: session.id },
  });
  return { token: session.token, maxAgeMs: session.maxAgeMs, name: user.name };
}
