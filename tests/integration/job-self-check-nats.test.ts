import { AckPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { NatsPublisher } from "@/lib/brokers/nats/nats-publisher";
import { captureDurable } from "@/lib/brokers/nats/capture-durable";
import { DEFAULT_CAPTURE, getConfig, type NatsClusterConfig } from "@/lib/config";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { createLeaderLock } from "@/lib/db/leader-lock";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { getLetter } from "@/lib/dead-letters/get-letter";
import { getJob } from "@/lib/redrive/get-job";
import { createJobGate } from "@/lib/redrive/job-gate";
import { JobRunner } from "@/lib/redrive/job-runner";
import { startJob } from "@/lib/redrive/start-job";
import { TEST_OPERATOR } from "../support/principals";
import { until } from "../support/rabbit-admin";
import { createRedriveEnv, uniqueId, type RedriveEnv } from "../support/redrive-env";

// Bounce lineage on JetStream: a requeued message carries its attempt id as Nats-Msg-Id; when it
// hits max deliveries again, the original fetched by STREAM.MSG.GET still has it, so the new letter
// names the job and the letter. A job whose letters keep dying pauses itself here too.

const id = uniqueId();
const STREAM = `IT_SC_${id.toUpperCase()}`;
const SUBJ = `it-sc-${id}`;
const CLUSTER = `nats-sc-${id}`;
const CAPTURE_CONSUMER = `it-sc-capture-${id}`;

describe("bounce lineage and the health gate on JetStream", () => {
  let env: RedriveEnv;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let broker: NatsBroker;
  let collector: Collector;
  let runner: JobRunner;
  let naks: ConsumerMessages;
  const cluster: NatsClusterConfig = {
    name: CLUSTER,
    kind: "nats",
    servers: ["nats://127.0.0.1:4222"],
    capture: { ...DEFAULT_CAPTURE, consumer: CAPTURE_CONSUMER, startFrom: "new" },
  };

  beforeAll(async () => {
    env = await createRedriveEnv(
      {
        clusters: [{ name: CLUSTER, kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { consumer: CAPTURE_CONSUMER, startFrom: "new" } }],
        redrive: { bounceMinSent: 3 },
      },
      id,
    );
    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJ}.>`] });
    await jsm.consumers.add(STREAM, { durable_name: "worker", ack_policy: AckPolicy.Explicit, max_deliver: 2, ack_wait: 1_000_000_000 });
    broker = new NatsBroker(cluster, 5000);
    collector = new Collector(
      env.store.prisma,
      [{ cluster, broker }],
      createLeaderLock({ kind: "embedded", dataDir: "" }, () => undefined),
      { intervalMs: 500, discoveryMs: 0, timeoutMs: 5000 },
    );
    collector.start();
    runner = new JobRunner({
      prisma: env.store.prisma,
      maxInFlight: 20,
      publisherFor: async () => new NatsPublisher(await broker.natsConnection(), 5000),
      gate: createJobGate({ prisma: env.store.prisma, redrive: getConfig().redrive }),
    });
    // The application consumer, still broken: it refuses every message until JetStream gives up on it.
    const worker = await jetstream(nc).consumers.get(STREAM, "worker");
    naks = await worker.consume({ callback: (m) => m.nak() });
    const durable = captureDurable({ ...DEFAULT_CAPTURE, consumer: CAPTURE_CONSUMER }, await getInstallationId(env.store.prisma));
    await until(
      () =>
        jsm.consumers.info(DEFAULT_CAPTURE.stream, durable).then(
          () => true,
          () => false,
        ),
      Boolean,
      10_000,
    );
  }, 60_000);

  afterAll(async () => {
    await runner?.stop();
    await naks?.close().catch(() => undefined);
    await collector?.stop();
    await broker?.close();
    const durable = env ? captureDurable({ ...DEFAULT_CAPTURE, consumer: CAPTURE_CONSUMER }, await getInstallationId(env.store.prisma)) : null;
    if (durable) await jsm?.consumers.delete(DEFAULT_CAPTURE.stream, durable).catch(() => undefined);
    await jsm?.streams.delete(STREAM).catch(() => undefined);
    await nc?.close();
    await env?.close();
  });

  it("links every message that died again to its job and letter, and the job pauses itself", async () => {
    const js = jetstream(nc);
    for (let i = 0; i < 10; i++) await js.publish(`${SUBJ}.order`, new TextEncoder().encode(JSON.stringify({ i })), { msgID: `first-${id}-${i}` });
    const first = await until(
      () => env.store.prisma.deadLetter.findMany({ where: { source: `${STREAM}/worker` } }),
      (l) => l.length === 10,
      30_000,
      200,
    );
    expect(first.every((l) => l.bouncedFromJobId === null)).toBe(true);

    const job = await startJob(
      { action: "requeue", scope: { kind: "filter", filters: { source: `${STREAM}/worker` } }, includePoison: false, rate: 2 },
      TEST_OPERATOR,
      null,
    );
    runner.start();
    const paused = await until(
      () => getJob(job.id),
      (j) => j.state === "paused" || j.state === "completed",
      60_000,
      250,
    );
    expect(paused.state).toBe("paused");
    expect(paused.pausedBy).toBe("gate");
    expect(paused.pausedReason).toMatch(/^Paused itself: \d+ of the \d+ letters sent since .* came back dead \(max_deliveries\)/);
    await new Promise((r) => setTimeout(r, 1000));
    const sent = (await getJob(job.id)).counts.done;
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(sent).toBeLessThan(10);

    const done = await env.store.prisma.redriveJobLetter.findMany({ where: { jobId: job.id, outcome: "done" }, select: { letterId: true } });
    const again = await until(
      () => env.store.prisma.deadLetter.findMany({ where: { source: `${STREAM}/worker`, id: { notIn: first.map((l) => l.id) } } }),
      (l) => l.length === sent,
      30_000,
      200,
    );
    expect(again.every((l) => l.bouncedFromJobId === job.id && l.messageId === `redrive:${job.id}:${l.bouncedFromLetterId}`)).toBe(true);
    expect(new Set(again.map((l) => l.bouncedFromLetterId))).toEqual(new Set(done.map((d) => d.letterId)));
    const detail = await getLetter(again[0]!.id);
    expect(detail.bouncedFrom).toMatchObject({ jobId: job.id, jobNumber: job.number, letterId: again[0]!.bouncedFromLetterId, reason: "max_deliveries" });
    expect(detail.bouncedFrom!.requeuedAt).not.toBeNull();
    expect((await getJob(job.id)).watch).toMatchObject({ sent, bounced: sent });
  }, 120_000);
});
