import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import type { RabbitClusterConfig } from "@/lib/config";
import { COLLECTOR_LOCK, createLeaderLock } from "@/lib/db/leader-lock";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { listDlqFlows } from "@/lib/dead-letters/list-dlq-flows";
import { findConditions } from "@/lib/notifications/find-conditions";
import { renderMetrics } from "@/lib/metrics/render-metrics";
import { createTestDatabase } from "../support/postgres";
import { createVhost, until } from "../support/rabbit-admin";
import { parseExposition, sampleOf } from "../support/parse-exposition";

// A DLQ adopted with a backlog: the collector drains it in a burst. Those letters died long before
// and did not arrive now; counted as arrivals they would read as an inflow of thousands a minute and
// page the on-call through the dead-letter-inflow rule the moment an operator adopts a queue (or a
// second installation starts, or Redrive comes back from a deploy). Real RabbitMQ, real collector:
// the backlog carries the x-death a message has after waiting two hours in its DLQ; the arrivals die
// through the dead-letter exchange now.

const id = randomBytes(3).toString("hex");
const VHOST = `it-inflow-${id}`;
const CLUSTER = `rmq-inflow-${id}`;
const BACKLOG = 40;
const ARRIVING = 3;
const WINDOW_MINUTES = 5;

describe("dead-letter inflow of a DLQ adopted with a backlog", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let dir: string;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let rabbit: RabbitBroker;
  let collector: Collector;

  const cluster: RabbitClusterConfig = {
    name: CLUSTER,
    kind: "rabbitmq",
    amqpUrl: "amqp://127.0.0.1:5672",
    managementUrl: "http://127.0.0.1:15672",
    user: "guest",
    password: "guest",
    vhosts: [VHOST],
    deadLetters: { adopt: ["*/work.dlq"], queues: [], prefetch: 50 },
  };

  const collected = async () => (await store.prisma.deadLetter.count({ where: { collectedFrom: `${VHOST}/work.dlq` } })) as number;
  const flow = async () => (await listDlqFlows()).find((f) => f.cluster === CLUSTER && f.name === `${VHOST}/work.dlq`);
  const inflowRule = (perMinute: number) =>
    findConditions(store.prisma, { kind: "dead-letter-inflow", perMinute }, { cluster: CLUSTER, match: null }, new Date());

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "redrive-inflow-"));
    writeFileSync(
      path.join(dir, "redrive.config.json"),
      JSON.stringify({
        clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST], deadLetters: cluster.deadLetters }],
      }),
    );
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange("dlx", "direct", { durable: true });
    await ch.assertQueue("work.dlq", { durable: true });
    await ch.bindQueue("work.dlq", "dlx", "work");
    await ch.assertQueue("work", { durable: true, arguments: { "x-dead-letter-exchange": "dlx" } });

    // The backlog: letters that died out of `work` two hours ago and have waited in the DLQ since.
    const diedAt = Math.floor((Date.now() - 2 * 3_600_000) / 1000);
    for (let i = 0; i < BACKLOG; i++) {
      ch.sendToQueue("work.dlq", Buffer.from(JSON.stringify({ old: i })), {
        messageId: `old-${i}`,
        persistent: true,
        headers: {
          "x-death": [{ count: 1, reason: "rejected", queue: "work", time: { "!": "timestamp", value: diedAt }, exchange: "", "routing-keys": ["work"] }],
          "x-first-death-reason": "rejected",
          "x-first-death-queue": "work",
        },
      });
    }
    await ch.waitForConfirms();
    await ch.close();

    rabbit = new RabbitBroker(cluster, 5000);
    collector = new Collector(store.prisma, [{ cluster, broker: rabbit }], createLeaderLock({ kind: "postgres", url: db.url }, () => undefined, COLLECTOR_LOCK), {
      intervalMs: 1000,
      discoveryMs: 0,
      timeoutMs: 5000,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await collector?.stop();
    await rabbit?.close();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await store?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("collects the backlog in a burst and shows no inflow for it: the inflow rule stays quiet", async () => {
    await until(
      async () => (await collector.tick(), collected()),
      (n) => n === BACKLOG,
      30_000,
      100,
    );
    const old = await store.prisma.deadLetter.findFirstOrThrow({ where: { messageId: "old-0" } });
    // The letter carries the broker's death time, two hours before it was collected.
    expect(old.capturedAt.getTime() - old.lastDeathAt!.getTime()).toBeGreaterThan(3_600_000);

    const f = await flow();
    expect(f?.adopted).toBe(true);
    expect(f?.collected).toBe(BACKLOG);
    expect(f?.inflowPerMinute).toBe(0);
    expect((await inflowRule(1)).holding).toEqual([]);
  });

  it("counts the letters dying now, beside the backlog, and fires the rule on them", async () => {
    const ch = await conn.createChannel();
    for (let i = 0; i < ARRIVING; i++) ch.sendToQueue("work", Buffer.from(JSON.stringify({ now: i })), { messageId: `new-${i}`, persistent: true });
    // A worker that rejects them: each dies into the DLQ through the dead-letter exchange, now.
    await ch.consume("work", (m) => m && ch.nack(m, false, false));
    await until(
      async () => (await collector.tick(), collected()),
      (n) => n === BACKLOG + ARRIVING,
      30_000,
      100,
    );
    await ch.close();

    const f = await flow();
    expect(f?.inflowPerMinute).toBe(ARRIVING / WINDOW_MINUTES);
    expect(f?.inflowWindowSeconds).toBe(WINDOW_MINUTES * 60);
    // Over 0.5 a minute: fires, naming the arrivals alone.
    const fired = await inflowRule(0.5);
    expect(fired.holding.map((c) => c.summary)).toEqual([`${ARRIVING / WINDOW_MINUTES} dead letters per minute (above 0.5)`]);
    // The metric says the same as the page.
    const m = parseExposition((await renderMetrics()).text);
    expect(sampleOf(m, "redrive_dlq_inflow_per_minute", { cluster: CLUSTER, dlq: f!.name, dlq_id: f!.id })?.value).toBe(ARRIVING / WINDOW_MINUTES);
  });
});
