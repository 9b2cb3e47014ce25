import "server-only";
import { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import type { Authenticated } from "./authenticate";
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from "./password";

export const changePasswordBody = z.object({ current: z.string().min(1).max(MAX_PASSWORD_LENGTH), next: z.string().max(MAX_PASSWORD_LENGTH) });

/** A signed-in user changes their own password; their other sessions end. */
export async function changePassword(input: z.infer<typeof changePasswordBody>, principal: Authenticated, address: string | null): Promise<{ changed: true }> {
  if (principal.kind !== "user") throw new AppError("FORBIDDEN", "Only a signed-in user has a password to change.");
  const problem = passwordProblem(input.next);
  if (problem) throw new AppError("INVALID_INPUT", problem);
  const { prisma } = await getStore();
  const user = await prisma.user.findUnique({ where: { id: principal.id } });
  if (!user || !(await verifyPassword(input.current, user.passwordHash))) throw new AppError("FORBIDDEN", "The current password is wrong.");
  const passwordHash = await hashPassword(input.next);
  await withAudit(prisma, { actor: principal.name, address, action: "user.password", target: `user:${user.name.toLowerCase()}`, request: {} }, async () => {
    await prisma.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: new Date() } });
    await prisma.session.deleteMany({ where: { userId: user.id, NOT: { id: principal.sessionId ?? "" } } });
  });
  return { changed: true };
}
