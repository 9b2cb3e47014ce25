import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RabbitClusterConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { letterAuditRows } from "../support/accounting";
import type { Store } from "@/lib/db/open-store";
import { JobRunner } from "@/lib/redrive/job-runner";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import type { LetterPublisher } from "@/lib/brokers/publisher";
import { startJob } from "@/lib/redrive/start-job";
import { rabbitDeadLetters } from "../support/letters";
import { createTestDatabase } from "../support/postgres";
import { TEST_OPERATOR } from "../support/principals";
import { createVhost, until } from "../support/rabbit-admin";

// A runner told to stop waits for the confirms of what it sent, up to its deadline: a confirm in
// time is "done"; one that is still awaited at the deadline is "unknown" (RabbitMQ). Either way the
// lease is handed back at once, so another replica need not wait for it to lapse.

const id = randomBytes(3).toString("hex");
const VHOST = `it-stop-${id}`;
const CLUSTER = `rmq-stop-${id}`;
const cluster: RabbitClusterConfig = { name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST] };

/** The real publisher, with each confirm reaching the runner `lateMs` after RabbitMQ sent it. */
function lateConfirms(lateMs: number, sent: { n: number }): LetterPublisher {
  const real = new RabbitPublisher(cluster, 30_000);
  return {
    publish: async (l) => {
      sent.n++;
      const r = await real.publish(l);
      await new Promise((resolve) => setTimeout(resolve, lateMs));
      return r;
    },
    close: () => real.close(),
  };
}

describe("a job runner stopping mid-chunk", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;

  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-stop-"));
    writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] }], redrive: { maxRate: 100_000 } }));
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createChannel();
    await ch.assertQueue("orders.dlq");
    await ch.assertQueue("orders", { arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "orders.dlq" } });
    await ch.close();
  });

  afterAll(async () => {
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  const runUntilInFlight = async (lateMs: number, tag: string) => {
    const ids = await rabbitDeadLetters(store.prisma, { conn, cluster: CLUSTER, vhost: VHOST, queue: "orders", dlq: "orders.dlq", n: 20, tag });
    const sent = { n: 0 };
    const runner = new JobRunner({ prisma: store.prisma, maxInFlight: 50, publisherFor: async () => lateConfirms(lateMs, sent) });
    const job = await startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
    await runner.claim();
    // Every letter of the chunk handed to the broker, none confirmed yet.
    await until(async () => sent.n, (n) => n === 20, 10_000, 10);
    expect(await store.prisma.redriveJobLetter.count({ where: { jobId: job.id, outcome: "in_flight" } })).toBe(20);
    return { runner, job };
  };
  const outcomes = async (jobId: string) => {
    const rows = await store.prisma.redriveJobLetter.groupBy({ by: ["outcome"], where: { jobId }, _count: true });
    return Object.fromEntries(rows.map((r) => [r.outcome, r._count]));
  };

  it("confirms that arrive before the deadline are recorded done; the lease is handed back at once", async () => {
    const { runner, job } = await runUntilInFlight(1000, `in-time-${id}`);
    const t0 = Date.now();
    const { jobs } = await runner.stop(5000);
    const ms = Date.now() - t0;
    expect(jobs).toBe(1);
    expect(ms).toBeLessThan(3000);
    expect(await outcomes(job.id)).toEqual({ done: 20 });
    const row = await store.prisma.redriveJob.findUniqueOrThrow({ where: { id: job.id } });
    expect({ state: row.state, leaseOwner: row.leaseOwner, leaseUntil: row.leaseUntil }).toEqual({ state: "running", leaseOwner: null, leaseUntil: null });
  });

  it("confirms still awaited at the deadline are outcome unknown, never retried; the runner stops at the deadline", async () => {
    const { runner, job } = await runUntilInFlight(4000, `late-${id}`);
    const t0 = Date.now();
    await runner.stop(800);
    const ms = Date.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(700);
    expect(ms).toBeLessThan(3000);
    expect(await outcomes(job.id)).toEqual({ unknown: 20 });
    const details = await store.prisma.redriveJobLetter.findMany({ where: { jobId: job.id }, select: { detail: true }, distinct: ["detail"] });
    expect(details.map((d) => d.detail)).toEqual([expect.stringMatching(/^Redrive shut down before RabbitMQ confirmed the publish \(shutdown deadline passed\)/)]);
    const row = await store.prisma.redriveJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.leaseOwner).toBeNull();
    // Every unknown outcome is on record against its intent.
    const letters = await store.prisma.redriveJobLetter.findMany({ where: { jobId: job.id }, select: { letterId: true } });
    const audited = (await letterAuditRows(store.prisma, letters.map((l) => l.letterId))).filter((a) => a.phase === "outcome" && a.result === "unknown" && a.job === job.id);
    expect(audited).toHaveLength(20);
  });
});
