import "server-only";
import type { BrokerKind } from "@/lib/brokers/contracts";
import type { PrismaClient } from "@/lib/db/generated/client";

/** The cluster's row id, creating the row if needed; atomic, as the monitor, sampler and collector race for it. */
export async function ensureCluster(prisma: PrismaClient, name: string, kind: BrokerKind): Promise<string> {
  const rows = await prisma.$queryRawUnsafe<Array<{ id: string }>>(
    `INSERT INTO "clusters" ("id", "name", "kind") VALUES (gen_random_uuid(), $1, $2::"BrokerKind")
     ON CONFLICT ("name") DO UPDATE SET "kind" = EXCLUDED."kind" RETURNING "id"::text AS id`,
    name,
    kind,
  );
  return rows[0]!.id;
}
