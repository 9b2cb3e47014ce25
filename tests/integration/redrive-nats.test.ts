import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_OPERATOR } from "../support/principals";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { captureDurable } from "@/lib/brokers/nats/capture-durable";
import { DEFAULT_CAPTURE, type NatsClusterConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { NatsPublisher } from "@/lib/brokers/nats/nats-publisher";
import { planJob } from "@/lib/redrive/plan-job";
import { startJob } from "@/lib/redrive/start-job";
import { createLeaderLock } from "@/lib/db/leader-lock";
import { createTestDatabase } from "../support/postgres";
import { until } from "../support/rabbit-admin";

const id = randomBytes(3).toString("hex");
const STREAM = `IT_RQ_${id.toUpperCase()}`;
const SUBJ = `it-rq-${id}`;
const CLUSTER = `nats-rq-${id}`;
const CAPTURE_CONSUMER = `it-rq-capture-${id}`;

describe("requeue on JetStream", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  // This installation's durable on the capture stream: the configured name plus the store's installation id.
  const durable = async () => captureDurable({ ...DEFAULT_CAPTURE, consumer: CAPTURE_CONSUMER }, await getInstallationId(store.prisma));
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let broker: NatsBroker;
  let collector: Collector;
  let runner: JobRunner;
  const cluster: NatsClusterConfig = { name: CLUSTER, kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { ...DEFAULT_CAPTURE, consumer: CAPTURE_CONSUMER, startFrom: "new" } };

  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-rq-"));
    writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: CLUSTER, kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { consumer: CAPTURE_CONSUMER, startFrom: "new" } }] }));
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJ}.>`], retention: RetentionPolicy.Workqueue });
    await jsm.consumers.add(STREAM, { durable_name: "worker", ack_policy: AckPolicy.Explicit, max_deliver: 2, ack_wait: 1_000_000_000 });
    broker = new NatsBroker(cluster, 5000);
    collector = new Collector(store.prisma, [{ cluster, broker }], createLeaderLock({ kind: "embedded", dataDir: "" }, () => undefined), { intervalMs: 1000, discoveryMs: 0, timeoutMs: 5000 });
    runner = new JobRunner({ prisma: store.prisma, maxInFlight: 20, publisherFor: async () => new NatsPublisher(await broker.natsConnection(), 5000) });
  });

  afterAll(async () => {
    await runner?.stop();
    await collector?.stop();
    await broker?.close();
    await jsm?.consumers.delete(DEFAULT_CAPTURE.stream, await durable()).catch(() => undefined);
    await jsm?.streams.delete(STREAM).catch(() => undefined);
    await nc?.close();
    await store?.close();
    await db?.drop();
  });

  it("sends a max-delivered message back to its subject once, byte for byte, and clears the stuck original", async () => {
    collector.start();
    const name = await durable();
    await until(() => jsm.consumers.info(DEFAULT_CAPTURE.stream, name).then(() => true, () => false), Boolean, 10_000);
    const js = jetstream(nc);
    const h = natsHeaders();
    h.set("Nats-Msg-Id", `orig-${id}`);
    h.set("x-order", "77");
    const body = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0xff]);
    const pa = await js.publish(`${SUBJ}.a`, body, { headers: h });
    const worker = await js.consumers.get(STREAM, "worker");
    const letters = await until(
      async () => {
        const batch = await worker.fetch({ max_messages: 5, expires: 1000 });
        for await (const m of batch) m.nak();
        return store.prisma.deadLetter.findMany({ where: { source: `${STREAM}/worker` } });
      },
      (l) => l.length === 1,
      30_000,
      0,
    );
    const letter = letters[0]!;
    expect(letter).toMatchObject({ reason: "max_deliveries", destination: `${SUBJ}.a`, messageId: `orig-${id}` });

    const plan = await planJob({ action: "requeue", scope: { kind: "letters", ids: [letter.id] }, includePoison: false }, TEST_OPERATOR);
    expect(plan.destinations[0]).toMatchObject({ destination: `${SUBJ}.a`, exists: true, count: 1 });
    const job = await startJob({ action: "requeue", scope: { kind: "letters", ids: [letter.id] }, includePoison: false, rate: 100 }, TEST_OPERATOR, null);
    await runner.claim();
    await runner.idle();
    expect((await getJob(job.id)).counts.done).toBe(1);

    // The stuck original is gone from the work queue; the requeued copy is the one message left.
    expect(await jsm.streams.getMessage(STREAM, { seq: pa.seq })).toBeNull();
    const info = await jsm.streams.info(STREAM);
    expect(info.state.messages).toBe(1);
    const copy = (await jsm.streams.getMessage(STREAM, { seq: info.state.last_seq }))!;
    expect(Buffer.compare(Buffer.from(copy.data), Buffer.from(body))).toBe(0);
    expect(copy.subject).toBe(`${SUBJ}.a`);
    expect(copy.header.get("x-order")).toBe("77");
    expect(copy.header.get("Redrive-Count")).toBe("1");
    expect(copy.header.get("Nats-Msg-Id")).toBe(`redrive:${job.id}:${letter.id}`);

    // A second attempt under the same id (a crash before the outcome was stored) is recognised by JetStream.
    const again = await new NatsPublisher(nc, 5000).publish({ letterId: letter.id, destination: `${SUBJ}.a`, payload: body, properties: {}, headers: {}, redriveCount: 0, origin: { stream: STREAM }, attemptId: `redrive:${job.id}:${letter.id}` });
    expect(again.outcome).toBe("done");
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(1);
  });
});
