import { randomUUID } from "node:crypto";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import type { RabbitClusterConfig } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { letterFromAmqp } from "@/lib/brokers/rabbitmq/letter-from-amqp";
import { createLeaderLock } from "@/lib/db/leader-lock";
import { account, expectAccountedFor } from "../support/accounting";
import { createTestDatabase } from "../support/postgres";
import { createVhost, queueStats, until } from "../support/rabbit-admin";
import { uniqueId } from "../support/redrive-env";

// RabbitMQ dead letters that look alike: identical messages (same bytes, properties and x-death)
// dying in the same second are as many letters, while a letter stored and then delivered again
// (a crash between storing and acknowledging) is still stored once. On the shared RabbitMQ, in a
// vhost of this file's own; nothing here stops or reconfigures the broker.

const id = uniqueId();
const VHOST = `lc-rmq-${id}`;

describe("RabbitMQ dead letters that look alike", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let broker: RabbitBroker;
  let collector: Collector;
  const warnings: string[] = [];

  const cluster: RabbitClusterConfig = {
    name: `lc-rmq-${id}`,
    kind: "rabbitmq",
    amqpUrl: "amqp://127.0.0.1:5672",
    managementUrl: "http://127.0.0.1:15672",
    user: "guest",
    password: "guest",
    vhosts: [VHOST],
    deadLetters: { adopt: ["*/work.dlq"], queues: [], prefetch: 50 },
  };

  /** `n` identical messages published to "work", then rejected together by one nack: they die in the same instant. */
  async function dieTogether(n: number, messageId: string, body: string): Promise<void> {
    const ch = await conn.createConfirmChannel();
    for (let i = 0; i < n; i++) ch.sendToQueue("work", Buffer.from(body), { messageId, contentType: "text/plain", persistent: true, timestamp: 1_700_000_000, headers: { "x-tenant": "acme" } });
    await ch.waitForConfirms();
    await ch.close();
    const worker = await conn.createChannel();
    await worker.prefetch(n);
    const got: amqp.ConsumeMessage[] = [];
    const { consumerTag } = await worker.consume("work", (m) => m && got.push(m));
    await until(async () => got.length, (k) => k === n, 10_000, 20);
    await worker.cancel(consumerTag);
    worker.nackAll(false);
    await worker.close();
  }

  /** Live depth of the DLQ (AMQP, not the management API's 5-second stats): ready messages. */
  async function ready(): Promise<number> {
    const ch = await conn.createChannel();
    try {
      return (await ch.checkQueue("work.dlq")).messageCount;
    } finally {
      await ch.close();
    }
  }

  /** The collector took everything: nothing ready, and nothing comes back once it stops (nothing held unacked). */
  async function drainedAndStopped(): Promise<void> {
    await until(ready, (n) => n === 0, 20_000, 100);
    await new Promise((r) => setTimeout(r, 500));
    await collector.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(await ready()).toBe(0);
  }

  /** The shared accounting over `expected` deaths of one message id: each found in the store, or counted lost. */
  async function accountDeaths(scenario: string, shows: string, messageId: string, expected: number, startedAt: number, notes: string[] = []) {
    const stored = await store.prisma.deadLetter.findMany({ where: { messageId }, select: { id: true, deaths: true } });
    const ids = stored.slice(0, expected).map((l) => l.id);
    while (ids.length < expected) ids.push(randomUUID()); // a death with no letter: lost
    const onDlq = await ready();
    // Every letter was taken off the DLQ: broker copies are none, what is kept is in the store.
    const a = await account({ scenario, shows, prisma: store.prisma, letterIds: ids, copies: new Map(), keyOf: (l) => l.id, startedAt, notes: [`${stored.length} letters stored for ${expected} deaths; DLQ holds ${onDlq}`, ...notes] });
    return { a, stored };
  }

  beforeAll(async () => {
    db = await createTestDatabase("redrive_lc");
    store = await openStore({ kind: "postgres", url: db.url });
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createChannel();
    await ch.assertExchange("dlx", "direct", { durable: true });
    await ch.assertQueue("work.dlq", { durable: true });
    await ch.bindQueue("work.dlq", "dlx", "work");
    await ch.assertQueue("work", { durable: true, arguments: { "x-dead-letter-exchange": "dlx" } });
    await ch.close();
    broker = new RabbitBroker(cluster, 5000);
    collector = new Collector(store.prisma, [{ cluster, broker }], createLeaderLock({ kind: "embedded", dataDir: "" }, () => undefined), {
      intervalMs: 500,
      discoveryMs: 0,
      timeoutMs: 5000,
      log: (_l, m) => warnings.push(m),
    });
  });

  afterAll(async () => {
    await collector?.stop();
    await broker?.close();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  it("five identical messages rejected at once are five letters", async () => {
    const t0 = Date.now();
    collector.start();
    await until(() => queueStats(VHOST, "work.dlq"), (q) => q.consumers === 1, 20_000, 200);
    await dieTogether(5, `same-${id}`, "the very same bytes");
    await drainedAndStopped();
    const { a, stored } = await accountDeaths("RabbitMQ identical messages dying together", "Five identical messages (bytes, properties, x-death) rejected in one nack are five letters", `same-${id}`, 5, t0);
    expectAccountedFor(a);
    expect(stored).toHaveLength(5);
    // Identical indeed: one death time for all of them.
    expect(new Set(stored.map((l) => JSON.stringify(l.deaths))).size).toBe(1);
  });

  it("identical letters stored, then delivered again before their ack (a crash): still one letter each", async () => {
    const t0 = Date.now();
    await collector.stop();
    await dieTogether(3, `crash-${id}`, "stored before the crash");
    // What the collector does up to the crash: read the three, store them, and die before acking.
    const ch = await conn.createChannel();
    const got: amqp.GetMessage[] = [];
    await until(
      async () => {
        const m = await ch.get("work.dlq", { noAck: false });
        if (m) got.push(m);
        return got.length;
      },
      (k) => k === 3,
      10_000,
      20,
    );
    expect(got.every((m) => !m.fields.redelivered)).toBe(true);
    const clusterRow = await store.prisma.cluster.findUniqueOrThrow({ where: { name: cluster.name } });
    const ctx = { clusterId: clusterRow.id, clusterName: cluster.name, vhost: VHOST, dlq: "work.dlq" };
    expect(await storeLetters(store.prisma, got.map((m) => letterFromAmqp({ content: m.content, redelivered: m.fields.redelivered, properties: m.properties as unknown as Record<string, unknown> }, ctx)))).toBe(3);
    await ch.close(); // unacknowledged: RabbitMQ delivers all three again, flagged redelivered
    expect(await ready()).toBe(3);

    collector.start();
    await drainedAndStopped();
    const { a, stored } = await accountDeaths("RabbitMQ crash between storing and acknowledging", "Three identical letters stored, then redelivered before their ack: three letters, none doubled", `crash-${id}`, 3, t0);
    expectAccountedFor(a);
    expect(stored).toHaveLength(3);
  });
});
