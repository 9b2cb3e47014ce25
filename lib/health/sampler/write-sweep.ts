import "server-only";
import type { BrokerKind, ConsumerReading } from "@/lib/brokers/types";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { Verdict } from "../evaluate-health";
import { absentReason, splitKey, type Expectation } from "../expected-consumers";
import type { OldestAge } from "../oldest-age";
import type { SamplePoint } from "../sample-point";
import { scoreImpact } from "../score-impact";
import { STATE_SEVERITY, type ConsumerRole, type Finding, type HealthState } from "../types";

// Bulk writes for one sweep: thousands of consumers per cluster in a handful of statements
// (unnest of arrays), the same SQL on PostgreSQL and the embedded store.

const CHUNK = 2000;

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

const big = (v: number | null) => (v === null ? null : String(Math.trunc(v)));

/** What the sweep stores of a consumer's identity: a change of any of it is written. */
const identity = (r: ConsumerReading) => `${r.parent}\u0000${r.name}\u0000${JSON.stringify(r.config)}`;

/**
 * Inserts new consumers and refreshes those whose name or configuration changed (all of them on a
 * cluster's first sweep by this leader, which also brings gone ones back); returns key → id.
 * `known` (key → id and identity, kept by the leader) is brought up to date.
 */
export async function upsertConsumers(
  prisma: PrismaClient,
  clusterId: string,
  kind: BrokerKind,
  readings: ConsumerReading[],
  at: Date,
  known: Map<string, { id: string; identity: string }> = new Map(),
): Promise<Map<string, string>> {
  const changed = readings.filter((r) => known.get(r.key)?.identity !== identity(r));
  for (const part of chunks(changed)) {
    const rows = await prisma.$queryRawUnsafe<Array<{ id: string; key: string }>>(
      `INSERT INTO "consumers" ("id", "cluster_id", "key", "kind", "parent", "name", "config", "last_seen_at", "gone_at")
       SELECT gen_random_uuid(), $1::uuid, u.k, $2::"BrokerKind", u.p, u.n, u.c::jsonb, $3::timestamptz, NULL
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS u(k, p, n, c)
       ON CONFLICT ("cluster_id", "key") DO UPDATE SET "parent" = EXCLUDED."parent", "name" = EXCLUDED."name",
         "config" = EXCLUDED."config", "last_seen_at" = EXCLUDED."last_seen_at", "gone_at" = NULL, "synthetic" = false
       RETURNING "id"::text AS id, "key"`,
      clusterId,
      kind,
      at.toISOString(),
      part.map((r) => r.key),
      part.map((r) => r.parent),
      part.map((r) => r.name),
      part.map((r) => JSON.stringify(r.config)),
    );
    const byKey = new Map(part.map((r) => [r.key, r]));
    for (const r of rows) known.set(r.key, { id: r.id, identity: identity(byKey.get(r.key)!) });
  }
  const ids = new Map<string, string>();
  for (const r of readings) {
    const k = known.get(r.key);
    if (k) ids.set(r.key, k.id);
  }
  return ids;
}

export type SweepRow = {
  id: string;
  role: ConsumerRole | null;
  reading: ConsumerReading;
  point: SamplePoint;
  verdict: Verdict;
  /** Age of the oldest waiting message: the broker's, or an estimate (flagged), with why it is not told. */
  oldest: OldestAge;
  /** The configured minimum of attached consumers, when this consumer is expected. */
  expectedMin: number | null;
  findings: Finding[];
  stateSince: Date;
  recentBacklog: number[];
  /** Seconds between this sample and the one its rates were derived from. */
  rateWindowSeconds: number | null;
  /** Last activity seen in this sweep, if any; without it the stored one stays. */
  activityAt: Date | null;
  /** How much its trouble matters now (scoreImpact). */
  impact: number;
};

/**
 * What was last written of each consumer (by id): its sample's values and minute, its row's values,
 * and the sparkline's shape and the impact score as the row last stored them.
 */
export type Written = Map<string, { sample?: string; minute?: number; born?: number | null; row?: string; spark?: string; impact?: number }>;

/**
 * A sample is written when a value changed, and at least once a minute (so every minute has a rollup
 * and a chart point). The oldest message's age grows with the clock while that message waits: it
 * counts as changed when the message's arrival time it implies moved by more than a few seconds.
 */
