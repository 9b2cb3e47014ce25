import "server-only";
import { auditTarget, jobAuditAction } from "@/lib/audit/actions";
import { randomUUID } from "node:crypto";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getConfig, type RedriveConfig } from "@/lib/config";
import type { Prisma } from "@/lib/db/generated/client";
import { getStore } from "@/lib/db/get-store";
import { AppError, refusal } from "@/lib/errors";
import { canarySize } from "./canary-size";
import { checkDestination, type DestinationCheck } from "./check-destination";
import { claimLetters, closeSeqGaps, type Selection } from "./claim-letters";
import { destinationRefusal, type CheckedDestination } from "./destination-refusal";
import { getJob } from "./get-job";
import { jobStartSignal } from "./job-start-signal";
import { ACTIVE_OUTCOMES, heldSql, ON_HELD_DO_NOTHING } from "@/lib/dead-letters/letter-hold";
import { describeScope, FROM_STATE, scopeSql, type JobRequestInput } from "./job-scope";
import { requireRedirect } from "./require-redirect";
import type { HeldDetails, JobSummary } from "./types";

/** Which letters a request selects, as SQL over `d` (dead_letters) and `c` (clusters), plus its params. */
export function selection(input: Pick<JobRequestInput, "action" | "scope" | "includePoison">, poisonAfter: number): Selection {
  const s = scopeSql(input, poisonAfter);
  let sql = `(${s.sql}) AND d."state" = '${FROM_STATE[input.action]}'`;
  if (input.action === "requeue") sql += ` AND d."payload" IS NOT NULL`;
  if (!s.explicit && !input.includePoison) sql += ` AND d."redrive_count" < ${Math.trunc(poisonAfter)}`;
  return { sql, params: s.params, explicit: s.explicit };
}

function validate(input: JobRequestInput, maxRate: number): void {
  if (input.rate !== undefined && input.rate > maxRate) throw new AppError("INVALID_INPUT", `The rate may be at most ${maxRate} letters per second (redrive.maxRate in the configuration).`);
  if (input.action !== "requeue" && (input.destination || input.edit)) throw new AppError("INVALID_INPUT", `A ${input.action} job takes no destination and no edit.`);
  if (input.edit && !(input.scope.kind === "letters" && input.scope.ids.length === 1)) throw new AppError("INVALID_INPUT", "An edited requeue applies to exactly one letter.");
  const watching = input.canary !== undefined || input.bounceThresholdPercent !== undefined || input.bounceMinSent !== undefined || input.autoResumeMinutes !== undefined;
  if (input.action !== "requeue" && watching) throw new AppError("INVALID_INPUT", `A ${input.action} job sends nothing to a consumer, so it takes no canary, bounce threshold or auto-resume.`);
}

/**
 * Requeue and terminate of a whole filter or group above `confirmAbove` letters need the operator to
 * type how many: the sentence refusing the start, or null when it may go ahead.
 */
function needsTypedCount(input: JobRequestInput, claimed: number, confirmAbove: number): string | null {
  if (input.scope.kind === "letters" || input.action === "restore" || claimed <= confirmAbove) return null;
  const n = claimed.toLocaleString("en-US");
  if (input.confirmCount === undefined) return `This would ${input.action} ${n} letters; above ${confirmAbove.toLocaleString("en-US")} the number of letters must be typed to confirm (confirmCount ${claimed}). Nothing was changed.`;
  if (input.confirmCount !== claimed) return `The number typed (${input.confirmCount.toLocaleString("en-US")}) is not the ${n} letters this would ${input.action} now; check the scope and type ${n} to confirm. Nothing was changed.`;
  return null;
}

/** A requeue's health gate and canary, as stored on the job. */
function watchSettings(input: JobRequestInput, total: number, r: RedriveConfig["redrive"]) {
  if (input.action !== "requeue") return {};
  const canary = input.canary === true ? canarySize(total, r.canary) : typeof input.canary === "number" ? input.canary : null;
  return {
    watchSince: new Date(),
    bounceThreshold: (input.bounceThresholdPercent ?? r.bounceThresholdPercent) / 100,
    bounceMinSent: input.bounceMinSent ?? r.bounceMinSent,
    autoResumeMinutes: input.autoResumeMinutes ?? null,
    // A canary as large as the job is no canary: the job simply runs.
    canarySize: canary !== null && canary < total ? canary : null,
  };
}

/**
 * Letters a bulk job claims in its start transaction: one chunk's worth, so the first letters move
 * at once; a larger scope is claimed on by the runner, a batch at a time, while they go out (see
 * claim-letters.ts). Each claimed letter is a job-letter row and a row lock on its inbox row, so a
 * larger first claim is paid for before anything moves.
 */
export const FIRST_CLAIM = 500;

type Census = { rows: Array<{ cluster: string; destination: string; n: number }>; total: number };

