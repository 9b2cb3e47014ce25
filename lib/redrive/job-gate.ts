import "server-only";
import { LAST_SAMPLED_SQL } from "@/lib/health/last-sampled";
import { sampleRowsSql } from "@/lib/health/sample-rows";
import { auditTarget } from "@/lib/audit/actions";
import { withAudit } from "@/lib/audit/record-audit";
import { BROKER_LABELS, type BrokerKind } from "@/lib/brokers/contracts";
import type { RedriveConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import { decideCanary } from "./decide-canary";
import { decideGate, sentCountCap, type WatchedConsumer } from "./decide-gate";
import { LETTER_OUTCOMES } from "./types";

// A requeue job checks its own work while it runs. Before each chunk the runner asks the gate:
// the canary (first letters alone, then wait for the verdict), the bounce rate of what it sent,
// and the state of the consumers its letters go to. The gate pauses the job (as Redrive, audited,
// with one sentence saying why), holds it while the canary settles, or lifts its own pause once
// the destination has been healthy for as long as the job asked.


/** A consumer's latest sample (`and` may bound its time by $2): the newest of its rows and of its last packed hour. */
const LAST_SAMPLE_SQL = (and: string) =>
  `SELECT "acked_total" AS "ackedTotal", "backlog" FROM ${sampleRowsSql(`"consumer_id" = $1::uuid ${and}`,
    `"consumer_id" = $1::uuid AND "span" = (SELECT max("span") FROM "consumer_sample_spans" WHERE "consumer_id" = $1::uuid ${and.replace('"taken_at"', '"span"')})`)} s
   ORDER BY "taken_at" DESC LIMIT 1`;

/** What the runner does with the gate's answer: wait this long and ask again, or send at most `limit` letters next. */
export type JobGateStep = { holdMs?: number; limit?: number };
export type JobGate = (job: { id: string; state: string }) => Promise<JobGateStep | null>;

/** The actor of what a job does by itself. */
const SYSTEM_ACTOR = "redrive";
/** How often a running job's health is judged, at most, and a paused one's (for auto-resume). */
const RUNNING_EVERY_MS = 1000;
const PAUSED_EVERY_MS = 3000;
/** The consumers a job watches are worked out again after this long. */
const WATCHED_TTL_MS = 60_000;
/** Consumer states the sampler reports this soon after the start (or a resume) are read from before it (decide-gate.ts). */
const STATE_GRACE_MS = 30_000;

type JobRow = {
  id: string;
  number: bigint;
  state: string;
  action: string;
  startedAt: Date | null;
  destination: string | null;
  pausedBy: string | null;
  watchSince: Date | null;
  bounceThreshold: number | null;
  bounceMinSent: number | null;
  autoResumeMinutes: number | null;
  canarySize: number | null;
  canaryState: string | null;
  canarySentAt: Date | null;
  /** Set while the job is still claiming its letters. */
  claimUntil: Date | null;
};

type ConsumerRow = { id: string; kind: BrokerKind; parent: string; name: string; state: string; state_since: Date; state_reason: string; cluster: string };

export function createJobGate(deps: {
  prisma: PrismaClient;
  redrive: RedriveConfig["redrive"];
  log?: (level: "info" | "warn", message: string, context?: Record<string, unknown>) => void;
  now?: () => Date;
}): JobGate {
  const p = deps.prisma;
  const now = deps.now ?? (() => new Date());
  const lastAsked = new Map<string, number>();
  const watched = new Map<string, { at: number; ids: string[] }>();
  /** Jobs with no canary left to send or judge: between judgements they cost no query at all. */
  const noCanary = new Set<string>();

  /**
   * Where a job's letters come from and go to, (cluster, source) and (cluster, destination): read
   * from its letters, which for a large job is every letter it holds, so kept once the job has
   * claimed them all (they cannot change after); while it is still claiming, read again each time.
   */
  const targetsOf = new Map<string, { clusters: string[]; keys: string[] }>();
  async function jobTargets(job: JobRow): Promise<{ clusters: string[]; keys: string[] }> {
    const kept = targetsOf.get(job.id);
    if (kept) return kept;
    const rows = await p.$queryRawUnsafe<Array<{ cluster_id: string; key: string }>>(
      `SELECT DISTINCT d."cluster_id"::text AS cluster_id, d."source" AS key FROM "redrive_job_letters" jl JOIN "dead_letters" d ON d."id" = jl."letter_id" WHERE jl."job_id" = $1::uuid
       UNION SELECT DISTINCT d."cluster_id"::text, COALESCE($2::text, d."destination") FROM "redrive_job_letters" jl JOIN "dead_letters" d ON d."id" = jl."letter_id" WHERE jl."job_id" = $1::uuid`,
      job.id,
      job.destination,
    );
    const targets = { clusters: rows.map((r) => r.cluster_id), keys: rows.map((r) => r.key) };
    if (job.claimUntil === null) {
      // A finished job is not asked about again: a long-lived server drops the kept ones now and then (read again if needed).
      if (targetsOf.size >= 1000) targetsOf.clear();
      targetsOf.set(job.id, targets);
    }
    return targets;
  }

  /** The application consumers the job's letters go to: the ones they died in, and (RabbitMQ) the queue they are sent to. */
  async function watchedConsumers(job: JobRow): Promise<ConsumerRow[]> {
    let w = watched.get(job.id);
    if (!w || Date.now() - w.at > WATCHED_TTL_MS) {
      const t = await jobTargets(job);
      const rows = await p.$queryRawUnsafe<Array<{ id: string }>>(
        `SELECT c."id"::text AS id FROM "consumers" c JOIN unnest($1::uuid[], $2::text[]) AS t("cluster_id", "key") ON t."cluster_id" = c."cluster_id" AND t."key" = c."key"
         WHERE c."gone_at" IS NULL AND c."role" IS NULL`,
        t.clusters,
        t.keys,
      );
      w = { at: Date.now(), ids: rows.map((r) => r.id) };
      watched.set(job.id, w);
    }
    if (w.ids.length === 0) return [];
    return p.$queryRawUnsafe<ConsumerRow[]>(
      `SELECT c."id"::text AS id, c."kind"::text AS kind, c."parent", c."name", c."state", c."state_since", c."state_reason", cl."name" AS cluster
       FROM "consumers" c JOIN "clusters" cl ON cl."id" = c."cluster_id" WHERE c."id" = ANY($1::uuid[])`,
      w.ids,
    );
  }

  const label = (c: ConsumerRow) => `${BROKER_LABELS[c.kind].consumer} ${c.name} (${BROKER_LABELS[c.kind].parent} ${c.parent}) on ${c.cluster}`;

  async function bounces(jobId: string, since: Date | null, maxSeq: number | null): Promise<{ bounced: number; reason: string | null; lastAt: Date | null }> {
    const rows = await p.$queryRawUnsafe<Array<{ reason: string; n: bigint; last: Date }>>(
      `SELECT b."reason", count(DISTINCT b."bounced_from_letter_id") AS n, max(b."captured_at") AS last
       FROM "dead_letters" b JOIN "redrive_job_letters" jl ON jl."job_id" = b."bounced_from_job_id" AND jl."letter_id" = b."bounced_from_letter_id"
       WHERE b."bounced_from_job_id" = $1::uuid AND ($2::timestamptz IS NULL OR jl."finished_at" >= $2::timestamptz) AND ($3::int IS NULL OR jl."seq" <= $3::int)
       GROUP BY 1 ORDER BY 2 DESC`,
      jobId,
      since?.toISOString() ?? null,
      maxSeq,
    );
    const last = rows.reduce<Date | null>((m, r) => (m === null || r.last > m ? r.last : m), null);
    return { bounced: rows.reduce((n, r) => n + Number(r.n), 0), reason: rows[0]?.reason ?? null, lastAt: last };
  }

  /**
   * The job's letters the broker confirmed since `since`, counted up to `cap` (null: all). A job of a
   * million letters is judged every second: counting them all each time would read every letter it
   * sent so far, every second (150 ms at a million), for a figure only its ratio to the bounces needs.
   */
  async function sentSince(jobId: string, since: Date, cap: number | null): Promise<number> {
    const [r] = await p.$queryRawUnsafe<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM "redrive_job_letters" WHERE "job_id" = $1::uuid AND "outcome" = 'done' AND "finished_at" >= $2::timestamptz LIMIT $3::int
       ) sent`,
      jobId,
      since.toISOString(),
      cap,
    );
    return r?.n ?? 0;
  }

  async function pause(job: JobRow, by: "gate" | "canary", reason: string, canary?: { state: string; detail: string }): Promise<void> {
    await withAudit(
      p,
      { actor: SYSTEM_ACTOR, address: null, action: "job.auto-pause", target: auditTarget.job(job.id), request: { job: job.id, by, reason } },
      async () => {
        await p.redriveJob.updateMany({
          where: { id: job.id, state: "running" },
          data: {
            state: "paused",
            pausedBy: by,
            pausedReason: reason,
            pausedAt: now(),
            ...(canary ? { canaryState: canary.state, canaryDetail: canary.detail } : {}),
          },
        });
      },
    );
    deps.log?.("warn", "job paused itself", { job: job.id, reason });
  }

  /** The canary's step, or null once it has passed (or the job has none). */
  async function canary(job: JobRow): Promise<JobGateStep | null> {
    const size = job.canarySize;
    if (size === null || job.canaryState === "passed" || job.canaryState === "failed") return null;
    const [c] = await p.$queryRawUnsafe<Array<{ taken: bigint; settled: bigint; done: bigint; last: Date | null }>>(
      `SELECT count(*) FILTER (WHERE "outcome" <> 'pending') AS taken, count(*) FILTER (WHERE "outcome" NOT IN ('pending', 'in_flight')) AS settled, count(*) FILTER (WHERE "outcome" = 'done') AS done, max("finished_at") AS last
       FROM "redrive_job_letters" WHERE "job_id" = $1::uuid AND "outcome" = ANY($3::text[]) AND "seq" <= $2`,
      job.id,
      size,
      // Every outcome, named: the (job, outcome, seq) index then reads the canary's letters alone,
      // one range an outcome, where seq alone left the planner a walk of every letter of the job.
      LETTER_OUTCOMES,
    );
    const settled = Number(c?.settled ?? 0);
    const sentAt = settled >= size ? (job.canarySentAt ?? c?.last ?? now()) : null;
    if (sentAt && !job.canarySentAt) await p.redriveJob.update({ where: { id: job.id }, data: { canarySentAt: sentAt, canaryState: "waiting" } });
    const b = await bounces(job.id, null, size);
    const consumed = sentAt ? await consumedSince(job, sentAt, Number(c?.done ?? 0)) : false;
    const d = decideCanary({
      now: now(),
      size,
      taken: Number(c?.taken ?? 0),
      settled,
      done: Number(c?.done ?? 0),
      bounced: b.bounced,
      bounceReason: b.reason,
      sentAt,
      consumed,
      settleMs: deps.redrive.canary.settleSeconds * 1000,
      timeoutMs: deps.redrive.canary.timeoutSeconds * 1000,
    });
    switch (d.kind) {
      case "send":
        return { limit: Math.max(1, d.limit) };
      case "wait":
        await p.redriveJob.updateMany({ where: { id: job.id, canaryState: { in: ["waiting"] } }, data: { canaryDetail: d.detail } });
        return { holdMs: RUNNING_EVERY_MS };
      case "pass":
        await withAudit(
          p,
          { actor: SYSTEM_ACTOR, address: null, action: "job.canary-pass", target: auditTarget.job(job.id), request: { job: job.id, canary: size } },
          async () => {
            await p.redriveJob.update({ where: { id: job.id }, data: { canaryState: "passed", canaryDetail: d.detail } });
          },
        );
        return null;
      case "fail":
        await pause(job, "canary", d.detail, { state: "failed", detail: d.detail });
        return { holdMs: 0 };
    }
  }

  /**
   * Whether the watched consumers show the canary consumed, in a sample taken after it went out:
   * their acks advanced by at least as many letters since the job started, or their backlog is empty.
   */
  async function consumedSince(job: JobRow, sentAt: Date, done: number): Promise<boolean> {
    const consumers = await watchedConsumers(job);
    if (consumers.length === 0) return false;
    const start = job.startedAt ?? sentAt;
    let acked = 0;
    let empty = true;
    for (const c of consumers) {
      // A sample is stored only when a value changed: the latest one holds until the consumer's last reading.
      const [before, after, read] = await Promise.all([
        p.$queryRawUnsafe<Array<{ ackedTotal: bigint | null }>>(LAST_SAMPLE_SQL("AND \"taken_at\" <= $2::timestamptz"), c.id, start.toISOString()).then((r) => r[0]),
        p.$queryRawUnsafe<Array<{ ackedTotal: bigint | null; backlog: bigint }>>(LAST_SAMPLE_SQL(""), c.id).then((r) => r[0]),
        p.$queryRawUnsafe<Array<{ at: Date | null }>>(`SELECT ${LAST_SAMPLED_SQL} AS at FROM "consumers" c JOIN "clusters" cl ON cl."id" = c."cluster_id" WHERE c."id" = $1::uuid`, c.id),
      ]);
      const readAt = read[0]?.at ?? null;
      if (!after || readAt === null || readAt <= sentAt) return false;
      if (after.backlog > BigInt(0)) empty = false;
      if (before?.ackedTotal != null && after.ackedTotal != null && after.ackedTotal >= before.ackedTotal)
        acked += Number(after.ackedTotal - before.ackedTotal);
    }
    return empty || acked >= done;
  }

  async function health(job: JobRow): Promise<JobGateStep | null> {
    const since = job.watchSince ?? job.startedAt ?? now();
    const consumers = await watchedConsumers(job);
    const running = job.state === "running";
    const threshold = job.bounceThreshold ?? deps.redrive.bounceThresholdPercent / 100;
    const minSent = job.bounceMinSent ?? deps.redrive.bounceMinSent;
    const b = await bounces(job.id, running ? since : null, null);
    // The letters sent matter only against letters that came back: none back, no count at all.
    const sent = running && b.bounced > 0 ? await sentSince(job.id, since, sentCountCap(b.bounced, threshold, minSent)) : 0;
    const d = decideGate({
      now: now(),
      state: running ? "running" : "paused",
      pausedBy: job.pausedBy,
      watchSince: since,
      stateGraceMs: STATE_GRACE_MS,
      sent,
      bounced: b.bounced,
      bounceReason: b.reason,
      threshold,
      minSent,
      consumers: consumers.map((c): WatchedConsumer => ({ label: label(c), state: c.state, since: c.state_since, reason: c.state_reason })),
      autoResumeMs: job.autoResumeMinutes === null ? null : job.autoResumeMinutes * 60_000,
      lastBounceAt: b.lastAt,
    });
    switch (d.kind) {
      case "go":
      case "stay":
        return null;
      case "pause":
        await pause(job, "gate", d.reason);
        return { holdMs: 0 };
      case "resume":
        await withAudit(
          p,
          { actor: SYSTEM_ACTOR, address: null, action: "job.auto-resume", target: auditTarget.job(job.id), request: { job: job.id, reason: d.reason } },
          async () => {
            await p.redriveJob.updateMany({
              where: { id: job.id, state: "paused", pausedBy: { in: ["gate", "canary"] } },
              data: { state: "running", pausedBy: null, pausedReason: null, pausedAt: null, watchSince: now() },
            });
          },
        );
        deps.log?.("info", "job resumed itself", { job: job.id, reason: d.reason });
        return { holdMs: 0 };
    }
  }

  return async ({ id, state }) => {
    if (state !== "running" && state !== "paused") {
      // Ending (or ended): nothing more to judge; what was kept for it goes.
      for (const m of [lastAsked, watched, targetsOf]) m.delete(id);
      noCanary.delete(id);
      return null;
    }
    const t = Date.now();
    const every = state === "running" ? RUNNING_EVERY_MS : PAUSED_EVERY_MS;
    if ((noCanary.has(id) || state !== "running") && t - (lastAsked.get(id) ?? 0) < every) return null;
    const job = await p.redriveJob.findUnique({
      where: { id },
      select: {
        id: true,
        number: true,
        state: true,
        action: true,
        startedAt: true,
        destination: true,
        pausedBy: true,
        watchSince: true,
        bounceThreshold: true,
        bounceMinSent: true,
        autoResumeMinutes: true,
        canarySize: true,
        canaryState: true,
        canarySentAt: true,
        claimUntil: true,
      },
    });
    if (!job || job.action !== "requeue") return null;
    // While a canary is being sent, every chunk is capped; otherwise health is judged at most once a second.
    const inCanary = job.canarySize !== null && job.canaryState !== "passed" && job.canaryState !== "failed" && state === "running";
    if (!inCanary && job.canaryState !== "waiting") noCanary.add(id);
    if (!inCanary && t - (lastAsked.get(id) ?? 0) < every) return null;
    lastAsked.set(id, t);
    try {
      if (inCanary) {
        const step = await canary(job);
        if (step) return step;
      }
      return await health(job);
    } catch (e) {
      // The gate is a safety net, not a precondition: a job keeps its pace while its health cannot be read, and says so in the log.
      deps.log?.("warn", "could not judge the job's health", { job: id, error: describeError(e) });
      // A canary not yet judged holds the job: sending the rest unjudged is what a canary is there to prevent.
      return inCanary ? { holdMs: RUNNING_EVERY_MS } : null;
    }
  };
}
