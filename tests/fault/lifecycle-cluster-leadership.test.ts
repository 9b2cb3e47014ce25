import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVhost, until } from "../support/rabbit-admin";
import { createRedriveEnv, uniqueId, type RedriveEnv } from "../support/redrive-env";
import { killAll, startReplica, type Replica } from "./support/replica";

// Two replicas of one installation share four clusters (three vhost-scoped RabbitMQ clusters on the
// shared broker and a NATS one): each cluster is swept by one replica per interval, the clusters are
// split between them, and when one is killed (SIGKILL) the other takes its clusters within a bounded
// number of ticks. Dead letters flow into each RabbitMQ cluster's adopted DLQ throughout: every one
// is stored exactly once, whichever replica collected it, the kill included.

const id = uniqueId();
const INTERVAL_MS = 5000;
const RABBITS = [0, 1, 2].map((i) => ({ cluster: `lc-lead-rmq${i}-${id}`, vhost: `lc-lead-${i}-${id}` }));
const NATS = `lc-lead-nats-${id}`;
const CLUSTERS = [...RABBITS.map((r) => r.cluster), NATS];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Line = { t: string; msg: string; cluster?: string };
function lines(r: Replica, msg: string): Array<{ at: number; cluster: string }> {
  return r
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{") && l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Line)
    .map((l) => ({ at: Date.parse(l.t), cluster: l.cluster ?? "" }));
}
const swept = (r: Replica, from: number, to = Infinity) => lines(r, "swept").filter((s) => s.at >= from && s.at < to);

describe("replicas share clusters", () => {
  let env: RedriveEnv;
  const vhosts: Array<Awaited<ReturnType<typeof createVhost>>> = [];
  const conns: amqp.ChannelModel[] = [];
  const replicas = new Set<Replica>();
  const replica = async (name: string) => {
    const r = await startReplica(name, { configPath: env.configPath, databaseUrl: env.directUrl, logLevel: "debug" });
    replicas.add(r);
    return r;
  };
  let published = 0;

  /** `n` messages into each RabbitMQ cluster's "inflow" queue, which dead-letters them at once into its adopted DLQ. */
  async function publish(n: number): Promise<void> {
    for (const conn of conns) {
      const ch = await conn.createConfirmChannel();
      for (let i = 0; i < n; i++) ch.sendToQueue("inflow", Buffer.from(`letter ${published + i}`), { messageId: `m-${published + i}`, persistent: true });
      await ch.waitForConfirms();
      await ch.close();
    }
    published += n;
  }

  async function ready(): Promise<number> {
    let n = 0;
    for (const conn of conns) {
      const ch = await conn.createChannel();
      n += (await ch.checkQueue("inflow.dlq")).messageCount;
      await ch.close();
    }
    return n;
  }

  beforeAll(async () => {
    env = await createRedriveEnv(
      {
        clusters: [
          ...RABBITS.map((r) => ({
            name: r.cluster,
            kind: "rabbitmq",
            amqpUrl: "amqp://guest:guest@127.0.0.1:5672",
            managementUrl: "http://127.0.0.1:15672",
            vhosts: [r.vhost],
            deadLetters: { adopt: [`${r.vhost}/inflow.dlq`], queues: [], prefetch: 20 },
          })),
          { name: NATS, kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { enabled: false } },
        ],
        sampler: { intervalSeconds: INTERVAL_MS / 1000 },
      },
      id,
    );
    for (const r of RABBITS) {
      vhosts.push(await createVhost(r.vhost));
      const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(r.vhost)}`);
      conns.push(conn);
      const ch = await conn.createChannel();
      await ch.assertQueue("inflow.dlq", { durable: true });
      await ch.assertQueue("inflow", { durable: true, arguments: { "x-message-ttl": 0, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "inflow.dlq" } });
      await ch.assertQueue("work", { durable: true });
      await ch.close();
    }
  });

  afterAll(async () => {
    killAll(replicas);
    for (const c of conns) await c.close().catch(() => undefined);
    for (const v of vhosts) await v.drop().catch(() => undefined);
    await env?.close();
  });

  it("splits four clusters between two replicas, sweeps each once per interval, and hands a killed replica's clusters over within two ticks, collecting every letter once", async () => {
    const a = await replica("A");
    // Alone, A leads every cluster.
    await until(async () => new Set(swept(a, 0).map((s) => s.cluster)).size, (n) => n === CLUSTERS.length, 60_000, 200);
    await publish(50);

    const b = await replica("B");
    // B takes its share: A hands one cluster back per tick until each leads two.
    const bStarted = Date.now();
    await until(async () => new Set(swept(b, bStarted).map((s) => s.cluster)).size, (n) => n >= 2, 60_000, 200);
    await publish(50);
    // Settled: observe four intervals.
    await sleep(INTERVAL_MS);
    const from = Date.now();
    await sleep(4 * INTERVAL_MS);
    const to = Date.now();
    const byA = swept(a, from, to);
    const byB = swept(b, from, to);
    const aClusters = new Set(byA.map((s) => s.cluster));
    const bClusters = new Set(byB.map((s) => s.cluster));
    // Split: both work, and no cluster is swept by both.
    expect([...aClusters].filter((c) => bClusters.has(c))).toEqual([]);
    expect(aClusters.size).toBe(2);
    expect(bClusters.size).toBe(2);
    expect(new Set([...aClusters, ...bClusters])).toEqual(new Set(CLUSTERS));
    // Once per interval: four sweeps of each cluster in four intervals (a tick may straddle an edge), never two within half an interval.
    for (const c of CLUSTERS) {
      const times = [...byA, ...byB].filter((s) => s.cluster === c).map((s) => s.at);
      expect(times.length, c).toBeGreaterThanOrEqual(3);
      expect(times.length, c).toBeLessThanOrEqual(5);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, c).toBeGreaterThanOrEqual(INTERVAL_MS / 2);
    }

    // Letters keep dying while A is killed.
    const publishing = publish(100);
    const killedAt = Date.now();
    a.child.kill("SIGKILL");
    await a.exited;
    await publishing;
    // B sweeps A's clusters within two ticks of the kill.
    await until(async () => new Set(swept(b, killedAt).map((s) => s.cluster)).size, (n) => n === CLUSTERS.length, 6 * INTERVAL_MS, 100);
    const takeover = Math.max(...[...aClusters].map((c) => swept(b, killedAt).find((s) => s.cluster === c)!.at - killedAt));
    expect(takeover).toBeLessThanOrEqual(2 * INTERVAL_MS);
    // B alone: each cluster still swept once per interval.
    await sleep(3 * INTERVAL_MS);
    const after = swept(b, killedAt + 2 * INTERVAL_MS);
    for (const c of CLUSTERS) {
      const times = after.filter((s) => s.cluster === c).map((s) => s.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, c).toBeGreaterThanOrEqual(INTERVAL_MS / 2);
    }

    // Every letter stored once, none left on the brokers.
    await until(ready, (n) => n === 0, 60_000, 250);
    const stored = await until(
      () => env.direct.prisma.deadLetter.findMany({ select: { messageId: true, cluster: { select: { name: true } } } }),
      (rows) => rows.length >= published * RABBITS.length,
      30_000,
      250,
    );
    const perCluster = new Map<string, Map<string, number>>();
    for (const r of stored) {
      const m = perCluster.get(r.cluster.name) ?? new Map<string, number>();
      m.set(r.messageId ?? "", (m.get(r.messageId ?? "") ?? 0) + 1);
      perCluster.set(r.cluster.name, m);
    }
    for (const { cluster } of RABBITS) {
      const m = perCluster.get(cluster) ?? new Map<string, number>();
      const lost = Array.from({ length: published }, (_, i) => `m-${i}`).filter((k) => !m.has(k));
      const doubled = [...m].filter(([, n]) => n > 1).map(([k]) => k);
      expect({ cluster, lost, doubled, stored: m.size }).toEqual({ cluster, lost: [], doubled: [], stored: published });
    }
    const collectedByA = new Set(lines(a, "collector leads a cluster").map((l) => l.cluster));
    const collectedByB = new Set(lines(b, "collector leads a cluster").filter((l) => l.at < killedAt).map((l) => l.cluster));
    // Collection was shared too before the kill (NATS has nothing to collect here: its capture is off).
    expect(collectedByA.size).toBeGreaterThan(0);
    expect(collectedByB.size).toBeGreaterThan(0);
    console.log(JSON.stringify({ scenario: "cluster leadership", takeoverMs: takeover, intervalMs: INTERVAL_MS, letters: published * RABBITS.length, sweptBy: { A: [...aClusters], B: [...bClusters] } }));

    const exit = await b.terminate();
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  });
});
