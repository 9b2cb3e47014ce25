import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { findUserByName } from "./find-user-by-name";
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem } from "./password";
import { ROLES, type Principal } from "./permissions";
import { userName } from "./user-name";

export const createUserBody = z.object({ name: userName, role: z.enum(ROLES), password: z.string().max(MAX_PASSWORD_LENGTH) });

/** An admin makes an account (audited, never with the password in the record). */
export async function createUser(input: z.infer<typeof createUserBody>, actor: Principal, address: string | null): Promise<{ id: string }> {
  if (!getConfig().auth.localAccounts) {
    throw new AppError("INVALID_INPUT", "Local accounts are switched off (auth.localAccounts is false), so an account with a password could not sign in. People get their accounts by signing in through single sign-on.");
  }
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError("INVALID_INPUT", problem);
  const { prisma } = await getStore();
  const passwordHash = await hashPassword(input.password);
  return withAudit(prisma, { actor: actor.name, address, action: "user.create", target: auditTarget.user(input.name), request: { name: input.name, role: input.role } }, async () => {
    if (await findUserByName(prisma, input.name)) throw new AppError("CONFLICT", `An account named "${input.name}" exists already (names are compared without case).`);
    const row = await prisma.user.create({ data: { name: input.name, role: input.role, passwordHash, createdBy: actor.name } });
    return { id: row.id };
  });
}
