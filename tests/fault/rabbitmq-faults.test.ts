import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalFor } from "@/lib/auth/permissions";
import type { RabbitClusterConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { controlJob } from "@/lib/redrive/control-job";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import type { LetterPublisher } from "@/lib/brokers/publisher";
import { startJob } from "@/lib/redrive/start-job";
import type { JobSummary } from "@/lib/redrive/types";
import { account, countLetterIntents, expectAccountedFor } from "../support/accounting";
import { drainQueue, rabbitDeadLetters } from "../support/letters";
import { TEST_OPERATOR } from "../support/principals";
import { createRedriveEnv, uniqueId, type RedriveEnv } from "../support/redrive-env";
import { until } from "../support/rabbit-admin";
import { startRabbitNode, type RabbitNode } from "../support/rabbitmq-node";
import { TcpProxy } from "../support/tcp-proxy";

// RabbitMQ under faults: each scenario runs a real requeue job against a private RabbitMQ node
// (started for this file, stopped after it: the restart and the memory alarm below must never reach
// the broker a developer is using), breaks something on the way, and ends with the shared accounting
// of every letter it started with.

const id = uniqueId();
const VHOST = `fault-rmq-${id}`;
const CLUSTER = `fault-rmq-${id}`;
const SECOND_OPERATOR = principalFor("user", "00000000-0000-4000-8000-000000000002", "second-operator", "operator");
const CONFIRM_MS = 5000;

describe("requeue to RabbitMQ under faults", () => {
  let rabbit: RabbitNode;
  let env: RedriveEnv;
  let vhost: Awaited<ReturnType<RabbitNode["createVhost"]>>;
  let queueSeq = 0;

  const clusterVia = (port: number): RabbitClusterConfig => ({ name: CLUSTER, kind: "rabbitmq", amqpUrl: `amqp://127.0.0.1:${port}`, managementUrl: rabbit.managementUrl, user: "guest", password: "guest", vhosts: [VHOST] });
  const connect = () => amqp.connect(rabbit.amqpUrlFor(VHOST));

  /** A fresh queue pair (work queue dead-lettering into its DLQ) and `n` real dead letters from it. */
  async function setup(n: number, tag: string): Promise<{ ids: string[]; queue: string; conn: amqp.ChannelModel }> {
    const queue = `q${++queueSeq}-${tag}`;
    const conn = await connect();
    conn.on("error", () => undefined);
    const ch = await conn.createChannel();
    await ch.assertQueue(`${queue}.dlq`, { durable: true });
    await ch.assertQueue(queue, { durable: true, arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": `${queue}.dlq` } });
    await ch.close();
    const ids = await rabbitDeadLetters(env.store.prisma, { conn, cluster: CLUSTER, vhost: VHOST, queue, dlq: `${queue}.dlq`, n, tag });
    return { ids, queue, conn };
  }

  const runnerFor = (port = rabbit.amqpPort, opts: { confirmMs?: number; wrap?: (p: LetterPublisher) => LetterPublisher; maxInFlight?: number } = {}) =>
    new JobRunner({
      prisma: env.store.prisma,
      maxInFlight: opts.maxInFlight ?? 20,
      leaseMs: 3000,
      publisherFor: async () => {
        const p = new RabbitPublisher(clusterVia(port), opts.confirmMs ?? CONFIRM_MS);
        return opts.wrap ? opts.wrap(p) : p;
      },
      log: (level, message, context) => console.error(`runner ${level}: ${message} ${JSON.stringify(context ?? {})}`),
    });

  const requeue = (ids: string[], rate: number, actor = TEST_OPERATOR) => startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate }, actor, null);
  const settled = (jobId: string, ms = 60_000) => until(() => getJob(jobId), (j) => ["completed", "cancelled", "failed"].includes(j.state), ms, 200);

  /** What the job says while a fault lasts, for the report. */
  function watchErrors(jobId: string): { seen: Set<string>; stop(): void } {
    const seen = new Set<string>();
    const timer = setInterval(() => void getJob(jobId).then((j) => j.error && seen.add(j.error), () => undefined), 200);
    return { seen, stop: () => clearInterval(timer) };
  }

  beforeAll(async () => {
    rabbit = await startRabbitNode();
    env = await createRedriveEnv({
      clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: `amqp://guest:guest@127.0.0.1:${rabbit.amqpPort}`, managementUrl: rabbit.managementUrl, vhosts: [VHOST] }],
      redrive: { maxRate: 100_000, confirmTimeoutSeconds: CONFIRM_MS / 1000 },
    }, id);
    vhost = await rabbit.createVhost(VHOST);
  });

  afterAll(async () => {
    await vhost?.drop().catch(() => undefined);
    await env?.close();
    await rabbit?.stop();
  });

  it("broker restarted during a bulk requeue: the job waits, then finishes", async () => {
    const t0 = Date.now();
    const { ids, queue, conn } = await setup(60, "restart");
    await conn.close();
    const runner = runnerFor();
    // Slow enough that the job is still sending when stop_app lands: rabbitmqctl itself takes a few
    // seconds to start on a busy machine.
    const job = await requeue(ids, 6);
    const watch = watchErrors(job.id);
    try {
      await runner.claim();
      await until(() => getJob(job.id), (j) => j.counts.done >= 5, 30_000, 100);
      await rabbit.restartApp(3000);
      const end = await settled(job.id, 120_000);
      expect(end.state).toBe("completed");
      expect(end.counts.failed).toBe(0);
      const after = await connect();
      const copies = await drainQueue(after, queue);
      await after.close();
      const acc = await account({ scenario: "RabbitMQ restarted during a bulk requeue", shows: "`rabbitmqctl stop_app` on a private RabbitMQ node for 3 s under a 60-letter job at 6/s: letters awaiting a confirm when the connection dropped are outcome unknown; letters not yet sent wait and go once RabbitMQ is back.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0, notes: [...watch.seen].map((e) => `the job said: ${e}`) });
      expectAccountedFor(acc);
      expect([...watch.seen].some((e) => e.startsWith("Waiting for the broker"))).toBe(true);
    } finally {
      watch.stop();
      await runner.stop();
      await rabbit.ready();
    }
  });

  it("connection cut after the publish but before the confirm: outcome unknown, never retried, nothing lost", async () => {
    const t0 = Date.now();
    const { ids, queue, conn } = await setup(30, "cut");
    const proxy = new TcpProxy(rabbit.amqpPort);
    const port = await proxy.start();
    const runner = runnerFor(port);
    try {
      const job = await requeue(ids, 20);
      await runner.claim();
      await until(() => getJob(job.id), (j) => j.counts.done >= 5, 30_000, 50);
      // The broker takes the publishes; its confirms are held back, then the connection drops.
      proxy.stall();
      await until(async () => proxy.heldBytes, (b) => b > 0, 10_000, 20);
      await new Promise((r) => setTimeout(r, 300));
      await proxy.cut();
      await new Promise((r) => setTimeout(r, 1000));
      await proxy.restore();
      const end = await settled(job.id);
      expect(end.state).toBe("completed");
      expect(end.counts.unknown).toBeGreaterThan(0);
      const copies = await drainQueue(conn, queue);
      const acc = await account({ scenario: "connection cut after publish, before the confirm", shows: "A proxy passes the publishes to RabbitMQ and holds back its confirms, then drops the connection: those letters are outcome unknown (they did land), not retried, so nothing is sent twice.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0 });
      expectAccountedFor(acc);
      expect(acc.doubledUnknown).toBeGreaterThan(0);
    } finally {
      await runner.stop();
      await proxy.cut();
      await conn.close();
    }
  });

  it("confirms delayed by several seconds: every letter done once, nothing unknown", async () => {
    const t0 = Date.now();
    const { ids, queue, conn } = await setup(20, "slow");
    const proxy = new TcpProxy(rabbit.amqpPort);
    const port = await proxy.start();
    const runner = runnerFor(port, { confirmMs: 10_000 });
    try {
      // Past the AMQP handshake (start, tune, open-ok, channel and confirm-select replies).
      proxy.delay(3000, 5);
      const job = await requeue(ids, 100);
      await runner.claim();
      const end = await settled(job.id);
      expect(end.counts).toMatchObject({ done: 20, unknown: 0, failed: 0 });
      expect(Date.now() - t0).toBeGreaterThan(3000);
      const copies = await drainQueue(conn, queue);
      const acc = await account({ scenario: "confirms delayed 3 s", shows: "Every byte RabbitMQ sends is delayed 3 s (confirm timeout 10 s): the job is slower, every letter is done exactly once.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0 });
      expectAccountedFor(acc);
      expect(acc.onBroker).toBe(20);
    } finally {
      await runner.stop();
      await proxy.cut();
      await conn.close();
    }
  });

  it("destination deleted mid-job: the rest fail with the broker's reason and stay dead", async () => {
    const t0 = Date.now();
    const { ids, queue, conn } = await setup(40, "gone");
    const runner = runnerFor();
    const ch = await conn.createChannel();
    const arrived = new Map<string, number>();
    // A consumer on the destination takes what lands before the queue goes.
    await ch.consume(queue, (m) => m && arrived.set(String(m.properties.messageId), (arrived.get(String(m.properties.messageId)) ?? 0) + 1), { noAck: true });
    try {
      const job = await requeue(ids, 20);
      await runner.claim();
      await until(() => getJob(job.id), (j) => j.counts.done >= 8, 30_000, 50);
      // Paused, with nothing in flight and every confirmed letter taken off the queue, so the delete
      // below destroys nothing the job already delivered (a queue deleted with messages in it drops them).
      await controlJob(job.id, "pause", TEST_OPERATOR, null);
      await until(() => getJob(job.id), (j) => j.state === "paused" && j.counts.in_flight === 0 && arrived.size === j.counts.done, 30_000, 50);
      await ch.deleteQueue(queue);
      await controlJob(job.id, "resume", TEST_OPERATOR, null);
      const end = await settled(job.id);
      expect(end.state).toBe("completed");
      expect(end.counts.failed).toBeGreaterThan(0);
      const failed = await env.store.prisma.redriveJobLetter.findMany({ where: { jobId: job.id, outcome: "failed" } });
      for (const f of failed) expect(f.detail).toMatch(/^unroutable: 312 NO_ROUTE/);
      const acc = await account({ scenario: "destination queue deleted mid-job", shows: "The destination queue is deleted while a 40-letter job runs: letters after it come back from RabbitMQ as NO_ROUTE returns and stay dead in the inbox with that reason.", prisma: env.store.prisma, letterIds: ids, copies: arrived, startedAt: t0 });
      expectAccountedFor(acc);
    } finally {
      await runner.stop();
      await conn.close();
    }
  });

  it("a job cancelled mid-way: what moved stays moved, the rest is released", async () => {
    const t0 = Date.now();
    const { ids, queue, conn } = await setup(40, "cancel");
    const runner = runnerFor();
    try {
      const job = await requeue(ids, 10);
      await runner.claim();
      await until(() => getJob(job.id), (j) => j.counts.done >= 5, 30_000, 50);
      await controlJob(job.id, "cancel", SECOND_OPERATOR, null);
      const end = await settled(job.id);
      expect(end.state).toBe("cancelled");
      expect(end.counts.cancelled).toBeGreaterThan(0);
      const copies = await drainQueue(conn, queue);
      const acc = await account({ scenario: "job cancelled mid-way", shows: "A second operator cancels a 40-letter job at 10/s: sent letters stay requeued, the rest are released to the inbox, dead and free.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0 });
      expectAccountedFor(acc);
      expect(acc.states.dead).toBe(end.counts.cancelled);
    } finally {
      await runner.stop();
      await conn.close();
    }
  });

  it("duplicate clicks and two operators on one letter: one job wins, the others are told which", async () => {
    const t0 = Date.now();
    const { ids, queue, conn } = await setup(6, "clicks");
    const runner = runnerFor();
    try {
      // The same operator clicks "requeue" three times; a second operator terminates one of them at once.
      const results = await Promise.allSettled([requeue(ids, 100), requeue(ids, 100), requeue(ids, 100), startJob({ action: "terminate", scope: { kind: "letters", ids: [ids[0]!] }, includePoison: false, rate: 100 }, SECOND_OPERATOR, null)]);
      const won = results.filter((r): r is PromiseFulfilledResult<JobSummary> => r.status === "fulfilled");
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(3);
      for (const l of lost) {
        expect((l.reason as AppError).code).toBe("CONFLICT");
        expect((l.reason as AppError).message).toMatch(new RegExp(`^Job ${won[0]!.value.number} already has`));
      }
      await runner.claim();
      const end = await settled(won[0]!.value.id);
      // A second runner (another replica) cannot take a job whose lease is held.
      const other = runnerFor();
      expect(await other.claim()).toEqual([]);
      await other.stop();
      // Cancelling twice: the second is refused and says why.
      await expect(controlJob(end.id, "cancel", TEST_OPERATOR, null)).rejects.toThrow(/is completed; it cannot be cancelled now/);
      const copies = await drainQueue(conn, queue);
      const acc = await account({ scenario: "duplicate clicks, two operators on one letter", shows: "Three identical requeue clicks and a terminate by another operator at the same instant: one job takes the letters, the other three are refused with 409 naming it; a second replica cannot take the held job; a late cancel is refused.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0, notes: [`refused with: ${(lost[0]!.reason as Error).message}`] });
      expectAccountedFor(acc);
      expect(acc.onBroker).toBe(won[0]!.value.action === "requeue" ? 6 : 0);
    } finally {
      await runner.stop();
      await conn.close();
    }
  });

  it("PostgreSQL down before an action: refused, the broker untouched; a running job sends nothing unrecorded", async () => {
    const t0 = Date.now();
    const { ids, queue, conn } = await setup(30, "pgdown");
    const runner = runnerFor();
    try {
      await env.pgProxy.cut();
      const refused = await requeue(ids.slice(0, 5), 100).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(refused?.code).toBe("STORE_UNAVAILABLE");
      expect(refused?.message).toMatch(/^Nothing was done: Redrive could not record the action in its audit log/);
      expect(await env.direct.prisma.redriveJob.count({ where: { createdAt: { gte: new Date(t0) } } })).toBe(0);
      const check = await conn.createChannel();
      expect((await check.checkQueue(queue)).messageCount).toBe(0);
      await check.close();
      await env.pgProxy.restore();

      // A job running when the store goes: no new chunk starts without its intents recorded. The
      // runner polls for work as the server's does, so it picks the job up again once the store is back.
      const job = await requeue(ids, 20);
      runner.start();
      await until(() => getJob(job.id), (j) => j.counts.done >= 5, 30_000, 50);
      await env.pgProxy.cut();
      await new Promise((r) => setTimeout(r, 3000));
      const landed = await drainQueue(conn, queue);
      const intents = await countLetterIntents(env.direct.prisma, ids, "letter.requeue");
      expect([...landed.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(intents);
      await env.pgProxy.restore();
      const end = await settled(job.id);
      expect(end.state).toBe("completed");
      const copies = await drainQueue(conn, queue, landed);
      const acc = await account({ scenario: "PostgreSQL down before an action", shows: "With the store unreachable a new job is refused (\"Nothing was done…\") and the broker is untouched; a job already running stops at its next chunk, since no intent can be written, and finishes once the store is back.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0, notes: [`refused with: ${refused?.message ?? ""}`] });
      expectAccountedFor(acc);
    } finally {
      await env.pgProxy.restore().catch(() => undefined);
      await runner.stop();
      await conn.close();
    }
  });

  it("PostgreSQL down after the broker confirmed: the outcome is recorded once the store is back", async () => {
    const t0 = Date.now();
    const { ids, queue, conn } = await setup(20, "pgafter");
    let cutDone = false;
    // The store goes away right after RabbitMQ confirmed the 6th letter, before its outcome is written.
    let confirmed = 0;
    const runner = runnerFor(rabbit.amqpPort, {
      wrap: (p) => ({
        publish: async (l) => {
          const r = await p.publish(l);
          if (++confirmed === 6 && !cutDone) {
            cutDone = true;
            await env.pgProxy.cut();
            setTimeout(() => void env.pgProxy.restore(), 3000);
          }
          return r;
        },
        close: () => p.close(),
      }),
    });
    try {
      const job = await requeue(ids, 20);
      runner.start();
      await until(async () => cutDone, Boolean, 30_000, 50);
      // Read straight from the database: the store the lib uses is the one that is away.
      const end = await until(() => env.direct.prisma.redriveJob.findUniqueOrThrow({ where: { id: job.id } }), (j) => j.state === "completed", 60_000, 200);
      expect(end.state).toBe("completed");
      const copies = await drainQueue(conn, queue);
      const acc = await account({ scenario: "PostgreSQL down after the broker confirmed", shows: "The store goes away for 3 s right after RabbitMQ confirmed a letter and before its outcome was written: the runner keeps the outcome and records it when the store is back — done, not unknown, sent once.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0 });
      expectAccountedFor(acc);
      expect(acc.outcomes).toEqual({ done: 20 });
    } finally {
      await env.pgProxy.restore().catch(() => undefined);
      await runner.stop();
      await conn.close();
    }
  });

  it("RabbitMQ memory alarm blocking publishers: the job waits and finishes when the alarm clears", async () => {
    const t0 = Date.now();
    const { ids, queue, conn } = await setup(60, "alarm");
    const runner = runnerFor();
    const before = (await rabbit.ctl("eval", "vm_memory_monitor:get_vm_memory_high_watermark().")).trim();
    const job = await requeue(ids, 10);
    const watch = watchErrors(job.id);
    try {
      await runner.claim();
      await until(() => getJob(job.id), (j) => j.counts.done >= 3, 30_000, 50);
      await rabbit.ctl("set_vm_memory_high_watermark", "0.0001");
      try {
        await until(() => getJob(job.id), (j) => (j.error ?? "").length > 0, 20_000, 100);
        await new Promise((r) => setTimeout(r, CONFIRM_MS + 1000));
      } finally {
        await rabbit.ctl("set_vm_memory_high_watermark", /^\d/.test(before) ? before : "0.4");
      }
      const end = await settled(job.id);
      expect(end.state).toBe("completed");
      const copies = await drainQueue(conn, queue);
      const acc = await account({ scenario: "RabbitMQ memory alarm blocks publishers", shows: "`set_vm_memory_high_watermark 0.0001` on a private RabbitMQ node under a running job for longer than the confirm timeout: the job says RabbitMQ is blocking publishers and waits; when the alarm clears every letter goes, once.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0, notes: [...watch.seen].map((e) => `the job said: ${e}`) });
      expectAccountedFor(acc);
      expect(acc.outcomes).toEqual({ done: 60 });
      expect([...watch.seen].some((e) => /RabbitMQ is blocking publishers/.test(e))).toBe(true);
    } finally {
      watch.stop();
      await runner.stop();
      await conn.close();
    }
  });
});
