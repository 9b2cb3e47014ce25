import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import { recordEvent } from "@/lib/audit/record-event";
import { getStore } from "@/lib/db/get-store";
import type { Prisma } from "@/lib/db/generated/client";
import { AppError, describeError } from "@/lib/errors";
import { log } from "@/lib/log";
import { listUsers, type UserView } from "./list-users";
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem } from "./password";
import { ROLES, type Principal } from "./permissions";
import { forgetUser } from "./session-cache";

export const updateUserBody = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: z.string().max(MAX_PASSWORD_LENGTH).optional() })
  .refine((b) => b.role !== undefined || b.disabled !== undefined || b.password !== undefined, "name at least one of role, disabled, password");

/**
 * An admin changes an account's role, disables or enables it, or resets its password. Audited
 * (never with the password). Refused when it would leave no enabled admin. Disabling or a reset
 * ends the account's sessions; a role change applies at its next request, to the API tokens the
 * account made as well (a token never does more than its maker). Disabling also revokes those
 * tokens for good (enabling the account again does not bring them back), each on record.
 */
export async function updateUser(id: string, input: z.infer<typeof updateUserBody>, actor: Principal, address: string | null): Promise<UserView> {
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw new AppError("INVALID_INPUT", problem);
  }
  const { prisma } = await getStore();
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  const user = await prisma.user.findUnique({ where: { id } });
  if (!user) throw new AppError("NOT_FOUND", "No such account.");
  if (passwordHash && user.ssoSource !== null) throw new AppError("INVALID_INPUT", `"${user.name}" signs in through single sign-on and has no password in Redrive to reset.`);
  const asked = { role: input.role, disabled: input.disabled, passwordReset: input.password !== undefined };
  const revoked = await withAudit(prisma, { actor: actor.name, address, action: "user.update", target: auditTarget.user(user.name), request: asked }, () =>
    prisma.$transaction(async (tx) => {
      // One admin change at a time, so two admins demoting each other cannot leave none.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707370)`;
      const data: Prisma.UserUpdateInput = {};
      if (input.role !== undefined) data.role = input.role;
      if (input.disabled !== undefined) data.disabledAt = input.disabled ? (user.disabledAt ?? new Date()) : null;
      if (passwordHash) Object.assign(data, { passwordHash, passwordChangedAt: new Date() });
      await tx.user.update({ where: { id }, data });
      const admins = await tx.user.count({ where: { role: "admin", disabledAt: null } });
      if (admins === 0) throw new AppError("CONFLICT", "Refused: this would leave Redrive without an enabled admin. Make another admin first.");
      if (input.disabled || passwordHash) await tx.session.deleteMany({ where: { userId: id } });
      if (!input.disabled) return [];
      const live = await tx.apiToken.findMany({ where: { createdById: id, revokedAt: null }, select: { id: true, name: true }, orderBy: { createdAt: "asc" } });
      await tx.apiToken.updateMany({ where: { id: { in: live.map((t) => t.id) } }, data: { revokedAt: new Date(), revokedBy: actor.name } });
      return live;
    }),
    (tokens) => (tokens.length ? { tokensRevoked: tokens } : {}),
  );
  // Its sessions checked in the last second are checked again: the new role or state applies at once here.
  forgetUser(id);
  // Each token also gets its own line, so the log read by token shows when and why it ended.
  // The revocation itself is already in the outcome above: a line that cannot be written is logged, not an error.
  for (const t of revoked) {
    await recordEvent(prisma, { actor: actor.name, address, action: "token.revoke", target: auditTarget.token(t.name), request: { id: t.id }, result: "ok", detail: { reason: `its maker, ${user.name}, was disabled` } }).catch(
      (e: unknown) => log.warn("a token revoked with its disabled maker could not get its own audit line", { token: t.id, error: describeError(e) }),
    );
  }
  const view = (await listUsers()).find((u) => u.id === id);
  if (!view) throw new AppError("NOT_FOUND", "No such account.");
  return view;
}
