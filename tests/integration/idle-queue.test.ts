import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVhost, queueStats, until } from "../support/rabbit-admin";
import { watchRabbitQueues, type QueueWatch } from "../support/queue-watch";
import { uniqueId } from "../support/redrive-env";
import { getStore } from "@/lib/db/get-store";
import { getConsumerSeries } from "@/lib/health/get-consumer-series";
import { sampleRowsSql } from "@/lib/health/sample-rows";

// RabbitMQ 3.10 moves `idle_since` forward on an idle classic queue about every 2 minutes, with every
// counter still. Waiting 15 minutes for that is too slow for this tier, so the sampler reads the
// real broker through a management-API proxy that stamps each queue with the idle_since the broker
// would show at the sampler's (stepped) clock. tests/fault/lifecycle-idle-queue.test.ts keeps one
// real-time run against the broker itself.

const id = uniqueId();
const VHOST = `it-idle-${id}`;
const CLUSTER = `it-idle-${id}`;
const TICK_MS = 10_000;
const REFRESH_MS = 120_000;
// The form the local 3.10.8 sends: "2026-12-06T12:16:53.359+00:00".
const rabbitTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

describe("an idle queue whose idle_since the broker refreshes by itself", () => {
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let proxy: Server;
  let watch: QueueWatch;
  const start = Date.now();
  let clock = start;
  const refreshedAt = () => start - 30_000 + Math.floor((clock - start + 30_000) / REFRESH_MS) * REFRESH_MS;
  let stamped = 0;

  beforeAll(async () => {
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue("orders", { durable: true });
    for (let i = 0; i < 40; i++) ch.sendToQueue("orders", Buffer.from(`m${i}`));
    await ch.waitForConfirms();
    await ch.close();
    await until(() => queueStats(VHOST, "orders"), (s) => s.messages_ready === 40);

    // Passes every request to the real management API; queue lists come back with idle_since set, as
    // 3.10 sends it for an idle queue (asked for or not).
    proxy = createServer((req, res) => {
      void (async () => {
        const upstream = await fetch(`http://127.0.0.1:15672${req.url ?? "/"}`, { headers: { authorization: req.headers.authorization ?? "" } });
        let text = await upstream.text();
        if (upstream.ok && (req.url ?? "").startsWith("/api/queues")) {
          const body = JSON.parse(text) as { items: Array<Record<string, unknown>> };
          for (const q of body.items) q.idle_since = rabbitTime(refreshedAt());
          stamped++;
          text = JSON.stringify(body);
        }
        res.writeHead(upstream.status, { "content-type": "application/json" });
        res.end(text);
      })().catch((e: unknown) => {
        res.writeHead(502);
        res.end(String(e));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.address() as AddressInfo;
    watch = await watchRabbitQueues({ cluster: CLUSTER, amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: `http://127.0.0.1:${port}`, vhost: VHOST, intervalMs: TICK_MS, now: () => new Date(clock) });
  });

  afterAll(async () => {
    await watch?.close();
    await new Promise((r) => proxy?.close(r));
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
  });

  it("stays STOPPED for 15 minutes of 10 s samples, from one start, and the STOPPED rule fires exactly once", async () => {
    const states: string[] = [];
    const since = new Set<number>();
    for (let i = 0; i <= 90; i++) {
      if (i > 0) clock += TICK_MS;
      const r = await watch.sampler.tick();
      expect(r.sweeps[0]?.error ?? null).toBeNull();
      await watch.notifier.evaluate();
      const c = await watch.consumer("orders");
      states.push(c.state);
      since.add(c.stateSince.getTime());
    }
    expect(stamped).toBeGreaterThanOrEqual(91);
    expect(states.filter((s) => s !== "STOPPED")).toEqual([]);
    expect([...since]).toEqual([start]);
    const c = await watch.consumer("orders");
    expect(c.stateReason).toBe("backlog 40 and no consumer for 15 min");
    expect(c.lastActivityAt).toBeNull();

    await until(async () => watch.messages().length, (n) => n >= 1, 10_000, 50);
    await new Promise((r) => setTimeout(r, 500));
    const messages = watch.messages();
    expect(messages.map((m) => m.status)).toEqual(["firing"]);
    expect(messages[0]!.summary).toMatch(/^backlog 40 and no consumer/);
    const incidents = await watch.store.prisma.notificationIncident.findMany();
    expect(incidents.map((i) => i.status)).toEqual(["firing"]);
  });

  it("stores a sample only when a value changed and once a minute, and still draws its chart at every step of the 15 minutes", async () => {
    const c = await watch.consumer("orders");
    const { prisma } = await getStore();
    // Rows and packed hours alike: the 15 minutes may cross an hour the sampler has packed since.
    const [counted] = await prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${sampleRowsSql(`"consumer_id" = $1::uuid`, `"consumer_id" = $1::uuid`)} s`, c.id);
    const samples = counted!.n;
    // 91 sweeps: the first, the first with rates, then one a minute (only the clock moved).
    expect(samples).toBeGreaterThanOrEqual(15);
    expect(samples).toBeLessThanOrEqual(18);
    const series = await getConsumerSeries(c.id, { from: new Date(start), to: new Date(clock) }, new Date(clock));
    expect(series.source).toBe("raw");
    expect(series.points.length).toBe(90);
    expect(series.points.filter((p) => p.backlog !== 40 || p.consumerCount !== 0)).toEqual([]);
  });
});
