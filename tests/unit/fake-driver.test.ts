import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeDriver } from "@/lib/brokers/fake/driver";
import type { FakeBroker, FakeDeadLetter } from "@/lib/brokers/fake/fake-broker";
import { brokerFor, provideBrokers } from "@/lib/brokers/get-brokers";
import { getConfig } from "@/lib/config";
import { createLeaderLock } from "@/lib/db/leader-lock";
import { closeStore, getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { FIRST_CLAIM, startJob } from "@/lib/redrive/start-job";
import { TEST_OPERATOR } from "../support/principals";
import { FREE, HELD } from "../support/holds";

// The proof that a broker kind is only a driver: the fake driver (lib/brokers/fake) stands in for a
// cluster, and the collector, the job start (with its destination checks) and the job runner work
// on it unchanged, on the embedded store. Nothing here reaches a real broker.

const CLUSTER = "fake-cluster";
const dir = mkdtempSync(path.join(tmpdir(), "redrive-fake-driver-"));

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await fn();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await fn();
  }
  return last;
}

function letter(n: number, source = "ORDERS/worker"): FakeDeadLetter {
  const at = new Date(Date.UTC(2026, 0, 1, 9, 0, n % 60));
  return {
    dedupeKey: `fake:${source}:${n}`,
    source,
    destination: "orders.created",
    collectedFrom: "fake-dead-letters",
    reason: "max_deliveries",
    messageId: `m-${n}`,
    contentType: "application/json",
    payload: new TextEncoder().encode(JSON.stringify({ order: n })),
    payloadMissing: null,
    properties: {},
    headers: { "x-error": "timeout" },
    rawHeaders: null,
    redriveCount: 0,
    deaths: [{ reason: "max_deliveries", source: "ORDERS/worker", exchange: null, routingKeys: [], count: 1, at: at.toISOString() }],
    deathCount: 1,
    firstDeathAt: at,
    lastDeathAt: at,
  };
}

