import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";

const EVERY_MS = 3_600_000;

export type ChainHeadLine = { row: string; hash: string };

/** The audit chain's head now: its last row and that row's hash (null while the log is empty). */
export async function readChainHead(prisma: PrismaClient): Promise<ChainHeadLine | null> {
  const [head] = await prisma.$queryRawUnsafe<Array<{ last_id: string | null; last_hash: string }>>(`SELECT "last_id"::text AS last_id, "last_hash" FROM "audit_chain_head" WHERE "id" = 1`);
  return head?.last_id ? { row: head.last_id, hash: head.last_hash } : null;
}

/**
 * Writes the audit chain's head to the log at start and then hourly when it moved, so the log
 * (shipped elsewhere) keeps anchors that `npm run audit:verify -- --anchor <row>:<hash>` checks: a
 * chain rewritten in the database from some row on cannot match an anchor recorded after that row.
 */
export function startChainHeadLog(prisma: PrismaClient, everyMs = EVERY_MS): () => void {
  let last: string | null = null;
  const once = async () => {
    try {
      const head = await readChainHead(prisma);
      if (!head || head.hash === last) return;
      last = head.hash;
      log.info("audit chain head", { row: head.row, hash: head.hash, check: `npm run audit:verify -- --anchor ${head.row}:${head.hash}` });
    } catch (e) {
      log.warn("audit chain head could not be read for the log; trying again in an hour", { error: describeError(e) });
    }
  };
  void once();
  const timer = setInterval(() => void once(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
