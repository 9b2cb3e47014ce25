import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * When each cluster's newest letter in the inbox was captured (a cluster with none is left out),
 * without reading every letter. The cause groups' counts keep each group's last arrival
 * (last_seen): an arrival only widens it, and a letter at the edge that leaves makes it too new,
 * never too old, so a cluster's newest last_seen is at or after its newest letter. When a letter of
 * the cluster was captured at that very instant (one probe of the captured_at index), it is the
 * answer; only when that letter has left since is the cluster's newest letter looked up.
 */
export async function lastCaptures(prisma: PrismaClient): Promise<Map<string, Date>> {
  const rows = await prisma.$queryRawUnsafe<Array<{ cluster_id: string; at: Date; exact: boolean }>>(
    `SELECT g."cluster_id"::text AS cluster_id, g."at",
            EXISTS (SELECT 1 FROM "dead_letters" d WHERE d."captured_at" = g."at" AND d."cluster_id" = g."cluster_id") AS exact
     FROM (SELECT "cluster_id", max("last_seen") AS "at" FROM "dead_letter_group_counts" WHERE "letters" > 0 GROUP BY 1) g
     WHERE g."at" IS NOT NULL`,
  );
  const out = new Map<string, Date>();
  for (const r of rows) {
    if (r.exact) {
      out.set(r.cluster_id, r.at);
      continue;
    }
    const [newest] = await prisma.$queryRawUnsafe<Array<{ at: Date | null }>>(
      `SELECT max("captured_at") AS "at" FROM "dead_letters" WHERE "cluster_id" = $1::uuid AND "captured_at" <= $2::timestamptz`,
      r.cluster_id,
      r.at,
    );
    if (newest?.at) out.set(r.cluster_id, newest.at);
  }
  return out;
}