/**
 * The letters of a bulk scope captured up to `until`, free or held by the job: how many, and where
 * each (cluster, destination) pair of them goes. One scan of the scope, for the total the job runs
 * and the destinations it checks. Run on its own connection beside the claiming transaction (which
 * waits for it before committing): the job's own uncommitted claim reads as free there, so claimed
 * letters count as they would inside the transaction.
 */
async function scopeCensus(db: Pick<Prisma.TransactionClient, "$queryRawUnsafe">, jobId: string, sel: Selection, until: Date): Promise<Census> {
  const n = sel.params.length;
  // Counted per cluster id and named after: a hash of a few groups, where grouping by the name
  // sorted every letter of the scope (spilling to disk at 100,000 letters). A letter counts unless
  // another job holds it (a letter has one hold at most, so the job's own claim counts): one probe
  // of the held index per letter (see heldSql), whatever the job letters' statistics say.
  const rows = await db.$queryRawUnsafe<Array<{ cluster: string; destination: string; n: number }>>(
    `SELECT k."name" AS cluster, s."destination", s.n FROM (
       SELECT d."cluster_id", d."destination", count(*)::int AS n FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"
       WHERE (${sel.sql}) AND NOT ${heldSql("d", `$${n + 1}::uuid`)}
         AND d."captured_at" <= $${n + 2}::timestamptz
       GROUP BY 1, 2
     ) s JOIN "clusters" k ON k."id" = s."cluster_id"
     ORDER BY 1, 2`,
    ...sel.params,
    jobId,
    until,
  );
  return { rows, total: rows.reduce((t, r) => t + r.n, 0) };
}

/** Destinations checked with the brokers at once, at most. */
const CHECKS_AT_ONCE = 8;

/**
 * Every destination the claimed letters of a requeue would be published to must be one a job may
 * use and must exist (see destination-refusal.ts); else the start is refused and, as it runs in the
 * claiming transaction, leaves nothing behind. Checked over exactly the letters claimed.
 */
async function refuseBadDestinations(tx: Prisma.TransactionClient, jobId: string, chosen: string | undefined, census: Census | null): Promise<void> {
  // A job still to claim more letters is checked over every letter it will claim: its scope up to
  // its start, as the census found it.
  const rows = census
    ? [...new Map(census.rows.map((r) => [`${r.cluster}\u0000${chosen ?? r.destination}`, { cluster: r.cluster, destination: chosen ?? r.destination }])).values()]
    : await tx.$queryRawUnsafe<Array<{ cluster: string; destination: string }>>(
        `SELECT DISTINCT c."name" AS cluster, ${chosen === undefined ? `d."destination"` : `$2::text`} AS destination
         FROM "redrive_job_letters" jl JOIN "dead_letters" d ON d."id" = jl."letter_id" JOIN "clusters" c ON c."id" = d."cluster_id"
         WHERE jl."job_id" = $1::uuid ORDER BY 1, 2`,
        jobId,
        ...(chosen === undefined ? [] : [chosen]),
      );
  const checked = new Array<CheckedDestination>(rows.length);
  // A cluster that could not be asked once is not asked again for each of its other destinations,
  // so a broker that is away costs one timeout, not one per subject.
  const away = new Map<string, DestinationCheck>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i]!;
      const known = away.get(row.cluster);
      const rules = known ? await checkDestination(row, { rulesOnly: true }) : null;
      const check = rules?.forbidden ? rules : (known ?? (await checkDestination(row)));
      if (check.exists === null && !check.forbidden) away.set(row.cluster, check);
      checked[i] = { ...row, check };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, rows.length) }, worker));
  const refused = destinationRefusal(checked, chosen !== undefined);
  if (refused) throw refusal(refused.code, refused.message);
}

/**
 * Starts a job: records the intent, checks the actor may send letters elsewhere or edited if asked
 * to, claims the letters (one job per letter: a letter held by another job is skipped, or refused
 * with 409 when picked by hand), checks every destination, and leaves the rest to the runner. A
 * refusal is recorded as the intent's outcome and changes nothing.
 */
