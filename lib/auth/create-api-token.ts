import "server-only";
import { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import { getStore } from "@/lib/db/get-store";
import type { ApiTokenView } from "./list-api-tokens";
import { ROLES, type Principal } from "./permissions";
import { hashSecret, newSecret } from "./secrets";

export const createTokenBody = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100),
  role: z.enum(ROLES),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/** Makes a token; the returned `token` is the only time it is shown. */
export async function createApiToken(input: z.infer<typeof createTokenBody>, actor: Principal, address: string | null): Promise<ApiTokenView & { token: string }> {
  const { prisma } = await getStore();
  const token = newSecret("rdt");
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  return withAudit(prisma, { actor: actor.name, address, action: "token.create", target: `token:${input.name}`, request: { name: input.name, role: input.role, expiresInDays: input.expiresInDays ?? null } }, async () => {
    const { tokenHash: _hidden, ...row } = await prisma.apiToken.create({
      data: { name: input.name, role: input.role, tokenHash: hashSecret(token), prefix: token.slice(0, 10), createdBy: actor.name, expiresAt },
    });
    return { ...row, token };
  });
}
