import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedriveConfig } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { AppError } from "@/lib/errors";
import { createTestDatabase } from "../support/postgres";
import { closedPort } from "../support/tcp-proxy";

const MIGRATIONS = path.join(process.cwd(), "prisma/migrations");
/** The migrations shipped in prisma/migrations, as the directory lists them. */
const migrationNames = () =>
  readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

async function exerciseEveryModel(store: Store): Promise<void> {
  const { prisma } = store;
  const cluster = await prisma.cluster.create({ data: { name: `c-${Date.now()}`, kind: "rabbitmq", reachable: true, serverVersion: "3.10.8", stateSince: new Date() } });
  const consumer = await prisma.consumer.create({ data: { clusterId: cluster.id, key: "/orders", kind: "rabbitmq", config: { prefetch: 10 } } });
  await prisma.consumerSample.create({
    data: { consumerId: consumer.id, takenAt: new Date(), backlog: 12n, inFlight: 2n, inFlightLimit: 10, consumerCount: 1, deliveredTotal: 9_007_199_254_740_993n },
  });
  await prisma.consumerRollup.create({
    data: { consumerId: consumer.id, bucket: new Date("2026-01-01T10:00:00Z"), samples: 6, backlogAvg: 11.5, backlogMax: 12n, inFlightAvg: 2, consumerCountMin: 1, consumerCountMax: 1, ackRate: 3.5 },
  });
  const intent = await prisma.auditEvent.create({ data: { actor: "test", action: "requeue", phase: "intent", clusterId: cluster.id, target: "letter:1", request: { ids: [1] } } });
  await prisma.auditEvent.create({ data: { actor: "test", action: "requeue", phase: "outcome", intentId: intent.id, result: "ok" } });

  // Dead letters go in as one INSERT of column arrays: bytes, JSON and times must survive it exactly.
  const payload = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x00]);
  const died = new Date("2026-03-01T09:00:00.123Z");
  const letter = (dedupeKey: string, withPayload: boolean) => ({
    clusterId: cluster.id, clusterName: cluster.name, kind: "rabbitmq" as const, dedupeKey, source: "v/orders", destination: "v/orders", collectedFrom: "v/orders.dlq", reason: "rejected",
    messageId: "m-1", contentType: "application/octet-stream", payload: withPayload ? new Uint8Array(payload) : null, payloadMissing: withPayload ? null : "expired before capture",
    properties: { deliveryMode: 2, timestamp: 1_700_000_000 }, headers: { "x-error": "naïve 🧯 | \"quoted\"", "x-death": [{ count: 2, queue: "orders" }] }, rawHeaders: { "x-retries": { type: "long", value: 3 } },
    redriveCount: 1, deaths: [{ reason: "rejected", source: "v/orders", exchange: "", routingKeys: ["orders"], count: 2, at: died.toISOString() }], deathCount: 2, firstDeathAt: died, lastDeathAt: died,
  });
  // A letter without its payload first: the array of payloads must not be typed by its first element.
  expect(await storeLetters(prisma, [letter("k2", false), letter("k1", true)])).toBe(2);
  expect(await storeLetters(prisma, [letter("k1", true), letter("k3", true)])).toBe(1);
  const stored = await prisma.deadLetter.findUniqueOrThrow({ where: { clusterId_dedupeKey: { clusterId: cluster.id, dedupeKey: "k1" } } });
  expect(Buffer.from(stored.payload!).equals(payload)).toBe(true);
  expect(stored).toMatchObject({ payloadSize: payload.length, payloadMissing: null, redriveCount: 1, deathCount: 2, state: "dead", lastDeathAt: died, headers: letter("k1", true).headers, rawHeaders: { "x-retries": { type: "long", value: 3 } } });
  expect(stored.payloadText).not.toContain("\u0000");
  expect(await prisma.deadLetter.findUniqueOrThrow({ where: { clusterId_dedupeKey: { clusterId: cluster.id, dedupeKey: "k2" } } })).toMatchObject({ payload: null, payloadSize: 0, payloadMissing: "expired before capture" });

  const read = await prisma.cluster.findUniqueOrThrow({
    where: { id: cluster.id },
    include: { consumers: { include: { samples: true, rollups: true } } },
  });
  expect(read.consumers).toHaveLength(1);
  expect(read.consumers[0]!.config).toEqual({ prefetch: 10 });
  expect(read.consumers[0]!.samples[0]).toMatchObject({ backlog: 12n, deliveredTotal: 9_007_199_254_740_993n, inFlightLimit: 10 });
  expect(read.consumers[0]!.rollups[0]).toMatchObject({ samples: 6, backlogAvg: 11.5, backlogMax: 12n, ackRate: 3.5, deliverRate: null });
  expect(read.consumers[0]).toMatchObject({ state: "UNKNOWN", severity: 4, recentBacklog: [] });
  expect((await prisma.auditEvent.findMany({ where: { clusterId: cluster.id } })).map((a) => a.phase)).toEqual(["intent"]);
  const outcome = await prisma.auditEvent.findFirstOrThrow({ where: { intentId: intent.id } });
  expect(outcome.result).toBe("ok");
}

