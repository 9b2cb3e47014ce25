import { randomBytes } from "node:crypto";
import { AckPolicy, jetstream, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { DEFAULT_THRESHOLDS, type NatsClusterConfig, type RabbitClusterConfig } from "@/lib/config";
import type { Store } from "@/lib/db/open-store";
import { ConsumerWindows } from "@/lib/health/sampler/consumer-windows";
import { sweepCluster } from "@/lib/health/sampler/sweep-cluster";
import { readFindings } from "@/lib/health/to-summary";
import { mgmt, queueStats, until } from "../support/rabbit-admin";
import { openSweepFixture } from "../support/sweep-fixture";

// Each silent-stuck finding driven for real on a broker, then its cause removed: it must appear,
// keep its "since", and clear. The sampler's clock moves a tick per sweep so rules see time pass.

const id = randomBytes(3).toString("hex");
const VHOST = `it-findings-${id}`;
const STREAM = `IT_FINDINGS_${id.toUpperCase()}`;
const SUBJ = `it-findings-${id}`;
const TICK_MS = 10_000;
const health = { ...DEFAULT_THRESHOLDS };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("silent-stuck findings on real brokers", () => {
  let fixture: Awaited<ReturnType<typeof openSweepFixture>> | undefined;
  let store: Store;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let nats: NatsBroker;
  let rabbit: RabbitBroker;
  let clock = Date.now();
  const windows = new ConsumerWindows(600_000);
  const natsCluster: NatsClusterConfig = { name: `nats-f-${id}`, kind: "nats", servers: ["nats://127.0.0.1:4222"], health, timeLag: false };
  const rabbitCluster: RabbitClusterConfig = { name: `rmq-f-${id}`, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST], health };

  const findingsOf = async (parent: string, name: string) => readFindings((await store.prisma.consumer.findFirstOrThrow({ where: { parent, name } })).findings);
  const sweep = async (which: "nats" | "rabbit") => {
    clock += TICK_MS;
    const r = await sweepCluster({ prisma: store.prisma, broker: which === "nats" ? nats : rabbit, cluster: which === "nats" ? natsCluster : rabbitCluster, windows, intervalMs: TICK_MS, now: () => new Date(clock) });
    expect(r.error).toBeNull();
  };

  beforeAll(async () => {
    fixture = await openSweepFixture({ vhost: VHOST, stream: STREAM, subject: SUBJ, nats: natsCluster, rabbit: rabbitCluster });
    ({ store, conn, nc, jsm, nats, rabbit } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it("JetStream: a push consumer bound to nobody, until something subscribes", async () => {
    const inbox = `_INBOX.findings.${id}`;
    await jsm.consumers.add(STREAM, { durable_name: "pusher", ack_policy: AckPolicy.Explicit, deliver_subject: inbox, filter_subject: `${SUBJ}.push` });
    await sweep("nats");
    const [f] = await findingsOf(STREAM, "pusher");
    expect(f).toMatchObject({ code: "push-unbound", text: `push consumer bound to nobody (no subscriber on ${inbox})` });
    expect(f!.remediation).toMatch(new RegExp(`^nats consumer info ${STREAM} pusher: Active Interest is No`));
    await sweep("nats");
    expect((await findingsOf(STREAM, "pusher"))[0]!.since).toBe(f!.since);
    const sub = nc.subscribe(inbox);
    await nc.flush();
    await until(() => jsm.consumers.info(STREAM, "pusher"), (i) => i.push_bound === true, 10_000);
    await sweep("nats");
    expect(await findingsOf(STREAM, "pusher")).toEqual([]);
    sub.unsubscribe();
  });

  it("JetStream: ack pending pinned at max_ack_pending with no acks, until the workers ack", async () => {
    await jsm.consumers.add(STREAM, { durable_name: "pinned", ack_policy: AckPolicy.Explicit, max_ack_pending: 3, ack_wait: 120_000_000_000, filter_subject: `${SUBJ}.pin` });
    const js = jetstream(nc);
    for (let i = 0; i < 10; i++) await js.publish(`${SUBJ}.pin`, `p${i}`);
    const c = await js.consumers.get(STREAM, "pinned");
    const held = [];
    for await (const m of await c.fetch({ max_messages: 3, expires: 5000 })) held.push(m);
    expect(held).toHaveLength(3);
    await sweep("nats");
    await sweep("nats");
    await sweep("nats");
    const f = await findingsOf(STREAM, "pinned");
    expect(f.map((x) => [x.code, x.text])).toEqual([["ack-pending-pinned", "in flight pinned at its limit (3 of 3) with no acks"]]);
    for (const m of held) await m.ackAck();
    await sweep("nats");
    expect(await findingsOf(STREAM, "pinned")).toEqual([]);
  });

  it("JetStream: redeliveries climbing while no new message is delivered, until the handler acks", async () => {
    // Its own stream: redeliveries are told from arrivals only on an unfiltered consumer.
    const loopStream = `${STREAM}_LOOP`;
    await jsm.streams.add({ name: loopStream, subjects: [`${SUBJ}-loop`] });
    try {
      await jsm.consumers.add(loopStream, { durable_name: "looper", ack_policy: AckPolicy.Explicit });
      const js = jetstream(nc);
      for (let i = 0; i < 5; i++) await js.publish(`${SUBJ}-loop`, `l${i}`);
      let nak = true;
      const messages = await (await js.consumers.get(loopStream, "looper")).consume({ max_messages: 10 });
      const done = (async () => {
        for await (const m of messages) {
          if (nak) m.nak(100);
          else m.ack();
        }
      })();
      await sleep(1500);
      await sweep("nats");
      await sleep(1500);
      await sweep("nats");
      await sleep(1500);
      await sweep("nats");
      const f = await findingsOf(loopStream, "looper");
      expect(f.map((x) => x.code)).toContain("redelivery-loop");
      nak = false;
      await until(() => jsm.consumers.info(loopStream, "looper"), (i) => i.num_ack_pending === 0 && i.num_pending === 0, 10_000);
      await sweep("nats");
      await sweep("nats");
      expect((await findingsOf(loopStream, "looper")).map((x) => x.code)).not.toContain("redelivery-loop");
      messages.stop();
      await done;
    } finally {
      await jsm.streams.delete(loopStream).catch(() => undefined);
    }
  });

  it("JetStream: redeliveries toward max_deliver with the capture switched off, until they are acked", async () => {
    const uncaptured: NatsClusterConfig = { ...natsCluster, name: `nats-f-nocap-${id}`, capture: { enabled: false, stream: "X", consumer: "x", maxAgeHours: 1, startFrom: "new" } };
    const broker = new NatsBroker(uncaptured, 5000);
    try {
      await jsm.consumers.add(STREAM, { durable_name: "limited", ack_policy: AckPolicy.Explicit, max_deliver: 5, ack_wait: 1_000_000_000, filter_subject: `${SUBJ}.lim` });
      const js = jetstream(nc);
      await js.publish(`${SUBJ}.lim`, "l");
      const c = await js.consumers.get(STREAM, "limited");
      expect(await c.next({ expires: 5000 })).not.toBeNull(); // delivered, never acked
      await sleep(1500);
      const again = await c.next({ expires: 5000 }); // the redelivery after ack_wait
      expect(again?.info.deliveryCount).toBe(2);
      const sweepIt = async () => {
        clock += TICK_MS;
        expect((await sweepCluster({ prisma: store.prisma, broker, cluster: uncaptured, windows, intervalMs: TICK_MS, now: () => new Date(clock) })).error).toBeNull();
      };
      await sweepIt();
      const f = await findingsOf(STREAM, "limited");
      expect(f.map((x) => x.code)).toContain("max-deliver-uncaptured");
      expect(f.find((x) => x.code === "max-deliver-uncaptured")!.text).toMatch(/toward max_deliver 5, and Redrive's dead-letter capture is switched off/);
      await again!.ackAck();
      await sweepIt();
      expect((await findingsOf(STREAM, "limited")).map((x) => x.code)).not.toContain("max-deliver-uncaptured");
    } finally {
      await broker.close();
    }
  });

  it("RabbitMQ: in flight pinned at the consumers' prefetch with no acks, until they ack", async () => {
    const setup = await conn.createConfirmChannel();
    await setup.assertQueue("holder", { durable: false });
    for (let i = 0; i < 8; i++) setup.sendToQueue("holder", Buffer.from(`h${i}`));
    await setup.waitForConfirms();
    const held: amqp.ConsumeMessage[] = [];
    const ch = await conn.createChannel();
    await ch.prefetch(3);
    await ch.consume("holder", (m) => m && held.push(m), { noAck: false });
    await until(() => queueStats(VHOST, "holder"), (s) => s.messages_unacknowledged === 3 && s.consumers === 1);
    await until(() => mgmt<Array<{ prefetch_count: number }>>("GET", `/api/consumers/${encodeURIComponent(VHOST)}`), (l) => l.some((c) => c.prefetch_count === 3), 30_000);
    await sweep("rabbit");
    await sweep("rabbit");
    const f = await findingsOf(VHOST, "holder");
    expect(f.map((x) => [x.code, x.text])).toContainEqual(["ack-pending-pinned", "in flight pinned at its limit (3 of 3) with no acks"]);
    expect(f.find((x) => x.code === "ack-pending-pinned")!.remediation).toMatch(new RegExp(`^rabbitmqctl list_channels -p ${VHOST} `));
    ch.ackAll();
    await until(() => mgmt<{ message_stats?: { ack?: number } }>("GET", `/api/queues/${encodeURIComponent(VHOST)}/holder`), (q) => (q.message_stats?.ack ?? 0) >= 3, 30_000);
    await sweep("rabbit");
    expect((await findingsOf(VHOST, "holder")).map((x) => x.code)).not.toContain("ack-pending-pinned");
    await ch.close();
    await setup.close();
  });

  it("RabbitMQ: a single active consumer that completes nothing while another waits, until it goes", async () => {
    const setup = await conn.createConfirmChannel();
    await setup.assertQueue("sac", { durable: false, arguments: { "x-single-active-consumer": true } });
    for (let i = 0; i < 5; i++) setup.sendToQueue("sac", Buffer.from(`s${i}`));
    await setup.waitForConfirms();
    const stuck = await conn.createChannel();
    await stuck.prefetch(1);
    await stuck.consume("sac", () => undefined, { noAck: false });
    const worker = await conn.createChannel();
    await worker.prefetch(1);
    await worker.consume("sac", (m) => m && worker.ack(m), { noAck: false });
    await until(
      () => mgmt<Array<{ activity_status: string }>>("GET", `/api/consumers/${encodeURIComponent(VHOST)}`),
      (list) => list.filter((c) => c.activity_status === "waiting").length === 1,
      30_000,
    );
    await until(() => queueStats(VHOST, "sac"), (s) => s.messages_unacknowledged === 1);
    await sweep("rabbit");
    await sweep("rabbit");
    const f = await findingsOf(VHOST, "sac");
    expect(f.map((x) => [x.code, x.text])).toContainEqual(["single-active-stuck", "single active consumer completes nothing while 1 consumer waits behind it"]);
    // The stuck one goes: the waiting one takes over and drains the queue.
    await stuck.close();
    await until(() => queueStats(VHOST, "sac"), (s) => s.messages_ready === 0 && s.messages_unacknowledged === 0);
    await until(
      () => mgmt<Array<{ activity_status: string }>>("GET", `/api/consumers/${encodeURIComponent(VHOST)}`),
      (list) => list.filter((c) => c.activity_status === "waiting").length === 0,
      30_000,
    );
    await sweep("rabbit");
    expect((await findingsOf(VHOST, "sac")).map((x) => x.code)).not.toContain("single-active-stuck");
    await worker.close();
    await setup.close();
  });

  it("RabbitMQ: a consumer with prefetch 0 (unbounded), until it consumes with a prefetch", async () => {
    const ch = await conn.createChannel();
    await ch.assertQueue("greedy", { durable: false });
    const { consumerTag } = await ch.consume("greedy", (m) => m && ch.ack(m), { noAck: false });
    await until(() => mgmt<Array<{ prefetch_count: number }>>("GET", `/api/consumers/${encodeURIComponent(VHOST)}`), (list) => list.length === 1, 30_000);
    await sweep("rabbit");
    const [f] = await findingsOf(VHOST, "greedy");
    expect(f).toMatchObject({ code: "prefetch-unbounded", text: "1 consumer with prefetch 0 (unbounded): the broker pushes it every message it has" });
    expect(f!.remediation).toMatch(new RegExp(`^rabbitmqctl list_consumers -p ${VHOST}:`));
    await ch.cancel(consumerTag);
    const bounded = await conn.createChannel();
    await bounded.prefetch(5);
    await bounded.consume("greedy", (m) => m && bounded.ack(m), { noAck: false });
    await until(() => mgmt<Array<{ prefetch_count: number }>>("GET", `/api/consumers/${encodeURIComponent(VHOST)}`), (list) => list.length === 1 && list[0]!.prefetch_count === 5, 30_000);
    await until(() => queueStats(VHOST, "greedy"), (s) => s.consumers === 1);
    await sweep("rabbit");
    expect(await findingsOf(VHOST, "greedy")).toEqual([]);
    await ch.close();
    await bounded.close();
  });
});
