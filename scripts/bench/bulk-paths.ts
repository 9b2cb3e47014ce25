import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import pg from "pg";
import { principalFor } from "@/lib/auth/permissions";
import { CaptureCollector, ensureCaptureStream } from "@/lib/brokers/nats/capture-collector";
import { RabbitCollector } from "@/lib/brokers/rabbitmq/rabbit-collector";
import { letterFromAmqp } from "@/lib/brokers/rabbitmq/letter-from-amqp";
import { queueId } from "@/lib/brokers/rabbitmq/queue-id";
import { DEFAULT_CAPTURE, type CaptureConfig, type RabbitClusterConfig } from "@/lib/config";
import type { Store } from "@/lib/db/open-store";
import type { DeadLetterSink } from "@/lib/brokers/dead-letter-source";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { getJob } from "@/lib/redrive/get-job";
import type { JobRunner } from "@/lib/redrive/job-runner";
import { startJob } from "@/lib/redrive/start-job";
import { meterCpu, startCpu, type CpuUse } from "./cpu-meter";
import { sleep } from "./local";
import { summarize, type Summary } from "./stats";
import { describeProfile, profileStore, type StoreProfile } from "./store-profile";

// The bulk paths against the brokers' own tools: collection (RabbitMQ consumer, JetStream advisory
// + STREAM.MSG.GET) and requeue (ConfirmChannel, shovel move, js.publish). Each comparison runs in
// rounds whose order rotates, since the machine is shared and load drifts: the figures are medians
// over the rounds, and each round's ratio is kept too.

export type Throughput = { n: number; ms: number; perSecond: number };
export const rate = (n: number, ms: number): Throughput => ({ n, ms, perSecond: ms > 0 ? n / (ms / 1000) : Number.NaN });

/** Per contender: every round's throughput, and their median. */
export type Rounds = { rounds: Throughput[]; median: Throughput };

export function roundsOf(rounds: Throughput[]): Rounds {
  const sorted = [...rounds].sort((a, b) => a.perSecond - b.perSecond);
  return { rounds, median: sorted[Math.floor((sorted.length - 1) / 2)] ?? rate(0, 0) };
}

/** Round r runs the contenders in this order: each takes every position in turn. */
export function rotation<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Polls until ok or the deadline (bounded in count and time). */
/** Times `work` as `n` letters, with the CPU each process used meanwhile (cpu-meter.ts). */
async function meteredRate(n: number, work: () => Promise<unknown>): Promise<{ rate: Throughput; cpu: CpuUse }> {
  const meter = startCpu();
  const t = performance.now();
  await work();
  const r = rate(n, performance.now() - t);
  return { rate: r, cpu: meter.stop() };
}

export async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms: number, signal: AbortSignal, every = 50): Promise<T> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < Math.ceil(ms / every) + 2; i++) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) break;
    await sleep(every, signal);
  }
  throw new Error(`${what}: not reached within ${ms / 1000} s`);
}

export const body = (i: number) =>
  Buffer.from(
    JSON.stringify({
      orderId: i,
      customer: `cust-${i % 9973}`,
      sku: `sku-${(i * 7919) % 100_000}`,
      lines: [{ item: `item-${i % 97}`, qty: (i % 9) + 1, price: ((i % 1000) / 10).toFixed(2) }],
      note: "x".repeat(150),
    }),
  );

/** Publishes with confirms, at most `window` unconfirmed at a time. */
export async function confirmedPublish(
  ch: amqp.ConfirmChannel,
  n: number,
  window: number,
  send: (i: number, cb: (err: unknown) => void) => void,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(window, n) }, async () => {
      while (next < n) {
        const i = next++;
        await new Promise<void>((resolve, reject) => send(i, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())));
      }
    }),
  );
}

export async function messageCount(ch: amqp.Channel, queue: string): Promise<number> {
  return (await ch.checkQueue(queue)).messageCount;
}

