import "server-only";
import type { Prisma } from "@/lib/db/generated/client";
import { heldSql, ON_HELD_DO_NOTHING } from "@/lib/dead-letters/letter-hold";

/** Which letters a job selects: SQL over `d` (dead_letters) and `c` (clusters), with its parameters ($1…). */
export type Selection = { sql: string; params: unknown[]; explicit: boolean };

/**
 * Claims up to `limit` letters of the selection for a job, in captured order after the job's
 * cursor and captured no later than `until`: adds them to its letters after the ones it has, which
 * is what holds them (lib/dead-letters/letter-hold.ts); the inbox rows are not written. Rows another job's claim has
 * locked are skipped, and a letter another job took meanwhile is left out by the held index. Moves
 * the cursor and the count in the same transaction, so a batch is claimed whole or not at all; when
 * fewer than `limit` were left, the claim is complete (claim_until NULL, total = claimed). With
 * `owner`, only while that runner holds the job's lease. Returns how many it claimed.
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
  // The row lock keeps two claims from picking one letter at once (the later one skips it, or,
  // picking by hand, waits and is then left out by the held index when the first commits).
  const [r] = await tx.$queryRawUnsafe<Array<{ n: number; picked: number; last_at: string | null; last_id: string | null }>>(
    `WITH picked AS (
       SELECT d."id", d."captured_at" FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"
       WHERE ${o.sel.sql} AND NOT ${heldSql("d")} AND d."captured_at" <= ${until} ${after}
       ORDER BY d."captured_at", d."id" LIMIT ${p(0)} FOR UPDATE OF d ${o.sel.explicit ? "" : "SKIP LOCKED"}),
     added AS (INSERT INTO "redrive_job_letters" ("job_id", "letter_id", "seq")
       SELECT ${job}, "id", ${p(1)}::int + row_number() OVER (ORDER BY "captured_at", "id") FROM picked ${ON_HELD_DO_NOTHING} RETURNING 1)
     SELECT (SELECT count(*)::int FROM added) AS n, (SELECT count(*)::int FROM picked) AS picked,
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
  if (got < (r?.picked ?? 0)) await closeSeqGaps(tx, o.jobId, cursor.claimed);
  // Fewer picked than asked: nothing in scope is left after the cursor.
  const complete = (r?.last_at ?? null) === null || (r?.picked ?? 0) < o.limit;
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

/**
 * A letter picked but taken by another job in between (its claim committed after this statement
 * began) left a gap in the seq given after `base`: the job's later letters move up, so seq stays
 * 1..claimed, which the next claim and the canary count on. Rare: only when two jobs race for a letter.
 */
export async function closeSeqGaps(tx: Prisma.TransactionClient, jobId: string, base: number): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE "redrive_job_letters" jl SET "seq" = $2::int + r.rn
       FROM (SELECT "letter_id", row_number() OVER (ORDER BY "seq") AS rn FROM "redrive_job_letters" WHERE "job_id" = $1::uuid AND "seq" > $2::int) r
      WHERE jl."job_id" = $1::uuid AND jl."letter_id" = r."letter_id" AND jl."seq" <> $2::int + r.rn`,
    jobId,
    base,
  );
}
