import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { z } from "zod";
import { recordEvent } from "@/lib/audit/record-event";
import { recordRefusal } from "@/lib/audit/record-refusal";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { accountTarget, countFailures, limitError, limitReached } from "./count-failures";
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
 * Checks a name and password and opens a session. Failures are counted from the audit log (see
 * count-failures.ts): past `auth.signInFailuresPerAccount` for the account the name reaches,
 * `…PerAddress` from one address, or `…Total` from everyone within the window, sign-in is refused
 * (even with the right password) until the window has passed.
 */
export async function signIn(input: SignInInput, from: { address: string | null; userAgent: string | null }): Promise<SignedIn> {
  const { prisma } = await getStore();
  const auth = getConfig().auth;
  const user = await findUserByName(prisma, input.name);
  // A name that reaches no account is counted under itself: there is nothing behind it to guess.
  const account = user ? accountTarget(user.name) : auditTarget.user(input.name);
  const event = { actor: input.name, address: from.address, action: "auth.sign-in" as const, target: account, request: { name: input.name } };
  const counts = await countFailures(prisma, { account, address: from.address }, auth);
  const reached = limitReached(counts, auth);
  if (reached) {
    // Written at a bounded rate: an attacker past the limit cannot grow the audit log at will.
    await recordRefusal(`sign in|limited-${reached}`, { ...event, result: "limited", detail: { limit: reached, failuresForAccount: counts.account, failuresFromAddress: counts.address, failuresTotal: counts.total } });
    throw limitError(reached, auth);
  }

  if (!auth.localAccounts) {
    // Refused before any password is checked: with local accounts off, no password opens a session.
    await recordEvent(prisma, { ...event, result: "refused", detail: { reason: "local accounts switched off" } });
    throw new AppError("FORBIDDEN", `Sign-in with a password is switched off here (auth.localAccounts is false); use "Sign in with ${ssoName(auth)}".`);
  }
  if (user && (user.ssoSource !== null || user.passwordHash === null)) {
    // An account made by single sign-on has no password: nothing to guess, nothing counted as a guess.
    await spendDecoyHash(input.password);
    await recordEvent(prisma, { ...event, result: "refused", detail: { reason: "single sign-on account", via: user.ssoSource } });
    throw new AppError("FORBIDDEN", `The account "${user.name}" signs in through single sign-on, not with a password here.`);
  }
  const ok = user?.passwordHash ? await verifyPassword(input.password, user.passwordHash) : (await spendDecoyHash(input.password), false);
  if (!user || !ok || user.disabledAt || !isRole(user.role)) {
    await recordEvent(prisma, { ...event, result: "refused", detail: { reason: !user ? "no such account" : !ok ? "wrong password" : "account disabled" } });
    throw new AppError("UNAUTHENTICATED", "The user name or password is wrong (or the account is disabled).");
  }
  const session = await startSession(prisma, user.id, from);
  await recordEvent(prisma, { ...event, result: "ok", detail: { session: session.id } });
  return { token: session.token, maxAgeMs: session.maxAgeMs, user: { id: user.id, name: user.name, role: user.role } };
}

function ssoName(auth: { oidc: { displayName: string } | null }): string {
  return auth.oidc?.displayName ?? "single sign-on";
}