/** Fills `dlq` with `n` real dead letters: published to `source` (dead-lettering into `dlq`), then nacked by a consumer. */
export async function deadLetterInto(conn: amqp.ChannelModel, ch: amqp.Channel, source: string, dlq: string, n: number, signal: AbortSignal): Promise<void> {
  await ch.assertQueue(dlq, { durable: true });
  await ch.assertQueue(source, { durable: true, arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": dlq } });
  const pub = await conn.createConfirmChannel();
  await confirmedPublish(pub, n, 500, (i, cb) =>
    pub.sendToQueue(
      source,
      body(i),
      {
        persistent: true,
        messageId: `${source}-${i}`,
        contentType: "application/json",
        timestamp: Math.floor(Date.now() / 1000),
        headers: { "x-tenant": `tenant-${i % 50}`, "x-error": `timeout after ${(i % 7) * 100} ms` },
      },
      cb,
    ),
  );
  await pub.close();
  const rejecter = await conn.createChannel();
  await rejecter.prefetch(500);
  await rejecter.consume(source, (m) => m && rejecter.nack(m, false, false));
  await until(
    `${n} dead letters in ${dlq}`,
    () => messageCount(ch, dlq),
    (c) => c >= n,
    120_000,
    signal,
    200,
  );
  await rejecter.close();
}

/**
 * One real dead letter stored as the collector stores it, for copies by SQL (cloneLetter): published
 * to `queue`, nacked into `dlq` by RabbitMQ itself, read from there and stored; returns the stored row.
 */
export async function storedTemplateLetter(
  conn: amqp.ChannelModel,
  ch: amqp.Channel,
  store: Store,
  where: { clusterId: string; clusterName: string; vhost: string; queue: string; dlq: string },
  signal: AbortSignal,
) {
  await deadLetterInto(conn, ch, where.queue, where.dlq, 1, signal);
  const m = await ch.get(where.dlq, { noAck: false });
  if (m === false) throw new Error(`the template dead letter is not in ${where.dlq}`);
  await storeLetters(store.prisma, [letterFromAmqp({ content: m.content, properties: m.properties as unknown as Record<string, unknown> }, where)]);
  ch.ack(m);
  return store.prisma.deadLetter.findFirstOrThrow({ where: { collectedFrom: queueId(where.vhost, where.dlq) } });
}

// ── Collection ────────────────────────────────────────────────────────────────────────────────

export type RabbitCollection = {
  redrive: Rounds;
  bare: Rounds;
  ratios: number[];
  stored: number;
  left: number;
  payloadBytes: number;
  setupMs: number;
  /** CPU used during each round's collection and bare consumer (cpu-meter.ts). */
  cpu: { redrive: CpuUse[]; bare: CpuUse[] };
};

/** A bare amqplib consumer: same prefetch, acking each message, storing nothing. */
async function bareConsume(conn: amqp.ChannelModel, queue: string, n: number, prefetch: number, signal: AbortSignal): Promise<Throughput> {
  const ch = await conn.createChannel();
  await ch.prefetch(prefetch);
  let got = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const t = performance.now();
  await ch.consume(queue, (m) => {
    if (!m) return;
    ch.ack(m);
    if (++got === n) done();
  });
  await Promise.race([finished, sleep(300_000, signal).then(() => Promise.reject(new Error(`bare consumer: ${got} of ${n} within 300 s`)))]);
  const r = rate(n, performance.now() - t);
  await ch.close();
  return r;
}

export async function measureRabbitCollection(o: {
  conn: amqp.ChannelModel;
  ch: amqp.Channel;
  store: Store;
  cluster: RabbitClusterConfig;
  clusterId: string;
  vhost: string;
  n: number;
  rounds: number;
  prefetch: number;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<RabbitCollection> {
  const bare: Throughput[] = [];
  const redrive: Throughput[] = [];
  const ratios: number[] = [];
  const cpu: RabbitCollection["cpu"] = { redrive: [], bare: [] };
  let setupMs = 0;
  let stored = 0;
  let left = 0;
  for (let round = 0; round < o.rounds; round++) {
    const dlqA = `burst-a${round}.dlq`;
    const dlqB = `burst-b${round}.dlq`;
    const t0 = performance.now();
    await deadLetterInto(o.conn, o.ch, `burst-a${round}`, dlqA, o.n, o.signal);
    await deadLetterInto(o.conn, o.ch, `burst-b${round}`, dlqB, o.n, o.signal);
    setupMs += performance.now() - t0;
    const results: Record<string, Throughput> = {};
    for (const who of rotation(["redrive", "bare"] as const, round)) {
      if (who === "bare") {
        const metered = await meterCpu(() => bareConsume(o.conn, dlqB, o.n, o.prefetch, o.signal));
        cpu.bare.push(metered.cpu);
        results.bare = metered.result;
      } else {
        const errors: string[] = [];
        const collector = new RabbitCollector((letters) => storeLetters(o.store.prisma, letters), o.cluster, o.clusterId, {
          timeoutMs: 5000,
          onError: (m) => errors.push(m),
        });
        const qid = queueId(o.vhost, dlqA);
        try {
          const metered = await meteredRate(o.n, async () => {
            const failures = await collector.reconcile([{ vhost: o.vhost, queue: dlqA }]);
            if (failures.size) throw new Error(`collector: ${[...failures.values()].join("; ")}`);
            await until(
              "the collector to store the burst",
              async () => (errors.length ? -1 : collector.collected(qid)),
              (x) => x < 0 || x >= o.n,
              600_000,
              o.signal,
              5,
            );
          });
          cpu.redrive.push(metered.cpu);
          results.redrive = metered.rate;
          if (errors.length) throw new Error(`collector: ${errors.join("; ")}`);
        } finally {
          await collector.close();
        }
        stored += await o.store.prisma.deadLetter.count({ where: { collectedFrom: qid } });
        left += await messageCount(o.ch, dlqA);
      }
    }
    bare.push(results.bare!);
    redrive.push(results.redrive!);
    ratios.push(results.redrive!.perSecond / results.bare!.perSecond);
    o.log(
      `  collection (RabbitMQ) round ${round + 1}: Redrive ${Math.round(results.redrive!.perSecond)}/s, bare consumer ${Math.round(results.bare!.perSecond)}/s`,
    );
    await o.ch.deleteQueue(dlqA);
    await o.ch.deleteQueue(dlqB);
  }
  return { redrive: roundsOf(redrive), bare: roundsOf(bare), ratios, stored, left, payloadBytes: body(0).length, setupMs, cpu };
}

export type NatsCollection = {
  redrive: Rounds;
  bare: Rounds;
  ratios: number[];
  stored: number;
  setupMs: number;
  batch: number;
  /** CPU used during each round's collection and bare loop (cpu-meter.ts). */
  cpu: { redrive: CpuUse[]; bare: CpuUse[] };
};

/**
 * JetStream: `n` messages terminated by a worker (+TERM) make `n` MSG_TERMINATED advisories in the
 * capture stream. Two durables see them all: Redrive's CaptureCollector on one, and on the other a
 * bare loop doing what it must at the least: fetch a batch of advisories, STREAM.MSG.GET each original
 * (as many at once as the collector asks), ack. Other advisories on the shared server fall on both.
 */
export async function measureNatsCollection(o: {
  nc: NatsConnection;
  store: Store;
  clusterId: string;
  clusterName: string;
  prefix: string;
  n: number;
  rounds: number;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<NatsCollection> {
  const jsm = await jetstreamManager(o.nc, { timeout: 10_000 });
  const js = jetstream(o.nc);
  const bare: Throughput[] = [];
  const redrive: Throughput[] = [];
  const ratios: number[] = [];
  const cpu: NatsCollection["cpu"] = { redrive: [], bare: [] };
  let setupMs = 0;
  let stored = 0;
  const capture: CaptureConfig = { ...DEFAULT_CAPTURE, startFrom: "new" };
  const BATCH = 100;
  for (let round = 0; round < o.rounds; round++) {
    const stream = `${o.prefix}_DEAD${round}`;
    const subject = `bench.${o.prefix.toLowerCase()}.dead${round}`;
    const ours = `${o.prefix.toLowerCase()}-collect-${round}`;
    const theirs = `${o.prefix.toLowerCase()}-bare-${round}`;
    const t0 = performance.now();
    await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, num_replicas: 1 });
    await ensureCaptureStream(jsm, { ...capture, consumer: ours }, ours, async () => false);
    await ensureCaptureStream(jsm, { ...capture, consumer: theirs }, theirs, async () => false);
    try {
      let next = 0;
      await Promise.all(
        Array.from({ length: 256 }, async () => {
          while (next < o.n) await js.publish(subject, body(next++), { headers: undefined });
        }),
      );
      await jsm.consumers.add(stream, { durable_name: "worker", ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, max_ack_pending: 10_000 });
      const worker = await js.consumers.get(stream, "worker");
      for (let termed = 0; termed < o.n;) {
        const batch = await worker.fetch({ max_messages: 1000, expires: 5000 });
        for await (const m of batch) {
          m.term();
          termed++;
        }
      }
      const pending = async (d: string) => (await jsm.consumers.info(capture.stream, d)).num_pending;
      await until(
        "the advisories in the capture stream",
        async () => Math.min(await pending(ours), await pending(theirs)),
        (x) => x >= o.n,
        60_000,
        o.signal,
        100,
      );
      setupMs += performance.now() - t0;

      const results: Record<string, Throughput> = {};
      for (const who of rotation(["redrive", "bare"] as const, round)) {
        if (who === "bare") {
          const c = await js.consumers.get(capture.stream, theirs);
          const meter = startCpu();
          const t = performance.now();
          let got = 0;
          while (got < o.n) {
            const batch = await c.fetch({ max_messages: BATCH, expires: 2000 });
            const msgs = [];
            for await (const m of batch) msgs.push(m);
            await Promise.all(
              msgs.map(async (m) => {
                const a = JSON.parse(new TextDecoder().decode(m.data)) as { stream: string; stream_seq: number };
                await jsm.streams.getMessage(a.stream, { seq: a.stream_seq }).catch(() => null);
              }),
            );
            for (const m of msgs) m.ack();
            got += msgs.length;
          }
          results.bare = rate(o.n, performance.now() - t);
          cpu.bare.push(meter.stop());
        } else {
          const errors: string[] = [];
          const sink = {
            clusterId: o.clusterId,
            clusterName: o.clusterName,
            store: (letters) => storeLetters(o.store.prisma, letters),
            collectedBefore: async () => false,
            warn: (m: string) => errors.push(m),
          } as Pick<DeadLetterSink, "clusterId" | "clusterName" | "store" | "collectedBefore" | "warn"> as DeadLetterSink;
          const collector = new CaptureCollector(sink, o.nc, { ...capture, consumer: ours }, ours);
          const meter = startCpu();
          const t = performance.now();
          await collector.start();
          try {
            await until(
              "the capture collector to store the advisories",
              async () => (errors.length ? -1 : await pending(ours)),
              (x) => x <= 0,
              600_000,
              o.signal,
              5,
            );
            await until(
              "the capture collector to ack the last batch",
              async () => (await jsm.consumers.info(capture.stream, ours)).num_ack_pending,
              (x) => x === 0,
              60_000,
              o.signal,
              5,
            );
            results.redrive = rate(o.n, performance.now() - t);
            cpu.redrive.push(meter.stop());
            if (errors.length) throw new Error(`capture collector: ${errors.join("; ")}`);
          } finally {
            await collector.stop();
          }
          stored = await o.store.prisma.deadLetter.count({ where: { clusterId: o.clusterId, collectedFrom: capture.stream } });
        }
      }
      bare.push(results.bare!);
      redrive.push(results.redrive!);
      ratios.push(results.redrive!.perSecond / results.bare!.perSecond);
      o.log(
        `  collection (JetStream) round ${round + 1}: Redrive ${Math.round(results.redrive!.perSecond)}/s, bare advisory + MSG.GET loop ${Math.round(results.bare!.perSecond)}/s`,
      );
    } finally {
      await jsm.consumers.delete(capture.stream, ours).catch(() => undefined);
      await jsm.consumers.delete(capture.stream, theirs).catch(() => undefined);
      await jsm.streams.delete(stream).catch(() => undefined);
    }
  }
  return { redrive: roundsOf(redrive), bare: roundsOf(bare), ratios, stored, setupMs, batch: BATCH, cpu };
}

export async function deleteBenchDurables(jsm: JetStreamManager, prefix: string): Promise<void> {
  for await (const c of jsm.consumers.list(DEFAULT_CAPTURE.stream)) {
    if (c.name.startsWith(`${prefix.toLowerCase()}-`)) await jsm.consumers.delete(DEFAULT_CAPTURE.stream, c.name).catch(() => undefined);
  }
}

// ── Requeue ───────────────────────────────────────────────────────────────────────────────────

export type JobFigures = {
  /** startJob alone (the claim transaction). */
  startMs: number;
  /** From the start request until the first letter was on the destination. */
  firstLetterMs: number;
  /** From the start request until the job completed. */
  total: Throughput;
  done: number;
  /**
   * Resident set size of this process (which runs the job) before the job and at its peak, sampled
   * every 100 ms; with the JavaScript heap in use and the memory outside it (Buffers) at their peaks.
   */
  rss: { beforeMiB: number; peakMiB: number; heapPeakMiB: number; externalPeakMiB: number };
};

/**
 * One requeue job as an operator starts it: `startJob`, the runner polling for work as the
 * server's does (runner.start()), until the job completes. `firstOnBroker` says whether a letter
 * of it has reached the destination yet (polled every 5 ms from the start request).
 */
export async function requeueJob(
  store: Store,
  runner: JobRunner,
  source: string,
  jobRate: number,
  n: number,
  firstOnBroker: () => Promise<boolean>,
  signal: AbortSignal,
  action: "requeue" | "terminate" = "requeue",
): Promise<JobFigures> {
  const MiB = 1024 * 1024;
  const beforeMiB = process.memoryUsage().rss / MiB;
  let peakMiB = beforeMiB;
  let heapPeakMiB = 0;
  let externalPeakMiB = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakMiB = Math.max(peakMiB, m.rss / MiB);
    heapPeakMiB = Math.max(heapPeakMiB, m.heapUsed / MiB);
    externalPeakMiB = Math.max(externalPeakMiB, m.external / MiB);
  };
  sample();
  const sampler = setInterval(sample, 100);
  let firstLetterMs = Number.NaN;
  let watching = true;
  const t = performance.now();
  const watch = (async () => {
    while (watching && Number.isNaN(firstLetterMs)) {
      if (await firstOnBroker().catch(() => false)) firstLetterMs = performance.now() - t;
      else await sleep(5);
    }
  })();
  try {
    runner.start();
    const started = await startJob(
      // The count typed to confirm, as an operator must above redrive.confirmAbove letters.
      { action, scope: { kind: "filter", filters: { source } }, includePoison: false, rate: jobRate, confirmCount: n },
      principalFor("system", "bench", "bench", "operator"),
      null,
    );
    const startMs = performance.now() - t;
    const state = () => store.prisma.redriveJob.findUniqueOrThrow({ where: { id: started.id }, select: { state: true } }).then((j) => j.state);
    await until(`the requeue job of ${n} letters`, state, (s) => !["running", "paused", "cancelling"].includes(s), Math.max(120_000, n * 10), signal, 10);
    const totalMs = performance.now() - t;
    const job = await getJob(started.id);
    if (job.total !== n) throw new Error(`the ${action} job took ${job.total} letters, not ${n}`);
    if (job.state !== "completed") throw new Error(`the ${action} job ended ${job.state}: ${job.error ?? ""}`);
    watching = false;
    await watch;
    return { startMs, firstLetterMs, total: rate(n, totalMs), done: job.counts.done, rss: { beforeMiB, peakMiB, heapPeakMiB, externalPeakMiB } };
  } finally {
    watching = false;
    clearInterval(sampler);
  }
}

export type RabbitRequeue = {
  job: Rounds;
  /** The same job's bookkeeping alone: a terminate job of as many letters (chunk intents, in-flight marks, chunk outcomes, state), no broker. */
  bookkeeping: Rounds;
  /** Where the bookkeeping job's time in the store went (sampled, last round). */
  bookkeepingProfile: StoreProfile | null;
  bare: Rounds;
  shovel: Rounds;
  ratios: { bare: number[]; shovel: number[] };
  /** The store's floor: the letters' inbox state updated alone, once, after the rounds. */
  floor: { rate: Throughput; cpu: CpuUse };
  /** CPU used during each round's job, bare ConfirmChannel and bookkeeping job (cpu-meter.ts). */
  cpu: { job: CpuUse[]; bare: CpuUse[]; bookkeeping: CpuUse[] };
  jobs: JobFigures[];
  firstLetter: Summary;
  start: Summary;
  destination: number;
  requeued: number;
  shovelMoved: number;
};

/** What the requeue rounds need from the bench around them. */
export type RequeueCtx = {
  store: Store;
  runner: JobRunner;
  jobRate: number;
  maxInFlight: number;
  n: number;
  rounds: number;
  signal: AbortSignal;
  log: (line: string) => void;
  /** The store's database, for sampling what it is busy with. */
  databaseUrl: string;
  /** Makes `count` more dead letters like the template (by SQL), with the template's source or `source`. */
  clone: (count: number, tag: string, source?: string) => Promise<void>;
};

/**
 * Before a round's jobs: the store as autovacuum leaves it between jobs on a server where it runs
 * (this machine's PostgreSQL has it off). Without it, each round's job starts over the dead row
 * versions of the round before (the job letters' holds, the letters' state changes), which a
 * census and a claim walk through, and which a maintained server does not keep.
 */
async function settle(store: Store): Promise<void> {
  await store.prisma.$executeRawUnsafe(`VACUUM ANALYZE "dead_letters", "dead_letter_search", "redrive_job_letters", "redrive_jobs"`);
}

/**
 * The least any requeue writes in the store: each letter's inbox state, the outcome it must record
 * after the broker confirmed, one UPDATE a chunk as big as a job's (the table's indexes and its
 * group-count triggers with it), from one connection, and nothing else: no claim, no job rows, no
 * audit. Its CPU is the store's share of a requeue that no bookkeeping design can go below.
 */
async function stateFloor(c: RequeueCtx, source: string): Promise<{ rate: Throughput; cpu: CpuUse }> {
  await c.clone(c.n + 1, "floor", source);
  await settle(c.store);
  const db = new pg.Client({ connectionString: c.databaseUrl });
  await db.connect();
  try {
    const ids = (await db.query<{ id: string }>(`SELECT "id" FROM "dead_letters" WHERE "source" = $1 AND "state" = 'dead' ORDER BY "captured_at" LIMIT $2`, [source, c.n])).rows.map((r) => r.id);
    if (ids.length !== c.n) throw new Error(`the floor's letters: ${ids.length}, not ${c.n}`);
    const metered = await meteredRate(ids.length, async () => {
      for (let i = 0; i < ids.length; i += c.maxInFlight) {
        c.signal.throwIfAborted();
        await db.query(`UPDATE "dead_letters" SET "state" = 'requeued', "state_changed_at" = now() WHERE "id" = ANY($1::uuid[])`, [ids.slice(i, i + c.maxInFlight)]);
      }
    });
    const moved = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM "dead_letters" WHERE "source" = $1 AND "state" = 'requeued'`, [source])).rows[0]!.n);
    if (moved !== c.n) throw new Error(`the floor's update moved ${moved} letters, not ${c.n}`);
    return metered;
  } finally {
    await db.end();
  }
}

export async function measureRabbitRequeue(
  c: RequeueCtx & {
    conn: amqp.ChannelModel;
    ch: amqp.Channel;
    source: string;
    destinationQueue: string;
    headers: Record<string, unknown>;
    shovel: (src: string, dest: string, n: number) => Promise<Throughput>;
  },
): Promise<RabbitRequeue> {
  const { ch, n } = c;
  await ch.assertQueue("shovel-src", { durable: true });
  await ch.assertQueue("shovel-dst", { durable: true });
  await ch.assertQueue("bare-dst", { durable: true });
  const job: Throughput[] = [];
  const bookkeeping: Throughput[] = [];
  const bare: Throughput[] = [];
  const shovel: Throughput[] = [];
  const ratios = { bare: [] as number[], shovel: [] as number[] };
  const jobs: JobFigures[] = [];
  let bookkeepingProfile: StoreProfile | null = null;
  const cpu: RabbitRequeue["cpu"] = { job: [], bare: [], bookkeeping: [] };
  let destination = 0;
  let shovelMoved = 0;
  let requeued = 0;
  for (let round = 0; round < c.rounds; round++) {
    await c.clone(round === 0 ? n : n + 1, `rq${round}`);
    // As many letters again, under another source, for the bookkeeping-only job.
    await c.clone(n + 1, `bk${round}`, `${c.source} (bookkeeping)`);
    await settle(c.store);
    const fill = await c.conn.createConfirmChannel();
    await confirmedPublish(fill, n, c.maxInFlight, (i, cb) =>
      fill.sendToQueue("shovel-src", body(i), { persistent: true, messageId: `sh-${i}`, contentType: "application/json", headers: c.headers }, cb),
    );
    await fill.close();
    await ch.purgeQueue(c.destinationQueue);
    const r: Record<string, Throughput> = {};
    for (const who of rotation(["job", "bare", "shovel", "bookkeeping"] as const, round)) {
      if (who === "bookkeeping") {
        const metered = await meterCpu(() =>
          profileStore(c.databaseUrl, () => requeueJob(c.store, c.runner, `${c.source} (bookkeeping)`, c.jobRate, n, async () => true, c.signal, "terminate")),
        );
        const { result, profile } = metered.result;
        cpu.bookkeeping.push(metered.cpu);
        r.bookkeeping = result.total;
        bookkeepingProfile = profile;
      } else if (who === "job") {
        const before = await c.store.prisma.deadLetter.count({ where: { source: c.source, state: "requeued" } });
        const metered = await meterCpu(() => requeueJob(c.store, c.runner, c.source, c.jobRate, n, async () => (await messageCount(ch, c.destinationQueue)) > 0, c.signal));
        const f = metered.result;
        cpu.job.push(metered.cpu);
        jobs.push(f);
        r.job = f.total;
        destination += await until(
          "requeued letters in the destination",
          () => messageCount(ch, c.destinationQueue),
          (x) => x >= n,
          10_000,
          c.signal,
          100,
        ).catch(() => messageCount(ch, c.destinationQueue));
        requeued += (await c.store.prisma.deadLetter.count({ where: { source: c.source, state: "requeued" } })) - before;
        await ch.purgeQueue(c.destinationQueue);
      } else if (who === "bare") {
        const bareCh = await c.conn.createConfirmChannel();
        const metered = await meteredRate(n, () =>
          confirmedPublish(bareCh, n, c.maxInFlight, (i, cb) =>
            bareCh.publish(
              "",
              "bare-dst",
              body(i),
              { persistent: true, mandatory: true, messageId: `bare-${i}`, contentType: "application/json", headers: c.headers },
              cb,
            ),
          ),
        );
        cpu.bare.push(metered.cpu);
        r.bare = metered.rate;
        await bareCh.close();
        await ch.purgeQueue("bare-dst");
      } else {
        r.shovel = await c.shovel("shovel-src", "shovel-dst", n);
        shovelMoved += await messageCount(ch, "shovel-dst");
        await ch.purgeQueue("shovel-dst");
      }
    }
    job.push(r.job!);
    bookkeeping.push(r.bookkeeping!);
    bare.push(r.bare!);
    shovel.push(r.shovel!);
    ratios.bare.push(r.job!.perSecond / r.bare!.perSecond);
    ratios.shovel.push(r.job!.perSecond / r.shovel!.perSecond);
    const last = jobs[jobs.length - 1]!;
    c.log(
      `  requeue (RabbitMQ) round ${round + 1}: job ${Math.round(r.job!.perSecond)}/s (start ${Math.round(last.startMs)} ms, first letter ${Math.round(last.firstLetterMs)} ms, RSS ${Math.round(last.rss.beforeMiB)} → peak ${Math.round(last.rss.peakMiB)} MiB, heap peak ${Math.round(last.rss.heapPeakMiB)} MiB, external peak ${Math.round(last.rss.externalPeakMiB)} MiB), bare ConfirmChannel ${Math.round(r.bare!.perSecond)}/s, shovel ${Math.round(r.shovel!.perSecond)}/s, bookkeeping alone ${Math.round(r.bookkeeping!.perSecond)}/s`,
    );
    if (bookkeepingProfile) c.log(`    bookkeeping's store time: ${describeProfile(bookkeepingProfile)}`);
  }
  const floor = await stateFloor(c, `${c.source} (floor)`);
  c.log(`  requeue floor (the letters' state alone): ${Math.round(floor.rate.perSecond)}/s, PostgreSQL ${Math.round((floor.cpu.seconds.store * 1e6) / n)} µs a letter`);
  return {
    job: roundsOf(job),
    bookkeeping: roundsOf(bookkeeping),
    floor,
    bookkeepingProfile,
    bare: roundsOf(bare),
    shovel: roundsOf(shovel),
    ratios,
    cpu,
    jobs,
    firstLetter: summarize(jobs.map((j) => j.firstLetterMs)),
    start: summarize(jobs.map((j) => j.startMs)),
    destination,
    requeued,
    shovelMoved,
  };
}

export type NatsRequeue = {
  job: Rounds;
  bare: Rounds;
  ratios: number[];
  /** CPU used during each round's job and bare js.publish run (cpu-meter.ts). */
  cpu: { job: CpuUse[]; bare: CpuUse[] };
  jobs: JobFigures[];
  firstLetter: Summary;
  destination: number;
  requeued: number;
  bareStored: number;
};

export async function measureNatsRequeue(
  c: RequeueCtx & { nc: NatsConnection; source: string; stream: string; subject: string; bareStream: string; confirmMs: number },
): Promise<NatsRequeue> {
  const jsm = await jetstreamManager(c.nc, { timeout: 10_000 });
  const js = jetstream(c.nc);
  const messages = async (stream: string) => Number((await jsm.streams.info(stream)).state.messages);
  const job: Throughput[] = [];
  const bare: Throughput[] = [];
  const ratios: number[] = [];
  const jobs: JobFigures[] = [];
  const cpu: NatsRequeue["cpu"] = { job: [], bare: [] };
  let destination = 0;
  let requeued = 0;
  let bareStored = 0;
  for (let round = 0; round < c.rounds; round++) {
    await c.clone(round === 0 ? c.n : c.n + 1, `nq${round}`);
    await settle(c.store);
    await jsm.streams.purge(c.stream);
    await jsm.streams.purge(c.bareStream);
    const r: Record<string, Throughput> = {};
    for (const who of rotation(["job", "bare"] as const, round)) {
      if (who === "job") {
        const before = await c.store.prisma.deadLetter.count({ where: { source: c.source, state: "requeued" } });
        const metered = await meterCpu(() => requeueJob(c.store, c.runner, c.source, c.jobRate, c.n, async () => (await messages(c.stream)) > 0, c.signal));
        const f = metered.result;
        cpu.job.push(metered.cpu);
        jobs.push(f);
        r.job = f.total;
        destination += await messages(c.stream);
        requeued += (await c.store.prisma.deadLetter.count({ where: { source: c.source, state: "requeued" } })) - before;
      } else {
        let next = 0;
        const metered = await meteredRate(c.n, () =>
          Promise.all(
            Array.from({ length: Math.min(c.maxInFlight, c.n) }, async () => {
              while (next < c.n) {
                const i = next++;
                await js.publish(`${c.subject}.bare`, body(i), { timeout: c.confirmMs });
              }
            }),
          ),
        );
        cpu.bare.push(metered.cpu);
        r.bare = metered.rate;
        bareStored += await messages(c.bareStream);
      }
    }
    job.push(r.job!);
    bare.push(r.bare!);
    ratios.push(r.job!.perSecond / r.bare!.perSecond);
    const last = jobs[jobs.length - 1]!;
    c.log(
      `  requeue (JetStream) round ${round + 1}: job ${Math.round(r.job!.perSecond)}/s (start ${Math.round(last.startMs)} ms, first letter ${Math.round(last.firstLetterMs)} ms, RSS ${Math.round(last.rss.beforeMiB)} → peak ${Math.round(last.rss.peakMiB)} MiB), bare js.publish ${Math.round(r.bare!.perSecond)}/s`,
    );
  }
  return {
    job: roundsOf(job),
    bare: roundsOf(bare),
    ratios,
    cpu,
    jobs,
    firstLetter: summarize(jobs.map((j) => j.firstLetterMs)),
    destination,
    requeued,
    bareStored,
  };
}