const BORN_SLACK_SECONDS = 2;
const bornAt = (r: SweepRow, at: Date) => (r.oldest.estimated || r.oldest.seconds === null ? null : at.getTime() / 1000 - r.oldest.seconds);
export const sampleValues = (r: SweepRow) => [
  r.point.backlog, r.point.inFlight, r.point.inFlightLimit, r.point.consumerCount,
  r.point.deliveredTotal, r.point.ackedTotal, r.point.publishedTotal, r.point.redeliveredTotal, r.point.counterEpoch,
  r.point.ackRate, r.point.deliverRate, r.point.inflowRate, r.point.redeliverRate,
];

/**
 * The rate window as the row compares it: to the second while something moves; while every rate is
 * zero, only that it is (a queue where nothing moved reads 0/s over any window, and the window
 * follows the spacing of sweeps, which varies whenever one overruns the interval).
 */
export function rateWindowKey(r: Pick<SweepRow, "point" | "rateWindowSeconds">): number | "still" | null {
  if (r.rateWindowSeconds === null) return null;
  const { ackRate, deliverRate, inflowRate, redeliverRate } = r.point;
  const still = [ackRate, deliverRate, inflowRate, redeliverRate].every((v) => v === null || v === 0);
  return still ? "still" : Math.round(r.rateWindowSeconds);
}

/**
 * The consumer row's values but the sampling time (the rate window as rateWindowKey compares it: it
 * jitters with every tick), the sparkline and the impact score (compared on their own, below).
 */
const rowValues = (r: SweepRow) => [
  r.verdict.state, r.verdict.reason, r.stateSince.getTime(), r.point.backlog, r.point.pending, r.point.inFlight, r.point.inFlightLimit, r.point.consumerCount,
  r.point.ackRate, r.point.deliverRate, r.point.inflowRate, r.point.redeliverRate, rateWindowKey(r),
  r.verdict.etaSeconds, r.reading.redeliveredNow, r.activityAt?.getTime() ?? null, r.oldest.seconds, r.role, r.oldest.estimated, r.oldest.note,
  r.expectedMin, r.findings,
];

/**
 * The sparkline as a chart draws it (components/charts/sparkline.tsx): nothing under two readings,
 * and a level series is the same flat line however many readings it has. Only a change of what is
 * drawn rewrites the row; the stored readings then catch up with the window.
 */
export function sparklineShape(values: readonly number[]): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return "";
  return finite.every((v) => v === finite[0]) ? `level ${finite[0]}` : JSON.stringify(finite);
}

/**
 * The impact score's time-in-state term creeps up every sweep while nothing else changes: a rise of
 * less than this (from the score last stored) leaves the row; any fall, or a rise by this much, is written.
 */
export const IMPACT_STEP = 0.1;
const impactMoved = (now: number, stored: number | undefined) => stored === undefined || now < stored || Math.round((now - stored) * 100) >= Math.round(IMPACT_STEP * 100);

/**
 * Writes what changed since the last sweep: a sample for each consumer whose values changed (or
 * whose last sample is from an earlier minute), and the row of each consumer whose state, figures or
 * findings changed. `written` (kept by the leader) says what was written last; without it, all is.
 * A row's "last_sampled_at" is when it last changed; its cluster's says when it was last swept.
 */
