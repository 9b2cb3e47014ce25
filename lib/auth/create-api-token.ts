import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { listApiTokens, type ApiTokenView } from "./list-api-tokens";
import { lesserRole, ROLES, type Principal } from "./permissions";
import { hashSecret, newSecret } from "./secrets";

export const createTokenBody = z.object({
  name: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(100)
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "must not hold control characters"),
  role: z.enum(ROLES),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/**
 * Makes a token; the returned `token` is the only time it is shown. Only a signed-in account makes
 * tokens (never a token), for a role no higher than its own, and the token records it as its maker.
 * Names are unique without case, revoked tokens included, so the audit actor names one token.
 */
export async function createApiToken(input: z.infer<typeof createTokenBody>, actor: Principal, address: string | null): Promise<ApiTokenView & { token: string }> {
  if (actor.kind !== "user") throw new AppError("FORBIDDEN", "Refused: only an admin signed in to Redrive makes API tokens, never a token or Redrive itself.");
  if (lesserRole(input.role, actor.role) !== input.role) throw new AppError("FORBIDDEN", `Refused: a token may not have more rights than its maker; your role is ${actor.role}.`);
  const { prisma } = await getStore();
  const taken = `A token named "${input.name}" exists already (names are compared without case, revoked tokens included, so the audit log's token names stay unambiguous). Pick another name.`;
  const token = newSecret("rdt");
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const id = await withAudit(prisma, { actor: actor.name, address, action: "token.create", target: auditTarget.token(input.name), request: { name: input.name, role: input.role, expiresInDays: input.expiresInDays ?? null } }, async () => {
    if (await prisma.apiToken.findFirst({ where: { name: { equals: input.name, mode: "insensitive" } }, select: { id: true } })) throw new AppError("CONFLICT", taken);
    try {
      const row = await prisma.apiToken.create({
        data: { name: input.name, role: input.role, tokenHash: hashSecret(token), prefix: token.slice(0, 10), createdBy: actor.name, createdById: actor.id, expiresAt },
        select: { id: true },
      });
      return row.id;
    } catch (e) {
      // Two admins picking one name at once: the unique index decides.
      if ((e as { code?: unknown }).code === "P2002" || /unique constraint/i.test(String(e))) throw new AppError("CONFLICT", taken, { cause: e });
      throw e;
    }
  }, (made) => ({ id: made }));
  const view = (await listApiTokens()).find((t) => t.id === id);
  if (!view) throw new AppError("NOT_FOUND", "The new token was not found after it was made.");
  return { ...view, token };
}
