import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN, TEST_OPERATOR } from "../support/principals";
import type { RabbitClusterConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { controlJob } from "@/lib/redrive/control-job";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { planJob } from "@/lib/redrive/plan-job";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import { startJob } from "@/lib/redrive/start-job";
import { AppError } from "@/lib/errors";
import { letterAuditRows } from "../support/accounting";
import { rabbitDeadLetters } from "../support/letters";
import { createTestDatabase } from "../support/postgres";
import { createVhost, until } from "../support/rabbit-admin";
import { TcpProxy } from "../support/tcp-proxy";
import { FREE } from "../support/holds";

const id = randomBytes(3).toString("hex");
const VHOST = `it-jobs-${id}`;
const CLUSTER = `rmq-jobs-${id}`;
const cluster: RabbitClusterConfig = { name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST] };

describe("redrive jobs against real RabbitMQ", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let ch: amqp.Channel;
  let runner: JobRunner;
  const received = new Map<string, Array<{ body: Buffer; headers: Record<string, unknown>; messageId: string | undefined }>>();

  /** Makes dead letters the way the collector stores them: real messages, dead-lettered by RabbitMQ itself. */
  const makeLetters = (n: number, tag: string, extraHeaders: Record<string, unknown> = {}): Promise<string[]> =>
    rabbitDeadLetters(store.prisma, { conn, cluster: CLUSTER, vhost: VHOST, queue: "orders", dlq: "orders.dlq", n, tag, headers: extraHeaders });

  const arrivals = (tag: string) => [...received.entries()].filter(([k]) => k.startsWith(`${tag}-`));
  const run = async (jobId: string) => {
    await runner.claim();
    await runner.idle();
    return getJob(jobId);
  };

  /** A finished job's counts as kept on its row: its letters' outcomes counted from the table now. */
  const expectCountsKept = async (jobId: string) => {
    const rows = await store.prisma.redriveJobLetter.groupBy({ by: ["outcome"], where: { jobId }, _count: { _all: true } });
    const live = Object.fromEntries(rows.map((r) => [r.outcome, r._count._all]));
    const job = await store.prisma.redriveJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.finalCounts).toEqual(live);
    const shown = (await getJob(jobId)).counts;
    for (const [outcome, n] of Object.entries(shown)) expect(n, outcome).toBe(live[outcome] ?? 0);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-jobs-"));
    writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] }], redrive: { poisonAfter: 2 } }));
    // The job functions read the process configuration and store, as they do in the server.
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    ch = await conn.createChannel();
    await ch.assertExchange("dlx", "direct");
    await ch.assertQueue("orders.dlq");
    await ch.bindQueue("orders.dlq", "dlx", "orders");
    await ch.assertQueue("orders", { arguments: { "x-dead-letter-exchange": "dlx" } });
    runner = new JobRunner({ prisma: store.prisma, maxInFlight: 50, publisherFor: async () => new RabbitPublisher(cluster, 5000), log: (level, message, context) => console.error(level, message, JSON.stringify(context)) });
  });

  afterAll(async () => {
    await runner?.stop();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  /** Reads what arrived in `orders` (the consumer a requeue is for), without acking anything else. */
  async function drainOrders(): Promise<void> {
    for (;;) {
      const m = await ch.get("orders", { noAck: true });
      if (m === false) return;
      const key = String(m.properties.messageId);
      const list = received.get(key) ?? [];
      list.push({ body: m.content, headers: (m.properties.headers ?? {}) as Record<string, unknown>, messageId: m.properties.messageId as string | undefined });
      received.set(key, list);
    }
  }

  it("plans without touching anything, then requeues a group to its queue exactly once, byte for byte, audited", async () => {
    const ids = await makeLetters(30, "grp");
    const letter = await store.prisma.deadLetter.findUniqueOrThrow({ where: { id: ids[0]! } });
    const plan = await planJob({ action: "requeue", scope: { kind: "group", fingerprint: letter.fingerprint }, includePoison: false }, TEST_OPERATOR);
    const sameGroup = await store.prisma.deadLetter.count({ where: { fingerprint: letter.fingerprint, state: "dead" } });
    expect(plan.total).toBe(sameGroup);
    expect(plan.destinations).toEqual([{ cluster: CLUSTER, destination: `${VHOST}/orders`, count: sameGroup, exists: true, problem: null }]);
    expect(await store.prisma.redriveJob.count()).toBe(0);

    const job = await startJob({ action: "requeue", scope: { kind: "filter", filters: { source: `${VHOST}/orders` } }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
    expect(job).toMatchObject({ state: "running", total: 30, action: "requeue" });
    const done = await run(job.id);
    expect(done).toMatchObject({ state: "completed" });
    expect(done.counts.done).toBe(30);

    await until(async () => (await drainOrders(), arrivals("grp").length), (n) => n === 30, 20_000);
    for (const letterId of ids) {
      const l = await store.prisma.deadLetter.findUniqueOrThrow({ where: { id: letterId } });
      expect(l.state).toBe("requeued");
      expect(await store.prisma.deadLetter.count({ where: { id: letterId, ...FREE } })).toBe(1);
      const copies = received.get(l.messageId!)!;
      expect(copies).toHaveLength(1);
      expect(Buffer.compare(copies[0]!.body, Buffer.from(l.payload!))).toBe(0);
      expect(copies[0]!.headers).toMatchObject({ "x-tenant": "acme", "x-redrive-count": 1, "x-first-death-queue": "orders" });
      expect(Array.isArray(copies[0]!.headers["x-death"])).toBe(true);
    }
    const audit = await store.prisma.auditEvent.groupBy({ by: ["action", "phase"], _count: { _all: true }, where: { OR: [{ target: `job:${job.id}` }, { action: "letter.requeue" }] } });
    const count = (action: string, phase: string) => audit.find((a) => a.action === action && a.phase === phase)?._count._all;
    expect([count("job.requeue", "intent"), count("job.requeue", "outcome")]).toEqual([1, 2]);
    // The letters go as chunks: one intent and one outcome row per chunk, each naming its letters.
    expect(count("letter.requeue", "intent")).toBe(count("letter.requeue", "outcome"));
    expect(count("letter.requeue", "intent")).toBeLessThan(30);
    // Every letter has one intent and one "done" outcome, found from the letter through the index.
    const trail = await letterAuditRows(store.prisma, ids);
    for (const phase of ["intent", "outcome"]) expect(trail.filter((a) => a.phase === phase).map((a) => a.letterId).sort(), phase).toEqual([...ids].sort());
    expect(new Set(trail.map((a) => `${a.job}:${a.result ?? "-"}`))).toEqual(new Set([`${job.id}:-`, `${job.id}:done`]));
  });

  it("gives a letter to one job only: a second job on it is told which job has it (409)", async () => {
    const ids = await makeLetters(5, "race");
    const results = await Promise.allSettled([
      startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 10 }, TEST_OPERATOR, null),
      startJob({ action: "terminate", scope: { kind: "letters", ids }, includePoison: false, rate: 10 }, TEST_OPERATOR, null),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const err = lost[0]!.reason as AppError;
    expect(err.code).toBe("CONFLICT");
    const winner = (won[0] as PromiseFulfilledResult<{ id: string; number: number }>).value;
    expect(err.details).toMatchObject({ jobId: winner.id, jobNumber: winner.number, href: `/jobs/${winner.id}`, letters: 5 });
    expect((await run(winner.id)).counts.done).toBe(5);
    await drainOrders();
  });

  it("leaves letters dead with the broker's reason when the destination is deleted after the start", async () => {
    const ids = await makeLetters(3, "noroute");
    await ch.assertQueue("orders.gone");
    const plan = await planJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, destination: `${VHOST}/orders.gone` }, TEST_ADMIN);
    expect(plan.destinations[0]).toMatchObject({ exists: true, count: 3 });
    expect(plan.refusal).toBeNull();
    const job = await startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, destination: `${VHOST}/orders.gone`, rate: 100 }, TEST_ADMIN, null);
    await ch.deleteQueue("orders.gone");
    const done = await run(job.id);
    expect(done.counts).toMatchObject({ failed: 3, done: 0 });
    const outcomes = await store.prisma.redriveJobLetter.findMany({ where: { jobId: job.id } });
    for (const o of outcomes) expect(o.detail).toMatch(/^unroutable: 312 NO_ROUTE/);
    expect(await store.prisma.deadLetter.count({ where: { id: { in: ids }, state: "dead", ...FREE } })).toBe(3);
    await expectCountsKept(job.id);
  });

  it("stops within a second of a cancel; what moved stays moved and the rest is released", async () => {
    const ids = await makeLetters(40, "cancel");
    const job = await startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 10 }, TEST_OPERATOR, null);
    await runner.claim();
    await until(() => getJob(job.id), (j) => j.counts.done >= 5, 20_000);
    const asked = Date.now();
    await controlJob(job.id, "cancel", TEST_OPERATOR, null);
    await runner.idle();
    const after = await getJob(job.id);
    expect(after.state).toBe("cancelled");
    expect(Date.parse(after.finishedAt!) - asked).toBeLessThan(1500);
    expect(after.counts.done + after.counts.cancelled).toBe(40);
    expect(after.counts.cancelled).toBeGreaterThan(0);
    expect(await store.prisma.deadLetter.count({ where: { id: { in: ids }, state: "dead", ...FREE } })).toBe(after.counts.cancelled);
    await until(async () => (await drainOrders(), arrivals("cancel").length), (n) => n === after.counts.done, 20_000);
    await expectCountsKept(job.id);
  });

  it("resumes after a crash without losing or doubling a letter", async () => {
    const ids = await makeLetters(12, "crash");
    const job = await startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
    // What a process killed mid-chunk leaves behind: four letters marked in flight (never confirmed), a lease held.
    const inFlight = ids.slice(0, 4);
    await store.prisma.redriveJobLetter.updateMany({ where: { jobId: job.id, letterId: { in: inFlight } }, data: { outcome: "in_flight" } });
    await store.prisma.redriveJob.update({ where: { id: job.id }, data: { leaseOwner: "dead-process", leaseUntil: new Date(Date.now() - 1000) } });
    const done = await run(job.id);
    expect(done.state).toBe("completed");
    expect(done.counts.done + done.counts.unknown).toBe(12);
    expect(done.counts.unknown).toBe(4);
    await until(async () => (await drainOrders(), arrivals("crash").length), (n) => n === 8, 20_000);
    for (const [, copies] of arrivals("crash")) expect(copies).toHaveLength(1);
    // "Outcome unknown" letters are not lost: still dead in the inbox, free for an operator's retry.
    expect(await store.prisma.deadLetter.count({ where: { id: { in: inFlight }, state: "dead", ...FREE } })).toBe(4);
    // And the audit log says so for each of them.
    const recorded = (await letterAuditRows(store.prisma, ids)).filter((a) => a.action === "letter.requeue" && a.phase === "outcome" && a.result === "unknown" && a.job === job.id);
    expect(recorded.map((r) => r.letterId).sort()).toEqual([...inFlight].sort());
  });

  it("rides out the broker going away mid-job: nothing lost, nothing doubled, every letter accounted for", async () => {
    const ids = await makeLetters(30, "outage");
    const proxy = new TcpProxy(5672);
    const port = await proxy.start();
    const viaProxy = new JobRunner({ prisma: store.prisma, maxInFlight: 5, publisherFor: async () => new RabbitPublisher({ ...cluster, amqpUrl: `amqp://127.0.0.1:${port}` }, 3000) });
    try {
      const job = await startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 20 }, TEST_OPERATOR, null);
      await viaProxy.claim();
      await until(() => getJob(job.id), (j) => j.counts.done >= 5, 20_000, 100);
      await proxy.cut();
      await until(() => getJob(job.id), (j) => (j.error ?? "").startsWith("Waiting for the broker"), 20_000, 200);
      await proxy.restore();
      await viaProxy.idle();
      const end = await getJob(job.id);
      expect(end.state).toBe("completed");
      expect(end.error).toBeNull();
      expect(end.counts.done + end.counts.unknown).toBe(30);
      expect(end.counts.failed).toBe(0);
      await until(async () => (await drainOrders(), arrivals("outage").length), (n) => n >= end.counts.done, 20_000);
      await new Promise((r) => setTimeout(r, 500));
      await drainOrders();
      // Done letters arrived once each; "unknown" ones may or may not have landed, and were not sent twice.
      for (const [, copies] of arrivals("outage")) expect(copies).toHaveLength(1);
      expect(arrivals("outage").length).toBeLessThanOrEqual(end.counts.done + end.counts.unknown);
      expect(arrivals("outage").length).toBeGreaterThanOrEqual(end.counts.done);
    } finally {
      await viaProxy.stop();
      await proxy.cut();
    }
  });

  it("leaves poison out of bulk jobs unless asked, and terminates and restores", async () => {
    const ids = await makeLetters(4, "poison", { "x-redrive-count": 2 });
    const fresh = await makeLetters(2, "fresh");
    const plan = await planJob({ action: "terminate", scope: { kind: "filter", filters: { messageId: "" } }, includePoison: false }, TEST_OPERATOR);
    expect(plan.poison).toBeGreaterThanOrEqual(4);
    const bulk = await startJob({ action: "terminate", scope: { kind: "filter", filters: { source: `${VHOST}/orders` } }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
    await run(bulk.id);
    expect(await store.prisma.deadLetter.count({ where: { id: { in: ids }, state: "dead" } })).toBe(4);
    expect(await store.prisma.deadLetter.count({ where: { id: { in: fresh }, state: "terminated" } })).toBe(2);
    const explicit = await startJob({ action: "terminate", scope: { kind: "letters", ids }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
    expect((await run(explicit.id)).counts.done).toBe(4);
    const restore = await startJob({ action: "restore", scope: { kind: "letters", ids: fresh }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
    expect((await run(restore.id)).counts.done).toBe(2);
    expect(await store.prisma.deadLetter.count({ where: { id: { in: fresh }, state: "dead" } })).toBe(2);
  });
});