export async function writeSamples(
  prisma: PrismaClient,
  rows: SweepRow[],
  at: Date,
  written: Written = new Map(),
): Promise<{ samples: number; rows: number; ms: { compare: number; samples: number; rows: number } }> {
  const started = performance.now();
  const minute = Math.floor(at.getTime() / 60_000);
  const keys = rows.map((r) => ({ sample: JSON.stringify(sampleValues(r)), row: JSON.stringify(rowValues(r)) }));
  const born = rows.map((r) => bornAt(r, at));
  const samples = rows.filter((r, i) => {
    const w = written.get(r.id);
    if (w?.sample !== keys[i]!.sample || w.minute !== minute || w.born === undefined) return true;
    const b = born[i]!;
    return b === null || w.born === null ? b !== w.born : Math.abs(b - w.born) > BORN_SLACK_SECONDS;
  });
  const sampled = new Set(samples.map((r) => r.id));
  const sparks = rows.map((r) => sparklineShape(r.recentBacklog));
  const changed = rows.filter((r, i) => {
    const w = written.get(r.id);
    return w?.row !== keys[i]!.row || w.spark !== sparks[i] || impactMoved(r.impact, w.impact);
  });
  const rewritten = new Set(changed.map((r) => r.id));
  const compared = performance.now();
  for (const part of chunks(samples)) {
    await prisma.$executeRawUnsafe(
      `INSERT INTO "consumer_samples" ("consumer_id", "taken_at", "backlog", "in_flight", "in_flight_limit", "consumer_count",
         "delivered_total", "acked_total", "published_total", "redelivered_total", "counter_epoch",
         "ack_rate", "deliver_rate", "inflow_rate", "redeliver_rate", "oldest_age_seconds")
       SELECT u.id, $1::timestamptz, u.backlog, u.in_flight, u.lim, u.cc, u.dt, u.at, u.pt, u.rt, u.ep, u.ar, u.dr, u.ir, u.rr, u.oa
       FROM unnest($2::uuid[], $3::int8[], $4::int8[], $5::int4[], $6::int4[], $7::int8[], $8::int8[], $9::int8[], $10::int8[],
                   $11::text[], $12::float4[], $13::float4[], $14::float4[], $15::float4[], $16::int4[])
         AS u(id, backlog, in_flight, lim, cc, dt, at, pt, rt, ep, ar, dr, ir, rr, oa)
       ON CONFLICT DO NOTHING`,
      at.toISOString(),
      part.map((r) => r.id),
      part.map((r) => big(r.point.backlog)),
      part.map((r) => big(r.point.inFlight)),
      part.map((r) => r.point.inFlightLimit),
      part.map((r) => r.point.consumerCount),
      part.map((r) => big(r.point.deliveredTotal)),
      part.map((r) => big(r.point.ackedTotal)),
      part.map((r) => big(r.point.publishedTotal)),
      part.map((r) => big(r.point.redeliveredTotal)),
      part.map((r) => r.point.counterEpoch),
      part.map((r) => r.point.ackRate),
      part.map((r) => r.point.deliverRate),
      part.map((r) => r.point.inflowRate),
      part.map((r) => r.point.redeliverRate),
      // Charted from the broker's own figure only: an estimate is shown as one on the row, never plotted as a measurement.
      part.map((r) => (r.oldest.estimated ? null : r.oldest.seconds)),
    );
  }
  const inserted = performance.now();
  for (const part of chunks(changed)) {
    await prisma.$executeRawUnsafe(
      `UPDATE "consumers" AS c SET "state" = u.state, "severity" = u.sev, "state_reason" = u.reason, "state_since" = u.since,
         "backlog" = u.backlog, "pending" = u.pending, "in_flight" = u.in_flight, "in_flight_limit" = u.lim, "consumer_count" = u.cc,
         "ack_rate" = u.ar, "deliver_rate" = u.dr, "inflow_rate" = u.ir, "redeliver_rate" = u.rr, "rate_window_seconds" = u.win,
         "eta_seconds" = u.eta, "redelivered_now" = u.rn, "last_activity_at" = COALESCE(u.act, c."last_activity_at"), "oldest_age_seconds" = u.oldest,
         "last_sampled_at" = $1::timestamptz, "recent_backlog" = u.recent::jsonb, "role" = u.role,
         "oldest_age_estimated" = u.oest, "oldest_age_note" = u.onote, "expected_min" = u.emin, "findings" = u.findings::jsonb, "impact" = u.impact
       FROM unnest($2::uuid[], $3::text[], $4::int4[], $5::text[], $6::timestamptz[], $7::int8[], $8::int8[], $9::int8[], $10::int4[], $11::int4[],
                   $12::float8[], $13::float8[], $14::float8[], $15::float8[], $16::float8[], $17::float8[], $18::int8[], $19::timestamptz[], $20::int4[], $21::text[], $22::text[],
                   $23::bool[], $24::text[], $25::int4[], $26::text[], $27::float8[])
         AS u(id, state, sev, reason, since, backlog, pending, in_flight, lim, cc, ar, dr, ir, rr, win, eta, rn, act, oldest, recent, role, oest, onote, emin, findings, impact)
       WHERE c."id" = u.id`,
      at.toISOString(),
      part.map((r) => r.id),
      part.map((r) => r.verdict.state),
      part.map((r) => STATE_SEVERITY[r.verdict.state]),
      part.map((r) => r.verdict.reason),
      part.map((r) => r.stateSince.toISOString()),
      part.map((r) => big(r.point.backlog)),
      part.map((r) => big(r.point.pending)),
      part.map((r) => big(r.point.inFlight)),
      part.map((r) => r.point.inFlightLimit),
      part.map((r) => r.point.consumerCount),
      part.map((r) => r.point.ackRate),
      part.map((r) => r.point.deliverRate),
      part.map((r) => r.point.inflowRate),
      part.map((r) => r.point.redeliverRate),
      part.map((r) => r.rateWindowSeconds),
      part.map((r) => r.verdict.etaSeconds),
      part.map((r) => big(r.reading.redeliveredNow)),
      part.map((r) => r.activityAt?.toISOString() ?? null),
      part.map((r) => r.oldest.seconds),
      part.map((r) => JSON.stringify(r.recentBacklog)),
      part.map((r) => r.role),
      part.map((r) => r.oldest.estimated),
      part.map((r) => r.oldest.note),
      part.map((r) => r.expectedMin),
      part.map((r) => JSON.stringify(r.findings)),
      part.map((r) => r.impact),
    );
  }
  const updated = performance.now();
  rows.forEach((r, i) => {
    const w = written.get(r.id);
    // The arrival time last stored stays the reference until a sample is written again.
    const b = sampled.has(r.id) || !w ? born[i]! : (w.born ?? null);
    // The sparkline and impact last stored stay the reference until the row is written again.
    const stored = rewritten.has(r.id) || !w ? { spark: sparks[i]!, impact: r.impact } : { spark: w.spark, impact: w.impact };
    written.set(r.id, { sample: keys[i]!.sample, minute: sampled.has(r.id) || !w ? minute : w.minute, born: b, row: keys[i]!.row, ...stored });
  });
  const ms = { compare: Math.round(compared - started + (performance.now() - updated)), samples: Math.round(inserted - compared), rows: Math.round(updated - inserted) };
  return { samples: samples.length, rows: changed.length, ms };
}

