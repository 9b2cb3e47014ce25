import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RabbitClusterConfig } from "@/lib/config";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { NatsPublisher } from "@/lib/brokers/nats/nats-publisher";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import { startJob } from "@/lib/redrive/start-job";
import { account, expectAccountedFor } from "../support/accounting";
import { drainQueue, natsLetters, rabbitDeadLetters, streamCopies } from "../support/letters";
import { TEST_OPERATOR } from "../support/principals";
import { createVhost, until } from "../support/rabbit-admin";
import { createRedriveEnv, uniqueId, type RedriveEnv } from "../support/redrive-env";

// The Redrive process running two jobs is killed with SIGKILL mid-chunk; a runner in another process
// takes the jobs over once their leases lapse (15 s, the production default).

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const id = uniqueId();
const VHOST = `fault-kill-${id}`;
const RABBIT = `fault-kill-rmq-${id}`;
const NATS = `fault-kill-nats-${id}`;
const STREAM = `FAULT_KILL_${id.toUpperCase()}`;
const SUBJECT = `fault.kill.${id}`;

describe("the Redrive process killed mid-job", () => {
  let env: RedriveEnv;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let child: ChildProcess | undefined;
  const rabbitCluster: RabbitClusterConfig = { name: RABBIT, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST] };

  beforeAll(async () => {
    env = await createRedriveEnv({
      clusters: [
        { name: RABBIT, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] },
        { name: NATS, kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { enabled: false } },
      ],
      redrive: { maxRate: 100_000, confirmTimeoutSeconds: 5 },
    }, id);
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createChannel();
    await ch.assertQueue("orders.dlq", { durable: true });
    await ch.assertQueue("orders", { durable: true, arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "orders.dlq" } });
    await ch.close();
    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: [SUBJECT] });
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await jsm?.streams.delete(STREAM).catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await conn?.close().catch(() => undefined);
    await vhost?.drop().catch(() => undefined);
    await env?.close();
  });

  it("SIGKILL mid-job: another process resumes both jobs; RabbitMQ letters in flight are unknown, JetStream ones go again deduplicated", async () => {
    const t0 = Date.now();
    const rabbitIds = await rabbitDeadLetters(env.store.prisma, { conn, cluster: RABBIT, vhost: VHOST, queue: "orders", dlq: "orders.dlq", n: 60, tag: `kill-${id}` });
    const natsIds = await natsLetters(env.store.prisma, { cluster: NATS, stream: STREAM, subject: SUBJECT, n: 60, tag: `killn-${id}` });

    child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/fault/support/run-jobs.ts"], {
      cwd: ROOT,
      env: { ...process.env, REDRIVE_CONFIG: env.configPath, DATABASE_URL: env.directUrl, REDRIVE_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    await until(async () => output, (o) => o.includes("ready ") || child?.exitCode !== null, 60_000, 100);
    const owner = /ready (\S+)/.exec(output)?.[1];
    expect(owner, output).toBeDefined();

    const jobs = [
      await startJob({ action: "requeue", scope: { kind: "letters", ids: rabbitIds }, includePoison: false, rate: 20 }, TEST_OPERATOR, null),
      await startJob({ action: "requeue", scope: { kind: "letters", ids: natsIds }, includePoison: false, rate: 20 }, TEST_OPERATOR, null),
    ];
    const inFlight = (jobId: string) => env.direct.prisma.redriveJobLetter.count({ where: { jobId, outcome: "in_flight" } });
    for (const j of jobs) await until(() => getJob(j.id), (s) => s.counts.done >= 10, 30_000, 50);
    await until(async () => (await inFlight(jobs[0]!.id)) > 0 && (await inFlight(jobs[1]!.id)) > 0, Boolean, 10_000, 10);
    child.kill("SIGKILL");
    await new Promise<void>((r) => (child!.exitCode !== null || child!.signalCode !== null ? r() : child!.once("exit", () => r())));
    const left = await Promise.all(jobs.map((j) => env.direct.prisma.redriveJob.findUniqueOrThrow({ where: { id: j.id } })));
    for (const j of left) expect(j.leaseOwner).toBe(owner);
    const leftInFlight = await Promise.all(jobs.map((j) => inFlight(j.id)));

    const heir = new JobRunner({ prisma: env.store.prisma, maxInFlight: 200, publisherFor: async (name) => (name === NATS ? new NatsPublisher(nc, 5000) : new RabbitPublisher(rabbitCluster, 5000)) });
    try {
      const tookOver = Date.now();
      await until(() => heir.claim(), (c) => jobs.every((j) => c.includes(j.id)), 30_000, 250);
      const waitedMs = Date.now() - tookOver;
      await heir.idle();
      for (const j of jobs) expect((await getJob(j.id)).state).toBe("completed");
      const rabbitCopies = await drainQueue(conn, "orders");
      const natsCopies = await streamCopies(jsm, STREAM);
      const notes = [`killed with ${leftInFlight[0]} RabbitMQ and ${leftInFlight[1]} JetStream letters in flight; taken over ${Math.round(waitedMs / 1000)} s later, when the lease lapsed`];
      const rabbit = await account({ scenario: "Redrive killed mid-job (RabbitMQ)", shows: "The process running a 60-letter RabbitMQ job is killed with SIGKILL while a chunk awaits its confirms; another process takes the job over when its lease lapses: the letters it left in flight are outcome unknown (RabbitMQ cannot deduplicate), the rest are sent once.", prisma: env.store.prisma, letterIds: rabbitIds, copies: rabbitCopies, startedAt: t0, notes });
      const nats = await account({ scenario: "Redrive killed mid-job (JetStream)", shows: "The same kill, for a 60-letter JetStream job running alongside: the letters left in flight go again under their Nats-Msg-Id and JetStream drops the copies it already had; every letter done, stored once.", prisma: env.store.prisma, letterIds: natsIds, copies: natsCopies, startedAt: t0, notes });
      expectAccountedFor(rabbit);
      expectAccountedFor(nats);
      expect(rabbit.outcomes.unknown).toBe(leftInFlight[0]);
      expect(nats.outcomes).toEqual({ done: 60 });
      expect(nats.onBroker).toBe(60);
    } finally {
      await heir.stop();
    }
  });
});
