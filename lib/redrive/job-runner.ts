import "server-only";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { PREVIOUS_ATTEMPT_AT_SQL } from "@/lib/audit/job-letter-rows";
import { recordJobEnd } from "@/lib/audit/record-job-end";
import { recordRecoveredOutcomes } from "@/lib/audit/record-recovered-outcomes";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import type { LetterPublisher, OutgoingLetter, PublishResult } from "@/lib/brokers/publisher";
import { BROKER_CAPABILITIES, kindsWith, unknownKind, type BrokerKind } from "@/lib/brokers/contracts";
import { getConfig } from "@/lib/config";
import { chunkIntentsSql, chunkNotSentSql, chunkOutcomesSql } from "./chunk-statements";
import { claimLetters } from "./claim-letters";
import { jobStartSignal } from "./job-start-signal";
import { selection } from "./start-job";
import type { JobAction, JobScope } from "./types";
import type { JobGate } from "./job-gate";

// Runs jobs. Any replica may run a job: it takes a lease on it and renews it; when a process dies
// its lease lapses and another (or the restarted one) takes over. Letters go through in chunks:
// a chunk's audit intent (one chained row naming its letters) and "in flight" are written in one
// statement before the broker is touched; its outcome row and the letters' states after, in one
// statement too (no transaction held open across round trips, so none can expire under load).
// On shutdown a runner sends nothing new, waits for the confirms of what it sent (up to a
// deadline), records them, and hands its leases back at once so another replica resumes the job.

const LEASE_MS = 15_000;
/** How often a runner looks for work: a lease handed back on shutdown is taken within this. */
const POLL_MS = 500;
const DEFAULT_DEADLINE_MS = 20_000;
/**
 * Letters a large job claims at a time while it runs (see claim-letters.ts), at most. Its start
 * claimed one chunk's worth; the batches grow from there (as many as it has claimed, at least
 * CLAIM_FIRST_BATCH), so the second chunk is not held behind a claim of thousands.
 */
const CLAIM_BATCH = 5000;
const CLAIM_FIRST_BATCH = 1000;
/** Chunks sent or recording their outcomes while the next one is taken (see run()). */
const PIPELINE_DEPTH = 2;
/** The longest wait between tries to record outcomes while the store is away. */
const OUTCOME_RETRY_MAX_MS = 5000;

export type RunnerDeps = {
  prisma: PrismaClient;
  /** A publisher for the cluster a letter belongs to (one per job, closed when the job stops). */
  publisherFor: (clusterName: string) => Promise<LetterPublisher>;
  maxInFlight: number;
  /** How long a job's lease lasts without renewal (default 15 s); another runner takes over after it. */
  leaseMs?: number;
  /** Redrives after which a letter is poison, for the letters a large job claims as it runs (default: the configuration's). */
  poisonAfter?: number;
  log?: (level: "info" | "warn", message: string, context?: Record<string, unknown>) => void;
  /** Asked before each chunk (job-gate.ts): may pause the job, hold it while its canary settles, or cap the next chunk. */
  gate?: JobGate;
};

type LetterRow = {
  letter_id: string;
  kind: BrokerKind;
  cluster: string;
  destination: string;
  payload: Uint8Array | null;
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
  raw_headers: Record<string, unknown> | null;
  redrive_count: number;
  /** Set for a letter whose earlier attempt may have landed (JetStream): when the first attempt was recorded. */
  previous_attempt_at: Date | null;
};

