import "server-only";
import type { Prisma } from "@/lib/db/generated/client";
import { lastSampled } from "./last-sampled";
import { FINDING_CODES, type ConsumerRole, type ConsumerSummary, type Finding, type HealthState } from "./types";

/**
 * The columns a summary is made of, and no others: lists read 100 rows at a time, and the ones left
 * out (the broker's config JSON above all) cost the store and the app reading them for nothing.
 */
export const SUMMARY_SELECT = {
  id: true,
  kind: true,
  parent: true,
  name: true,
  role: true,
  state: true,
  stateReason: true,
  stateSince: true,
  backlog: true,
  pending: true,
  inFlight: true,
  inFlightLimit: true,
  consumerCount: true,
  ackRate: true,
  deliverRate: true,
  inflowRate: true,
  redeliverRate: true,
  rateWindowSeconds: true,
  etaSeconds: true,
  lastActivityAt: true,
  oldestAgeSeconds: true,
  oldestAgeEstimated: true,
  oldestAgeNote: true,
  lastSampledAt: true,
  goneAt: true,
  expectedMin: true,
  synthetic: true,
  findings: true,
  recentBacklog: true,
  cluster: { select: { name: true, lastSampledAt: true } },
} as const satisfies Prisma.ConsumerSelect;

type Row = Prisma.ConsumerGetPayload<{ select: Omit<typeof SUMMARY_SELECT, "cluster"> }> & { cluster: { name: string; lastSampledAt?: Date | null } };

const num = (v: bigint | number | null) => (v === null ? null : Number(v));
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** The stored findings, keeping only well-formed ones (the column is JSON). */
export function readFindings(v: unknown): Finding[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (f): f is Finding =>
      typeof f === "object" && f !== null && (FINDING_CODES as readonly string[]).includes((f as Finding).code) && typeof (f as Finding).text === "string" && typeof (f as Finding).since === "string",
  );
}

export function toSummary(r: Row): ConsumerSummary {
  return {
    id: r.id,
    cluster: r.cluster.name,
    kind: r.kind,
    parent: r.parent,
    name: r.name,
    role: (r.role as ConsumerRole | null) ?? null,
    state: r.state as HealthState,
    reason: r.stateReason,
    stateSince: r.stateSince.toISOString(),
    backlog: Number(r.backlog),
    pending: Number(r.pending),
    inFlight: Number(r.inFlight),
    inFlightLimit: r.inFlightLimit,
    consumerCount: r.consumerCount,
    ackRate: r.ackRate,
    deliverRate: r.deliverRate,
    inflowRate: r.inflowRate,
    redeliverRate: r.redeliverRate,
    rateWindowSeconds: r.rateWindowSeconds,
    etaSeconds: r.etaSeconds,
    lastActivityAt: iso(r.lastActivityAt),
    oldestAgeSeconds: r.oldestAgeSeconds,
    oldestAgeEstimated: r.oldestAgeEstimated,
    oldestAgeNote: r.oldestAgeNote,
    lastSampledAt: iso(lastSampled(r, r.cluster.lastSampledAt)),
    expectedMin: r.expectedMin,
    synthetic: r.synthetic,
    findings: readFindings(r.findings),
    recentBacklog: Array.isArray(r.recentBacklog) ? (r.recentBacklog as unknown[]).map((v) => num(v as number) ?? 0) : [],
  };
}
