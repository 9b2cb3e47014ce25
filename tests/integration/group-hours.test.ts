import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { openStore, type Store } from "@/lib/db/open-store";
import { letterFilters, type LetterFilters } from "@/lib/dead-letters/letter-filters";
import { listLetterGroups } from "@/lib/dead-letters/list-letter-groups";
import { expireGroupHours } from "@/lib/dead-letters/expire-group-hours";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import { Sampler } from "@/lib/health/sampler/sampler";
import { createTestDatabase } from "../support/postgres";

// Cause groups' arrivals per hour come from counts kept by triggers (dead_letter_group_hours,
// prisma/migrations/20261207100000_letter_group_hours). Every check here compares them with a count
// of the letters themselves: the table against dead_letters per group key and hour, and the groups
// view's sparklines against every matching letter of the last 24 hours, as letters arrive, change
// state, move to another group or hour, leave, are truncated, and as a store holding letters is upgraded.

const NEW_MIGRATION = "20261207100000_letter_group_hours";
const MIGRATIONS = path.join(process.cwd(), "prisma/migrations");

const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store> };
const dir = mkdtempSync(path.join(tmpdir(), "redrive-group-hours-"));
writeFileSync(
  path.join(dir, "redrive.config.json"),
  JSON.stringify({ clusters: [{ name: "hours-a", kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" }] }),
);
process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
process.env.REDRIVE_LOG_LEVEL ??= "warn";
// The migrations before this change: the store a running installation has before upgrading.
const olderMigrations = path.join(dir, "migrations");
cpSync(MIGRATIONS, olderMigrations, { recursive: true });
rmSync(path.join(olderMigrations, NEW_MIGRATION), { recursive: true, force: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = `"dead_letter_group_key"(d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from")`;
const HOUR = `date_trunc('hour', d."captured_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;

/** (group key, hour) pairs of the kept window where the table and a count of the letters differ. */
async function hoursUnlikeLetters(store: Store): Promise<unknown[]> {
  return store.prisma.$queryRawUnsafe(
    `SELECT h."group_key", h."hour", h."letters", e.k, e.hr, e.n
     FROM (SELECT * FROM "dead_letter_group_hours" WHERE "hour" >= "dead_letter_group_hours_since"() AND "letters" <> 0) h
     FULL JOIN (
       SELECT ${KEY} AS k, ${HOUR} AS hr, count(*) AS n FROM "dead_letters" d
       WHERE d."captured_at" >= "dead_letter_group_hours_since"() GROUP BY 1, 2
     ) e ON e.k = h."group_key" AND e.hr = h."hour"
     WHERE coalesce(h."letters", 0) <> coalesce(e.n, 0)`,
  );
}

async function hoursTable(store: Store): Promise<Array<{ group_key: string; hour: Date; letters: bigint }>> {
  return store.prisma.$queryRawUnsafe(`SELECT "group_key", "hour", "letters" FROM "dead_letter_group_hours" ORDER BY 1, 2`);
}

async function keptRows(store: Store): Promise<number> {
  const rows = await store.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
    `SELECT count(*) AS n FROM "dead_letter_group_hours" WHERE "hour" >= "dead_letter_group_hours_since"() AND "letters" <> 0`,
  );
  return Number(rows[0]!.n);
}

/** Each group's arrivals per UTC hour over the 24 hours up to `at`'s hour, counted from every matching letter. */
async function lettersArrivals(store: Store, f: LetterFilters, at: Date, fingerprints: string[], also?: string): Promise<Record<string, number[]>> {
  const parts: string[] = also ? [also] : [];
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  if (f.cluster) parts.push(`c."name" = ${p(f.cluster)}`);
  if (f.source) parts.push(`d."source" = ${p(f.source)}`);
  if (f.reason) parts.push(`d."reason" = ${p(f.reason)}`);
  if (f.state.length) parts.push(`d."state" = ANY(${p(f.state)}::text[])`);
  if (f.collectedFrom) parts.push(`d."collected_from" = ${p(f.collectedFrom)}`);
  if (f.fingerprint) parts.push(`d."fingerprint" = ${p(f.fingerprint)}`);
  const since = Math.floor(at.getTime() / 3_600_000) * 3_600_000 - 23 * 3_600_000;
  parts.push(`d."captured_at" >= ${p(new Date(since).toISOString())}::timestamptz`);
  const letters = await store.prisma.$queryRawUnsafe<Array<{ fingerprint: string; captured_at: Date }>>(
    `SELECT d."fingerprint", d."captured_at" FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" WHERE ${parts.join(" AND ")}`,
    ...params,
  );
  const out: Record<string, number[]> = Object.fromEntries(fingerprints.map((fp) => [fp, new Array<number>(24).fill(0)]));
  for (const l of letters) {
    const slot = Math.floor((new Date(l.captured_at).getTime() - since) / 3_600_000);
    if (out[l.fingerprint] && slot >= 0 && slot <= 23) out[l.fingerprint]![slot]! += 1;
  }
  return out;
}

const FILTERS: Array<Record<string, string>> = [
  {},
  { state: "dead" },
  { state: "requeued,terminated" },
  { cluster: "hours-b" },
  { source: "v/orders-1" },
  { reason: "expired" },
  { collectedFrom: "v/orders.dlq" },
  { cluster: "hours-a", state: "dead", collectedFrom: "v/other.dlq" },
];

/** The groups view's sparklines equal a count of the letters, for every filter the group counts answer; returns their total. */
async function expectArrivalsAsLetters(store: Store, extra: Array<Record<string, string>> = [], at = new Date()): Promise<number> {
  let total = 0;
  for (const raw of [...FILTERS, ...extra]) {
    const f = letterFilters.parse(raw);
    const view = await listLetterGroups(f, at);
    const got = Object.fromEntries(view.groups.map((g) => [g.fingerprint, g.arrivals]));
    expect(got, `arrivals ${JSON.stringify(raw)}`).toEqual(await lettersArrivals(store, f, at, Object.keys(got)));
    if (Object.keys(raw).length === 0) total = view.groups.reduce((n, g) => n + g.arrivals.reduce((a, b) => a + b, 0), 0);
  }
  return total;
}

const enc = (s: string) => new TextEncoder().encode(s);

function letters(cluster: { id: string; name: string }, tag: string, n: number, spread = (i: number) => i): NewLetter[] {
  return Array.from({ length: n }, (_, j) => {
    const i = spread(j);
    return {
      clusterId: cluster.id,
      clusterName: cluster.name,
      kind: "rabbitmq",
      dedupeKey: `${tag}-${cluster.name}-${j}`,
      source: `v/orders-${i % 3}`,
      destination: `v/orders-${i % 3}`,
      collectedFrom: i % 4 === 0 ? "v/orders.dlq" : "v/other.dlq",
      reason: i % 5 === 0 ? "expired" : "rejected",
      messageId: `m-${tag}-${j}`,
      contentType: "application/json",
      payload: enc(JSON.stringify({ i, kind: i % 2 ? "order" : "refund" })),
      payloadMissing: null,
      properties: {},
      headers: { "x-error": i % 2 ? "timeout" : "bad input" },
      rawHeaders: null,
      redriveCount: 0,
      deaths: [],
      deathCount: 1,
      firstDeathAt: null,
      lastDeathAt: null,
    };
  });
}

async function storeInBatches(store: Store, list: NewLetter[]): Promise<void> {
  // In batches, as the collector stores them.
  for (let i = 0; i < list.length; i += 50) await storeLetters(store.prisma, list.slice(i, i + 50));
}

/** Spreads the letters' arrivals (tagged by dedupe key prefix) over a month, the last 30 hours, and the hour ahead. */
async function spreadArrivals(store: Store, prefix: string): Promise<void> {
  await store.prisma.$executeRawUnsafe(
    `UPDATE "dead_letters" SET "captured_at" = CASE abs(hashtext("id"::text)) % 3
       WHEN 0 THEN now() - make_interval(mins => 2000 + abs(hashtext("id"::text || 'a')) % 43200)
       ELSE now() - make_interval(mins => abs(hashtext("id"::text || 'b')) % 1800) + interval '30 minutes' END
     WHERE "dedupe_key" LIKE $1`,
    `${prefix}%`,
  );
}

type Opened = { store: Store; close(): Promise<void>; url?: string };

function suite(name: string, open: (migrationsDir?: string) => Promise<Opened>, reopen: () => Promise<Opened>) {
  describe(`cause groups' hourly arrivals on ${name}`, () => {
    let opened: Opened;
    let store: Store;
    let clusters: Array<{ id: string; name: string }>;

    beforeAll(async () => {
      // A store from before the hourly counts, holding a month of letters and a recent day's.
      const before = await open(olderMigrations);
      clusters = await Promise.all(["hours-a", "hours-b"].map((n) => before.store.prisma.cluster.create({ data: { name: n, kind: "rabbitmq" } })));
      for (const c of clusters) await storeInBatches(before.store, letters(c, "old", 300));
      await spreadArrivals(before.store, "old-");
      await before.close();
      opened = await reopen();
      store = opened.store;
      holder.__redriveStore = Promise.resolve(store);
    }, 180_000);
    afterAll(async () => {
      delete holder.__redriveStore;
      await opened?.close();
    });

    it("fills the kept hours from the letters already stored when a store is upgraded", async () => {
      expect(store.migrations.applied).toEqual([NEW_MIGRATION]);
      expect(await keptRows(store)).toBeGreaterThan(20);
      expect(await hoursUnlikeLetters(store)).toEqual([]);
      // Nothing kept before the window: the month's older letters have no rows.
      const older = await store.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
        `SELECT count(*) AS n FROM "dead_letter_group_hours" WHERE "hour" < "dead_letter_group_hours_since"()`,
      );
      expect(Number(older[0]!.n)).toBe(0);
      const shown = await expectArrivalsAsLetters(store);
      expect(shown).toBeGreaterThan(100);
    });

    it("follows letters as they arrive, change state, move to another group or hour, and leave", async () => {
      for (const c of clusters) await storeInBatches(store, letters(c, "new", 120));
      await spreadArrivals(store, "new-");
      expect(await hoursUnlikeLetters(store)).toEqual([]);
      const recent = `SELECT "id" FROM "dead_letters" WHERE "captured_at" >= now() - interval '20 hours'`;
      // A requeue job's outcomes chunk by chunk, a letter sent back dead again: state changes by the chunk.
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'requeued', "state_changed_at" = now() WHERE "id" IN (${recent} AND "source" = 'v/orders-1' ORDER BY "id" LIMIT 40)`);
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'dead' WHERE "id" IN (SELECT "id" FROM "dead_letters" WHERE "state" = 'requeued' ORDER BY "id" LIMIT 15)`);
      await store.prisma.deadLetter.updateMany({ where: { reason: "expired", state: "dead" }, data: { state: "terminated" } });
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'dead' WHERE "id" IN (SELECT "id" FROM "dead_letters" WHERE "state" = 'terminated' ORDER BY "id" LIMIT 7)`);
      // Updates that change no key column and no hour: counters, holds.
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "redrive_count" = "redrive_count" + 1`);
      // Letters edited into another group, in the window and from before it.
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "source" = 'v/elsewhere', "fingerprint" = '0123456789abcdef' WHERE "id" IN (${recent} ORDER BY "id" LIMIT 9)`);
      // Arrivals moved: within the window, from before it into it, and out of it.
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "captured_at" = "captured_at" - interval '3 hours' WHERE "id" IN (${recent} ORDER BY "id" DESC LIMIT 10)`);
      await store.prisma.$executeRawUnsafe(
        `UPDATE "dead_letters" SET "captured_at" = now() - interval '2 hours' WHERE "id" IN (SELECT "id" FROM "dead_letters" WHERE "captured_at" < now() - interval '3 days' ORDER BY "id" LIMIT 6)`,
      );
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "captured_at" = now() - interval '9 days' WHERE "id" IN (${recent} ORDER BY "id" LIMIT 5)`);
      // The same death captured again changes nothing.
      expect(await storeLetters(store.prisma, letters(clusters[0]!, "new", 30))).toBe(0);
      // Letters removed.
      await store.prisma.$executeRawUnsafe(`DELETE FROM "dead_letters" WHERE "id" IN (${recent} AND "reason" = 'expired' ORDER BY "id" DESC LIMIT 12)`);

      expect(await hoursUnlikeLetters(store)).toEqual([]);
      const negative = await store.prisma.$queryRawUnsafe(`SELECT * FROM "dead_letter_group_hours" WHERE "letters" < 0`);
      expect(negative).toEqual([]);
      await expectArrivalsAsLetters(store, [{ fingerprint: "0123456789abcdef" }, { source: "v/elsewhere" }, { state: "requeued" }]);
    });

    it("leaves the kept hours as they were when letters captured before the window change or leave", async () => {
      const table = await hoursTable(store);
      const old = `SELECT "id" FROM "dead_letters" WHERE "captured_at" < now() - interval '26 hours'`;
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'requeued' WHERE "id" IN (${old} ORDER BY "id" LIMIT 60)`);
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "fingerprint" = 'fedcba9876543210', "reason" = 'moved' WHERE "id" IN (${old} ORDER BY "id" DESC LIMIT 20)`);
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "captured_at" = "captured_at" - interval '1 day' WHERE "id" IN (${old} ORDER BY "id" LIMIT 15)`);
      await store.prisma.$executeRawUnsafe(`DELETE FROM "dead_letters" WHERE "id" IN (${old} ORDER BY "id" DESC LIMIT 30)`);
      expect(await hoursTable(store)).toEqual(table);
      expect(await hoursUnlikeLetters(store)).toEqual([]);
      await expectArrivalsAsLetters(store, [{ fingerprint: "fedcba9876543210" }]);
    });

    it("counts collectors storing into the same groups and hours at once", async () => {
      const [a] = clusters;
      const before = await keptRows(store);
      const batch = (k: number) => letters(a!, `conc-${k}`, 40, (i) => i % 6);
      const stored = await Promise.all(Array.from({ length: 6 }, (_, k) => storeLetters(store.prisma, k % 2 ? batch(k).reverse() : batch(k))));
      expect(stored).toEqual([40, 40, 40, 40, 40, 40]);
      expect(await hoursUnlikeLetters(store)).toEqual([]);
      expect(await keptRows(store)).toBeGreaterThanOrEqual(before);
      await expectArrivalsAsLetters(store);
    });

    it.skipIf(name !== "PostgreSQL")("counts two transactions inserting into the same group and hour, the second waiting on the first", async () => {
      const [a] = clusters;
      const insert = (tag: string) =>
        `INSERT INTO "dead_letters" ("id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "error_text", "payload_shape", "fingerprint", "state", "payload_size", "captured_at")
         SELECT gen_random_uuid(), '${a!.id}', 'rabbitmq', '${tag}-' || g, 'v/orders-0', 'v/orders-0', 'v/orders.dlq', 'rejected', NULL, 'json', 'aaaabbbbccccdddd', 'dead', 0, now()
         FROM generate_series(1, 25) g`;
      const one = new pg.Client({ connectionString: opened.url! });
      const two = new pg.Client({ connectionString: opened.url! });
      await Promise.all([one.connect(), two.connect()]);
      try {
        await one.query("BEGIN");
        await two.query("BEGIN");
        await one.query(insert("tx-one"));
        // The second writer's upsert waits for the first's row of the same group and hour.
        const second = two.query(insert("tx-two"));
        const waited = await Promise.race([second.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 300))]);
        expect(waited).toBe(true);
        await one.query("COMMIT");
        await second;
        await two.query("COMMIT");
      } finally {
        await Promise.all([one.end(), two.end()]);
      }
      const rows = await store.prisma.$queryRawUnsafe<Array<{ letters: bigint }>>(
        `SELECT h."letters" FROM "dead_letter_group_hours" h JOIN "dead_letter_group_counts" s ON s."group_key" = h."group_key"
         WHERE s."fingerprint" = 'aaaabbbbccccdddd' AND h."hour" = date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
      );
      expect(rows.map((r) => Number(r.letters))).toEqual([50]);
      expect(await hoursUnlikeLetters(store)).toEqual([]);
      await expectArrivalsAsLetters(store, [{ fingerprint: "aaaabbbbccccdddd" }]);
    });

    it("reads the kept hours for the filters the group counts answer, and the letters for the others", async () => {
      const f = letterFilters.parse({ state: "dead" });
      const at = new Date();
      const [top] = (await listLetterGroups(f, at)).groups;
      const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000 - 2 * 3_600_000);
      // A row no letter stands for: only a view reading the table sees it.
      const key = await store.prisma.$queryRawUnsafe<Array<{ group_key: string }>>(
        `SELECT "group_key" FROM "dead_letter_group_counts" WHERE "fingerprint" = $1 AND "state" = 'dead' ORDER BY "group_key" LIMIT 1`,
        top!.fingerprint,
      );
      await store.prisma.$executeRawUnsafe(
        `INSERT INTO "dead_letter_group_hours" ("group_key", "hour", "letters") VALUES ($1, $2::timestamptz, 1000)
         ON CONFLICT ("group_key", "hour") DO UPDATE SET "letters" = "dead_letter_group_hours"."letters" + 1000`,
        key[0]!.group_key,
        hour.toISOString(),
      );
      try {
        const read = (await listLetterGroups(f, at)).groups.find((g) => g.fingerprint === top!.fingerprint)!;
        expect(read.arrivals[21]! - top!.arrivals[21]!).toBe(1000);
        // A header filter is not one the counts answer: the letters are counted.
        const byLetters = letterFilters.parse({ state: "dead", header: "x-error:timeout" });
        const scanned = await listLetterGroups(byLetters, at);
        expect(scanned.groups.length).toBeGreaterThan(0);
        expect(Object.fromEntries(scanned.groups.map((g) => [g.fingerprint, g.arrivals]))).toEqual(
          await lettersArrivals(store, f, at, scanned.groups.map((g) => g.fingerprint), `d."headers" ->> 'x-error' = 'timeout'`),
        );
      } finally {
        await store.prisma.$executeRawUnsafe(
          `UPDATE "dead_letter_group_hours" SET "letters" = "letters" - 1000 WHERE "group_key" = $1 AND "hour" = $2::timestamptz`,
          key[0]!.group_key,
          hour.toISOString(),
        );
      }
      expect(await hoursUnlikeLetters(store)).toEqual([]);
    });

    it("counts the letters when asked for hours the store no longer keeps", async () => {
      // A day ago, the window's early hours are before what is kept: the letters answer, the same way.
      const dayAgo = new Date(Date.now() - 30 * 3_600_000);
      await expectArrivalsAsLetters(store, [], dayAgo);
      const shown = await listLetterGroups(letterFilters.parse({}), dayAgo);
      expect(shown.groups.some((g) => g.arrivals.some((n) => n > 0))).toBe(true);
    });

    it("expires hours no longer shown, in batches, and keeps those that are", async () => {
      const kept = await hoursTable(store);
      const key = kept[0]!.group_key;
      // Rows a day and more old, as writers left them before the hours went out of the window.
      await store.prisma.$executeRawUnsafe(
        `INSERT INTO "dead_letter_group_hours" ("group_key", "hour", "letters")
         SELECT $1 || g::text, "dead_letter_group_hours_since"() - make_interval(hours => 2 + g % 40), 1 FROM generate_series(1, 25000) g`,
        key,
      );
      // One hour before the kept ones stays a while (a writer that started earlier may still write it).
      await store.prisma.$executeRawUnsafe(
        `INSERT INTO "dead_letter_group_hours" ("group_key", "hour", "letters") VALUES ($1, "dead_letter_group_hours_since"() - interval '1 hour', 3)`,
        key,
      );
      // The sampler's periodic upkeep runs it, as lib/boot/get-sampler.ts wires it.
      const expired: number[] = [];
      const sampler = new Sampler(store.prisma, [], { ensure: async () => true, release: async () => {} }, {
        intervalMs: 10_000,
        rawRetentionMs: 3_600_000,
        rollupRetentionMs: 86_400_000,
        windowMs: 60_000,
        upkeep: [{ name: "expiring old arrival hours", run: async (prisma) => expired.push(await expireGroupHours(prisma)) }],
      });
      await sampler.maintain(true);
      expect(expired).toEqual([25000]);
      const after = await hoursTable(store);
      expect(after.filter((r) => r.group_key === key && !kept.some((k) => k.hour.getTime() === r.hour.getTime()))).toHaveLength(1);
      expect(after.length).toBe(kept.length + 1);
      expect(await hoursUnlikeLetters(store)).toEqual([]);
      expect(await expireGroupHours(store.prisma)).toBe(0);
      await expectArrivalsAsLetters(store);
    });

    it("clears on TRUNCATE and counts what arrives after", async () => {
      await store.prisma.$executeRawUnsafe(`TRUNCATE "dead_letters" CASCADE`);
      expect(await hoursTable(store)).toEqual([]);
      for (const c of clusters) await storeInBatches(store, letters(c, "after", 80));
      await spreadArrivals(store, "after-");
      expect(await keptRows(store)).toBeGreaterThan(0);
      expect(await hoursUnlikeLetters(store)).toEqual([]);
      await expectArrivalsAsLetters(store);
    });
  });
}

{
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const opened = async (migrationsDir?: string): Promise<Opened> => {
    db ??= await createTestDatabase("redrive_group_hours");
    const store = await openStore({ kind: "postgres", url: db.url }, migrationsDir);
    return { store, url: db.url, close: () => store.close() };
  };
  suite("PostgreSQL", opened, async () => {
    const o = await opened();
    return {
      ...o,
      close: async () => {
        await o.close();
        await db?.drop();
      },
    };
  });
}

{
  const dataDir = mkdtempSync(path.join(tmpdir(), "redrive-group-hours-pglite-"));
  const opened = async (migrationsDir?: string): Promise<Opened> => {
    const store = await openStore({ kind: "embedded", dataDir }, migrationsDir);
    return { store, close: () => store.close() };
  };
  suite("the embedded store (PGlite)", opened, async () => {
    const o = await opened();
    return {
      ...o,
      close: async () => {
        await o.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
}