type Job = {
  id: string;
  action: string;
  state: string;
  rate: number;
  destination: string | null;
  edit: unknown;
  createdBy: string;
  scope: unknown;
  includePoison: boolean;
  /** Set while letters in scope remain to be claimed (a large job claims them in batches as it runs). */
  claimUntil: Date | null;
  /** Letters claimed so far. */
  claimed: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A publish result, and whether it comes from the runner shutting down rather than from the broker. */
type RunResult = PublishResult & { shutdown?: boolean };
const DEADLINE = Symbol("shutdown deadline passed");
const SHUTDOWN_NOT_SENT = "Redrive was shutting down before this letter was sent; the replica that takes the job over sends it";

/** What a publish whose confirm had not come by the shutdown deadline is recorded as. */
function abandoned(kind: LetterRow["kind"]): RunResult {
  switch (kind) {
    case "rabbitmq":
      return { outcome: "unknown", shutdown: true, detail: "Redrive shut down before RabbitMQ confirmed the publish (shutdown deadline passed); not retried, so it cannot be doubled. Check the destination, then retry." };
    case "nats":
      // JetStream deduplicates the same Nats-Msg-Id: the next runner sends it again, safely.
      return { outcome: "not_sent", mayHaveLanded: true, shutdown: true, detail: "Redrive shut down before JetStream acknowledged the publish; sent again under the same Nats-Msg-Id, which JetStream deduplicates" };
    default:
      return unknownKind(kind);
  }
}
/** A counting semaphore over publishes awaiting their confirms; waiters are served in order. */
class Permits {
  private readonly waiters: Array<() => void> = [];
  constructor(private free: number) {}

  /** Resolves true with a slot held, or false when `closing()` turned true while waiting (woken through `sleepers`). */
  async take(closing: () => boolean, sleepers: Set<() => void>): Promise<boolean> {
    while (this.free <= 0) {
      if (closing()) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          sleepers.delete(wake);
          const i = this.waiters.indexOf(wake);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve();
        };
        this.waiters.push(wake);
        sleepers.add(wake);
      });
    }
    this.free--;
    return true;
  }

  give(): void {
    this.free++;
    this.waiters[0]?.();
  }
}

export class JobRunner {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  private readonly active = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Set by stop(): running jobs hand back at the next chunk boundary. */
  private closing = false;
  /** Grows while the broker cannot be reached, so a job waits longer between tries. */
  private backoff = 0;
  /** Counts the chunks that found the broker away: only a chunk sent after the last of them says it is back. */
  private backoffEpoch = 0;
  /** The look for work under way, awaited by stop() so nothing is claimed behind its back. */
  private claiming: Promise<unknown> | undefined;
  /** When publishes still awaiting their confirms are given up (set by stop()). */
  private deadline = Infinity;
  /** Chunks awaiting confirms, woken when the shutdown deadline passes (each chunk its own promise: see send()). */
  private readonly deadlineWaiters = new Set<() => void>();
  private deadlineHit = false;
  /** Sleepers woken early when the runner starts closing. */
  private readonly sleepers = new Set<() => void>();

  private readonly leaseMs: number;

  constructor(private readonly deps: RunnerDeps) {
    this.leaseMs = deps.leaseMs ?? LEASE_MS;
  }

  private passDeadline(): void {
    this.deadlineHit = true;
    for (const wake of [...this.deadlineWaiters]) wake();
  }

  /**
   * Resolves when the shutdown deadline passes. One per chunk, dropped with it: a promise the runner
   * kept for its lifetime would hold every letter that ever raced against it.
   */
  private deadlineFor(chunkDone: Promise<unknown>): Promise<typeof DEADLINE> {
    return new Promise((resolve) => {
      if (this.deadlineHit) return resolve(DEADLINE);
      const wake = () => resolve(DEADLINE);
      this.deadlineWaiters.add(wake);
      void chunkDone.finally(() => this.deadlineWaiters.delete(wake));
    });
  }

  /** Sleeps, but wakes as soon as the runner starts closing. */
  private nap(ms: number): Promise<void> {
    if (this.closing || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    jobStartSignal.addEventListener("started", this.onJobStarted);
    void this.poll();
  }

  /** A job started in this process: taken now rather than at the next poll. */
  private readonly onJobStarted = () => {
    if (this.stopped) return;
    const claimed = this.claim().catch((e: unknown) => this.deps.log?.("warn", "job runner could not look for work", { error: describeError(e) }));
    // stop() waits for every look for work under way, this one too.
    this.claiming = Promise.allSettled([this.claiming, claimed]);
  };

  private async poll(): Promise<void> {
    try {
      this.claiming = this.claim();
      await this.claiming;
    } catch (e) {
      this.deps.log?.("warn", "job runner could not look for work", { error: describeError(e) });
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), POLL_MS);
    this.timer.unref?.();
  }