/**
 * Consumers of a cluster that a sweep no longer found: kept, with their history, and marked gone —
 * except the `keep` keys (expected ones, MISSING instead). With `known` (the leader's keys of the
 * consumers it saw last sweep, at `previous`), the ones that disappeared since are found in memory;
 * without it (a leader's first sweep, which upserted every consumer seen), by the store.
 */
export async function markGone(prisma: PrismaClient, clusterId: string, at: Date, keep: string[] = [], seen?: { keys: Set<string>; known: Map<string, { id: string }>; previous: Date | null }): Promise<string[]> {
  if (!seen || !seen.previous) {
    const gone = await prisma.consumer.findMany({ where: { clusterId, goneAt: null, lastSeenAt: { lt: at }, ...(keep.length ? { key: { notIn: keep } } : {}) }, select: { id: true } });
    if (gone.length) await prisma.consumer.updateMany({ where: { id: { in: gone.map((g) => g.id) } }, data: { goneAt: at } });
    return gone.map((g) => g.id);
  }
  const kept = new Set(keep);
  const vanished = [...seen.known].filter(([key]) => !seen.keys.has(key));
  // Placeholders of expected consumers (never read from the broker) that are no longer expected, or that a real consumer now matches.
  const placeholders = await prisma.consumer.findMany({ where: { clusterId, goneAt: null, synthetic: true, ...(keep.length ? { key: { notIn: keep } } : {}) }, select: { id: true } });
  if (placeholders.length) await prisma.consumer.updateMany({ where: { id: { in: placeholders.map((p) => p.id) } }, data: { goneAt: at } });
  if (!vanished.length) return placeholders.map((p) => p.id);
  const gone = [...vanished.filter(([key]) => !kept.has(key)).map(([, k]) => k.id)];
  const expected = vanished.filter(([key]) => kept.has(key)).map(([, k]) => k.id);
  // Last seen by the previous sweep (a row is not written while it stays as it was).
  if (gone.length) await prisma.consumer.updateMany({ where: { id: { in: gone }, goneAt: null }, data: { goneAt: at, lastSeenAt: seen.previous } });
  if (expected.length) await prisma.consumer.updateMany({ where: { id: { in: expected } }, data: { lastSeenAt: seen.previous } });
  for (const [key] of vanished) seen.known.delete(key);
  return [...gone, ...placeholders.map((p) => p.id)];
}

