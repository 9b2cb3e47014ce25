import "server-only";
import { z } from "zod";
import type { JobListQuery } from "./job-list-query";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { countsOf, jobBounces, ratesOf, toJobSummary } from "./get-job";
import { LETTER_OUTCOMES, type JobLetterPage, type JobSummary, type LetterHistoryEntry, type JobAction, type LetterOutcome } from "./types";

export { jobListQuery } from "./job-list-query";

export async function listJobs(q: JobListQuery): Promise<{ items: JobSummary[] }> {
  const { prisma } = await getStore();
  const jobs = await prisma.redriveJob.findMany({ where: q.state.length ? { state: { in: q.state } } : {}, orderBy: { number: "desc" }, take: q.limit });
  const ids = jobs.map((j) => j.id);
  const [counts, rates, bounces] = await Promise.all([countsOf(jobs), ratesOf(jobs), jobBounces(ids)]);
  return { items: jobs.map((j) => toJobSummary(j, counts.get(j.id)!, rates.get(j.id) ?? 0, bounces.get(j.id) ?? 0)) };
}

export const jobLettersQuery = z.object({
  outcome: z.enum(LETTER_OUTCOMES).optional(),
  cursor: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export async function listJobLetters(jobId: string, q: z.infer<typeof jobLettersQuery>): Promise<JobLetterPage> {
  const { prisma } = await getStore();
  if (!(await prisma.redriveJob.findUnique({ where: { id: jobId }, select: { id: true } }))) throw new AppError("NOT_FOUND", "There is no such job.");
  const rows = await prisma.redriveJobLetter.findMany({
    where: { jobId, ...(q.outcome ? { outcome: q.outcome } : {}), ...(q.cursor !== undefined ? { seq: { gt: q.cursor } } : {}) },
    orderBy: { seq: "asc" },
    take: q.limit + 1,
    include: { letter: { select: { source: true, destination: true } }, job: { select: { destination: true } } },
  });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      letterId: r.letterId,
      source: r.letter.source,
      destination: r.job.destination ?? r.letter.destination,
      outcome: r.outcome as LetterOutcome,
      detail: r.detail,
      finishedAt: r.finishedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.seq) : null,
  };
}

export async function letterHistory(letterId: string): Promise<LetterHistoryEntry[]> {
  const { prisma } = await getStore();
  const rows = await prisma.redriveJobLetter.findMany({ where: { letterId }, include: { job: true }, orderBy: { job: { number: "desc" } } });
  return rows.map((r) => ({
    jobId: r.jobId,
    jobNumber: Number(r.job.number),
    action: r.job.action as JobAction,
    outcome: r.outcome as LetterOutcome,
    detail: r.detail,
    by: r.job.createdBy,
    at: (r.finishedAt ?? r.job.createdAt).toISOString(),
  }));
}
