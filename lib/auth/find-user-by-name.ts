import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";

/** Account names are matched whatever their case ("Alice" signs in as "alice"). */
export async function findUserByName(prisma: PrismaClient, name: string) {
  const rows = await prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM users WHERE lower(name) = lower(${name}) LIMIT 1`;
  const id = rows[0]?.id;
  return id ? prisma.user.findUnique({ where: { id } }) : null;
}