describe("a broker kind is a driver: the fake driver end to end", () => {
  let store: Store;
  let fake: FakeBroker;
  let collector: Collector;
  let runner: JobRunner;

  beforeAll(async () => {
    const configPath = path.join(dir, "redrive.config.json");
    writeFileSync(configPath, JSON.stringify({ clusters: [{ name: CLUSTER, kind: "nats", servers: ["nats://127.0.0.1:1"] }] }));
    process.env.REDRIVE_CONFIG = configPath;
    process.env.REDRIVE_DATA_DIR = path.join(dir, "data");
    process.env.REDRIVE_LOG_LEVEL ??= "warn";
    delete process.env.DATABASE_URL;
    store = await getStore();
    const cluster = getConfig().clusters[0]!;
    fake = fakeDriver(cluster.kind).createBroker(cluster, 1000);
    await provideBrokers([fake]);
    collector = new Collector(
      store.prisma,
      [{ cluster, broker: fake }],
      createLeaderLock({ kind: "embedded", dataDir: "" }, () => undefined),
      { intervalMs: 60_000, discoveryMs: 0, timeoutMs: 1000 },
    );
    runner = new JobRunner({ prisma: store.prisma, maxInFlight: 10, publisherFor: (name) => brokerFor(name).openPublisher({ confirmTimeoutMs: 1000 }) });
  }, 60_000);

  afterAll(async () => {
    await runner?.stop();
    await collector?.stop();
    await closeStore();
    rmSync(dir, { recursive: true, force: true });
  });

  it("collects what the driver's source yields into the store, and the broker keeps nothing unstored", async () => {
    for (let n = 1; n <= 3; n++) fake.deadLetter(letter(n));
    await collector.tick();
    expect(fake.deadLetters).toHaveLength(0);
    const stored = await store.prisma.deadLetter.findMany({
      orderBy: { messageId: "asc" },
      select: { messageId: true, state: true, destination: true, kind: true },
    });
    expect(stored).toEqual([1, 2, 3].map((n) => ({ messageId: `m-${n}`, state: "dead", destination: "orders.created", kind: "nats" })));
    // The same death yielded again (a redelivery before the ack) is one letter.
    fake.deadLetter(letter(1));
    await collector.tick();
    expect(await store.prisma.deadLetter.count()).toBe(3);
  });

  it("refuses a requeue to a destination the driver says does not exist, naming it", async () => {
    const ids = (await store.prisma.deadLetter.findMany({ select: { id: true } })).map((l) => l.id);
    await expect(startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 100 }, TEST_OPERATOR, null)).rejects.toThrow(
      /no destination orders\.created/,
    );
    expect(await store.prisma.deadLetter.count({ where: HELD })).toBe(0);
  });

  it("runs a requeue job through the driver's publisher: every payload lands once, every letter is marked requeued", async () => {
    fake.destinations.add("orders.created");
    const ids = (await store.prisma.deadLetter.findMany({ select: { id: true } })).map((l) => l.id);
    const job = await startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 100 }, TEST_OPERATOR, null);
    runner.start();
    const done = await until(
      () => getJob(job.id),
      (j) => j.state !== "running",
    );
    expect(done.state).toBe("completed");
    expect(done.counts.done).toBe(3);
    const landed = (fake.queues.get("orders.created") ?? []).map((m) => JSON.parse(new TextDecoder().decode(m.payload)) as { order: number });
    expect(landed.sort((a, b) => a.order - b.order)).toEqual([{ order: 1 }, { order: 2 }, { order: 3 }]);
    expect(await store.prisma.deadLetter.count({ where: { state: "requeued" } })).toBe(3);
  });

  it("takes every letter of a bulk scope larger than its first claim exactly once, and none captured after its start", { timeout: 120_000 }, async () => {
    const n = 2150; // the start claims FIRST_CLAIM (500); the runner claims the rest, in growing batches, while the first ones go out
    // Chunks as large as a server's, so the 2,150 letters take a few chunks, not hundreds.
    await runner.stop();
    runner = new JobRunner({ prisma: store.prisma, maxInFlight: 500, publisherFor: (name) => brokerFor(name).openPublisher({ confirmTimeoutMs: 1000 }) });
    for (let i = 1; i <= n; i++) fake.deadLetter(letter(i, "BULK/worker"));
    await collector.tick();
    expect(await store.prisma.deadLetter.count({ where: { source: "BULK/worker" } })).toBe(n);
    const job = await startJob(
      { action: "requeue", scope: { kind: "filter", filters: { source: "BULK/worker" } }, includePoison: false, rate: 5000, confirmCount: n },
      TEST_OPERATOR,
      null,
    );
    expect(job.total).toBe(n);
    expect(job.counts.pending).toBe(n);
    const row = await store.prisma.redriveJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.claimed).toBe(FIRST_CLAIM);
    expect(row.claimUntil).not.toBeNull();
    // Dead-lettered after the start, in the same scope: not this job's.
    fake.deadLetter(letter(n + 1, "BULK/worker"));
    await collector.tick();
    runner.start();
    const done = await until(
      () => getJob(job.id),
      (j) => j.state !== "running",
      100_000,
    );
    expect(done.state).toBe("completed");
    expect(done.total).toBe(n);
    expect(done.counts.done).toBe(n);
    const landed = (fake.queues.get("orders.created") ?? []).map((m) => (JSON.parse(new TextDecoder().decode(m.payload)) as { order: number }).order);
    const bulk = landed.filter((o) => o > 3);
    expect(new Set(bulk).size).toBe(bulk.length);
    expect(bulk.length).toBe(n - 3);
    expect(await store.prisma.deadLetter.count({ where: { source: "BULK/worker", state: "requeued" } })).toBe(n);
    const late = await store.prisma.deadLetter.findFirstOrThrow({ where: { source: "BULK/worker", state: "dead" } });
    expect(await store.prisma.deadLetter.count({ where: { id: late.id, ...FREE } })).toBe(1);
    expect(await store.prisma.redriveJobLetter.count({ where: { jobId: job.id } })).toBe(n);
    expect((await store.prisma.redriveJob.findUniqueOrThrow({ where: { id: job.id } })).claimUntil).toBeNull();
  });
});
