import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import { getConfig, type RabbitClusterConfig } from "@/lib/config";
import { COLLECTOR_LOCK, createLeaderLock } from "@/lib/db/leader-lock";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { getLetter } from "@/lib/dead-letters/get-letter";
import { listLetters } from "@/lib/dead-letters/list-letters";
import { listLetterGroups } from "@/lib/dead-letters/list-letter-groups";
import { AppError } from "@/lib/errors";
import { Sampler } from "@/lib/health/sampler/sampler";
import { DeliveryWorker } from "@/lib/notifications/delivery-worker";
import { Notifier } from "@/lib/notifications/notifier";
import { syncNotificationConfig } from "@/lib/notifications/sync-notification-config";
import type { NotificationMessage } from "@/lib/notifications/types";
import { controlJob } from "@/lib/redrive/control-job";
import { getJob } from "@/lib/redrive/get-job";
import { createJobGate } from "@/lib/redrive/job-gate";
import { JobRunner } from "@/lib/redrive/job-runner";
import { planJob } from "@/lib/redrive/plan-job";
import { startJob } from "@/lib/redrive/start-job";
import { TEST_OPERATOR } from "../support/principals";
import { createVhost, until } from "../support/rabbit-admin";
import { createRedriveEnv, uniqueId, type RedriveEnv } from "../support/redrive-env";
import { startReceiver } from "../support/webhook-receiver";
import { FREE } from "../support/holds";

// A requeue that checks its own work, on real RabbitMQ: the consumer still rejects everything, so the
// job pauses itself, says why, notifies, and every letter that died again names the job; fixed, it
// is resumed and completes with nothing coming back. A canary that fails stops the job after the
// canary; one that passes lets it go on by itself.

const id = uniqueId();
const VHOST = `it-selfcheck-${id}`;
const CLUSTER = `it-selfcheck-${id}`;