export async function startJob(input: JobRequestInput, actor: Principal, address: string | null): Promise<JobSummary> {
  const config = getConfig();
  validate(input, config.redrive.maxRate);
  const store = await getStore();
  const { prisma } = store;
  const sel = selection(input, config.redrive.poisonAfter);
  const id = randomUUID();
  const rate = input.rate ?? config.redrive.defaultRate;

  await withAudit(prisma, { actor: actor.name, address, action: jobAuditAction(input.action), target: auditTarget.job(id), request: input as unknown as Record<string, unknown> }, async () => {
    const forbidden = requireRedirect(input, actor);
    if (forbidden) throw forbidden;
    await prisma.$transaction(
      async (tx) => {
        await tx.redriveJob.create({
          data: { id, action: input.action, state: "running", description: "", scope: input.scope, createdBy: actor.name, createdAt: new Date(), startedAt: new Date(), rate, includePoison: input.includePoison, destination: input.destination ?? null, edit: input.edit ?? undefined },
        });
        let claimed: number;
        let counted: Census | null = null;
        if (sel.explicit) {
          // Letters picked by hand wait for a concurrent job's claim to settle, so the loser can be told who won.
          const n = sel.params.length;
          // The loser of such a race picks the letter (its statement began before the winner
          // committed) and is then left out by the held index: it is refused below, naming the winner.
          const [r] = await tx.$queryRawUnsafe<Array<{ n: number; picked: number }>>(
            `WITH picked AS (
               SELECT d."id", d."captured_at" FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"
               WHERE ${sel.sql} AND NOT ${heldSql("d")} ORDER BY d."captured_at", d."id" FOR UPDATE OF d),
             added AS (INSERT INTO "redrive_job_letters" ("job_id", "letter_id", "seq")
               SELECT $${n + 1}::uuid, "id", row_number() OVER (ORDER BY "captured_at", "id") FROM picked ${ON_HELD_DO_NOTHING} RETURNING 1)
             SELECT (SELECT count(*)::int FROM added) AS n, (SELECT count(*)::int FROM picked) AS picked`,
            ...sel.params,
            id,
          );
          claimed = r?.n ?? 0;
          if (claimed < (r?.picked ?? 0)) await closeSeqGaps(tx, id, 0);
          await tx.redriveJob.update({ where: { id }, data: { claimed } });
        } else {
          // Bulk scopes skip rows another job is claiming and take the rest: the first chunk's worth
          // now, the rest (captured up to the start) by the runner while the first letters move.
          // The scope is fixed here: letters captured up to the start, `until`, the store's clock.
          const [{ until }] = (await tx.$queryRawUnsafe<Array<{ until: Date }>>(`SELECT now() AS until`)) as [{ until: Date }];
          // Counted beside the claim, on another connection; the embedded store has one, so there in turn.
          const counting = store.kind === "postgres" ? scopeCensus(prisma, id, sel, until) : null;
          // Not awaited when the claim takes the whole scope at once (or fails): its result, or its
          // failure, then matters to nobody.
          counting?.catch(() => undefined);
          const first = await claimLetters(tx, { jobId: id, sel, limit: FIRST_CLAIM, until });
          claimed = first.claimed;
          if (!first.complete) {
            counted = await (counting ?? scopeCensus(tx, id, sel, until));
            // The job's total: every letter of its scope up to the start, also those the runner claims later.
            claimed = Math.max(counted.total, claimed);
            await tx.$executeRawUnsafe(`UPDATE "redrive_jobs" SET "claim_until" = $2::timestamptz WHERE "id" = $1::uuid`, id, until);
          }
        }
        if (sel.explicit && input.scope.kind === "letters") {
          const held = await tx.$queryRawUnsafe<Array<{ job_id: string; number: bigint; n: bigint }>>(
            `SELECT h."job_id"::text AS job_id, j."number", count(*) AS n FROM "redrive_job_letters" h JOIN "redrive_jobs" j ON j."id" = h."job_id"
             WHERE h."letter_id" = ANY($1::uuid[]) AND h."outcome" IN ${ACTIVE_OUTCOMES} AND h."job_id" <> $2::uuid GROUP BY 1, 2 ORDER BY 3 DESC`,
            input.scope.ids,
            id,
          );
          const first = held[0];
          if (first) {
            const details: HeldDetails = { jobId: first.job_id, jobNumber: Number(first.number), href: `/jobs/${first.job_id}`, letters: Number(first.n) };
            throw new AppError("CONFLICT", `Job ${details.jobNumber} already has ${details.letters === 1 ? "this letter" : `${details.letters} of these letters`}; wait for it to finish or cancel it.`, { details });
          }
        }
        if (claimed === 0) {
          throw new AppError("CONFLICT", `There is nothing to ${input.action}: no letter in this scope is ${FROM_STATE[input.action]}${input.action === "requeue" ? " with a stored payload" : ""}${sel.explicit ? "" : ", free of other jobs and not poison"}.`);
        }
        // `claimed` counts the whole scope, also when the runner claims the rest as it goes.
        const typed = needsTypedCount(input, claimed, config.redrive.confirmAbove);
        if (typed) throw refusal("INVALID_INPUT", typed);
        if (input.action === "requeue") await refuseBadDestinations(tx, id, input.destination, counted);
        const sample = await tx.$queryRawUnsafe<Array<{ source: string; reason: string }>>(
          `SELECT d."source", d."reason" FROM "redrive_job_letters" jl JOIN "dead_letters" d ON d."id" = jl."letter_id" WHERE jl."job_id" = $1::uuid ORDER BY jl."seq" LIMIT 1`,
          id,
        );
        await tx.redriveJob.update({ where: { id }, data: { total: claimed, description: describeScope(input, claimed, sample[0] ?? null), ...watchSettings(input, claimed, config.redrive) } });
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
  });
  jobStartSignal.dispatchEvent(new Event("started"));
  return getJob(id);
}
