import "server-only";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { isRole, principalFor, type Principal } from "./permissions";
import { rolePermissions } from "./role-permissions";
import { readProxyIdentity } from "./read-proxy-identity";
import { hashSecret } from "./secrets";
import { cachedSession, forgetSession, rememberSession } from "./session-cache";
import { signInSso } from "./sign-in-sso";
import { sessionTokenFrom } from "./session-cookie";
import { tokenRights } from "./token-rights";

// Who is asking: an API token in `Authorization: Bearer …`, else the session cookie. Sessions end
// after `auth.sessionIdleMinutes` without a request and `auth.sessionMaxHours` after sign-in; a
// disabled account or a revoked/expired token stops working at its next request. Roles are read on
// every request, so a role change applies at once; a session's check is trusted for one second
// (lib/auth/session-cache.ts), so a change made on another replica applies within that second. A
// token acts with the lesser of its own role and its maker's role now, and stops when its maker is
// disabled (lib/auth/token-rights.ts).
// With auth.proxyHeaders, a request from the trusted proxy is its user's on every request (the
// proxy's headers win over a session cookie, so the role follows the groups at once); the user
// headers without the proxy's proof are refused (UNAUTHENTICATED, audited by the caller).

const TOUCH_EVERY_MS = 30_000;

export type Authenticated = Principal & { sessionId?: string; via?: "proxy" };

export async function authenticate(headers: Headers): Promise<Authenticated | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (bearer) return fromApiToken(bearer);
  const proxied = readProxyIdentity(headers);
  if (proxied && "refused" in proxied) {
    throw new AppError(
      "UNAUTHENTICATED",
      `Refused: this request carries the trusted proxy's sign-in headers, but ${proxied.refused}. Open Redrive through its proxy.`,
      {
        details: { sso: "proxy-refused" },
      },
    );
  }
  if (proxied) {
    const { prisma } = await getStore();
    // Bounded audit: a proxied user without a role would otherwise write a row per request.
    const user = await signInSso(prisma, proxied.identity, null, undefined, { bounded: true });
    return { ...principalFor("user", user.id, user.name, user.role, rolePermissions(user.role)), via: "proxy" };
  }
  const session = sessionTokenFrom(headers);
  return session ? fromSession(session) : null;
}

async function fromApiToken(token: string): Promise<Authenticated | null> {
  const { prisma } = await getStore();
  const row = await prisma.apiToken.findUnique({ where: { tokenHash: hashSecret(token) }, include: { maker: { select: { role: true, disabledAt: true } } } });
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  const rights = tokenRights(row, row.maker);
  if ("refused" in rights) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  // The id is in the audit actor as well as the (unique) name: "token:<id>:<name>".
  return principalFor("token", row.id, `token:${row.id}:${row.name}`, rights.role, rolePermissions(rights.role));
}

async function fromSession(token: string): Promise<Authenticated | null> {
  const tokenHash = hashSecret(token);
  const now = Date.now();
  const { sessionIdleMs } = getConfig().auth;
  const touchEvery = Math.min(TOUCH_EVERY_MS, sessionIdleMs / 4);
  // Checked within the last second (lib/auth/session-cache.ts): the same limits, from the row's times.
  const hit = cachedSession(tokenHash, now);
  if (hit && now - hit.lastSeenAt <= touchEvery && hit.expiresAt > now) return { ...hit.principal };

  const { prisma } = await getStore();
  const row = await prisma.session.findUnique({ where: { tokenHash }, include: { user: true } });
  if (!row) return null;
  const idle = now - row.lastSeenAt.getTime() > sessionIdleMs;
  if (idle || row.expiresAt.getTime() <= now || row.user.disabledAt || !isRole(row.user.role)) {
    forgetSession(row.id);
    await prisma.session.deleteMany({ where: { id: row.id } });
    return null;
  }
  // Recorded at most every 30 s (less under a short idle limit), not on every request.
  let lastSeenAt = row.lastSeenAt.getTime();
  if (now - lastSeenAt > touchEvery) {
    await prisma.session.updateMany({ where: { id: row.id }, data: { lastSeenAt: new Date(now) } });
    lastSeenAt = now;
  }
  const principal = { ...principalFor("user", row.user.id, row.user.name, row.user.role, rolePermissions(row.user.role)), sessionId: row.id };
  rememberSession(tokenHash, { principal, lastSeenAt, expiresAt: row.expiresAt.getTime(), checkedAt: now });
  return { ...principal };
}