  /** Takes every running job whose lease is free or lapsed, and runs it. */
  async claim(): Promise<string[]> {
    const rows = await this.deps.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `UPDATE "redrive_jobs" SET "lease_owner" = $1, "lease_until" = now() + make_interval(secs => $2)
       WHERE "state" IN ('running', 'cancelling', 'paused') AND ("lease_owner" IS NULL OR "lease_owner" = $1 OR "lease_until" < now())
       RETURNING "id"::text AS id`,
      this.owner,
      this.leaseMs / 1000,
    );
    for (const { id } of rows) {
      if (this.active.has(id)) continue;
      // Claimed while stop() began: given straight back.
      if (this.closing) {
        await this.handBack(id);
        continue;
      }
      this.active.set(
        id,
        this.run(id)
          .catch((e: unknown) => this.deps.log?.("warn", "job stopped on an error; it resumes when its lease lapses", { job: id, error: describeError(e) }))
          .finally(() => this.active.delete(id)),
      );
    }
    return rows.map((r) => r.id);
  }

  /** Waits for the jobs this runner holds to stop or finish (tests). */
  async idle(): Promise<void> {
    await Promise.all(this.active.values());
  }

  private async renew(id: string): Promise<boolean> {
    const n = await this.deps.prisma.$executeRawUnsafe(
      `UPDATE "redrive_jobs" SET "lease_until" = now() + make_interval(secs => $3) WHERE "id" = $1::uuid AND "lease_owner" = $2`,
      id,
      this.owner,
      this.leaseMs / 1000,
    );
    return n === 1;
  }

  /**
   * Renews the lease between chunks without waiting on the job's row: while this runner's own claim
   * of the next batch holds that row (a second or more under load), the run goes on — the lease
   * is still ours (read without a lock) and the heartbeat renews it. False once another owns it.
   */
  private async stillOwned(id: string): Promise<boolean> {
    const [r] = await this.deps.prisma.$queryRawUnsafe<Array<{ mine: boolean | null }>>(
      `WITH free AS (SELECT "id" FROM "redrive_jobs" WHERE "id" = $1::uuid AND "lease_owner" = $2 FOR UPDATE SKIP LOCKED),
         renewed AS (UPDATE "redrive_jobs" j SET "lease_until" = now() + make_interval(secs => $3) FROM free WHERE j."id" = free."id" RETURNING 1)
       SELECT (SELECT count(*) FROM renewed) > 0 OR (SELECT "lease_owner" = $2 FROM "redrive_jobs" WHERE "id" = $1::uuid) AS mine`,
      id,
      this.owner,
      this.leaseMs / 1000,
    );
    return r?.mine === true;
  }

  private async job(id: string): Promise<Job | null> {
    return this.deps.prisma.redriveJob.findUnique({
      where: { id },
      select: { id: true, action: true, state: true, rate: true, destination: true, edit: true, createdBy: true, scope: true, includePoison: true, claimUntil: true, claimed: true },
    });
  }

  /** Letters a dead process left in flight: JetStream ones go again under the same Nats-Msg-Id (deduplicated); RabbitMQ ones are "unknown". */
  private async recover(id: string): Promise<void> {
    const p = this.deps.prisma;
    const job = await this.job(id);
    if (!job) return;
    const again = await p.$queryRawUnsafe<Array<{ letter_id: string }>>(
      `UPDATE "redrive_job_letters" jl SET "outcome" = 'pending' FROM "dead_letters" d
       WHERE jl."job_id" = $1::uuid AND jl."outcome" = 'in_flight' AND d."id" = jl."letter_id" AND d."kind"::text = ANY($2::text[])
       RETURNING jl."letter_id"::text AS letter_id`,
      id,
      kindsWith("dedupedPublish"),
    );
    const why = "Redrive stopped while this publish awaited its confirm; not retried, so it cannot be doubled. Check the destination, then retry.";
    const unknown = await p.$queryRawUnsafe<Array<{ letter_id: string }>>(
      `UPDATE "redrive_job_letters" SET "outcome" = 'unknown', "finished_at" = now(), "detail" = $2
       WHERE "job_id" = $1::uuid AND "outcome" = 'in_flight' RETURNING "letter_id"::text AS letter_id`,
      id,
      why,
    );
    // The intents the dead process wrote get their outcomes, so none is left hanging in the audit log.
    const ids = (rows: Array<{ letter_id: string }>) => rows.map((r) => r.letter_id);
    await recordRecoveredOutcomes(p, job, ids(again), "interrupted", "Redrive stopped while this publish awaited its confirm; it goes again under the same Nats-Msg-Id, which JetStream deduplicates.");
    await recordRecoveredOutcomes(p, job, ids(unknown), "unknown", why);
  }

  private async run(id: string): Promise<void> {
    await this.recover(id);
    const publishers = new Map<string, Promise<LetterPublisher>>();
    // Connections being opened ahead of a chunk's publishes: settled before the publishers close.
    const preparing = new Set<Promise<void>>();
    // The job's pace runs across chunks: each letter goes out no sooner than 1/rate after the last.
    const pace = { next: Date.now() };
    // Publishes awaiting their confirms, across the chunks in flight: never more than maxInFlight.
    const permits = new Permits(this.deps.maxInFlight);
    // Chunks whose intents are recorded and that are being sent or having their outcomes recorded.
    // The next chunk is taken and its intents written while these await their confirms.
    const inFlight = new Set<Promise<void>>();
    // The first error of a chunk in flight ends the run, as an error of the loop itself would.
    const failed: { error?: unknown; set?: true } = {};
    const settle = async (all = true) => {
      if (all) await Promise.all([...inFlight]);
      else if (inFlight.size) await Promise.race([...inFlight]);
      if (failed.set) throw failed.error;
    };
    // The next batch of a large job's letters, claimed while its chunks go out.
    let claiming: Promise<void> | null = null;
    const claimMore = (job: Job) => {
      claiming ??= this.claimMore(job)
        .catch((error: unknown) => {
          if (!failed.set) Object.assign(failed, { error, set: true });
        })
        .finally(() => (claiming = null));
      return claiming;
    };
    let lastRenew = Date.now();
    // The lease is renewed while a chunk awaits its confirms too (shutting down included): a slow
    // broker is not a dead runner, and nobody else may take letters this runner still has in flight.
    const heartbeat = setInterval(() => void this.renew(id).catch(() => undefined), this.leaseMs / 3);
    heartbeat.unref?.();
    try {
      for (;;) {
        if (this.closing) return;
        if (failed.set) throw failed.error;
        if (Date.now() - lastRenew > this.leaseMs / 3) {
          if (!(await this.stillOwned(id))) return; // another process owns it now
          lastRenew = Date.now();
        }
        const job = await this.job(id);
        if (!job) return;
        const gate = await this.deps.gate?.(job);
        if (gate?.holdMs !== undefined) {
          await this.nap(gate.holdMs);
          continue;
        }
        if (job.state === "paused") {
          await settle();
          await this.nap(250);
          continue;
        }
        if (job.state === "cancelling") {
          await claiming;
          await settle();
          return await this.finish(job, "cancelled");
        }
        if (job.state !== "running") return;
        // While the broker is away, one chunk at a time: the next waits for the backoff.
        if (this.backoff) await settle();

        // ── Before taking the next chunk ──────────────────────────────────────────────────────
        // The one place a chunk's size is decided and the job may be held before anything is taken.
        // Small enough chunks that pause and cancel take effect within a second at the job's rate.
        // The health gate (asked above) may cap it: a canary sends no letter past its size.
        const size = Math.max(1, Math.min(this.deps.maxInFlight, Math.floor(job.rate / 2), gate?.limit ?? Infinity));
        // ──────────────────────────────────────────────────────────────────────────────────────

        const letters = await this.next(id, size);
        if (letters.length === 0) {
          // Letters still to be claimed: wait for the next batch rather than finish.
          if (job.claimUntil) {
            await claimMore(job);
            continue;
          }
          if (inFlight.size === 0) return await this.finish(job, "completed");
          // Letters of a chunk still in flight may go back in line (not sent): look again after it.
          await settle(false);
          continue;
        }
        // The connections the chunk needs are opened while its intents are written (nothing is sent).
        if (job.action === "requeue") this.prepare(job, letters, publishers, preparing);
        // Fail closed: without the chunk's intents recorded, nothing is touched.
        const intentId = await this.recordIntents(job, letters);
        const chunk = this.send(job, letters, intentId, publishers, pace, permits)
          .catch((error: unknown) => {
            if (!failed.set) Object.assign(failed, { error, set: true });
          })
          .finally(() => inFlight.delete(chunk));
        inFlight.add(chunk);
        // A large job claims its next batch while this chunk goes out (not before: the first letters go first).
        if (job.claimUntil) void claimMore(job);
        if (inFlight.size >= PIPELINE_DEPTH) await settle(false);
      }
    } finally {
      // Chunks already sent finish: their confirms are awaited (up to the shutdown deadline) and recorded.
      await Promise.all([...inFlight]);
      await claiming;
      clearInterval(heartbeat);
      await Promise.all([...preparing]);
      for (const p of publishers.values()) await (await p.catch(() => null))?.close().catch(() => undefined);
      if (this.closing) await this.handBack(id);
    }
  }

  /** Claims the next batch of a large job's letters (only while this runner holds its lease). */
  private async claimMore(job: Job): Promise<void> {
    const poisonAfter = this.deps.poisonAfter ?? getConfig().redrive.poisonAfter;
    const sel = selection({ action: job.action as JobAction, scope: job.scope as JobScope, includePoison: job.includePoison }, poisonAfter);
    const limit = Math.min(CLAIM_BATCH, Math.max(CLAIM_FIRST_BATCH, job.claimed));
    await this.deps.prisma.$transaction((tx) => claimLetters(tx, { jobId: job.id, sel, limit, until: job.claimUntil!, owner: this.owner }), { timeout: 120_000, maxWait: 10_000 });
  }

  /** Gives the job's lease up at once, so another replica's runner takes the job at its next poll. */
  private async handBack(id: string): Promise<void> {
    const n = await this.deps.prisma.$executeRawUnsafe(
      `UPDATE "redrive_jobs" SET "lease_owner" = NULL, "lease_until" = NULL WHERE "id" = $1::uuid AND "lease_owner" = $2`,
      id,
      this.owner,
    );
    if (n === 1) this.deps.log?.("info", "job handed back for another replica to resume", { job: id });
  }

  private next(id: string, limit: number): Promise<LetterRow[]> {
    return this.deps.prisma.$queryRawUnsafe<LetterRow[]>(
      `SELECT jl."letter_id"::text AS letter_id, d."kind"::text AS kind, c."name" AS cluster, d."destination", d."payload", d."properties", d."headers", d."raw_headers", d."redrive_count",
         ${PREVIOUS_ATTEMPT_AT_SQL} AS previous_attempt_at
       FROM "redrive_job_letters" jl JOIN "dead_letters" d ON d."id" = jl."letter_id" JOIN "clusters" c ON c."id" = d."cluster_id"
       WHERE jl."job_id" = $1::uuid AND jl."outcome" = 'pending' ORDER BY jl."seq" LIMIT $2`,
      id,
      limit,
    );
  }

  /** Records a chunk's intent (one chained row naming its letters) and marks them in flight, in one statement; returns the intent's id. */
  private async recordIntents(job: Job, chunk: LetterRow[]): Promise<bigint> {
    const q = chunkIntentsSql(job, chunk.map((l) => l.letter_id));
    const [row] = await this.deps.prisma.$queryRawUnsafe<Array<{ id: string; marked: number }>>(q.sql, ...q.params);
    return BigInt(row!.id);
  }

  private publisher(cluster: string, publishers: Map<string, Promise<LetterPublisher>>): Promise<LetterPublisher> {
    let pub = publishers.get(cluster);
    if (!pub) {
      pub = this.deps.publisherFor(cluster);
      publishers.set(cluster, pub);
    }
    return pub;
  }

  /**
   * Opens what the chunk's destinations need on their brokers (RabbitMQ: a connection and confirm
   * channel per vhost), once per job and destination, sending nothing: so the first letter of a job
   * does not wait for a connection after its intents are written. A failure is publish()'s to report.
   */
  private prepare(job: Job, letters: LetterRow[], publishers: Map<string, Promise<LetterPublisher>>, preparing: Set<Promise<void>>): void {
    const seen = new Set<string>();
    for (const l of letters) {
      const destination = job.destination ?? l.destination;
      const key = `${l.cluster}\u0000${destination}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const p: Promise<void> = this.publisher(l.cluster, publishers)
        .then((pub) => pub.prepare?.(destination))
        .catch(() => undefined)
        .finally(() => preparing.delete(p));
      preparing.add(p);
    }
  }

  /** Sends a chunk whose intents are recorded, awaits its confirms, and records the outcomes. */
  private async send(
    job: Job,
    chunk: LetterRow[],
    intentId: bigint,
    publishers: Map<string, Promise<LetterPublisher>>,
    pace: { next: number },
    permits: Permits,
  ): Promise<void> {
    const p = this.deps.prisma;
    let letters = chunk;
    const attempt = (letterId: string) => `redrive:${job.id}:${letterId}`;
    // A chunk already on its way when another found the broker away proves nothing about its return.
    const epoch = this.backoffEpoch;
    const spacing = 1000 / job.rate;
    pace.next = Math.max(pace.next, Date.now() - spacing);
    const slots = letters.map(() => (pace.next += spacing));
    let results: RunResult[];
    if (job.action !== "requeue") {
      results = letters.map(() => ({ outcome: "done", detail: null }));
      await this.nap(slots[slots.length - 1]! - Date.now());
    } else {
      // While the broker holds publishes already sent (a resource alarm), the job says so.
      const used = new Set<LetterPublisher>();
      let noted = false;
      const watch = setInterval(() => {
        const why = [...used].map((u) => u.waiting?.() ?? null).find((w) => w !== null);
        if (!why || noted) return;
        noted = true;
        this.backoff = Math.max(this.backoff, 1000);
        void p.redriveJob.update({ where: { id: job.id }, data: { error: `Waiting for the broker: ${why}. Nothing is lost.` } }).catch(() => undefined);
      }, 500);
      let chunkDone: () => void = () => undefined;
      const deadline = this.deadlineFor(new Promise<void>((resolve) => (chunkDone = resolve)));
      try {
        results = await Promise.all(
          letters.map(async (l, i): Promise<RunResult> => {
            await this.nap(slots[i]! - Date.now());
            // Shutting down: what has not gone out yet stays for the replica that takes the job over.
            if (this.closing) return { outcome: "not_sent", detail: SHUTDOWN_NOT_SENT, shutdown: true };
            // A publish slot (maxInFlight across the chunks in flight); shutting down wakes the wait.
            if (!(await permits.take(() => this.closing, this.sleepers))) return { outcome: "not_sent", detail: SHUTDOWN_NOT_SENT, shutdown: true };
            try {
              const publisher = await this.publisher(l.cluster, publishers);
              used.add(publisher);
              const sent = publisher.publish(this.outgoing(job, l, attempt(l.letter_id)));
              // Past the shutdown deadline a confirm is no longer waited for.
              const r = await Promise.race([sent, deadline]);
              return r === DEADLINE ? abandoned(l.kind) : r;
            } catch (e) {
              return { outcome: "failed" as const, detail: describeError(e) };
            } finally {
              permits.give();
            }
          }),
        );
      } finally {
        clearInterval(watch);
        chunkDone();
      }
    }

    // Letters that never reached the broker go back in line; the job waits for the broker to return.
    const notSent = letters.filter((_, i) => results[i]!.outcome === "not_sent");
    // Letters held back by a shutdown say nothing about the broker: no backoff, no warning on the job.
    const onlyShutdown = notSent.length > 0 && notSent.every((l) => results[letters.indexOf(l)]!.shutdown);
    if (notSent.length) {
      const why = results.find((r) => r.outcome === "not_sent" && !r.shutdown)?.detail;
      const error = onlyShutdown ? null : `Waiting for the broker: ${why}. Letters not yet sent wait; nothing is lost.`;
      await this.persist(job.id, () => this.recordNotSent(job, notSent, notSent.map((l) => results[letters.indexOf(l)]!), intentId, error));
      letters = letters.filter((_, i) => results[i]!.outcome !== "not_sent");
      results = results.filter((r) => r.outcome !== "not_sent");
      if (!onlyShutdown) {
        this.backoff = Math.min(10_000, Math.max(1000, this.backoff * 2));
        this.backoffEpoch++;
      }
      if (letters.length === 0) {
        await this.nap(this.backoff);
        return;
      }
    } else if (this.backoff && epoch === this.backoffEpoch) {
      this.backoff = 0;
      await p.redriveJob.update({ where: { id: job.id }, data: { error: null } });
    }
    const now = new Date();
    await this.persist(job.id, () => this.recordOutcomes(job, letters, results, now, intentId));
  }

  /**
   * Writes what the broker did. This runner alone knows it, so it keeps trying while the store is
   * away, rather than leave the letters in flight for recovery to call "unknown".
   */
  private async persist(jobId: string, write: () => Promise<unknown>): Promise<void> {
    for (let wait = 250; ; wait = Math.min(OUTCOME_RETRY_MAX_MS, wait * 2)) {
      try {
        await write();
        return;
      } catch (e) {
        // Shutting down, it keeps trying until the deadline; after that recovery settles the letters.
        if (this.closing && Date.now() >= this.deadline) throw e;
        this.deps.log?.("warn", "could not record what the broker did; retrying", { job: jobId, error: describeError(e) });
        await sleep(this.closing ? Math.min(wait, Math.max(0, this.deadline - Date.now())) : wait);
      }
    }
  }

  /**
   * Letters that never reached the broker go back in line, with the chunk's outcome row for them
   * ("not_sent"), in one statement. An attempt that may have landed keeps its id, so the next one
   * is checked against the dedupe window. `error` (the broker is away) is shown on the job.
   */
  private async recordNotSent(job: Job, letters: LetterRow[], results: RunResult[], intentId: bigint, error: string | null): Promise<void> {
    const q = chunkNotSentSql(job, intentId, letters.map((l, i) => ({ letterId: l.letter_id, detail: results[i]!.detail, mayHaveLanded: results[i]!.mayHaveLanded === true })), error);
    await this.deps.prisma.$executeRawUnsafe(q.sql, ...q.params);
  }

  /**
   * What the broker did with a chunk's letters, in one statement: each letter's outcome (settled,
   * so the job no longer holds it), the inbox's state of those done (the others leave the job
   * still dead, their inbox rows untouched), and the chunk's outcome row.
   */
  private async recordOutcomes(job: Job, letters: LetterRow[], results: PublishResult[], now: Date, intentId: bigint): Promise<void> {
    const q = chunkOutcomesSql(job, intentId, letters.map((l, i) => ({ letterId: l.letter_id, result: results[i]!.outcome, detail: results[i]!.detail })), now);
    await this.deps.prisma.$executeRawUnsafe(q.sql, ...q.params);
  }

  private outgoing(job: Job, l: LetterRow, attemptId: string): OutgoingLetter {
    const edit = (job.edit ?? null) as { payloadBase64?: string; headers?: Record<string, string | null> } | null;
    const payload = edit?.payloadBase64 !== undefined ? Buffer.from(edit.payloadBase64, "base64") : l.payload ?? new Uint8Array();
    const headers: Record<string, unknown> = { ...(BROKER_CAPABILITIES[l.kind].typedHeaders ? (l.raw_headers ?? l.headers) : l.headers) };
    for (const [k, v] of Object.entries(edit?.headers ?? {})) {
      if (v === null) delete headers[k];
      else headers[k] = v;
    }
    const props = l.properties ?? {};
    const overridden = job.destination !== null;
    return {
      letterId: l.letter_id,
      destination: job.destination ?? l.destination,
      payload,
      properties: props,
      headers,
      redriveCount: l.redrive_count,
      origin: {
        stream: !overridden && typeof props.stream === "string" ? props.stream : undefined,
        seq: typeof props.streamSequence === "number" ? props.streamSequence : undefined,
        retention: typeof props.retention === "string" ? props.retention : null,
      },
      attemptId,
      previousAttemptAt: l.previous_attempt_at ?? undefined,
    };
  }

  private async finish(job: Job, state: "completed" | "cancelled"): Promise<void> {
    const p = this.deps.prisma;
    if (state === "cancelled") {
      // One statement, however many letters were left (no transaction to expire): they are
      // cancelled, which releases them, and letters not yet claimed stay out of the job — it ends with the letters it had.
      await p.$executeRawUnsafe(
        `WITH left_over AS (UPDATE "redrive_job_letters" SET "outcome" = 'cancelled', "finished_at" = now(), "detail" = 'cancelled before it was sent'
                            WHERE "job_id" = $1::uuid AND "outcome" = 'pending' RETURNING 1)
         UPDATE "redrive_jobs" SET "claim_until" = NULL, "total" = "claimed" WHERE "id" = $1::uuid AND "claim_until" IS NOT NULL`,
        job.id,
      );
    }
    // Its letters are all settled now and never change again: their counts are kept on the row,
    // for the job list and the job's page to read instead of counting them on every request.
    await p.$executeRawUnsafe(
      `UPDATE "redrive_jobs" SET "state" = $2, "finished_at" = $3::timestamptz, "lease_owner" = NULL, "lease_until" = NULL,
         "final_counts" = (SELECT jsonb_object_agg(c."outcome", c."n") FROM (SELECT "outcome", count(*) AS "n" FROM "redrive_job_letters" WHERE "job_id" = $1::uuid GROUP BY 1) c)
       WHERE "id" = $1::uuid`,
      job.id,
      state,
      new Date().toISOString(),
    );
    await recordJobEnd(p, job, state);
    this.deps.log?.("info", `job ${state}`, { job: job.id });
  }

  /**
   * Stops taking work and letters: publishes already sent have until `deadlineMs` to be confirmed
   * (later ones are given up: RabbitMQ's become outcome unknown, JetStream's go again under the same
   * Nats-Msg-Id), their outcomes are recorded, and every lease is handed back.
   */
  async stop(deadlineMs = DEFAULT_DEADLINE_MS): Promise<{ jobs: number }> {
    this.stopped = true;
    this.closing = true;
    jobStartSignal.removeEventListener("started", this.onJobStarted);
    clearTimeout(this.timer);
    this.deadline = Date.now() + deadlineMs;
    const timer = setTimeout(() => this.passDeadline(), deadlineMs);
    for (const wake of [...this.sleepers]) wake();
    await this.claiming?.catch(() => undefined);
    const jobs = this.active.size;
    try {
      await this.idle();
    } finally {
      clearTimeout(timer);
    }
    // A job whose run ended on an error still holds its lease: give that back too.
    await this.deps.prisma.$executeRawUnsafe(`UPDATE "redrive_jobs" SET "lease_owner" = NULL, "lease_until" = NULL WHERE "lease_owner" = $1`, this.owner).catch(() => undefined);
    return { jobs };
  }
}
