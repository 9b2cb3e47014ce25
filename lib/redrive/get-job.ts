import "server-only";
import { getStore } from "@/lib/db/get-store";
import { sharedReads, SharedReads } from "@/lib/db/shared-read";
import type { RedriveJob } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { LETTER_OUTCOMES, type JobAction, type JobCounts, type JobState, type JobSummary, type JobWatch } from "./types";

/** Every outcome's count, from letters by outcome (an outcome missing counts 0). */
const countsFrom = (byOutcome: Record<string, unknown>): JobCounts => Object.fromEntries(LETTER_OUTCOMES.map((o) => [o, Number(byOutcome[o] ?? 0)])) as JobCounts;

export async function jobCounts(jobIds: string[]): Promise<Map<string, JobCounts>> {
  const { prisma } = await getStore();
  const rows = await prisma.redriveJobLetter.groupBy({ by: ["jobId", "outcome"], where: { jobId: { in: jobIds } }, _count: { _all: true } });
  const out = new Map<string, JobCounts>();
  for (const id of jobIds) out.set(id, countsFrom({}));
  for (const r of rows) (out.get(r.jobId)!)[r.outcome as keyof JobCounts] = r._count._all;
  return out;
}

/** Letters a second over the last 5 s, for the jobs still sending (a finished or paused job shows none). */
export async function recentRates(jobIds: string[]): Promise<Map<string, number>> {
  if (jobIds.length === 0) return new Map();
  const { prisma } = await getStore();
  const rows = await prisma.redriveJobLetter.groupBy({ by: ["jobId"], where: { jobId: { in: jobIds }, finishedAt: { gte: new Date(Date.now() - 5000) } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.jobId, r._count._all / 5]));
}

/**
 * What a big unfinished job's page shows live (its counts, its rate) is read once a second per
 * replica and shared by everyone on it who asks: the page and the jobs list poll every second while
 * the job runs, and each read goes over all its letters (over 100 ms at a million), so fifty people
 * watching one job would otherwise read it fifty times a second. A read already under way is joined,
 * not repeated. Small jobs cost little to read and are read on every request, exactly.
 */
export const SHARED_COUNTS_MIN_LETTERS = 10_000;
export const SHARED_COUNTS_MS = 1_000;

/** Values of live jobs, `what` read for many jobs in one query and shared (see above) through `reads`. */
export function perJobShared<T>(what: string, read: (jobIds: string[]) => Promise<Map<string, T>>, missing: () => T, reads: SharedReads = sharedReads) {
  return (jobs: Array<{ id: string; total: number }>): Promise<Map<string, T>> => {
    const big = new Set(jobs.filter((j) => j.total >= SHARED_COUNTS_MIN_LETTERS).map((j) => j.id));
    return reads.many({ ids: jobs.map((j) => j.id), key: (id) => `job-${what}:${id}`, ttlMs: SHARED_COUNTS_MS, read, missing, share: (id) => big.has(id) });
  };
}

const sharedCounts = perJobShared("counts", jobCounts, () => countsFrom({}));
const sharedRates = perJobShared("rate", recentRates, () => 0);

/**
 * Each job's letter counts: a finished job's as kept on its row when it ended (its letters never
 * change after), the others' (and a finished job's from before they were kept) counted live, a big
 * one's shared for a second (perJobShared).
 */
export async function countsOf(jobs: Array<Pick<RedriveJob, "id" | "finalCounts" | "total">>): Promise<Map<string, JobCounts>> {
  const out = new Map<string, JobCounts>();
  const live: Array<{ id: string; total: number }> = [];
  for (const j of jobs) {
    const kept = j.finalCounts;
    if (kept && typeof kept === "object" && !Array.isArray(kept)) out.set(j.id, countsFrom(kept as Record<string, unknown>));
    else live.push(j);
  }
  if (live.length) for (const [id, c] of await sharedCounts(live)) out.set(id, c);
  return out;
}

/** The current rate of each job that shows one (still sending); a big job's shared for a second. */
export async function ratesOf(jobs: Array<Pick<RedriveJob, "id" | "state" | "total">>): Promise<Map<string, number>> {
  const shown = jobs.filter((j) => showsRate(j.state));
  return shown.length ? sharedRates(shown) : new Map();
}

/** How many of each job's letters came back dead (counted once per letter sent back). */
export async function jobBounces(jobIds: string[]): Promise<Map<string, number>> {
  if (jobIds.length === 0) return new Map();
  const { prisma } = await getStore();
  const rows = await prisma.$queryRawUnsafe<Array<{ job_id: string; n: bigint }>>(
    `SELECT "bounced_from_job_id"::text AS job_id, count(DISTINCT "bounced_from_letter_id") AS n FROM "dead_letters" WHERE "bounced_from_job_id" = ANY($1::uuid[]) GROUP BY 1`,
    jobIds,
  );
  return new Map(rows.map((r) => [r.job_id, Number(r.n)]));
}

/** Whether a job in this state shows a current rate: it is still sending. */
const showsRate = (state: string) => state === "running" || state === "cancelling";

function toWatch(j: RedriveJob, counts: JobCounts, bounced: number): JobWatch | null {
  if (j.action !== "requeue") return null;
  const canaryState = (j.canaryState ?? "sending") as NonNullable<JobWatch["canary"]>["state"];
  return {
    sent: counts.done,
    bounced,
    bouncedHref: `/dead-letters?bouncedFromJob=${j.id}`,
    bounceThreshold: j.bounceThreshold ?? 0.1,
    bounceMinSent: j.bounceMinSent ?? 20,
    autoResumeMinutes: j.autoResumeMinutes,
    canary: j.canarySize === null ? null : { size: j.canarySize, state: canaryState, detail: j.canaryDetail },
  };
}

export function toJobSummary(j: RedriveJob, counts: JobCounts, rate: number | null, bounced = 0): JobSummary {
  // A large job still claiming its letters: those not yet claimed wait too.
  if (j.claimUntil) counts = { ...counts, pending: counts.pending + Math.max(0, j.total - j.claimed) };
  return {
    id: j.id,
    number: Number(j.number),
    action: j.action as JobAction,
    state: j.state as JobState,
    description: j.description,
    createdBy: j.createdBy,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
    rate: j.rate,
    total: j.total,
    counts,
    currentRate: showsRate(j.state) ? rate : null,
    destination: j.destination,
    error: j.error,
    pausedReason: j.state === "paused" ? j.pausedReason : null,
    pausedBy: j.state === "paused" ? ((j.pausedBy as JobSummary["pausedBy"]) ?? "operator") : null,
    watch: toWatch(j, counts, bounced),
  };
}

export async function getJob(id: string): Promise<JobSummary> {
  const { prisma } = await getStore();
  const j = await prisma.redriveJob.findUnique({ where: { id } });
  if (!j) throw new AppError("NOT_FOUND", "There is no such job.");
  const [counts, rates, bounces] = await Promise.all([countsOf([j]), ratesOf([j]), jobBounces([id])]);
  return toJobSummary(j, counts.get(id)!, rates.get(id) ?? 0, bounces.get(id) ?? 0);
}
