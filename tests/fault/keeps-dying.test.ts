import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import type { RabbitClusterConfig } from "@/lib/config";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { AppError } from "@/lib/errors";
import { COLLECTOR_LOCK, createLeaderLock } from "@/lib/db/leader-lock";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { planJob } from "@/lib/redrive/plan-job";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import { startJob } from "@/lib/redrive/start-job";
import { account, expectAccountedFor } from "../support/accounting";
import { TEST_OPERATOR } from "../support/principals";
import { createVhost, until } from "../support/rabbit-admin";
import { createRedriveEnv, uniqueId, type RedriveEnv } from "../support/redrive-env";

// A message whose consumer always rejects it: requeued, it dies again, is collected again, and after
// `poisonAfter` requeues it is poison — left out of bulk jobs — and never lost on the way.

const id = uniqueId();
const VHOST = `fault-poison-${id}`;
const CLUSTER = `fault-poison-${id}`;
const POISON_AFTER = 2;

describe("a letter that keeps dying", () => {
  let env: RedriveEnv;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let collector: Collector;
  let broker: RabbitBroker;
  const cluster: RabbitClusterConfig = { name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST], deadLetters: { adopt: ["*/work.dlq"], queues: [], prefetch: 50 } };

  beforeAll(async () => {
    env = await createRedriveEnv({
      clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST], deadLetters: { adopt: ["*/work.dlq"] } }],
      redrive: { poisonAfter: POISON_AFTER, maxRate: 10_000 },
    }, id);
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createChannel();
    await ch.assertExchange("dlx", "direct", { durable: true });
    await ch.assertQueue("work.dlq", { durable: true });
    await ch.bindQueue("work.dlq", "dlx", "work");
    await ch.assertQueue("work", { durable: true, arguments: { "x-dead-letter-exchange": "dlx" } });
    // The consumer that can never handle this message.
    await ch.consume("work", (m) => m && ch.nack(m, false, false));
    broker = new RabbitBroker(cluster, 5000);
    collector = new Collector(env.store.prisma, [{ cluster, broker }], createLeaderLock({ kind: "postgres", url: env.directUrl }, () => undefined, COLLECTOR_LOCK), { intervalMs: 500, discoveryMs: 0, timeoutMs: 5000 });
    collector.start();
  });

  afterAll(async () => {
    await collector?.stop();
    await broker?.close();
    await conn?.close().catch(() => undefined);
    await vhost?.drop().catch(() => undefined);
    await env?.close();
  });

  it("dies, is requeued, dies again: every death is in the inbox, and past poisonAfter it is left out of bulk jobs", async () => {
    const t0 = Date.now();
    const messageId = `poison-${id}`;
    const pub = await conn.createConfirmChannel();
    pub.sendToQueue("work", Buffer.from(JSON.stringify({ order: 7, bad: true })), { messageId, persistent: true, contentType: "application/json" });
    await pub.waitForConfirms();
    await pub.close();
    const runner = new JobRunner({ prisma: env.store.prisma, maxInFlight: 10, publisherFor: async () => new RabbitPublisher(cluster, 5000) });
    const chain: string[] = [];
    try {
      for (let round = 0; round <= POISON_AFTER; round++) {
        const next = await until(() => env.store.prisma.deadLetter.findMany({ where: { messageId, id: { notIn: chain } } }), (l) => l.length === 1, 30_000, 200);
        const letter = next[0]!;
        expect(letter).toMatchObject({ state: "dead", redriveCount: round, deathCount: round + 1 });
        chain.push(letter.id);
        if (round === POISON_AFTER) break;
        const job = await startJob({ action: "requeue", scope: { kind: "letters", ids: [letter.id] }, includePoison: false, rate: 100 }, TEST_OPERATOR, null);
        await runner.claim();
        await runner.idle();
        expect((await getJob(job.id)).counts.done).toBe(1);
      }
      const poison = chain[chain.length - 1]!;
      // A bulk job over its queue leaves it out, and says so; the plan counts it as poison.
      const plan = await planJob({ action: "requeue", scope: { kind: "filter", filters: { source: `${VHOST}/work` } }, includePoison: false }, TEST_OPERATOR);
      expect(plan.poison).toBe(1);
      expect(plan.total).toBe(0);
      const refused = await startJob({ action: "requeue", scope: { kind: "filter", filters: { source: `${VHOST}/work` } }, includePoison: false, rate: 100 }, TEST_OPERATOR, null).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(refused?.code).toBe("CONFLICT");
      expect(refused?.message).toMatch(/free of other jobs and not poison/);
      const check = await conn.createChannel();
      const onQueues = (await check.checkQueue("work")).messageCount + (await check.checkQueue("work.dlq")).messageCount;
      await check.close();
      expect(onQueues).toBe(0);
      // Each requeued death came back as the next letter in the chain; the last one is in the inbox, dead.
      const copies = new Map(chain.slice(0, -1).map((l) => [l, 1]));
      const acc = await account({
        scenario: "a letter that keeps dying",
        shows: `A message its consumer always rejects is requeued ${POISON_AFTER} times; each death is collected again as a new letter carrying its redrive count, and once it reaches poisonAfter (${POISON_AFTER}) a bulk job over its queue leaves it out ("${refused?.message ?? ""}").`,
        prisma: env.store.prisma,
        letterIds: chain,
        copies,
        keyOf: (l) => l.id,
        startedAt: t0,
        notes: [`letter ${poison} is poison after ${POISON_AFTER} requeues`],
      });
      expectAccountedFor(acc);
      expect(acc.states).toEqual({ requeued: POISON_AFTER, dead: 1 });
    } finally {
      await runner.stop();
    }
  });
});
