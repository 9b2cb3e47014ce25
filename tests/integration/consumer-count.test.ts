import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBroker } from "@/lib/brokers/fake/fake-broker";
import type { ConsumerReading } from "@/lib/brokers/types";
import type { RabbitClusterConfig } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import type { Prisma } from "@/lib/db/generated/client";
import { countConsumers, readSweepGeneration } from "@/lib/health/count-consumers";
import { ConsumerWindows } from "@/lib/health/sampler/consumer-windows";
import { sweepCluster } from "@/lib/health/sampler/sweep-cluster";
import { createTestDatabase, queryRows } from "../support/postgres";

// The consumer list's total is kept per filter for one sweep generation: these sweeps (the sampler's
// own code, a fake broker, real PostgreSQL) show it is counted afresh once a sweep has finished or
// failed, so a consumer appearing or vanishing is in the next total, and a state change too.

const id = randomBytes(3).toString("hex");
const cluster: RabbitClusterConfig = { name: `it-count-${id}`, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: ["v"] };

const reading = (name: string): ConsumerReading => ({
  key: `v/${name}`, parent: "v", name, pending: 0, inFlight: 0, inFlightLimit: null, consumerCount: 1,
  deliveredTotal: 0, ackedTotal: 0, publishedTotal: 0, redeliveredTotal: 0, redeliveredNow: null,
  counterEpoch: null, lastActivityAt: null, oldestAgeSeconds: null, oldestAgeNote: null, config: {},
});

describe("the consumer list's total, kept for one sweep generation", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  const broker = new FakeBroker(cluster.name, "rabbitmq");
  const windows = new ConsumerWindows(600_000);
  let clock = Date.now();
  const sweep = async (readings: ConsumerReading[] | Error) => {
    clock += 10_000;
    broker.readings = readings;
    return sweepCluster({ prisma: store.prisma, broker, cluster, windows, intervalMs: 10_000, now: () => new Date(clock) });
  };
  const present: Prisma.ConsumerWhereInput = { goneAt: null };
  const unknown: Prisma.ConsumerWhereInput = { goneAt: null, state: { in: ["UNKNOWN"] } };
  /** As GET /api/consumers counts: the generation read first, then the count kept under it. */
  const total = async (where: Prisma.ConsumerWhereInput) => countConsumers(store.prisma, JSON.stringify(where), where, await readSweepGeneration(store.prisma));

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openStore({ kind: "postgres", url: db.url }, path.resolve("prisma/migrations"));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("counts a consumer that appears, and one that vanishes, from the sweep that saw it", async () => {
    expect((await sweep([reading("a"), reading("b")])).error).toBeNull();
    expect(await total(present)).toBe(2);
    expect((await sweep([reading("a"), reading("b"), reading("c")])).error).toBeNull();
    expect(await total(present)).toBe(3);
    expect((await sweep([reading("a"), reading("c")])).error).toBeNull();
    expect(await total(present)).toBe(2);
  });

  it("keeps a count within one generation and counts again when the next sweep has written", async () => {
    const before = await total(present);
    // A row written behind the sampler's back (no sweep): the kept count does not see it...
    await queryRows(db.url, `INSERT INTO "consumers" ("id", "cluster_id", "key", "kind", "parent", "name") SELECT gen_random_uuid(), "id", 'v/behind', 'rabbitmq', 'v', 'behind' FROM "clusters"`);
    expect(await total(present)).toBe(before);
    // ...the next sweep's does (the sampler leaves rows it never read alone): the fresh count is the table's.
    expect((await sweep([reading("a"), reading("c"), reading("d")])).error).toBeNull();
    const [{ n }] = (await queryRows<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM "consumers" WHERE "gone_at" IS NULL`)) as [{ n: number }];
    expect(n).toBe(before + 2);
    expect(await total(present)).toBe(n);
    await queryRows(db.url, `DELETE FROM "consumers" WHERE "key" = 'v/behind'`);
  });

  it("counts again after a failed sweep (its consumers turn UNKNOWN) and after the recovery", async () => {
    const states = await total(unknown);
    expect(states).toBe(0);
    const failed = await sweep(new Error("connection refused"));
    expect(failed.error).toContain("connection refused");
    expect(await total(unknown)).toBe(3);
    expect(await total(present)).toBe(3);
    expect((await sweep([reading("a"), reading("c"), reading("d")])).error).toBeNull();
    expect(await total(unknown)).toBe(0);
  });
});
