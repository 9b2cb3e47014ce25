import "server-only";
import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { sharedRead } from "@/lib/db/shared-read";

// The consumer list's `total` counts every present consumer that matches the filter: at 12,000
// consumers that is a scan costing PostgreSQL ~15 ms, asked again by every console polling the list.
// Consumer rows change only when a sweep writes them, and every sweep ends by writing its cluster's
// row (lastSampledAt on success, lastSampleError/lastSampleMs on failure). So a count is kept per
// filter for one "sweep generation" — every cluster's row as it was read just before counting — and
// counted again as soon as any cluster's row differs (a sweep finished, failed, or a cluster came).
//
// What a reader can see: while a sweep is writing, the total is the one counted at some moment since
// the previous sweep finished (the rows on the page are read live, as before); once that sweep has
// written its cluster's row, the next request counts afresh. A count never outlives its generation,
// and CONSUMER_COUNT_MAX_AGE_MS bounds it in any case (a write that does not go through a sweep, if one is ever added).

export type SweepGeneration = Array<{ id: string; lastSampledAt: Date | null; lastSampleError: string | null; lastSampleMs: number | null }>;

export const CONSUMER_COUNT_MAX_AGE_MS = 60_000;

/** Every cluster's sweep marks, in a stable order: what must change for any consumer row to have changed. */
export function readSweepGeneration(prisma: PrismaClient): Promise<SweepGeneration> {
  return prisma.cluster.findMany({ select: { id: true, lastSampledAt: true, lastSampleError: true, lastSampleMs: true }, orderBy: { id: "asc" } });
}

function generationKey(g: SweepGeneration): string {
  return g.map((c) => `${c.id}:${c.lastSampledAt?.getTime() ?? ""}:${c.lastSampleMs ?? ""}:${c.lastSampleError ?? ""}`).join("|");
}

/**
 * The number of consumers matching `where`, counted at most once per sweep generation per `filterKey`
 * (a shared read keyed by both: the clusters' ids in the generation keep one store's counts apart
 * from another's). `generation` must be read before this is called, so a count is never older than
 * the generation it is kept under.
 */
export function countConsumers(prisma: PrismaClient, filterKey: string, where: Prisma.ConsumerWhereInput, generation: SweepGeneration): Promise<number> {
  return sharedRead(`consumer-count:${generationKey(generation)}:${filterKey}`, CONSUMER_COUNT_MAX_AGE_MS, () => prisma.consumer.count({ where }));
}
