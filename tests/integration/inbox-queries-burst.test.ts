import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/open-store";
import { whereClause } from "@/lib/dead-letters/letter-filters";
import { headerWalkRows, letterListQuery, listLetters } from "@/lib/dead-letters/list-letters";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import { createTestDatabase } from "../support/postgres";

// The header filter on a bursty inbox: the newest letters (a burst) lack the header, older ones carry
// it. The filter walks a bounded number of search rows newest first and takes the rest from the
// headers index; every page walked by cursor must be what the old `headers ->> key = value` over
// every letter gives, alone and with state, source, time and text filters, whatever the walk's size.

const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store> };
const dir = mkdtempSync(path.join(tmpdir(), "redrive-inbox-burst-"));
writeFileSync(
  path.join(dir, "redrive.config.json"),
  JSON.stringify({ clusters: [{ name: "burst-a", kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" }] }),
);
process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
process.env.REDRIVE_LOG_LEVEL ??= "warn";
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OLDER = 240;
const BURST = 5_300;
const DAY = 86_400_000;

const enc = (s: string) => new TextEncoder().encode(s);

function letter(clusterId: string, key: string, i: number, headers: Record<string, unknown>): NewLetter {
  return {
    clusterId,
    clusterName: "burst-a",
    kind: "rabbitmq",
    dedupeKey: key,
    source: `v/orders-${i % 3}`,
    destination: `v/orders-${i % 3}`,
    collectedFrom: "v/orders.dlq",
    reason: i % 5 === 0 ? "expired" : "rejected",
    messageId: `${key}-m`,
    contentType: "application/json",
    payload: enc(JSON.stringify({ i, customer: `cust-${i % 11}` })),
    payloadMissing: null,
    properties: { deliveryMode: 2 },
    headers,
    rawHeaders: null,
    redriveCount: 0,
    deaths: [],
    deathCount: 1,
    firstDeathAt: null,
    lastDeathAt: null,
  };
}

/** Letter ids as the old filter found them: `headers ->> key = value` and the other filters over every letter, newest first. */
async function oldIds(store: Store, f: { header: [string, string]; state?: string; source?: string; from?: string; to?: string; q?: string }): Promise<string[]> {
  const parts = [`d."headers" ->> $1 = $2`];
  const params: unknown[] = [...f.header];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  if (f.state) parts.push(`d."state" = ${p(f.state)}`);
  if (f.source) parts.push(`d."source" = ${p(f.source)}`);
  if (f.from) parts.push(`d."captured_at" >= ${p(f.from)}::timestamptz`);
  if (f.to) parts.push(`d."captured_at" < ${p(f.to)}::timestamptz`);
  if (f.q) parts.push(`d."payload_text" ILIKE ${p(`%${f.q}%`)}`);
  const rows = await store.prisma.$transaction(async (tx) => {
    for (const s of ["enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"]) await tx.$executeRawUnsafe(`SET LOCAL ${s} = off`);
    return tx.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT d."id"::text AS id FROM "dead_letters" d WHERE ${parts.join(" AND ")} ORDER BY d."captured_at" DESC, d."id" DESC`,
      ...params,
    );
  });
  return rows.map((r) => r.id);
}

/** Every page of listLetters for the filters, walked by cursor; also how many pages it took. */
async function allIds(filters: Record<string, string>, limit: number, headerWalk?: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await listLetters(letterListQuery.parse({ ...filters, limit: String(limit), ...(cursor ? { cursor } : {}) }), { headerWalk });
    expect(page.items.length, JSON.stringify(filters)).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.items).toHaveLength(limit);
    ids.push(...page.items.map((l) => l.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

function suite(name: string, open: () => Promise<{ store: Store; close(): Promise<void> }>) {
  describe(`the header filter on a bursty inbox, ${name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    const now = Date.now();

    beforeAll(async () => {
      ({ store, close } = await open());
      holder.__redriveStore = Promise.resolve(store);
      const cluster = await store.prisma.cluster.create({ data: { name: "burst-a", kind: "rabbitmq" } });
      const older = Array.from({ length: OLDER }, (_, i) =>
        letter(cluster.id, `old-${i}`, i, {
          "x-tenant": `tenant-${i % 4}`,
          "x-retries": i % 3,
          "x-flag": i % 2 === 0,
          "x-tags": ["a", `t${i % 2}`],
          "x-bin": { base64: "AAEC" },
        }),
      );
      // The burst: no x-tenant (nor any header the cases ask for), a few cause groups.
      const burst = Array.from({ length: BURST }, (_, i) => letter(cluster.id, `burst-${i}`, i, { "x-error": `burst-${i % 3}` }));
      for (const batch of [older, burst]) for (let i = 0; i < batch.length; i += 200) await storeLetters(store.prisma, batch.slice(i, i + 200));
      // Older letters over the month before the last hour, the burst inside the last hour; some of
      // each share one arrival time to the millisecond (the cursor's tie on letter id).
      await store.prisma.$executeRawUnsafe(
        `UPDATE "dead_letters" SET "captured_at" = CASE
           WHEN "dedupe_key" LIKE 'old-%' AND substr("dedupe_key", 5)::int % 40 = 0 THEN $1::timestamptz
           WHEN "dedupe_key" LIKE 'old-%' THEN $2::timestamptz - make_interval(secs => (abs(hashtext("dedupe_key")) % (29 * 86400))::double precision)
           WHEN substr("dedupe_key", 7)::int % 500 = 0 THEN $3::timestamptz
           ELSE $4::timestamptz - make_interval(secs => (abs(hashtext("dedupe_key")) % 3600000)::double precision / 1000)
         END`,
        new Date(now - 3 * DAY).toISOString(),
        new Date(now - DAY).toISOString(),
        new Date(now - 1_800_000).toISOString(),
        new Date(now).toISOString(),
      );
      // A third of the older letters requeued.
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'requeued' WHERE "dedupe_key" LIKE 'old-%' AND substr("dedupe_key", 5)::int % 3 = 1`);
      await store.prisma.$executeRawUnsafe(`ANALYZE "dead_letter_search"`);
    }, 300_000);
    afterAll(async () => {
      delete holder.__redriveStore;
      await close?.();
    });

    it("has the shape: the newest letters, more than one walk of them, lack the header", async () => {
      const newest = await store.prisma.$queryRawUnsafe<Array<{ headers: Record<string, unknown> }>>(
        `SELECT "headers" FROM "dead_letters" ORDER BY "captured_at" DESC, "id" DESC LIMIT ${BURST}`,
      );
      expect(newest.filter((r) => "x-tenant" in r.headers)).toEqual([]);
      expect(BURST).toBeGreaterThan(headerWalkRows(7));
      expect(BURST).toBeGreaterThan(headerWalkRows(50));
    });

    const cases: Array<{ header: [string, string]; state?: string; source?: string; from?: number; to?: number; q?: string }> = [
      { header: ["x-tenant", "tenant-1"] },
      { header: ["x-retries", "2"] },
      { header: ["x-flag", "true"] },
      { header: ["x-tags", '["a", "t1"]'] },
      { header: ["x-bin", '{"base64": "AAEC"}'] },
      { header: ["x-tenant", "nobody"] },
      { header: ["x-error", "burst-1"] },
      { header: ["x-tenant", "tenant-2"], state: "dead" },
      { header: ["x-tenant", "tenant-3"], state: "requeued" },
      { header: ["x-tenant", "tenant-0"], source: "v/orders-1" },
      { header: ["x-tenant", "tenant-1"], from: 20 * DAY, to: 2 * DAY },
      { header: ["x-tenant", "tenant-0"], from: 3 * DAY },
      { header: ["x-error", "burst-2"], from: 1_000_000, to: 600_000 },
      { header: ["x-tenant", "tenant-1"], q: "cust-3" },
      { header: ["x-flag", "true"], state: "dead", source: "v/orders-2", from: 25 * DAY, q: "cust" },
    ];

    for (const c of cases) {
      const label = JSON.stringify(c);
      it(`pages ${label} by cursor as the old filter found it, whatever the walk's size`, { timeout: 120_000 }, async () => {
        const old = { ...c, from: c.from !== undefined ? new Date(now - c.from).toISOString() : undefined, to: c.to !== undefined ? new Date(now - c.to).toISOString() : undefined };
        const filters: Record<string, string> = { header: `${c.header[0]}:${c.header[1]}` };
        for (const k of ["state", "source", "from", "to", "q"] as const) if (old[k] !== undefined) filters[k] = old[k];
        const expected = await oldIds(store, old);
        if (c.header[1] !== "nobody") expect(expected.length, label).toBeGreaterThan(0);
        for (const [limit, walk] of [
          [7, undefined],
          [50, undefined],
          [7, 1],
          [7, 5],
          [3, 40],
          [200, 13],
        ] as Array<[number, number | undefined]>) {
          const got = await allIds(filters, limit, walk);
          expect(got.ids, `${label} limit ${limit} walk ${walk ?? "default"}`).toEqual(expected);
          expect(got.pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
        }
      });
    }

    it("reads the time filters of a header filter on the search row (its time index), not the letter", () => {
      const f = letterListQuery.parse({ header: "x-tenant:tenant-1", from: new Date(now - DAY).toISOString(), to: new Date(now).toISOString() });
      const joined = whereClause(f, 1, "d", true).sql;
      expect(joined).toContain(`ls."captured_at" >= $`);
      expect(joined).toContain(`ls."captured_at" < $`);
      expect(joined).not.toContain(`d."captured_at"`);
      expect(whereClause(f).sql).toContain(`d."captured_at" >= $`);
    });
  });
}

suite("PostgreSQL", async () => {
  const db = await createTestDatabase("redrive_burst");
  const store = await openStore({ kind: "postgres", url: db.url });
  return {
    store,
    close: async () => {
      await store.close();
      await db.drop();
    },
  };
});

suite("the embedded store (PGlite)", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "redrive-inbox-burst-pglite-"));
  const store = await openStore({ kind: "embedded", dataDir });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
