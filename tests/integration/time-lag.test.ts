import { randomBytes } from "node:crypto";
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { DEFAULT_THRESHOLDS, type NatsClusterConfig, type RabbitClusterConfig } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import { ConsumerWindows } from "@/lib/health/sampler/consumer-windows";
import { sweepCluster } from "@/lib/health/sampler/sweep-cluster";
import { findConditions } from "@/lib/notifications/find-conditions";
import { createTestDatabase } from "../support/postgres";
import { createVhost, queueStats, until } from "../support/rabbit-admin";

// Time lag against real brokers: messages published at known times, some waited on, then more
// published; the age the sampler stores must be the first waiting message's, within one sampling
// interval (10 s) of the truth — in practice within a couple of seconds.

const id = randomBytes(3).toString("hex");
const VHOST = `it-timelag-${id}`;
const STREAM = `IT_TIMELAG_${id.toUpperCase()}`;
const SUBJ = `it-timelag-${id}`;
const INTERVAL_MS = 10_000;
const health = { ...DEFAULT_THRESHOLDS, windowSeconds: 300 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("time lag: the age of the oldest waiting message", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let nats: NatsBroker;
  let rabbit: RabbitBroker;
  const windows = new ConsumerWindows(600_000);
  const natsCluster: NatsClusterConfig = { name: `nats-tl-${id}`, kind: "nats", servers: ["nats://127.0.0.1:4222"], health };
  const rabbitCluster: RabbitClusterConfig = { name: `rmq-tl-${id}`, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST], health };
  /** When the first message of each test subject was published (ms). */
  const firstAt: Record<string, number> = {};
  const secondAt: Record<string, number> = {};

  const row = (parent: string, name: string) => store.prisma.consumer.findFirstOrThrow({ where: { parent, name } });
  const sweep = async (which: "nats" | "rabbit") => {
    const r = await sweepCluster({ prisma: store.prisma, broker: which === "nats" ? nats : rabbit, cluster: which === "nats" ? natsCluster : rabbitCluster, windows, intervalMs: INTERVAL_MS });
    expect(r.error).toBeNull();
    return r;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openStore({ kind: "postgres", url: db.url });
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJ}.>`] });
    await jsm.consumers.add(STREAM, { durable_name: "all", ack_policy: AckPolicy.Explicit });
    await jsm.consumers.add(STREAM, { durable_name: "mine", ack_policy: AckPolicy.Explicit, filter_subject: `${SUBJ}.mine` });
    await jsm.consumers.add(STREAM, { durable_name: "caught-up", ack_policy: AckPolicy.Explicit, filter_subject: `${SUBJ}.none` });
    const js = jetstream(nc);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue("stamped", { durable: false });
    await ch.assertQueue("unstamped", { durable: false });
    await ch.assertQueue("quorum", { durable: true, arguments: { "x-queue-type": "quorum" } });

    // First wave: JetStream "other" subject, RabbitMQ with and without timestamps.
    firstAt.nats = Date.now();
    for (let i = 0; i < 3; i++) await js.publish(`${SUBJ}.other`, `o${i}`);
    firstAt.rabbit = Date.now();
    for (let i = 0; i < 3; i++) ch.sendToQueue("stamped", Buffer.from(`s${i}`), { timestamp: Math.floor(firstAt.rabbit / 1000) });
    for (let i = 0; i < 40; i++) ch.sendToQueue("unstamped", Buffer.from(`u${i}`));
    for (let i = 0; i < 5; i++) ch.sendToQueue("quorum", Buffer.from(`q${i}`));
    await ch.waitForConfirms();
    await sleep(6000);
    // Second wave, after a wait.
    secondAt.nats = Date.now();
    for (let i = 0; i < 3; i++) await js.publish(`${SUBJ}.mine`, `m${i}`);
    secondAt.rabbit = Date.now();
    for (let i = 0; i < 3; i++) ch.sendToQueue("stamped", Buffer.from(`t${i}`), { timestamp: Math.floor(secondAt.rabbit / 1000) });
    await ch.waitForConfirms();

    nats = new NatsBroker(natsCluster, 5000);
    rabbit = new RabbitBroker(rabbitCluster, 5000);
    await until(() => queueStats(VHOST, "stamped"), (s) => s.messages_ready === 6);
    await until(() => queueStats(VHOST, "unstamped"), (s) => s.messages_ready === 40);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([rabbit?.close(), nats?.close()]);
    await conn?.close().catch(() => undefined);
    await jsm?.streams.delete(STREAM).catch(() => undefined);
    await nc?.close();
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  it("JetStream: the first uncompleted message's age, on the consumer's own subject, cached by sequence", async () => {
    await sweep("nats");
    const truthAll = (Date.now() - firstAt.nats!) / 1000;
    const truthMine = (Date.now() - secondAt.nats!) / 1000;
    const all = await row(STREAM, "all");
    const mine = await row(STREAM, "mine");
    const caughtUp = await row(STREAM, "caught-up");
    expect(all.oldestAgeEstimated).toBe(false);
    expect(Math.abs(all.oldestAgeSeconds! - truthAll)).toBeLessThanOrEqual(3);
    // A filtered consumer's oldest is the first message on its subject, not the stream's first.
    expect(Math.abs(mine.oldestAgeSeconds! - truthMine)).toBeLessThanOrEqual(3);
    expect(truthAll - mine.oldestAgeSeconds!).toBeGreaterThanOrEqual(4);
    expect(caughtUp.oldestAgeSeconds).toBeNull();
    expect(all.stateReason).toMatch(/^backlog 6, oldest waiting \d+ s/);
    const sample = await store.prisma.consumerSample.findFirstOrThrow({ where: { consumerId: all.id }, orderBy: { takenAt: "desc" } });
    expect(sample.oldestAgeSeconds).toBe(all.oldestAgeSeconds);

    // Nothing moved: the next sweep asks the stream for nothing of ours (other streams on the shared server may still need lookups).
    await sweep("nats");
    const afterAll = await row(STREAM, "all");
    expect(afterAll.oldestAgeSeconds! - all.oldestAgeSeconds!).toBeGreaterThanOrEqual(0);

    // Complete the three "other" messages: the oldest waiting one is now the first "mine" message.
    const c = await jetstream(nc).consumers.get(STREAM, "all");
    for (let i = 0; i < 3; i++) {
      const m = await c.next({ expires: 5000 });
      expect(m?.subject).toBe(`${SUBJ}.other`);
      await m!.ackAck();
    }
    await sweep("nats");
    const moved = await row(STREAM, "all");
    expect(Math.abs(moved.oldestAgeSeconds! - (Date.now() - secondAt.nats!) / 1000)).toBeLessThanOrEqual(3);
  });

  it("JetStream lookups are cached by sequence: an unmoved floor costs no request, a moved one costs one", async () => {
    const { OldestMessageTimes } = await import("@/lib/brokers/nats/oldest-message-times");
    const times = new OldestMessageTimes();
    const info = await jsm.streams.info(STREAM);
    const target = { stream: STREAM, streamCreated: info.created, filter: `${SUBJ}.mine`, fromSeq: 1, streamFirstSeq: info.state.first_seq };
    const [first] = await times.read(nc, [target], 5000);
    expect(times.lastLookups).toBe(1);
    expect(Math.abs(first!.at! - secondAt.nats!)).toBeLessThan(2000);
    const [again] = await times.read(nc, [target], 5000);
    expect(times.lastLookups).toBe(0);
    expect(again!.at).toBe(first!.at);
    // A recreated stream (sequences start again) or a cached message since removed is read afresh.
    await times.read(nc, [{ ...target, streamCreated: "2000-01-01T00:00:00Z" }], 5000);
    expect(times.lastLookups).toBe(1);
    await times.read(nc, [target], 5000);
    expect(times.lastLookups).toBe(1);
    await times.read(nc, [target], 5000);
    expect(times.lastLookups).toBe(0);
    await times.read(nc, [{ ...target, streamFirstSeq: 5 }], 5000);
    expect(times.lastLookups).toBe(1);
    const [later] = await times.read(nc, [{ ...target, fromSeq: 6 }], 5000);
    expect(times.lastLookups).toBe(1);
    expect(later!.at).toBeGreaterThanOrEqual(first!.at!);
    const [none] = await times.read(nc, [{ ...target, fromSeq: 100 }], 5000);
    expect(none!.at).toBeNull();
    expect(none!.note).toMatch(/no message at or after sequence 100/);
  });

  it("JetStream with time lag off reads no message times", async () => {
    const off = new NatsBroker({ ...natsCluster, timeLag: false }, 5000);
    try {
      expect(off.oldest).toBeNull();
      const readings = await off.listConsumers();
      expect(readings.find((r) => r.key === `${STREAM}/mine`)?.oldestAgeSeconds).toBeNull();
    } finally {
      await off.close();
    }
  });

  it("RabbitMQ: head_message_timestamp where producers set it; otherwise why not, and an estimate once acks flow", async () => {
    await sweep("rabbit");
    const stamped = await row(VHOST, "stamped");
    // AMQP timestamps have whole seconds.
    expect(Math.abs(stamped.oldestAgeSeconds! - (Date.now() - firstAt.rabbit!) / 1000)).toBeLessThanOrEqual(3);
    expect(stamped.oldestAgeEstimated).toBe(false);
    const unstamped = await row(VHOST, "unstamped");
    expect(unstamped.oldestAgeSeconds).toBeNull();
    expect(unstamped.oldestAgeNote).toMatch(/no AMQP timestamp.*no acks in the window/);
    const quorum = await row(VHOST, "quorum");
    expect(quorum.oldestAgeNote).toMatch(/classic queues only; this is a quorum queue/);

    // Take the first three stamped messages: the head is now the second wave.
    const ch = await conn.createChannel();
    for (let i = 0; i < 3; i++) {
      const m = await ch.get("stamped", { noAck: false });
      expect(m).not.toBe(false);
      if (m) ch.ack(m);
    }
    // And complete some unstamped ones, so there is an ack rate to estimate from.
    for (let i = 0; i < 10; i++) {
      const m = await ch.get("unstamped", { noAck: false });
      if (m) ch.ack(m);
    }
    await until(() => queueStats(VHOST, "unstamped"), (s) => s.messages_ready === 30 && s.messages_unacknowledged === 0);
    await until(() => queueStats(VHOST, "stamped"), (s) => s.messages_ready === 3);
    await sleep(5500); // the ack counters refresh with the stats, every 5 s
    await sweep("rabbit");
    const head = await row(VHOST, "stamped");
    expect(Math.abs(head.oldestAgeSeconds! - (Date.now() - secondAt.rabbit!) / 1000)).toBeLessThanOrEqual(3);
    const estimated = await row(VHOST, "unstamped");
    expect(estimated.oldestAgeEstimated).toBe(true);
    expect(estimated.oldestAgeSeconds).toBeGreaterThan(0);
    expect(estimated.oldestAgeNote).toMatch(/no AMQP timestamp/);
    expect(estimated.stateReason).not.toMatch(/oldest/);
    await ch.close();

    // The notification rule: measured ages always, estimates only when asked for.
    const scope = { cluster: rabbitCluster.name, match: null };
    const measuredOnly = await findConditions(store.prisma, { kind: "oldest-message-age", aboveSeconds: 5, includeEstimates: false }, scope, new Date());
    expect(measuredOnly.holding.map((h) => h.title)).toEqual([expect.stringContaining("stamped")]);
    expect(measuredOnly.holding[0]!.summary).toMatch(/^oldest waiting message \d+ s old, backlog 3 \(above 5 s\)$/);
    const withEstimates = await findConditions(store.prisma, { kind: "oldest-message-age", aboveSeconds: 1, includeEstimates: true }, scope, new Date());
    expect(withEstimates.holding.map((h) => h.title).sort()).toEqual([expect.stringContaining("stamped"), expect.stringContaining("unstamped")].sort());
    expect(withEstimates.holding.find((h) => h.title.includes("unstamped"))!.summary).toMatch(/estimated from backlog ÷ ack rate/);
  });
});
