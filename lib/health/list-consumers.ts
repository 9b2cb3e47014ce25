import "server-only";
import { z } from "zod";
import { getStore } from "@/lib/db/get-store";
import type { Prisma } from "@/lib/db/generated/client";
import { HEALTH_STATES, type ConsumerListResponse } from "./types";
import { toSummary } from "./to-summary";
import { BROKER_KINDS } from "@/lib/brokers/contracts";

export const SORTS = ["state", "backlog", "ackRate", "deliverRate", "inflowRate", "redeliverRate", "eta", "name", "inFlight", "oldest"] as const;

export const consumerListQuery = z.object({
  cluster: z.string().max(100).optional(),
  kind: z.enum(BROKER_KINDS).optional(),
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter(Boolean) : []))
    .pipe(z.array(z.enum(HEALTH_STATES))),
  q: z.string().max(200).optional(),
  /** "app": applications' consumers only; "dlq": dead-letter queues; "capture": Redrive's own. */
  role: z.enum(["app", "dlq", "capture"]).optional(),
  sort: z.enum(SORTS).default("state"),
  dir: z.enum(["asc", "desc"]).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});

export type ConsumerListQuery = z.infer<typeof consumerListQuery>;

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
    default:
      return [nullsLast(sort), ...tie];
  }
}

const DEFAULT_DIR: Record<ConsumerListQuery["sort"], "asc" | "desc"> = {
  state: "asc",
  backlog: "desc",
  ackRate: "desc",
  deliverRate: "desc",
  inflowRate: "desc",
  redeliverRate: "desc",
  eta: "desc",
  name: "asc",
  inFlight: "desc",
  oldest: "desc",
};

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
  const [rows, total, latest] = await Promise.all([
    prisma.consumer.findMany({ where, orderBy: orderBy(q.sort, q.dir ?? DEFAULT_DIR[q.sort]), skip: q.offset, take: q.limit, include: { cluster: { select: { name: true } } } }),
    prisma.consumer.count({ where }),
    prisma.consumer.aggregate({ where: { goneAt: null }, _max: { lastSampledAt: true } }),
  ]);
  const next = q.offset + rows.length;
  return { items: rows.map(toSummary), total, nextOffset: next < total ? next : null, sampledAt: latest._max.lastSampledAt?.toISOString() ?? null };
}
