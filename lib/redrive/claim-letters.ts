import "server-only";
import type { Prisma } from "@/lib/db/generated/client";

/** Which letters a job selects: SQL over `d` (dead_letters) and `c` (clusters), with its parameters ($1…). */
export type Selection = { sql: string; params: unknown[]; explicit: boolean };

/**
 * Claims up to `limit` letters of the selection for a job, in captured order after the job's
 * cursor and captured no later than `until`: marks them held by the job (skipping rows another
 * job's claim has locked) and adds them to its letters after the ones it has. Moves the cursor and
 * the count in the same transaction, so a batch is claimed whole or not at all; when fewer than
 * `limit` were left, the claim is complete (claim_until NULL, total = claimed). With `owner`, only
 * while that runner holds the job's lease. Returns how many it claimed.
 */
export async function claimLetters(
  tx: Prisma.TransactionClient,
  o: { jobId: string; sel: Selection; limit: number; until: Date | "now"; owner?: string },
): Promise<{ claimed: number; complete: boolean }> {
  const n = o.sel.params.length;
  const job = `$${n + 1}::uuid`;
  const [cursor] = await tx.$queryRawUnsafe<Array<{ claimed: number; after_at: string | null; after_id: string | null }>>(
    `SELECT "claimed", "claim_after_at"::text AS after_at, "claim_after_id"::text AS after_id FROM "redrive_jobs"
     WHERE "id" = $1::uuid ${o.owner === undefined ? "" : `AND "lease_owner" = $2`} FOR UPDATE`,
    o.jobId,
    ...(o.owner === undefined ? [] : [o.owner]),
  );
  if (!cursor) return { claimed: 0, complete: false };
  const until = o.until === "now" ? "now()" : `$${n + 2}::timestamptz`;
  const p = (k: number) => `$${n + (o.until === "now" ? 2 : 3) + k}`;
  const after = cursor.after_at === null ? "" : `AND (d."captured_at", d."id") > (${p(2)}::timestamptz, ${p(3)}::uuid)`;
  const [r] = await tx.$queryRawUnsafe<Array<{ n: number; last_at: string | null; last_id: string | null }>>(
    `WITH picked AS (
       SELECT d."id", d."captured_at" FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"
       WHERE ${o.sel.sql} AND d."job_id" IS NULL AND d."captured_at" <= ${until} ${after}
       ORDER BY d."captured_at", d."id" LIMIT ${p(0)} FOR UPDATE OF d ${o.sel.explicit ? "" : "SKIP LOCKED"}),
     claimed AS (UPDATE "dead_letters" u SET "job_id" = ${job} FROM picked WHERE u."id" = picked."id" RETURNING u."id", picked."captured_at"),
     added AS (INSERT INTO "redrive_job_letters" ("job_id", "letter_id", "seq")
       SELECT ${job}, "id", ${p(1)}::int + row_number() OVER (ORDER BY "captured_at", "id") FROM claimed RETURNING 1)
     SELECT (SELECT count(*)::int FROM added) AS n,
       (SELECT "captured_at"::text FROM picked ORDER BY "captured_at" DESC, "id" DESC LIMIT 1) AS last_at,
       (SELECT "id"::text FROM picked ORDER BY "captured_at" DESC, "id" DESC LIMIT 1) AS last_id`,
    ...o.sel.params,
    o.jobId,
    ...(o.until === "now" ? [] : [o.until]),
    o.limit,
    cursor.claimed,
    ...(cursor.after_at === null ? [] : [cursor.after_at, cursor.after_id]),
  );
  const got = r?.n ?? 0;
  // Fewer picked than asked: nothing in scope is left after the cursor.
  const complete = (r?.last_at ?? null) === null || got < o.limit;
  const claimed = cursor.claimed + got;
  await tx.$executeRawUnsafe(
    `UPDATE "redrive_jobs" SET "claimed" = $2, "claim_after_at" = COALESCE($3::timestamptz, "claim_after_at"), "claim_after_id" = COALESCE($4::uuid, "claim_after_id"),
       "claim_until" = CASE WHEN $5 THEN NULL ELSE "claim_until" END, "total" = CASE WHEN $5 THEN $2 ELSE "total" END
     WHERE "id" = $1::uuid`,
    o.jobId,
    claimed,
    r?.last_at ?? null,
    r?.last_id ?? null,
    complete,
  );
  return { claimed: got, complete };
}
