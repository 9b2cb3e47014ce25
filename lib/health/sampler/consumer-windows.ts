import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { SamplePoint } from "../sample-point";
import { sampleRowsSql, spanOf } from "../sample-rows";
import { carrySince, type Detected } from "../findings";
import { readFindings } from "../to-summary";
import type { Finding, FindingCode, HealthState } from "../types";
import type { Written } from "./write-sweep";
import { PointRing } from "./point-ring";

type SampleRow = {
  consumer_id: string;
  taken_at: Date;
  backlog: bigint;
  in_flight: bigint;
  in_flight_limit: number | null;
  consumer_count: number;
  delivered_total: bigint | null;
  acked_total: bigint | null;
  published_total: bigint | null;
  redelivered_total: bigint | null;
  counter_epoch: string | null;
  ack_rate: number | null;
  deliver_rate: number | null;
  inflow_rate: number | null;
  redeliver_rate: number | null;
};

type StateMark = { state: HealthState; since: Date };

/** How long each consumer's samples are kept: the health window and two sweeps more (the load run waits this long for steady state). */
export const keptWindowMs = (windowMs: number, intervalMs: number): number => windowMs + 2 * intervalMs;

/** The sliding window of recent samples per consumer, held by the sampling leader. */
export class ConsumerWindows {
  /** Each consumer's points, as numbers (point-ring.ts): made into objects only while it is judged. */
  private readonly points = new Map<string, PointRing>();
  private readonly states = new Map<string, StateMark>();
  /** Since when each finding of a consumer has held: kept across sweeps, as the window forgets old points. */
  private readonly findingSince = new Map<string, Map<FindingCode, number>>();
  /** Consumer key → its id and identity as last upserted (write-sweep.ts upsertConsumers). */
  readonly known = new Map<string, { id: string; identity: string }>();
  /** What was last written of each consumer (write-sweep.ts writeSamples). */
  readonly written: Written = new Map();
  /** When the cluster was last swept, by this leader. */
  sweptAt: Date | null = null;

  /** Points a consumer is expected to hold: the kept span's sweeps, and two more for late ones. */
  private readonly expectedPoints: number;

  /** `intervalMs`, when known, sizes each consumer's ring for the points it will hold. */
  constructor(
    private readonly keepMs: number,
    intervalMs?: number,
  ) {
    this.expectedPoints = intervalMs && intervalMs > 0 ? Math.floor(keepMs / intervalMs) + 2 : 8;
  }

  /** The consumer's points, oldest first, as objects made for this call. */
  get(id: string): SamplePoint[] {
    return this.points.get(id)?.points() ?? [];
  }

  last(id: string): SamplePoint | undefined {
    const ring = this.points.get(id);
    return ring && ring.length > 0 ? ring.at(ring.length - 1) : undefined;
  }

  /** Adds the consumer's newest point and forgets its points older than the kept span (keeping two). */
  push(id: string, point: SamplePoint): void {
    let ring = this.points.get(id);
    if (!ring) {
      ring = new PointRing(this.expectedPoints);
      this.points.set(id, ring);
    }
    ring.push(point, this.keepMs);
  }

  /** Records the state; returns since when the consumer has been in it: from `evidenceSince` (ms) when the rules say when its evidence began, else from this sweep. */
  mark(id: string, state: HealthState, at: Date, evidenceSince?: number): Date {
    const prev = this.states.get(id);
    if (prev && prev.state === state) return prev.since;
    const since = evidenceSince !== undefined && evidenceSince < at.getTime() ? new Date(evidenceSince) : at;
    this.states.set(id, { state, since });
    return since;
  }

  /** The state last recorded and since when (ms), for the rules to say how long it has held. */
  held(id: string): { state: HealthState; since: number } | null {
    const s = this.states.get(id);
    return s ? { state: s.state, since: s.since.getTime() } : null;
  }

  /** The findings detected now, each with the earliest "since" of its unbroken run. */
  carryFindings(id: string, detected: Detected[]): Finding[] {
    const findings = carrySince(detected, this.findingSince.get(id) ?? new Map());
    this.findingSince.set(id, new Map(findings.map((f) => [f.code, Date.parse(f.since)])));
    return findings;
  }

  forget(id: string): void {
    this.written.delete(id);
    for (const [key, k] of this.known) if (k.id === id) this.known.delete(key);
    this.points.delete(id);
    this.states.delete(id);
    this.findingSince.delete(id);
  }

  /** A new leader (of one cluster, or of all) picks up where the last one left off: recent samples and states from the store. */
  async load(prisma: PrismaClient, now: Date, clusterId?: string): Promise<void> {
    const since = new Date(now.getTime() - this.keepMs);
    const rows = await prisma.$queryRawUnsafe<SampleRow[]>(
      `SELECT s.* FROM ${sampleRowsSql(`"taken_at" >= $1::timestamptz`, `"span" >= ${spanOf("$1::timestamptz")}`)} s
       ${clusterId ? `JOIN "consumers" c ON c."id" = s."consumer_id" WHERE c."cluster_id" = $2::uuid` : ""}
       ORDER BY s."consumer_id", s."taken_at"`,
      since.toISOString(),
      ...(clusterId ? [clusterId] : []),
    );
    const num = (v: bigint | number | null) => (v === null ? null : Number(v));
    for (const r of rows) {
      this.push(r.consumer_id, {
        t: new Date(r.taken_at).getTime(),
        pending: Number(r.backlog) - Number(r.in_flight),
        inFlight: Number(r.in_flight),
        backlog: Number(r.backlog),
        inFlightLimit: r.in_flight_limit,
        consumerCount: r.consumer_count,
        deliveredTotal: num(r.delivered_total),
        ackedTotal: num(r.acked_total),
        publishedTotal: num(r.published_total),
        redeliveredTotal: num(r.redelivered_total),
        counterEpoch: r.counter_epoch,
        ackRate: r.ack_rate,
        deliverRate: r.deliver_rate,
        inflowRate: r.inflow_rate,
        redeliverRate: r.redeliver_rate,
      });
    }
    const states = await prisma.consumer.findMany({ where: { goneAt: null, ...(clusterId ? { clusterId } : {}) }, select: { id: true, state: true, stateSince: true, findings: true } });
    for (const s of states) {
      this.states.set(s.id, { state: s.state as HealthState, since: s.stateSince });
      const findings = readFindings(s.findings);
      if (findings.length) this.findingSince.set(s.id, new Map(findings.map((f) => [f.code, Date.parse(f.since)])));
    }
  }
}
