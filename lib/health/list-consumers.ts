import "server-only";
import { getStore } from "@/lib/db/get-store";
import type { Prisma } from "@/lib/db/generated/client";
import { CONSUMER_SORT_DEFAULT_DIR } from "./consumer-list-params";
import { countConsumers, readSweepGeneration } from "./count-consumers";
import type { ConsumerListQuery } from "./consumer-list-query";
import type { ConsumerListResponse } from "./types";
import { SUMMARY_SELECT, toSummary } from "./to-summary";

// The query's schema is the list's contract, shared with the client hook and the page's URL.
export { consumerListQuery, type ConsumerListQuery } from "./consumer-list-query";

function orderBy(sort: ConsumerListQuery["sort"], dir: "asc" | "desc"): Prisma.ConsumerOrderByWithRelationInput[] {
  const nullsLast = (field: "ackRate" | "deliverRate" | "inflowRate" | "redeliverRate" | "etaSeconds" | "oldestAgeSeconds") => ({ [field]: { sort: dir, nulls: "last" } });
  const tie: Prisma.ConsumerOrderByWithRelationInput[] = [{ backlog: "desc" }, { key: "asc" }, { id: "asc" }];
  switch (sort) {
    case "state":
      return [{ severity: dir }, ...tie];
    case "backlog":
      return [{ backlog: dir }, { key: "asc" }, { id: "asc" }];
    case "inFlight":
      return [{ inFlight: dir }, ...tie];
    case "name":
      return [{ name: dir }, { parent: dir }, { id: "asc" }];
    case "eta":
      return [nullsLast("etaSeconds"), ...tie];
    case "oldest":
      return [nullsLast("oldestAgeSeconds"), ...tie];
    case "impact":
      return [{ impact: dir }, { severity: dir === "desc" ? "asc" : "desc" }, ...tie];
    default:
      return [nullsLast(sort), ...tie];
  }
}


/** Consumers as of the latest sweep in the store (never a live fan-out to the brokers). */
export async function listConsumers(q: ConsumerListQuery): Promise<ConsumerListResponse> {
  const { prisma } = await getStore();
  const where: Prisma.ConsumerWhereInput = {
    goneAt: null,
    ...(q.cluster ? { cluster: { name: q.cluster } } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.state.length ? { state: { in: q.state } } : {}),
    ...(q.role ? { role: q.role === "app" ? null : q.role } : {}),
    ...(q.q ? { OR: [{ name: { contains: q.q, mode: "insensitive" } }, { parent: { contains: q.q, mode: "insensitive" } }] } : {}),
  };
  const [rows, generation] = await Promise.all([
    prisma.consumer.findMany({ where, orderBy: orderBy(q.sort, q.dir ?? CONSUMER_SORT_DEFAULT_DIR[q.sort]), skip: q.offset, take: q.limit, select: SUMMARY_SELECT }),
    readSweepGeneration(prisma),
  ]);
  // Kept per filter for the current sweep generation (lib/health/count-consumers.ts says what a reader can see).
  const total = await countConsumers(prisma, JSON.stringify(where), where, generation);
  const latest = generation.reduce<Date | null>((m, c) => (c.lastSampledAt && (!m || c.lastSampledAt > m) ? c.lastSampledAt : m), null);
  const next = q.offset + rows.length;
  return { items: rows.map(toSummary), total, nextOffset: next < total ? next : null, sampledAt: latest?.toISOString() ?? null };
}
