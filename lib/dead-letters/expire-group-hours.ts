import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";

const DELETE_BATCH = 20_000;

/**
 * Deletes the hourly arrival counts of hours the groups view no longer shows (dead_letter_group_hours,
 * prisma/migrations/20261207100000_letter_group_hours): those an hour or more before the first hour
 * writers still keep, so a transaction that started a while ago and writes an old hour finds its row
 * or adds a stray one the next run deletes. In batches, skipping rows a writer holds (deleted next
 * time): no statement holds locks for long or waits on a collector.
 */
export async function expireGroupHours(prisma: PrismaClient): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await prisma.$executeRawUnsafe(
      `DELETE FROM "dead_letter_group_hours" WHERE ("group_key", "hour") IN (
         SELECT "group_key", "hour" FROM "dead_letter_group_hours"
         WHERE "hour" < "dead_letter_group_hours_since"() - interval '1 hour'
         LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      DELETE_BATCH,
    );
    total += n;
    if (n < DELETE_BATCH) return total;
  }
}
