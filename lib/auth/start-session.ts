import "server-only";
import { getConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { hashSecret, newSecret } from "./secrets";

/**
 * Opens a session for a user who just signed in (password, single sign-on, the setup link) and
 * stamps their last sign-in; the returned token goes into the cookie and nowhere else.
 */
export async function startSession(prisma: PrismaClient, userId: string, from: { address: string | null; userAgent: string | null }) {
  const maxAgeMs = getConfig().auth.sessionMaxMs;
  const token = newSecret("rds");
  const now = new Date();
  const [row] = await prisma.$transaction([
    prisma.session.create({
      data: { tokenHash: hashSecret(token), userId, expiresAt: new Date(now.getTime() + maxAgeMs), address: from.address, userAgent: from.userAgent?.slice(0, 300) ?? null },
    }),
    prisma.user.update({ where: { id: userId }, data: { lastSignInAt: now } }),
  ]);
  // Sessions that ended are swept as new ones begin.
  await prisma.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return { id: row.id, token, maxAgeMs };
}