describe("requeue jobs that check their own work (RabbitMQ)", () => {
  let env: RedriveEnv;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let consumerCh: amqp.Channel;
  let collector: Collector;
  let sampler: Sampler;
  let broker: RabbitBroker;
  let runner: JobRunner;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let worker: DeliveryWorker;
  let notifier: Notifier;
  /** What the application consumer does with each message: the bug is "fixed" by setting this to false. */
  let rejecting = true;
  const acked: string[] = [];
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

  /** Publishes `n` messages of a batch into "work"; while the consumer rejects, each becomes a dead letter the collector stores. */
  async function deadBatch(batch: string, n: number): Promise<void> {
    const pub = await conn.createConfirmChannel();
    for (let i = 0; i < n; i++)
      pub.sendToQueue("work", Buffer.from(JSON.stringify({ batch, i })), {
        messageId: `${batch}-${i}`,
        persistent: true,
        contentType: "application/json",
        headers: { "x-batch": batch },
      });
    await pub.waitForConfirms();
    await pub.close();
    await until(
      () => env.store.prisma.deadLetter.count({ where: { headers: { path: ["x-batch"], equals: batch }, bouncedFromJobId: null } }),
      (c) => c === n,
      60_000,
      200,
    );
  }

  const byBatch = (batch: string) => ({ kind: "filter" as const, filters: { header: `x-batch:${batch}`, source: `${VHOST}/work` } });

  beforeAll(async () => {
    receiver = await startReceiver();
    env = await createRedriveEnv(
      {
        clusters: [
          {
            name: CLUSTER,
            kind: "rabbitmq",
            amqpUrl: "amqp://guest:guest@127.0.0.1:5672",
            managementUrl: "http://127.0.0.1:15672",
            vhosts: [VHOST],
            deadLetters: { adopt: ["*/work.dlq"] },
            // A short health window, so the consumer is told healthy again soon after its fix.
            health: { windowSeconds: 30 },
          },
        ],
        redrive: { maxRate: 10_000, confirmAbove: 100, canary: { settleSeconds: 2, timeoutSeconds: 8 } },
        publicUrl: "https://redrive.example.test",
        notifications: {
          channels: [{ name: "hook", type: "webhook", url: `${receiver.url}/hook` }],
          rules: [{ name: "paused-itself", kind: "job-paused-itself", channels: ["hook"] }],
          delivery: { timeoutSeconds: 5, maxAttempts: 3, backoffSeconds: 0.2 },
          allowPrivateTargets: true,
        },
      },
      id,
    );
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createChannel();
    await ch.assertExchange("dlx", "direct", { durable: true });
    await ch.assertQueue("work.dlq", { durable: true });
    await ch.bindQueue("work.dlq", "dlx", "work");
    await ch.assertQueue("work", { durable: true, arguments: { "x-dead-letter-exchange": "dlx" } });
    await ch.close();
    consumerCh = await conn.createChannel();
    await consumerCh.prefetch(20);
    await consumerCh.consume("work", (m) => {
      if (!m) return;
      if (rejecting) consumerCh.nack(m, false, false);
      else {
        acked.push(String(m.properties.messageId));
        consumerCh.ack(m);
      }
    });
    broker = new RabbitBroker(cluster, 5000);
    collector = new Collector(
      env.store.prisma,
      [{ cluster, broker }],
      createLeaderLock({ kind: "postgres", url: env.directUrl }, () => undefined, COLLECTOR_LOCK),
      { intervalMs: 300, discoveryMs: 0, timeoutMs: 5000 },
    );
    collector.start();
    sampler = new Sampler(
      env.store.prisma,
      [{ cluster: getConfig().clusters[0]!, broker }],
      { ensure: async () => true, release: async () => {} },
      { intervalMs: 1000, rawRetentionMs: 3_600_000, rollupRetentionMs: 86_400_000, windowMs: 60_000 },
    );
    sampler.start();
    const config = getConfig();
    await syncNotificationConfig(env.store.prisma, config.notifications);
    worker = new DeliveryWorker(env.store.prisma, {
      ...config.notifications.delivery,
      allowPrivateTargets: true,
      pollMs: 100,
      channelUrl: (c) => config.notifications.channels.find((x) => x.name === c.name)?.url ?? null,
    });
    worker.start();
    notifier = new Notifier(env.store.prisma, worker, { publicUrl: config.publicUrl });
    runner = new JobRunner({
      prisma: env.store.prisma,
      maxInFlight: 50,
      publisherFor: async () => new RabbitPublisher(cluster, 5000),
      gate: createJobGate({ prisma: env.store.prisma, redrive: config.redrive }),
    });
    runner.start();
  }, 120_000);

  afterAll(async () => {
    await runner?.stop();
    await notifier?.stop();
    await worker?.stop();
    await sampler?.stop();
    await collector?.stop();
    await broker?.close();
    await receiver?.close();
    await conn?.close().catch(() => undefined);
    await vhost?.drop().catch(() => undefined);
    await env?.close();
  });

  it("asks for the count typed above the configured size, and refuses a wrong one, changing nothing", async () => {
    rejecting = true;
    await deadBatch("typed", 120);
    const plan = await planJob({ action: "requeue", scope: byBatch("typed"), includePoison: false }, TEST_OPERATOR);
    expect(plan).toMatchObject({ total: 120, confirmAbove: 100 });
    const refused = async (confirmCount?: number) =>
      startJob({ action: "terminate", scope: byBatch("typed"), includePoison: false, confirmCount }, TEST_OPERATOR, null).then(
        () => null,
        (e: unknown) => e as AppError,
      );
    const none = await refused();
    expect(none?.code).toBe("INVALID_INPUT");
    expect(none?.message).toMatch(/above 100 the number of letters must be typed to confirm \(confirmCount 120\)/);
    const wrong = await refused(12);
    expect(wrong?.message).toMatch(/The number typed \(12\) is not the 120 letters this would terminate now/);
    expect(await env.store.prisma.redriveJob.count()).toBe(0);
    expect(await env.store.prisma.deadLetter.count({ where: { headers: { path: ["x-batch"], equals: "typed" }, state: "dead", ...FREE } })).toBe(120);
    const outcomes = await env.store.prisma.auditEvent.findMany({ where: { action: "job.terminate", phase: "outcome" }, select: { result: true } });
    expect(outcomes.map((o) => o.result)).toEqual(["refused", "refused"]);
    const job = await startJob({ action: "terminate", scope: byBatch("typed"), includePoison: false, confirmCount: 120, rate: 1000 }, TEST_OPERATOR, null);
    await until(
      () => getJob(job.id),
      (j) => j.state === "completed",
      30_000,
    );
    expect((await getJob(job.id)).counts.done).toBe(120);
  }, 120_000);

  it("pauses itself when its letters keep dying, says why, notifies, links every bounce; fixed and resumed, it completes and nothing comes back", async () => {
    rejecting = true;
    await deadBatch("story", 200);
    const job = await startJob({ action: "requeue", scope: byBatch("story"), includePoison: false, rate: 10, confirmCount: 200 }, TEST_OPERATOR, null);
    expect(job.watch).toMatchObject({ sent: 0, bounced: 0, bounceThreshold: 0.1, bounceMinSent: 20, canary: null });
    const t0 = Date.now();
    const paused = await until(
      () => getJob(job.id),
      (j) => j.state === "paused",
      60_000,
      250,
    );
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(paused.pausedBy).toBe("gate");
    expect(paused.pausedReason).toMatch(/^Paused itself: /);
    // It stops between chunks: what was taken before the pause landed is all that went out.
    await new Promise((r) => setTimeout(r, 1500));
    const stopped = await getJob(job.id);
    const sent = stopped.counts.done;
    expect(sent).toBeGreaterThanOrEqual(20);
    expect(sent).toBeLessThanOrEqual(60);
    expect(stopped.counts.pending).toBe(200 - sent);

    // Every letter it sent back died again, and each new letter names the job and the letter it was sent for.
    const done = await env.store.prisma.redriveJobLetter.findMany({ where: { jobId: job.id, outcome: "done" }, select: { letterId: true, finishedAt: true } });
    const bounces = await until(
      () =>
        env.store.prisma.deadLetter.findMany({ where: { headers: { path: ["x-batch"], equals: "story" }, state: "dead", capturedAt: { gte: new Date(t0) } } }),
      (b) => b.length === sent,
      30_000,
    );
    expect(bounces.every((b) => b.bouncedFromJobId === job.id)).toBe(true);
    expect(new Set(bounces.map((b) => b.bouncedFromLetterId))).toEqual(new Set(done.map((d) => d.letterId)));
    expect((await getJob(job.id)).watch).toMatchObject({ sent, bounced: sent, bouncedHref: `/dead-letters?bouncedFromJob=${job.id}` });

    // The inbox lists them by the job, the group counts them, and the letter page tells the story.
    const listed = await listLetters({ bouncedFromJob: job.id, state: [], limit: 200 });
    expect(listed.items.map((l) => l.id).sort()).toEqual(bounces.map((b) => b.id).sort());
    const groups = await listLetterGroups({ bouncedFromJob: job.id, state: [] });
    expect(groups.groups.reduce((n, g) => n + g.bounced, 0)).toBe(sent);
    const detail = await getLetter(bounces[0]!.id);
    const original = done.find((d) => d.letterId === bounces[0]!.bouncedFromLetterId)!;
    expect(detail.bouncedFrom).toMatchObject({
      jobId: job.id,
      jobNumber: job.number,
      letterId: original.letterId,
      requeuedAt: original.finishedAt!.toISOString(),
      reason: "rejected",
    });
    // RabbitMQ counts a repeated death in the same x-death entry, keeping its first time: the bounce's
    // death is never told as before the requeue that caused it.
    expect(Date.parse(detail.bouncedFrom!.diedAt)).toBeGreaterThanOrEqual(original.finishedAt!.getTime() - 1000);
    expect((await getLetter(original.letterId)).bouncedAs).toEqual([
      expect.objectContaining({ letterId: bounces[0]!.id, jobId: job.id, jobNumber: job.number }),
    ]);

    // Audited as Redrive itself, and the "job paused itself" rule delivered a message linking to the job.
    const auto = await env.store.prisma.auditEvent.findMany({ where: { action: "job.auto-pause", target: `job:${job.id}` }, orderBy: { id: "asc" } });
    expect(auto.map((a) => [a.actor, a.phase, a.result])).toEqual([
      ["redrive", "intent", null],
      ["redrive", "outcome", "ok"],
    ]);
    await notifier.evaluate();
    const message = await until(
      async () => receiver.received.map((r) => r.body as NotificationMessage).find((b) => b.status === "firing" && b.rule.kind === "job-paused-itself"),
      (m) => m !== undefined,
      15_000,
    );
    expect(message!.link).toBe(`https://redrive.example.test/jobs/${job.id}`);
    expect(JSON.stringify(message)).toContain(paused.pausedReason!);

    // The bug is fixed: resumed, the job sends the rest, which the consumer now takes; nothing comes back.
    rejecting = false;
    await controlJob(job.id, "resume", TEST_OPERATOR, null);
    const finished = await until(
      () => getJob(job.id),
      (j) => j.state === "completed" || j.state === "paused",
      60_000,
      250,
    );
    expect(finished.state).toBe("completed");
    expect(finished.counts.done).toBe(200);
    await until(
      async () => acked.filter((m) => m.startsWith("story-")).length,
      (n) => n === 200 - sent,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(await env.store.prisma.deadLetter.count({ where: { bouncedFromJobId: job.id } })).toBe(sent);
    expect((await getJob(job.id)).watch).toMatchObject({ sent: 200, bounced: sent });
    await notifier.evaluate();
    await until(
      async () => receiver.received.map((r) => r.body as NotificationMessage).some((b) => b.status === "resolved" && b.rule.kind === "job-paused-itself"),
      (x) => x,
      15_000,
    );
  }, 180_000);

  it("stops after a canary that came back dead, having sent nothing else", async () => {
    rejecting = true;
    await deadBatch("canary-bad", 40);
    const job = await startJob({ action: "requeue", scope: byBatch("canary-bad"), includePoison: false, rate: 100, canary: 5 }, TEST_OPERATOR, null);
    const paused = await until(
      () => getJob(job.id),
      (j) => j.state === "paused",
      30_000,
      250,
    );
    expect(paused.pausedBy).toBe("canary");
    expect(paused.watch?.canary).toMatchObject({ size: 5, state: "failed" });
    expect(paused.pausedReason).toMatch(/^Canary failed: 5 of the 5 canary letters came back dead \(rejected\)/);
    expect(paused.counts).toMatchObject({ done: 5, pending: 35 });
    await controlJob(job.id, "cancel", TEST_OPERATOR, null);
    await until(
      () => getJob(job.id),
      (j) => j.state === "cancelled",
      10_000,
    );
  }, 60_000);

  it("goes on by itself after a canary that passed", async () => {
    rejecting = true;
    await deadBatch("canary-good", 40);
    rejecting = false;
    const job = await startJob({ action: "requeue", scope: byBatch("canary-good"), includePoison: false, rate: 100, canary: true }, TEST_OPERATOR, null);
    // max(10 letters, 1 % of 40): 10.
    expect(job.watch?.canary).toMatchObject({ size: 10, state: "sending" });
    const waiting = await until(
      () => getJob(job.id),
      (j) => j.watch?.canary?.state !== "sending",
      15_000,
      100,
    );
    expect(["waiting", "passed"]).toContain(waiting.watch?.canary?.state);
    if (waiting.watch?.canary?.state === "waiting") expect(waiting.counts.done).toBe(10);
    const done = await until(
      () => getJob(job.id),
      (j) => j.state === "completed" || j.state === "paused",
      30_000,
      250,
    );
    expect(done.state).toBe("completed");
    expect(done.counts.done).toBe(40);
    expect(done.watch?.canary?.state).toBe("passed");
    expect(done.watch?.canary?.detail).toMatch(/^Canary passed/);
    await until(
      async () => acked.filter((m) => m.startsWith("canary-good-")).length,
      (n) => n === 40,
      30_000,
    );
    expect(await env.store.prisma.auditEvent.count({ where: { action: "job.canary-pass", target: `job:${job.id}`, phase: "outcome" } })).toBe(1);
  }, 60_000);

  it("resumes by itself once the destination has been healthy, and nothing came back dead, for as long as asked", async () => {
    rejecting = true;
    await deadBatch("auto", 60);
    const job = await startJob({ action: "requeue", scope: byBatch("auto"), includePoison: false, rate: 20, autoResumeMinutes: 0.1 }, TEST_OPERATOR, null);
    expect(job.watch?.autoResumeMinutes).toBe(0.1);
    const paused = await until(
      () => getJob(job.id),
      (j) => j.state === "paused",
      30_000,
      250,
    );
    expect(paused.pausedBy).toBe("gate");
    const sent = paused.counts.done;
    rejecting = false;
    // The consumer stays FAILING while its dead letters are within the health window; then OK for 6 s.
    const done = await until(
      () => getJob(job.id),
      (j) => j.state === "completed",
      150_000,
      500,
    );
    expect(done.counts.done).toBe(60);
    const resumed = await env.store.prisma.auditEvent.findMany({ where: { action: "job.auto-resume", target: `job:${job.id}`, phase: "intent" } });
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.actor).toBe("redrive");
    expect(String((resumed[0]!.request as { reason?: string }).reason)).toMatch(
      /^Resumed itself: its destinations have been healthy and nothing came back dead for \d+ s \(asked for 6 s\)\.$/,
    );
    // Chunks already on their way when the gate paused the job still went out (the runner pipelines
    // them) and died too: every letter is either one that came back dead or one the fixed consumer took.
    const bounced = await env.store.prisma.deadLetter.count({ where: { bouncedFromJobId: job.id } });
    expect(bounced).toBeGreaterThanOrEqual(sent);
    await until(
      async () => acked.filter((m) => m.startsWith("auto-")).length,
      (n) => n === 60 - bounced,
      30_000,
    );
    expect(await env.store.prisma.deadLetter.count({ where: { bouncedFromJobId: job.id } })).toBe(bounced);
  }, 200_000);
});
