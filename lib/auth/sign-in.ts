import "server-only";
import { z } from "zod";
import { recordEvent } from "@/lib/audit/record-event";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { isRole, type Role } from "./permissions";
import { MAX_PASSWORD_LENGTH, spendDecoyHash, verifyPassword } from "./password";
import { findUserByName } from "./find-user-by-name";
import { startSession } from "./start-session";

export const signInBody = z.object({
  name: z.string().trim().min(1, "enter your user name").max(100),
  password: z.string().min(1, "enter your password").max(MAX_PASSWORD_LENGTH),
});
export type SignInInput = z.infer<typeof signInBody>;

export type SignedIn = { token: string; maxAgeMs: number; user: { id: string; name: string; role: Role } };

/**
 * Checks a name and password and opens a session. Failures are counted from the audit log: after
 * `auth.signInFailuresPerAccount` failures for one account, or `…PerAddress` from one address, within
 * the window, sign-in is refused (even with the right password) until the window has passed.
 */
export async function signIn(input: SignInInput, from: { address: string | null; userAgent: string | null }): Promise<SignedIn> {
  const { prisma } = await getStore();
  const auth = getConfig().auth;
  const account = `user:${input.name.toLowerCase()}`;
  const since = new Date(Date.now() - auth.signInWindowMs);
  const failures = { action: "auth.sign-in", result: "refused", at: { gte: since } } as const;
  const [byAccount, byAddress] = await Promise.all([
    prisma.auditEvent.count({ where: { ...failures, target: account } }),
    from.address ? prisma.auditEvent.count({ where: { ...failures, address: from.address } }) : Promise.resolve(0),
  ]);
  const event = (result: string, detail: Record<string, unknown> = {}) =>
    recordEvent(prisma, { actor: input.name, address: from.address, action: "auth.sign-in", target: account, request: { name: input.name }, result, detail });
  if (byAccount >= auth.signInFailuresPerAccount || byAddress >= auth.signInFailuresPerAddress) {
    const minutes = Math.ceil(auth.signInWindowMs / 60_000);
    await event("limited", { failuresForAccount: byAccount, failuresFromAddress: byAddress });
    throw new AppError("TOO_MANY_REQUESTS", `Too many failed sign-ins ${byAccount >= auth.signInFailuresPerAccount ? "for this account" : "from this address"}. Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again, or ask an admin.`, {
      details: { retryAfterSeconds: Math.ceil(auth.signInWindowMs / 1000) },
    });
  }

  const user = await findUserByName(prisma, input.name);
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : (await spendDecoyHash(input.password), false);
  if (!user || !ok || user.disabledAt || !isRole(user.role)) {
    await event("refused", { reason: !user ? "no such account" : !ok ? "wrong password" : "account disabled" });
    throw new AppError("UNAUTHENTICATED", "The user name or password is wrong (or the account is disabled).");
  }
  const session = await startSession(prisma, user.id, from);
  await prisma.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
  await event("ok", { session: session.id });
  return { token: session.token, maxAgeMs: session.maxAgeMs, user: { id: user.id, name: user.name, role: user.role } };
}
