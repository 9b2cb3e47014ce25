import "server-only";
import { getStore } from "@/lib/db/get-store";

export type UserView = { id: string; name: string; role: string; disabled: boolean; createdAt: Date; createdBy: string; lastSignInAt: Date | null; sessions: number };

/** Every account, with how many live sessions it has. */
export async function listUsers(): Promise<UserView[]> {
  const { prisma } = await getStore();
  const rows = await prisma.user.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { sessions: { where: { expiresAt: { gt: new Date() } } } } } } });
  return rows.map((u) => ({ id: u.id, name: u.name, role: u.role, disabled: u.disabledAt !== null, createdAt: u.createdAt, createdBy: u.createdBy, lastSignInAt: u.lastSignInAt, sessions: u._count.sessions }));
}
