import "server-only";
import { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import { recordEvent } from "@/lib/audit/record-event";
import { recordRefusal } from "@/lib/audit/record-refusal";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import type { Authenticated } from "./authenticate";
import { accountTarget, countFailures, limitError, limitReached } from "./count-failures";
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from "./password";
import { forgetUser } from "./session-cache";

export const changePasswordBody = z.object({ current: z.string().min(1).max(MAX_PASSWORD_LENGTH), next: z.string().max(MAX_PASSWORD_LENGTH) });

/**
 * A signed-in user changes their own password; their other sessions end. A wrong current password
 * is a failed guess like a failed sign-in: audited, and counted against the same limits, so a
 * stolen session cannot be used to guess the password without bound.
 */
export async function changePassword(input: z.infer<typeof changePasswordBody>, principal: Authenticated, address: string | null): Promise<{ changed: true }> {
  if (principal.kind !== "user") throw new AppError("FORBIDDEN", "Only a signed-in user has a password to change.");
  const problem = passwordProblem(input.next);
  if (problem) throw new AppError("INVALID_INPUT", problem);
  const { prisma } = await getStore();
  const auth = getConfig().auth;
  const user = await prisma.user.findUnique({ where: { id: principal.id } });
  if (!user) throw new AppError("FORBIDDEN", "Only a signed-in user has a password to change.");
  if (user.passwordHash === null) throw new AppError("FORBIDDEN", "This account signs in through single sign-on and has no password in Redrive; change it at your identity provider.");
  const target = accountTarget(user.name);
  const event = { actor: principal.name, address, action: "user.password" as const, target, request: {} };
  const counts = await countFailures(prisma, { account: target, address }, auth);
  const reached = limitReached(counts, auth);
  if (reached) {
    await recordRefusal(`change your password|limited-${reached}`, { ...event, result: "limited", detail: { limit: reached, failuresForAccount: counts.account, failuresFromAddress: counts.address, failuresTotal: counts.total } });
    throw limitError(reached, auth);
  }
  if (!(await verifyPassword(input.current, user.passwordHash))) {
    await recordEvent(prisma, { ...event, result: "refused", detail: { reason: "wrong current password" } });
    throw new AppError("FORBIDDEN", "The current password is wrong.");
  }
  const passwordHash = await hashPassword(input.next);
  await withAudit(prisma, event, async () => {
    await prisma.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: new Date() } });
    await prisma.session.deleteMany({ where: { userId: user.id, NOT: { id: principal.sessionId ?? "" } } });
  });
  forgetUser(user.id);
  return { changed: true };
}
