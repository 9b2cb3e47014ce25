import "server-only";
import { getStore } from "@/lib/db/get-store";

// API tokens for automation: made by an admin for a role, shown once, stored as a SHA-256,
// revocable. Use as `Authorization: Bearer <token>`.

export type ApiTokenView = { id: string; name: string; role: string; prefix: string; createdBy: string; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null; revokedAt: Date | null; revokedBy: string | null };

export async function listApiTokens(): Promise<ApiTokenView[]> {
  const { prisma } = await getStore();
  const rows = await prisma.apiToken.findMany({ orderBy: { createdAt: "desc" } });
  return rows.map(({ tokenHash: _hidden, ...view }) => view);
}
