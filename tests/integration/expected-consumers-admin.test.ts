import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { principalFor } from "@/lib/auth/permissions";
import { getConfig, type RabbitClusterConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { isAppError } from "@/lib/errors";
import { createExpectedConsumer } from "@/lib/health/expected/create-expected-consumer";
import { deleteExpectedConsumer } from "@/lib/health/expected/delete-expected-consumer";
import { listExpectedConsumers } from "@/lib/health/expected/list-expected-consumers";
import { ConsumerWindows } from "@/lib/health/sampler/consumer-windows";
import { sweepCluster } from "@/lib/health/sampler/sweep-cluster";
import { createTestDatabase } from "../support/postgres";
import { createVhost, queueStats, until } from "../support/rabbit-admin";

// Expected consumers an admin adds beside the configuration's: audited, applied at the next sweep,
// and, once removed, judged like any other consumer again.

const id = randomBytes(3).toString("hex");
const VHOST = `it-expadmin-${id}`;
const CLUSTER = `rmq-expadmin-${id}`;

describe("expected consumers added by an admin", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let rabbit: RabbitBroker;
  const windows = new ConsumerWindows(600_000);
  const admin = principalFor("user", "00000000-0000-4000-8000-000000000001", "ada", "admin");

  beforeAll(async () => {
    db = await createTestDatabase();
    vhost = await createVhost(VHOST);
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-expected-"));
    writeFileSync(
      path.join(dir, "redrive.config.json"),
      JSON.stringify({
        clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] }],
        expectedConsumers: [{ cluster: CLUSTER, name: `${VHOST}/from-config` }],
      }),
    );
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    rabbit = new RabbitBroker(getConfig().clusters[0] as RabbitClusterConfig, 5000);
  });

  afterAll(async () => {
    await rabbit?.close();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  const sweep = async () => expect((await sweepCluster({ prisma: store.prisma, broker: rabbit, cluster: getConfig().clusters[0]!, windows, intervalMs: 10_000 })).error).toBeNull();
  const state = async (name: string) => (await store.prisma.consumer.findFirst({ where: { parent: VHOST, name, goneAt: null } }))?.state ?? null;

  it("adds one (audited), holds the cluster to it from the next sweep, and lets it go when removed", async () => {
    const ch = await conn.createChannel();
    await ch.assertQueue("jobs-1", { durable: false });
    await until(() => queueStats(VHOST, "jobs-1"), () => true);
    await sweep();
    expect(await state("jobs-1")).toBe("OK");
    expect(await state("from-config")).toBe("MISSING");

    const { id: expectedId } = await createExpectedConsumer({ cluster: CLUSTER, key: `${VHOST}/jobs-*`, minConsumers: 1 }, admin, "127.0.0.1");
    const audit = await store.prisma.auditEvent.findMany({ where: { action: "expected-consumer.create" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.phase, a.target])).toEqual([
      ["intent", `expected-consumer:${CLUSTER}/${VHOST}/jobs-*`],
      ["outcome", `expected-consumer:${CLUSTER}/${VHOST}/jobs-*`],
    ]);
    await expect(createExpectedConsumer({ cluster: CLUSTER, key: `${VHOST}/from-config`, minConsumers: 1 }, admin, null)).rejects.toSatisfy((e) => isAppError(e) && e.code === "CONFLICT");
    await expect(createExpectedConsumer({ cluster: "nowhere", key: "a/b", minConsumers: 1 }, admin, null)).rejects.toSatisfy((e) => isAppError(e) && e.code === "INVALID_INPUT");

    await sweep();
    // jobs-1 exists with no consumer attached: MISSING now.
    expect(await state("jobs-1")).toBe("MISSING");
    const list = await listExpectedConsumers();
    expect(list.items.map((i) => [i.source, i.key, i.missing])).toEqual([
      ["config", `${VHOST}/from-config`, 1],
      ["ui", `${VHOST}/jobs-*`, 1],
    ]);

    await deleteExpectedConsumer(expectedId, admin, null);
    expect(await store.prisma.auditEvent.count({ where: { action: "expected-consumer.delete" } })).toBe(2);
    await sweep();
    expect(await state("jobs-1")).toBe("OK");
    expect((await listExpectedConsumers()).items.map((i) => i.key)).toEqual([`${VHOST}/from-config`]);
    await ch.close();
  });
});
