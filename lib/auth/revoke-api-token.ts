import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { withAudit } from "@/lib/audit/record-audit";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import type { Principal } from "./permissions";

/** Revokes a token at once; its next request is refused. */
export async function revokeApiToken(id: string, actor: Principal, address: string | null): Promise<{ revoked: true }> {
  const { prisma } = await getStore();
  const row = await prisma.apiToken.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", "No such API token.");
  await withAudit(prisma, { actor: actor.name, address, action: "token.revoke", target: auditTarget.token(row.name), request: { id } }, () =>
    prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date(), revokedBy: actor.name } }),
  );
  return { revoked: true };
}