/** A cluster that could not be read: its consumers keep their last values, and say why they are UNKNOWN. */
export async function writeVerdicts(prisma: PrismaClient, rows: Array<{ id: string; verdict: Verdict; stateSince: Date; impact: number }>): Promise<void> {
  for (const part of chunks(rows)) {
    await prisma.$executeRawUnsafe(
      `UPDATE "consumers" AS c SET "state" = u.state, "severity" = u.sev, "state_reason" = u.reason, "state_since" = u.since, "eta_seconds" = NULL, "impact" = u.impact
       FROM unnest($1::uuid[], $2::text[], $3::int4[], $4::text[], $5::timestamptz[], $6::float8[]) AS u(id, state, sev, reason, since, impact)
       WHERE c."id" = u.id`,
      part.map((r) => r.id),
      part.map((r) => r.verdict.state),
      part.map((r) => STATE_SEVERITY[r.verdict.state]),
      part.map((r) => r.verdict.reason),
      part.map((r) => r.stateSince.toISOString()),
      part.map((r) => r.impact),
    );
  }
}

/**
 * Expected consumers the broker does not have: the row of one that existed keeps its history and
 * comes back from gone; one never seen gets a placeholder row (synthetic) keyed by its name or
 * pattern. Either is MISSING, with why. `mark` records the state and returns since when.
 */
export async function writeMissing(prisma: PrismaClient, clusterId: string, kind: BrokerKind, unmet: Expectation[], at: Date, mark: (id: string, state: HealthState) => Date): Promise<void> {
  if (!unmet.length) return;
  const keys = unmet.map((e) => e.key);
  const before = new Map((await prisma.consumer.findMany({ where: { clusterId, key: { in: keys } }, select: { key: true, goneAt: true, lastSeenAt: true, synthetic: true, backlog: true } })).map((r) => [r.key, r]));
  const rows = await prisma.$queryRawUnsafe<Array<{ id: string; key: string }>>(
    `INSERT INTO "consumers" ("id", "cluster_id", "key", "kind", "parent", "name", "synthetic", "last_seen_at", "gone_at")
     SELECT gen_random_uuid(), $1::uuid, u.k, $2::"BrokerKind", u.p, u.n, true, $3::timestamptz, NULL
     FROM unnest($4::text[], $5::text[], $6::text[]) AS u(k, p, n)
     ON CONFLICT ("cluster_id", "key") DO UPDATE SET "gone_at" = NULL
     RETURNING "id"::text AS id, "key"`,
    clusterId,
    kind,
    at.toISOString(),
    keys,
    keys.map((k) => splitKey(k).parent),
    keys.map((k) => splitKey(k).name),
  );
  const ids = new Map(rows.map((r) => [r.key, r.id]));
  const updates = unmet.flatMap((e) => {
    const id = ids.get(e.key);
    if (!id) return [];
    const prev = before.get(e.key);
    // A consumer seen before says since when it is gone; a placeholder was never there.
    const goneSince = prev && !prev.synthetic ? (prev.goneAt ?? prev.lastSeenAt) : null;
    const since = mark(id, "MISSING");
    const impact = scoreImpact({ state: "MISSING", backlog: Number(prev?.backlog ?? 0), growthPerSecond: null, secondsInState: (at.getTime() - since.getTime()) / 1000 });
    return [{ id, reason: absentReason(e, goneSince), min: e.minConsumers, since, impact }];
  });
  await prisma.$executeRawUnsafe(
    `UPDATE "consumers" AS c SET "state" = 'MISSING', "severity" = $1, "state_reason" = u.reason, "state_since" = u.since, "expected_min" = u.min,
       "consumer_count" = 0, "eta_seconds" = NULL, "oldest_age_seconds" = NULL, "oldest_age_note" = NULL, "oldest_age_estimated" = false,
       "findings" = '[]'::jsonb, "last_sampled_at" = $2::timestamptz, "impact" = u.impact
     FROM unnest($3::uuid[], $4::text[], $5::int4[], $6::timestamptz[], $7::float8[]) AS u(id, reason, min, since, impact)
     WHERE c."id" = u.id`,
    STATE_SEVERITY.MISSING,
    at.toISOString(),
    updates.map((u) => u.id),
    updates.map((u) => u.reason),
    updates.map((u) => u.min),
    updates.map((u) => u.since.toISOString()),
    updates.map((u) => u.impact),
  );
}
