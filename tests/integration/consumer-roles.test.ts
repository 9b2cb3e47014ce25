import { randomBytes } from "node:crypto";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { captureDurable } from "@/lib/brokers/nats/capture-durable";
import { DEFAULT_CAPTURE, DEFAULT_THRESHOLDS, type NatsClusterConfig, type RabbitClusterConfig } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { COLLECTOR_LOCK, createLeaderLock } from "@/lib/db/leader-lock";
import { Sampler } from "@/lib/health/sampler/sampler";
import { findConditions } from "@/lib/notifications/find-conditions";
import { createTestDatabase } from "../support/postgres";
import { createVhost, queueStats, until } from "../support/rabbit-admin";

// Dead-letter queues and Redrive's own capture consumer are not applications' consumers: health
// must not call them STOPPED, and the consumers whose messages die must read FAILING.

const id = randomBytes(3).toString("hex");
const VHOST = `it-roles-${id}`;
const CAPTURE_CONSUMER = `it-roles-capture-${id}`;
const health = { ...DEFAULT_THRESHOLDS, windowSeconds: 120 };

describe("consumer roles and dead-letter rates in the sampler", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  // This installation's durable on the capture stream: the configured name plus the store's installation id.
  const durable = async () => captureDurable({ ...DEFAULT_CAPTURE, consumer: CAPTURE_CONSUMER }, await getInstallationId(store.prisma));
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let rabbit: RabbitBroker;
  let nats: NatsBroker;
  let collector: Collector;
  let sampler: Sampler;

  const rabbitCluster: RabbitClusterConfig = {
    name: `rmq-roles-${id}`,
    kind: "rabbitmq",
    amqpUrl: "amqp://127.0.0.1:5672",
    managementUrl: "http://127.0.0.1:15672",
    user: "guest",
    password: "guest",
    vhosts: [VHOST],
    health,
    // work.dlq is collected by Redrive; other.dlq is only found, and keeps its letters.
    deadLetters: { adopt: ["*/work.dlq"], queues: [], prefetch: 50 },
  };
  const natsCluster: NatsClusterConfig = { name: `nats-roles-${id}`, kind: "nats", servers: ["nats://127.0.0.1:4222"], health, capture: { ...DEFAULT_CAPTURE, consumer: CAPTURE_CONSUMER, startFrom: "new" } };

  const consumer = (parent: string, name: string) => store.prisma.consumer.findFirstOrThrow({ where: { parent, name } });

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openStore({ kind: "postgres", url: db.url });
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange("dlx", "direct", { durable: true });
    for (const q of ["work", "other"]) {
      await ch.assertQueue(`${q}.dlq`, { durable: true });
      await ch.bindQueue(`${q}.dlq`, "dlx", q);
      await ch.assertQueue(q, { durable: true, arguments: { "x-dead-letter-exchange": "dlx" } });
    }
    for (let i = 0; i < 30; i++) ch.sendToQueue("work", Buffer.from(`w${i}`), { messageId: `w${i}` });
    for (let i = 0; i < 5; i++) ch.sendToQueue("other", Buffer.from(`o${i}`), { messageId: `o${i}` });
    await ch.waitForConfirms();
    // A worker that rejects everything: each message dies once into its queue's DLQ.
    const worker = await conn.createChannel();
    for (const q of ["work", "other"]) await worker.consume(q, (m) => m && worker.nack(m, false, false));
    await until(() => queueStats(VHOST, "work.dlq"), (s) => s.messages_ready === 30, 30_000);
    await until(() => queueStats(VHOST, "other.dlq"), (s) => s.messages_ready === 5, 30_000);
    await worker.close();

    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
    rabbit = new RabbitBroker(rabbitCluster, 5000);
    nats = new NatsBroker(natsCluster, 5000);
    const targets = [
      { cluster: rabbitCluster, broker: rabbit },
      { cluster: natsCluster, broker: nats },
    ];
    collector = new Collector(store.prisma, targets, createLeaderLock({ kind: "postgres", url: db.url }, () => undefined, COLLECTOR_LOCK), { intervalMs: 1000, discoveryMs: 0, timeoutMs: 5000, log: () => undefined });
    sampler = new Sampler(store.prisma, targets, createLeaderLock({ kind: "postgres", url: db.url }, () => undefined), {
      intervalMs: 10_000,
      rawRetentionMs: 3_600_000,
      rollupRetentionMs: 86_400_000,
      windowMs: health.windowSeconds * 1000,
    });
  });

  afterAll(async () => {
    await sampler?.stop();
    await collector?.stop();
    await Promise.all([rabbit?.close(), nats?.close()]);
    await conn?.close().catch(() => undefined);
    await jsm?.consumers.delete(DEFAULT_CAPTURE.stream, await durable()).catch(() => undefined);
    await nc?.close();
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  it("marks DLQs and the capture consumer by role, never STOPPED, and the queue whose messages die FAILING", async () => {
    // Discovery finds both DLQs; the adopted one is collected into the store with its death times.
    await collector.tick();
    await until(() => store.prisma.deadLetter.count({ where: { source: `${VHOST}/work` } }), (n) => n === 30, 30_000, 200);
    expect((await store.prisma.dlq.findMany({ orderBy: { name: "asc" } })).map((d) => d.name)).toEqual([`${VHOST}/other.dlq`, `${VHOST}/work.dlq`]);
    // The management API's stats lag by up to 5 s: sample once they show the collected DLQ empty.
    await until(() => queueStats(VHOST, "work.dlq"), (s) => s.messages_ready + s.messages_unacknowledged === 0, 30_000);

    const tick = await sampler.tick();
    expect(tick.leader).toBe(true);
    for (const s of tick.sweeps) expect(s.error, s.cluster).toBeNull();

    const other = await consumer(VHOST, "other.dlq");
    expect(other).toMatchObject({ role: "dlq", state: "OK", consumerCount: 0 });
    expect(Number(other.backlog)).toBe((await queueStats(VHOST, "other.dlq")).messages_ready);
    expect(other.stateReason).toBe(`dead-letter queue, holding ${Number(other.backlog)} dead letters (no consumer)`);
    expect((await consumer(VHOST, "work.dlq")).role).toBe("dlq");

    // 30 deaths collected from "work" within the 2-minute window: 15 a minute, above the 10 threshold.
    const died = await store.prisma.deadLetter.count({ where: { source: `${VHOST}/work`, lastDeathAt: { gt: new Date(Date.now() - 120_000) } } });
    const work = await consumer(VHOST, "work");
    expect(work).toMatchObject({ role: null, state: "FAILING" });
    expect(work.stateReason).toBe(`${died / 2} dead letters per minute`);
    // other.dlq is not collected, so how fast "other" loses messages is not known: no verdict from it.
    expect(await consumer(VHOST, "other")).toMatchObject({ role: null, state: "OK" });

    const capture = await consumer(DEFAULT_CAPTURE.stream, await durable());
    expect(capture.role).toBe("capture");
    expect(capture.state).toBe("OK");
    expect(capture.stateReason).toMatch(/^Redrive's dead-letter capture/);
  });

  it("reads a queue's dead-letter rate from the inflow of the uncollected DLQ only it feeds", async () => {
    // More of "other"'s messages die into other.dlq, which Redrive does not collect: two sweeps see it fill.
    const ch = await conn.createConfirmChannel();
    for (let i = 5; i < 25; i++) ch.sendToQueue("other", Buffer.from(`o${i}`), { messageId: `o${i}` });
    await ch.waitForConfirms();
    const worker = await conn.createChannel();
    await worker.consume("other", (m) => m && worker.nack(m, false, false));
    await until(() => queueStats(VHOST, "other.dlq"), (s) => s.messages_ready === 25, 30_000);
    await worker.close();
    await ch.close();
    await sampler.tick();

    const dlq = await consumer(VHOST, "other.dlq");
    const [inflow] = await store.prisma.$queryRawUnsafe<Array<{ avg: number }>>(
      `SELECT avg("inflow_rate")::float8 AS avg FROM "consumer_samples" WHERE "consumer_id" = $1::uuid AND "taken_at" > now() - interval '120 seconds'`,
      dlq.id,
    );
    const avg = inflow!.avg;
    expect(avg * 60).toBeGreaterThan(health.deadLetterPerMinute);
    const other = await consumer(VHOST, "other");
    expect(other.state).toBe("FAILING");
    const stated = Number(/^([\d,.]+) dead letters per minute$/.exec(other.stateReason)![1]!.replace(/,/g, ""));
    expect(Math.abs(stated - avg * 60)).toBeLessThanOrEqual(0.5);
    // The DLQ itself stays a DLQ, whatever pours into it.
    expect(dlq).toMatchObject({ role: "dlq", state: "OK" });
  });

  it("leaves DLQs out of the consumer-health notification rules", async () => {
    const scope = { cluster: rabbitCluster.name, match: null };
    const drain = await findConditions(store.prisma, { kind: "time-to-drain", aboveSeconds: 60, includeNotDraining: true }, scope, new Date());
    expect(drain.holding.map((c) => c.title)).toEqual([]);
    const failing = await findConditions(store.prisma, { kind: "consumer-state", states: ["FAILING", "STOPPED"] }, scope, new Date());
    expect(failing.holding.map((c) => c.title).sort()).toEqual([`FAILING: other (vhost ${VHOST}) on ${rabbitCluster.name}`, `FAILING: work (vhost ${VHOST}) on ${rabbitCluster.name}`]);
  });
});
