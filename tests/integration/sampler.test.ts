import { randomBytes } from "node:crypto";
import { AckPolicy, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { DEFAULT_THRESHOLDS, type NatsClusterConfig, type RabbitClusterConfig } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import { createLeaderLock } from "@/lib/db/leader-lock";
import { PACK_SETTLE_MS } from "@/lib/health/sampler/maintain-retention";
import { Sampler } from "@/lib/health/sampler/sampler";
import { createTestDatabase } from "../support/postgres";
import { createVhost, mgmt, queueStats, until } from "../support/rabbit-admin";
import { TcpProxy } from "../support/tcp-proxy";

const id = randomBytes(3).toString("hex");
const VHOST = `it-sampler-${id}`;
const STREAM = `IT_SAMPLER_${id.toUpperCase()}`;
const SUBJ = `it-sampler-${id}`;
const TICK_MS = 10_000;
const health = { ...DEFAULT_THRESHOLDS, windowSeconds: 120, stallSeconds: 30, lagMinGrowth: 20 };

describe("the sampler against real brokers", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const proxy = new TcpProxy(4222);
  let clock = Date.now();
  const now = () => new Date(clock);
  let sampler: Sampler;
  let rabbit: RabbitBroker;
  let nats: NatsBroker;
  const stopWork: Array<() => void> = [];

  const rabbitCluster: RabbitClusterConfig = { name: `rmq-${id}`, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST], health };
  let natsCluster: NatsClusterConfig;

  const byName = async (name: string) => store.prisma.consumer.findFirstOrThrow({ where: { name, OR: [{ parent: VHOST }, { parent: STREAM }] } });
  /** One sampler tick, with the sampler's clock a tick ahead: rules see time pass without the test waiting for it. */
  const tick = async () => {
    clock += TICK_MS;
    const r = await sampler.tick();
    expect(r.leader).toBe(true);
    for (const s of r.sweeps) expect(s.error, s.cluster).toBeNull();
    return r;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openStore({ kind: "postgres", url: db.url });
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    for (const q of ["stopped-q", "stalled-q", "lagging-q"]) await ch.assertQueue(q, { durable: false });
    for (let i = 0; i < 40; i++) ch.sendToQueue("stopped-q", Buffer.from(`m${i}`));
    for (let i = 0; i < 30; i++) ch.sendToQueue("stalled-q", Buffer.from(`m${i}`));
    await ch.waitForConfirms();
    // A consumer that takes 10 and never acknowledges any.
    const holder = await conn.createChannel();
    await holder.prefetch(10);
    await holder.consume("stalled-q", () => undefined, { noAck: false });
    // A consumer that acknowledges slower than the producer publishes.
    const slow = await conn.createChannel();
    await slow.prefetch(1);
    const pendingAcks = new Set<NodeJS.Timeout>();
    await slow.consume(
      "lagging-q",
      (m) => {
        if (!m) return;
        const t = setTimeout(() => {
          pendingAcks.delete(t);
          slow.ack(m);
        }, 400);
        pendingAcks.add(t);
      },
      { noAck: false },
    );
    // Acks still scheduled at the end must not fire on a closed channel.
    stopWork.push(() => pendingAcks.forEach((t) => clearTimeout(t)));
    const producer = setInterval(() => {
      for (let i = 0; i < 10; i++) ch.sendToQueue("lagging-q", Buffer.from("x"));
    }, 200);
    stopWork.push(() => clearInterval(producer));

    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJ}.>`] });
    await jsm.consumers.add(STREAM, { durable_name: "idle", ack_policy: AckPolicy.Explicit });
    await jsm.consumers.add(STREAM, { durable_name: "worker", ack_policy: AckPolicy.Explicit });
    const js = (await import("@nats-io/jetstream")).jetstream(nc);
    for (let i = 0; i < 25; i++) await js.publish(`${SUBJ}.a`, `n${i}`);
    const worker = await js.consumers.get(STREAM, "worker");
    const messages = await worker.consume({ max_messages: 10 });
    void (async () => {
      for await (const m of messages) m.ack();
    })();
    stopWork.push(() => void messages.close());

    const port = await proxy.start();
    natsCluster = { name: `nats-${id}`, kind: "nats", servers: [`nats://127.0.0.1:${port}`], health };
    rabbit = new RabbitBroker(rabbitCluster, 5000);
    nats = new NatsBroker(natsCluster, 2000);
    sampler = new Sampler(
      store.prisma,
      [
        { cluster: rabbitCluster, broker: rabbit },
        { cluster: natsCluster, broker: nats },
      ],
      createLeaderLock({ kind: "postgres", url: db.url }, () => undefined),
      { intervalMs: TICK_MS, rawRetentionMs: 3_600_000, rollupRetentionMs: 86_400_000, windowMs: health.windowSeconds * 1000, now },
    );
    // RabbitMQ's management stats refresh every 5 s: wait until it reports what we published.
    await until(() => queueStats(VHOST, "stopped-q"), (s) => s.messages_ready === 40);
    await until(() => queueStats(VHOST, "stalled-q"), (s) => s.messages_unacknowledged === 10);
    // The consumer list (for prefetch) is cached separately by the management plugin: wait for it too.
    await until(() => mgmt<Array<{ prefetch_count: number }>>("GET", `/api/consumers/${encodeURIComponent(VHOST)}`), (list) => list.length >= 2, 30_000);
  });

  afterAll(async () => {
    stopWork.forEach((f) => f());
    await sampler?.stop();
    await Promise.all([rabbit?.close(), nats?.close()]);
    await conn?.close().catch(() => undefined);
    await jsm?.streams.delete(STREAM).catch(() => undefined);
    await nc?.close();
    await proxy.cut();
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  it("stores one sample per consumer per tick and agrees with the brokers' own counts", async () => {
    const before = await store.prisma.consumerSample.count();
    const r = await tick();
    // Each sweep says where its time went: steps that together make up its time (each rounded), and what it wrote.
    for (const s of r.sweeps) {
      const steps = Object.values(s.steps!);
      expect(steps.every((v) => Number.isInteger(v) && v >= 0), s.cluster).toBe(true);
      expect(Math.abs(steps.reduce((a, b) => a + b, 0) - s.ms), s.cluster).toBeLessThanOrEqual(steps.length);
    }
    expect(r.sweeps.reduce((a, s) => a + s.written!.samples, 0)).toBe((await store.prisma.consumerSample.count()) - before);
    const [stopped, stalled, idle] = await Promise.all([byName("stopped-q"), byName("stalled-q"), byName("idle")]);
    const [sq, stq] = await Promise.all([queueStats(VHOST, "stopped-q"), queueStats(VHOST, "stalled-q")]);
    expect(Number(stopped.backlog)).toBe(sq.messages_ready + sq.messages_unacknowledged);
    expect(Number(stalled.inFlight)).toBe(stq.messages_unacknowledged);
    expect(Number(stalled.backlog)).toBe(stq.messages_ready + stq.messages_unacknowledged);
    expect(stalled.inFlightLimit).toBe(10);
    const info = await jsm.consumers.info(STREAM, "idle");
    expect(Number(idle.backlog)).toBe(info.num_pending + info.num_ack_pending);
    expect(idle.config).toMatchObject({ type: "pull", ack_policy: "explicit", max_ack_pending: info.config.max_ack_pending });
    const samples = await store.prisma.consumerSample.count({ where: { consumerId: { in: [stopped.id, stalled.id, idle.id] } } });
    expect(samples).toBe(3);
  });

  it("drives every state for real: stopped, stalled, lagging, and OK", async () => {
    // Long enough for the lag rule's minimum span, and for RabbitMQ's 5 s stats to move twice.
    for (let i = 0; i < 7; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      await tick();
    }
    const stopped = await byName("stopped-q");
    expect(stopped.state).toBe("STOPPED");
    expect(stopped.stateReason).toMatch(new RegExp(`^backlog ${(await queueStats(VHOST, "stopped-q")).messages_ready} and no consumer`));
    const idle = await byName("idle");
    expect(idle.state).toBe("STOPPED");
    const stalled = await byName("stalled-q");
    expect(stalled.state).toBe("STALLED");
    expect(stalled.stateReason).toMatch(/^no acks for \d+ s with 10 in flight$/);
    const lagging = await byName("lagging-q");
    expect(lagging.state).toBe("LAGGING");
    expect(lagging.stateReason).toMatch(/^backlog [\d,]+ and rising [\d.]+\/s for /);
    expect(lagging.etaSeconds).toBeNull();
    const worker = await byName("worker");
    expect(worker.state).toBe("OK");
    expect(worker.etaSeconds).toBe(0);
  });

  it("marks a cluster's consumers UNKNOWN, keeping their last values, when its broker goes away", async () => {
    const before = await byName("idle");
    await proxy.cut();
    clock += TICK_MS;
    const r = await sampler.tick();
    const natsSweep = r.sweeps.find((s) => s.cluster === natsCluster.name)!;
    expect(natsSweep.error).toMatch(new RegExp(`NATS at nats://127\\.0\\.0\\.1:${proxy.port}`));
    const after = await byName("idle");
    expect(after.state).toBe("UNKNOWN");
    expect(after.stateReason).toMatch(/^no reading for .*; last backlog 25$/);
    expect(after.backlog).toBe(before.backlog);
    expect((await byName("stopped-q")).state).toBe("STOPPED");
    await proxy.restore();
  });

  it("packs finished hours into spans and hourly rollups, and serves no more than one leader", async () => {
    const stopped = await byName("stopped-q");
    const written = await store.prisma.consumerSample.count({ where: { consumerId: stopped.id } });
    expect(written).toBeGreaterThan(0);
    // The sampler's clock past the end of this hour and the settling minutes after it.
    clock = Math.ceil((clock + 1) / 3_600_000) * 3_600_000 + PACK_SETTLE_MS;
    await sampler.maintain(true);
    const spans = await store.prisma.consumerSampleSpan.findMany({ where: { consumerId: stopped.id }, select: { ms: true } });
    expect(await store.prisma.consumerSample.count({ where: { consumerId: stopped.id } })).toBe(0);
    expect(spans.reduce((a, s) => a + s.ms.length, 0)).toBe(written);
    // Hourly rollups: rows for the current UTC day, and packed into a day row once that day is over
    // (the jump above crosses midnight when the test runs in the last hour of a UTC day).
    const rollups = await store.prisma.$queryRawUnsafe<Array<{ bucket: Date; samples: number; backlog_max: bigint }>>(
      `SELECT r."bucket", r."samples", r."backlog_max" FROM "consumer_rollups" r WHERE r."consumer_id" = $1::uuid
       UNION ALL
       SELECT d."day" + make_interval(hours => u.hour), u.samples, u.backlog_max
       FROM "consumer_rollup_days" d, unnest(d."hour", d."samples", d."backlog_max") AS u(hour, samples, backlog_max) WHERE d."consumer_id" = $1::uuid`,
      stopped.id,
    );
    expect(rollups.length).toBeGreaterThan(0);
    expect(rollups.reduce((a, r) => a + Number(r.samples), 0)).toBe(written);
    for (const r of rollups) expect(Number(r.backlog_max)).toBe(40);
    for (const r of rollups) expect(new Date(r.bucket).getTime() % 3_600_000).toBe(0);

    const second = new Sampler(store.prisma, [{ cluster: rabbitCluster, broker: rabbit }], createLeaderLock({ kind: "postgres", url: db.url }, () => undefined), {
      intervalMs: TICK_MS,
      rawRetentionMs: 3_600_000,
      rollupRetentionMs: 86_400_000,
      windowMs: 120_000,
      now,
    });
    try {
      expect((await second.tick()).leader).toBe(false);
      await sampler.stop();
      expect((await second.tick()).leader).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
