import { randomBytes } from "node:crypto";
import { AckPolicy, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { DEFAULT_THRESHOLDS, type NatsClusterConfig, type RabbitClusterConfig } from "@/lib/config";
import type { Store } from "@/lib/db/open-store";
import { ConsumerWindows } from "@/lib/health/sampler/consumer-windows";
import { sweepCluster } from "@/lib/health/sampler/sweep-cluster";
import { findConditions } from "@/lib/notifications/find-conditions";
import { openSweepFixture } from "../support/sweep-fixture";
import { queueStats, until } from "../support/rabbit-admin";

// Expected consumers on real brokers: missing from the start (a placeholder row, MISSING), then
// created and attached (its real row, healthy), then detached (MISSING again, with why).

const id = randomBytes(3).toString("hex");
const VHOST = `it-expected-${id}`;
const STREAM = `IT_EXPECTED_${id.toUpperCase()}`;
const SUBJ = `it-expected-${id}`;
const health = { ...DEFAULT_THRESHOLDS };

describe("expected consumers go MISSING and back", () => {
  let fixture: Awaited<ReturnType<typeof openSweepFixture>> | undefined;
  let store: Store;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let nats: NatsBroker;
  let rabbit: RabbitBroker;
  const windows = new ConsumerWindows(600_000);
  const rabbitCluster: RabbitClusterConfig = {
    name: `rmq-ex-${id}`, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST], health,
    expected: [{ cluster: `rmq-ex-${id}`, key: `${VHOST}/orders`, minConsumers: 1 }],
  };
  const natsCluster: NatsClusterConfig = {
    name: `nats-ex-${id}`, kind: "nats", servers: ["nats://127.0.0.1:4222"], health, timeLag: false,
    expected: [{ cluster: `nats-ex-${id}`, key: `${STREAM}/worker-*`, minConsumers: 1 }],
  };

  // The shared NATS server holds others' streams too: only ours.
  const live = (clusterName: string) => store.prisma.consumer.findMany({ where: { cluster: { name: clusterName }, goneAt: null, parent: { in: [VHOST, STREAM] } }, orderBy: { key: "asc" } });
  const sweep = async (which: "nats" | "rabbit") => {
    const r = await sweepCluster({ prisma: store.prisma, broker: which === "nats" ? nats : rabbit, cluster: which === "nats" ? natsCluster : rabbitCluster, windows, intervalMs: 10_000 });
    expect(r.error).toBeNull();
  };

  beforeAll(async () => {
    fixture = await openSweepFixture({ vhost: VHOST, stream: STREAM, subject: SUBJ, nats: natsCluster, rabbit: rabbitCluster });
    ({ store, conn, nc, jsm, nats, rabbit } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it("RabbitMQ: a queue that never existed, then created with a consumer, then left with none", async () => {
    await sweep("rabbit");
    let [row] = await live(rabbitCluster.name);
    expect(row).toMatchObject({ key: `${VHOST}/orders`, state: "MISSING", synthetic: true, expectedMin: 1, severity: -1 });
    expect(row!.stateReason).toBe(`${VHOST}/orders does not exist on the broker; it is expected`);
    const placeholderId = row!.id;
    const firing = await findConditions(store.prisma, { kind: "consumer-state", states: ["MISSING"] }, { cluster: rabbitCluster.name, match: null }, new Date());
    expect(firing.holding.map((h) => h.key)).toEqual([`consumer:${placeholderId}`]);

    const ch = await conn.createChannel();
    await ch.assertQueue("orders", { durable: false });
    const { consumerTag } = await ch.consume("orders", (m) => m && ch.ack(m));
    await until(() => queueStats(VHOST, "orders"), (s) => s.consumers === 1);
    await sweep("rabbit");
    [row] = await live(rabbitCluster.name);
    // The real queue takes over the placeholder's row (same key), and its history goes on from there.
    expect(row).toMatchObject({ id: placeholderId, state: "OK", synthetic: false, expectedMin: 1, consumerCount: 1 });

    await ch.cancel(consumerTag);
    await until(() => queueStats(VHOST, "orders"), (s) => s.consumers === 0);
    await sweep("rabbit");
    [row] = await live(rabbitCluster.name);
    expect(row).toMatchObject({ state: "MISSING", stateReason: "expected 1 consumer attached, none is" });

    // Deleted: the row it had stays, MISSING, saying since when it is gone.
    await ch.deleteQueue("orders");
    await until(() => queueStats(VHOST, "orders").then(() => false, () => true), (gone) => gone);
    await sweep("rabbit");
    [row] = await live(rabbitCluster.name);
    expect(row).toMatchObject({ id: placeholderId, state: "MISSING", synthetic: false });
    expect(row!.stateReason).toMatch(/does not exist on the broker \(gone since .*\); it is expected$/);
    await ch.close();
  });

  it("JetStream: a pattern nothing matches, then a bound push consumer, then unbound", async () => {
    await sweep("nats");
    let rows = await live(natsCluster.name);
    expect(rows.map((r) => [r.key, r.state, r.synthetic])).toEqual([[`${STREAM}/worker-*`, "MISSING", true]]);
    expect(rows[0]!.stateReason).toBe(`no consumer matching ${STREAM}/worker-* on the broker; it is expected`);

    const inbox = `_INBOX.expected.${id}`;
    await jsm.consumers.add(STREAM, { durable_name: "worker-1", ack_policy: AckPolicy.Explicit, deliver_subject: inbox });
    const sub = nc.subscribe(inbox);
    await nc.flush();
    await sweep("nats");
    rows = await live(natsCluster.name);
    // The placeholder is gone: a real consumer matches now.
    expect(rows.map((r) => [r.key, r.state, r.expectedMin])).toEqual([[`${STREAM}/worker-1`, "OK", 1]]);

    sub.unsubscribe();
    await nc.flush();
    await until(() => jsm.consumers.info(STREAM, "worker-1"), (i) => !i.push_bound, 10_000);
    await sweep("nats");
    rows = await live(natsCluster.name);
    expect(rows.map((r) => [r.key, r.state, r.stateReason])).toEqual([[`${STREAM}/worker-1`, "MISSING", "expected 1 consumer attached, none is"]]);
  });
});
