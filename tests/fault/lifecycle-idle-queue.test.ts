import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordObservation } from "../support/accounting";
import { createVhost, mgmt, queueStats, until } from "../support/rabbit-admin";
import { watchRabbitQueues, type QueueWatch } from "../support/queue-watch";
import { uniqueId } from "../support/redrive-env";

// The real thing, in real time: a queue with a backlog and no consumer on the local RabbitMQ 3.10,
// sampled every 5 s for 5 minutes. The broker moves the idle queue's idle_since forward by itself
// every 2 minutes meanwhile; Redrive must call it STOPPED at every sample and send one message.
// (tests/integration/idle-queue.test.ts steps a clock through 15 minutes of the same.)

const id = uniqueId();
const VHOST = `fault-idle-${id}`;
const CLUSTER = `fault-idle-${id}`;
const INTERVAL_MS = 5000;
const RUN_MS = 5 * 60_000;

describe("lifecycle: an idle queue with a backlog and no consumer, for 5 minutes", () => {
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let watch: QueueWatch;

  beforeAll(async () => {
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue("orders", { durable: true });
    for (let i = 0; i < 40; i++) ch.sendToQueue("orders", Buffer.from(`m${i}`));
    await ch.waitForConfirms();
    await ch.close();
    await until(() => queueStats(VHOST, "orders"), (s) => s.messages_ready === 40);
    watch = await watchRabbitQueues({ cluster: CLUSTER, amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhost: VHOST, intervalMs: INTERVAL_MS });
  });

  afterAll(async () => {
    await watch?.close();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
  });

  it(
    "is STOPPED at every 5 s sample while RabbitMQ refreshes idle_since, and the STOPPED rule sends exactly one message",
    async () => {
      const t0 = Date.now();
      const samples: Array<{ at: number; state: string; since: number; idleSince: string | null }> = [];
      for (let next = t0; next <= t0 + RUN_MS; next += INTERVAL_MS) {
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
        const r = await watch.sampler.tick();
        expect(r.sweeps[0]?.error ?? null).toBeNull();
        await watch.notifier.evaluate();
        const [c, q] = await Promise.all([watch.consumer("orders"), mgmt<{ idle_since?: string }>("GET", `/api/queues/${encodeURIComponent(VHOST)}/orders?columns=idle_since`)]);
        samples.push({ at: Date.now(), state: c.state, since: c.stateSince.getTime(), idleSince: q.idle_since ?? null });
      }
      const idleValues = [...new Set(samples.map((s) => s.idleSince).filter((v): v is string => v !== null))];
      const notStopped = samples.filter((s) => s.state !== "STOPPED");
      await until(async () => watch.messages().length, (n) => n >= 1, 10_000, 50);
      await new Promise((r) => setTimeout(r, 1000));
      const messages = watch.messages();
      const reason = (await watch.consumer("orders")).stateReason;
      recordObservation(
        "idle queue with a backlog and no consumer for 5 min (real time)",
        "A RabbitMQ queue with 40 messages and no consumer, sampled every 5 s for 5 minutes against the local RabbitMQ 3.10 while it moves the idle queue's `idle_since` forward by itself: STOPPED at every sample, from one start, and one message from a consumer-state rule.",
        [
          `${samples.length} samples, ${samples.length - notStopped.length} STOPPED; state since unchanged: ${new Set(samples.map((s) => s.since)).size === 1 ? "yes" : "no"}`,
          `idle_since took ${idleValues.length} values meanwhile (${idleValues.join(", ")}), every counter unchanged`,
          `webhook messages: ${messages.length} (${messages.map((m) => m.status).join(", ")}); last reason: ${reason}`,
        ],
        t0,
      );
      expect(samples.length).toBeGreaterThanOrEqual(60);
      expect(notStopped).toEqual([]);
      expect(new Set(samples.map((s) => s.since)).size).toBe(1);
      // The scenario only shows something if the broker did refresh idle_since during it.
      expect(idleValues.length).toBeGreaterThanOrEqual(2);
      expect(messages.map((m) => m.status)).toEqual(["firing"]);
      // Counted from when it stopped (the first sample), not from the start of the rules' window.
      expect(Number(/^backlog 40 and no consumer for (\d+) min$/.exec(reason)?.[1])).toBeGreaterThanOrEqual(5);
    },
    RUN_MS + 120_000,
  );
});
