import "server-only";
import { getStore } from "@/lib/db/get-store";
import type { Role } from "./permissions";
import { tokenRights } from "./token-rights";

// API tokens for automation: made by an admin for a role, shown once, stored as a SHA-256,
// revocable. Use as `Authorization: Bearer <token>`. A token never does more than its maker may
// now: the list shows who made each one and the role it acts with today.

export type ApiTokenView = {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdBy: string;
  /** The account that made it, as it is now; null: made before Redrive recorded makers ("maker unknown"). */
  maker: { id: string; name: string; role: string; disabled: boolean } | null;
  /** The role it acts with now (its own, or its maker's if lower); null when it is refused (maker disabled). */
  effectiveRole: Role | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
};

export async function listApiTokens(): Promise<ApiTokenView[]> {
  const { prisma } = await getStore();
  const rows = await prisma.apiToken.findMany({ orderBy: { createdAt: "desc" }, include: { maker: { select: { id: true, name: true, role: true, disabledAt: true } } } });
  return rows.map(({ tokenHash: _hidden, createdById, maker, ...view }) => {
    const rights = tokenRights({ role: view.role, createdById }, maker);
    return {
      ...view,
      maker: maker ? { id: maker.id, name: maker.name, role: maker.role, disabled: maker.disabledAt !== null } : null,
      effectiveRole: "role" in rights ? rights.role : null,
    };
  });
}
