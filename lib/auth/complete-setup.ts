import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { z } from "zod";
import { recordEvent } from "@/lib/audit/record-event";
import { getStore } from "@/lib/db/get-store";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem } from "./password";
import { hashSecret } from "./secrets";
import type { SignedIn } from "./sign-in";
import { startSession } from "./start-session";
import { userName } from "./user-name";

export const setupBody = z.object({
  token: z.string().min(1).max(200),
  name: userName,
  password: z.string().max(MAX_PASSWORD_LENGTH),
});

/** Spends a setup link: creates the first admin and signs them in. Refused once any account exists. */
export async function completeSetup(input: z.infer<typeof setupBody>, from: { address: string | null; userAgent: string | null }): Promise<SignedIn> {
  if (!getConfig().auth.localAccounts) throw new AppError("FORBIDDEN", "Local accounts are switched off (auth.localAccounts is false): the first admin signs in through single sign-on, in a group auth.groupRoles maps to admin.");
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError("INVALID_INPUT", problem);
  const { prisma } = await getStore();
  const passwordHash = await hashPassword(input.password);
  const user = await prisma.$transaction(async (tx) => {
    const spent = await tx.setupToken.updateMany({ where: { tokenHash: hashSecret(input.token), usedAt: null, expiresAt: { gt: new Date() } }, data: { usedAt: new Date() } });
    if (spent.count !== 1) throw new AppError("FORBIDDEN", "This setup link is not valid: it was used already, has expired, or was mistyped. Restart Redrive for a new one (it prints one while no account exists).");
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707370)`;
    if ((await tx.user.count()) > 0) throw new AppError("CONFLICT", "Redrive already has an admin; sign in instead.");
    return tx.user.create({ data: { name: input.name, role: "admin", passwordHash, createdBy: "setup link" } });
  });
  await recordEvent(prisma, { actor: user.name, address: from.address, action: "user.create", target: auditTarget.user(user.name), request: { name: user.name, role: "admin" }, result: "ok", detail: { from: "setup link" } });
  const session = await startSession(prisma, user.id, from);
  return { token: session.token, maxAgeMs: session.maxAgeMs, user: { id: user.id, name: user.name, role: "admin" } };
}