async function expectPrismaHistory(rows: Array<{ migration_name: string; checksum: string; finished_at: unknown; applied_steps_count: number }>) {
  expect(rows.map((r) => r.migration_name)).toEqual(migrationNames());
  for (const r of rows) {
    const sql = readFileSync(path.join(MIGRATIONS, r.migration_name, "migration.sql"));
    expect(r.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(r.finished_at).not.toBeNull();
    expect(r.applied_steps_count).toBe(1);
  }
}

describe("store on PostgreSQL", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const config = (): RedriveConfig["database"] => ({ kind: "postgres", url: db.url });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("migrates a fresh database, records it as prisma migrate deploy does, and serves every model", async () => {
    const store = await openStore(config());
    try {
      expect(store.migrations.applied).toEqual(migrationNames());
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const { rows } = await c.query(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
      await c.end();
      await expectPrismaHistory(rows);
      await exerciseEveryModel(store);
    } finally {
      await store.close();
    }
  });

  it("applies each migration once, even when two replicas start together", async () => {
    const [a, b] = await Promise.all([openStore(config()), openStore(config())]);
    try {
      expect(a.migrations.applied).toEqual([]);
      expect(b.migrations.applied).toEqual([]);
      expect(a.migrations.alreadyApplied).toEqual(migrationNames());
      const count = await a.prisma.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM "_prisma_migrations"`;
      expect(Number(count[0]!.n)).toBe(migrationNames().length);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("runs every connection of its pool without JIT compilation, whatever the server's default", async () => {
    const store = await openStore(config());
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const server = (await c.query<{ jit: string }>("SHOW jit")).rows[0]!.jit;
      // Five transactions at once hold five of the pool's connections: each one says what it runs with.
      const seen = await Promise.all(
        Array.from({ length: 5 }, () =>
          store.prisma.$transaction(async (tx) => {
            const [row] = await tx.$queryRawUnsafe<Array<{ jit: string; pid: number }>>(`SELECT current_setting('jit') AS jit, pg_backend_pid() AS pid FROM pg_sleep(0.2)`);
            return row!;
          }),
        ),
      );
      expect(new Set(seen.map((r) => r.pid)).size).toBe(5);
      expect(seen.map((r) => r.jit)).toEqual(["off", "off", "off", "off", "off"]);
      // Only the store's own sessions: another client of the same database keeps the server's setting.
      expect((await c.query<{ jit: string }>("SHOW jit")).rows[0]!.jit).toBe(server);
    } finally {
      await c.end();
      await store.close();
    }
  });

  it("rolls back a failing migration whole and names it", async () => {
    const fresh = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-mig-"));
    try {
      cpSync(MIGRATIONS, dir, { recursive: true });
      mkdirSync(path.join(dir, "20991231000000_broken"));
      writeFileSync(path.join(dir, "20991231000000_broken", "migration.sql"), `CREATE TABLE "half_done" (id int);\nSELECT no_such_function();\n`);
      const failure = await openStore({ kind: "postgres", url: fresh.url }, dir).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).message).toMatch(/Migration 20991231000000_broken failed and was rolled back: .*no_such_function/);

      const c = new pg.Client({ connectionString: fresh.url });
      await c.connect();
      const tables = await c.query(`SELECT to_regclass('public.half_done') AS t, to_regclass('public.clusters') AS ok`);
      const recorded = await c.query(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`);
      await c.end();
      expect(tables.rows[0]).toEqual({ t: null, ok: "clusters" });
      expect(recorded.rows.map((r: { migration_name: string }) => r.migration_name)).toEqual(migrationNames());
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await fresh.drop();
    }
  });

  it("says which database it cannot open, without its password", async () => {
    const port = await closedPort();
    const failure = await openStore({ kind: "postgres", url: `postgresql://redrive:topsecret@127.0.0.1:${port}/redrive` }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe("STORE_UNAVAILABLE");
    expect((failure as AppError).message).toMatch(/^Cannot open PostgreSQL \(DATABASE_URL\): .*ECONNREFUSED/);
    expect((failure as AppError).message).not.toContain("topsecret");
  });
});

describe("store embedded (PGlite)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "redrive-pglite-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("migrates a fresh data folder, serves every model, and keeps data across reopen", async () => {
    const store = await openStore({ kind: "embedded", dataDir });
    try {
      expect(store.kind).toBe("embedded");
      expect(store.migrations.applied).toEqual(migrationNames());
      const rows = await store.prisma.$queryRawUnsafe<Array<{ migration_name: string; checksum: string; finished_at: unknown; applied_steps_count: number }>>(
        `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      await expectPrismaHistory(rows);
      await exerciseEveryModel(store);
    } finally {
      await store.close();
    }

    const again = await openStore({ kind: "embedded", dataDir });
    try {
      expect(again.migrations.applied).toEqual([]);
      expect(await again.prisma.cluster.count()).toBe(1);
      expect(await again.prisma.auditEvent.count()).toBe(2);
    } finally {
      await again.close();
    }
  });
});
