import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/open-store";
import { letterFilters, type LetterFilters } from "@/lib/dead-letters/letter-filters";
import { listLetterGroups } from "@/lib/dead-letters/list-letter-groups";
import { letterListQuery, listLetters } from "@/lib/dead-letters/list-letters";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import type { LetterGroup } from "@/lib/dead-letters/types";
import pg from "pg";
import { ADMIN_URL, createTestDatabase, queryRows } from "../support/postgres";

// The inbox's search, header filter and cause groups answer from indexes and maintained counts
// (prisma/migrations/20261206130000_inbox_search_indexes, 20261206130100_letter_group_counts). Each
// answer is compared with the statement the inbox ran before those existed, run with every index
// switched off, on letters stored by the collector's own insert: invalid UTF-8, payloads past the
// 64 KiB search text, headers of every JSON type, and letters changing state, moving and leaving.

const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store> };
const dir = mkdtempSync(path.join(tmpdir(), "redrive-inbox-"));
writeFileSync(
  path.join(dir, "redrive.config.json"),
  JSON.stringify({ clusters: [{ name: "inbox-a", kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" }] }),
);
process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
process.env.REDRIVE_LOG_LEVEL ??= "warn";
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NO_INDEXES = [
  "SET LOCAL enable_indexscan = off",
  "SET LOCAL enable_bitmapscan = off",
  "SET LOCAL enable_indexonlyscan = off",
  "SET LOCAL enable_seqscan = on",
];

/** The statement run with no index allowed: what a full read of the inbox answers. */
async function withoutIndexes<T>(store: Store, sql: string, params: unknown[] = []): Promise<T[]> {
  return store.prisma.$transaction(async (tx) => {
    for (const s of NO_INDEXES) await tx.$executeRawUnsafe(s);
    return tx.$queryRawUnsafe<T[]>(sql, ...params);
  });
}

/** Letter ids the old header filter (`headers ->> key = value`) and payload search found, newest first. */
async function oldIds(store: Store, filter: { header?: [string, string]; q?: string }): Promise<string[]> {
  const where = filter.header
    ? [`d."headers" ->> $1 = $2`, filter.header]
    : [`d."payload_text" ILIKE $1`, ["%" + filter.q!.replace(/[\\%_]/g, (m) => "\\" + m) + "%"]];
  const rows = await withoutIndexes<{ id: string }>(
    store,
    `SELECT d."id"::text AS id FROM "dead_letters" d WHERE ${where[0] as string} ORDER BY d."captured_at" DESC, d."id" DESC`,
    where[1] as unknown[],
  );
  return rows.map((r) => r.id);
}

/** Every page of listLetters for the filters, walked by cursor. */
async function allIds(filters: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await listLetters(letterListQuery.parse({ ...filters, limit: "7", ...(cursor ? { cursor } : {}) }));
    ids.push(...page.items.map((l) => l.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/** The cause groups as the inbox counted them before: every matching letter, grouped. */
/** The filters the groups view's counts answer, as a WHERE on every letter. */
function oldWhere(f: LetterFilters): { parts: string[]; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  if (f.cluster) parts.push(`c."name" = ${p(f.cluster)}`);
  if (f.source) parts.push(`d."source" = ${p(f.source)}`);
  if (f.reason) parts.push(`d."reason" = ${p(f.reason)}`);
  if (f.state.length) parts.push(`d."state" = ANY(${p(f.state)}::text[])`);
  if (f.collectedFrom) parts.push(`d."collected_from" = ${p(f.collectedFrom)}`);
  if (f.fingerprint) parts.push(`d."fingerprint" = ${p(f.fingerprint)}`);
  return { parts, params };
}

/** Each group's arrivals per UTC hour over the 24 hours up to `at`'s hour, counted from every letter. */
async function oldArrivals(store: Store, f: LetterFilters, at: Date, fingerprints: string[]): Promise<Record<string, number[]>> {
  const { parts, params } = oldWhere(f);
  const since = Math.floor(at.getTime() / 3_600_000) * 3_600_000 - 23 * 3_600_000;
  const letters = await withoutIndexes<{ fingerprint: string; captured_at: Date }>(
    store,
    `SELECT d."fingerprint", d."captured_at" FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"
     WHERE ${[...parts, `d."captured_at" >= $${params.length + 1}::timestamptz`].join(" AND ")}`,
    [...params, new Date(since).toISOString()],
  );
  const out: Record<string, number[]> = Object.fromEntries(fingerprints.map((fp) => [fp, new Array<number>(24).fill(0)]));
  for (const l of letters) {
    const slot = Math.floor((new Date(l.captured_at).getTime() - since) / 3_600_000);
    if (out[l.fingerprint] && slot >= 0 && slot <= 23) out[l.fingerprint]![slot]! += 1;
  }
  return out;
}

async function oldGroups(store: Store, f: LetterFilters): Promise<Array<Omit<LetterGroup, "arrivals">>> {
  const { parts, params } = oldWhere(f);
  const rows = await withoutIndexes<{
    fingerprint: string;
    cluster: string;
    kind: string;
    source: string;
    reason: string;
    error_text: string | null;
    payload_shape: string;
    count: bigint;
    bounced: bigint;
    first_seen: Date;
    last_seen: Date;
  }>(
    store,
    `SELECT d."fingerprint", min(c."name") AS cluster, min(d."kind"::text) AS kind, min(d."source") AS source, min(d."reason") AS reason,
       min(d."error_text") AS error_text, min(d."payload_shape") AS payload_shape, count(*) AS count, count(d."bounced_from_job_id") AS bounced, min(d."captured_at") AS first_seen, max(d."captured_at") AS last_seen
     FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" WHERE ${parts.join(" AND ") || "TRUE"}
     GROUP BY d."fingerprint" ORDER BY count(*) DESC, max(d."captured_at") DESC, d."fingerprint" LIMIT 500`,
    params,
  );
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    cluster: r.cluster,
    kind: r.kind as LetterGroup["kind"],
    source: r.source,
    reason: r.reason,
    errorText: r.error_text,
    payloadShape: r.payload_shape,
    count: Number(r.count),
    bounced: Number(r.bounced),
    firstSeen: new Date(r.first_seen).toISOString(),
    lastSeen: new Date(r.last_seen).toISOString(),
  }));
}

async function expectGroupsAsBefore(store: Store, raw: Record<string, string>) {
  const f = letterFilters.parse(raw);
  const at = new Date();
  const now = await listLetterGroups(f, at);
  expect(
    now.groups.map(({ arrivals: _arrivals, ...g }) => g),
    JSON.stringify(raw),
  ).toEqual(await oldGroups(store, f));
  const fingerprints = now.groups.map((g) => g.fingerprint);
  expect(Object.fromEntries(now.groups.map((g) => [g.fingerprint, g.arrivals])), `arrivals ${JSON.stringify(raw)}`).toEqual(
    await oldArrivals(store, f, at, fingerprints),
  );
  return now.groups;
}

/** The plan of a WHERE on the inbox (EXPLAIN), under the sessions' settings below. */
async function planOf(store: Store, where: string, params: unknown[]): Promise<string> {
  const rows = await store.prisma.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(
    `EXPLAIN SELECT d."id" FROM "dead_letters" d WHERE ${where} ORDER BY d."captured_at" DESC LIMIT 51`,
    ...params,
  );
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

// A hundred letters are read fastest without an index: the inbox's own sessions are told to avoid
// sequential and plain index scans, so its answers come from the bitmap scans of the new indexes
// (trigram, jsonb containment) that a million letters would use. The old statements lift that.
const INDEXES_ONLY = ["enable_seqscan", "enable_indexscan"];

const enc = (s: string) => new TextEncoder().encode(s);

function seed(clusters: Array<{ id: string; name: string }>): NewLetter[] {
  const letters: NewLetter[] = [];
  const base = (i: number, c: { id: string; name: string }): NewLetter => ({
    clusterId: c.id,
    clusterName: c.name,
    kind: "rabbitmq",
    dedupeKey: `seed-${c.name}-${i}`,
    source: `v/orders-${i % 3}`,
    destination: `v/orders-${i % 3}`,
    collectedFrom: i % 4 === 0 ? "v/orders.dlq" : "v/other.dlq",
    reason: i % 5 === 0 ? "expired" : "rejected",
    messageId: `m-${i}`,
    contentType: "application/json",
    payload: enc(JSON.stringify({ i, customer: `cust-${i % 17}`, note: i % 6 === 0 ? "Naïve CAFÉ order" : "plain" })),
    payloadMissing: null,
    properties: { deliveryMode: 2 },
    headers: {
      "x-tenant": `tenant-${i % 4}`,
      "x-error": i % 2 ? "timeout" : "bad input",
      "x-retries": i % 3,
      "x-flag": i % 2 === 0,
      "x-tags": ["a", `t${i % 2}`],
      "x-bin": { base64: "AAEC" },
    },
    rawHeaders: null,
    redriveCount: 0,
    deaths: [],
    deathCount: 1,
    firstDeathAt: null,
    lastDeathAt: null,
  });
  for (const c of clusters) for (let i = 0; i < 60; i++) letters.push(base(i, c));
  const c = clusters[0]!;
  // Invalid UTF-8 around the term: stored as replacement characters, still found by the text beside them.
  letters.push({ ...base(1000, c), dedupeKey: "bad-utf8", payload: new Uint8Array([0xff, 0xfe, ...enc("cust-needle-7"), 0xc3, 0x28, 0x00, ...enc("tail")]) });
  // Past the 64 KiB search text: the term at the start is found, the one at the end never was.
  letters.push({ ...base(1001, c), dedupeKey: "huge", payload: enc("head-marker " + "y".repeat(70 * 1024) + " tail-marker") });
  // No payload at all (expired before capture).
  letters.push({ ...base(1002, c), dedupeKey: "missing", payload: null, payloadMissing: "gone before capture" });
  // Wildcards in the text are searched literally.
  letters.push({ ...base(1003, c), dedupeKey: "wild", payload: enc("rate 100% of a_b") });
  // A NUL in a header value is kept as the six characters \u0000.
  letters.push({ ...base(1004, c), dedupeKey: "nul-header", headers: { "x-tenant": "te\u0000nant", "x-retries": "2" } });
  return letters;
}

/**
 * Group counts that differ from a recount of the letters: letters and bounces always, first and
 * last arrival unless the row says they are stale (then they must still bound the letters).
 */
async function countsUnlikeLetters(store: Store): Promise<unknown[]> {
  return withoutIndexes(
    store,
    `SELECT g."group_key", g."letters", e.n, g."bounced", e.b, g."first_seen", e.f, g."last_seen", e.l, g."edges_stale"
     FROM "dead_letter_group_counts" g FULL JOIN (
       SELECT "dead_letter_group_key"(d."fingerprint", d."cluster_id", d."kind", d."source", d."reason", d."error_text", d."payload_shape", d."state", d."collected_from") AS k,
         count(*) AS n, count(d."bounced_from_job_id") AS b, min(d."captured_at") AS f, max(d."captured_at") AS l
       FROM "dead_letters" d GROUP BY 1
     ) e ON e.k = g."group_key"
     WHERE coalesce(g."letters", 0) <> coalesce(e.n, 0) OR coalesce(g."bounced", 0) <> coalesce(e.b, 0)
        OR (coalesce(g."letters", 0) > 0 AND NOT g."edges_stale" AND (g."first_seen" IS DISTINCT FROM e.f OR g."last_seen" IS DISTINCT FROM e.l))
        OR (coalesce(g."letters", 0) > 0 AND g."edges_stale" AND NOT (g."first_seen" <= e.f AND g."last_seen" >= e.l))
        OR (coalesce(g."letters", 0) = 0 AND (g."first_seen" IS NOT NULL OR g."edges_stale"))`,
  );
}

async function staleRows(store: Store): Promise<number> {
  const rows = await store.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "dead_letter_group_counts" WHERE "edges_stale"`);
  return Number(rows[0]!.n);
}

function suite(name: string, open: () => Promise<{ store: Store; close(): Promise<void>; url?: string }>) {
  describe(`inbox queries on ${name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let url: string | undefined;
    let clusters: Array<{ id: string; name: string }>;

    beforeAll(async () => {
      ({ store, close, url } = await open());
      holder.__redriveStore = Promise.resolve(store);
      clusters = await Promise.all(["inbox-a", "inbox-b"].map((n) => store.prisma.cluster.create({ data: { name: n, kind: "rabbitmq" } })));
      const letters = seed(clusters);
      // In batches, as the collector stores them.
      for (let i = 0; i < letters.length; i += 25) await storeLetters(store.prisma, letters.slice(i, i + 25));
      // Arrivals spread over two days (an update that changes no group).
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "captured_at" = now() - make_interval(mins => (abs(hashtext("id"::text)) % 2880))`);
    }, 120_000);
    afterAll(async () => {
      delete holder.__redriveStore;
      await close?.();
    });

    it("finds payload text as the ILIKE over every payload did, through the trigram index", async () => {
      expect(await planOf(store, `EXISTS (SELECT 1 FROM "dead_letter_search" ls WHERE ls."letter_id" = d."id" AND ls."payload_text" ILIKE $1)`, ["%cust-needle-7%"])).toMatch(/dead_letter_search_payload_text_trgm_idx/);
      expect(await store.prisma.deadLetter.count()).toBe(125);
      for (const q of [
        "cust-1",
        "CUST-16",
        "cust-needle-7",
        "tail",
        "head-marker",
        "tail-marker",
        "naïve café",
        "100%",
        "a_b",
        "_",
        "%",
        "ust-3",
        "yy",
        "nowhere-at-all",
      ]) {
        const expected = await oldIds(store, { q });
        expect(await allIds({ q }), q).toEqual(expected);
      }
      expect(await allIds({ q: "cust-needle-7" })).toHaveLength(1);
      expect(await allIds({ q: "head-marker" })).toHaveLength(1);
      expect(await allIds({ q: "tail-marker" })).toEqual([]);
      expect(await allIds({ q: "100%" })).toHaveLength(1);
    });

    it("filters by header as `headers ->> key = value` did, for every JSON type a header holds", async () => {
      const cases: Array<[string, string]> = [
        ["x-tenant", "tenant-2"],
        ["x-error", "timeout"],
        ["x-retries", "2"],
        ["x-retries", "0"],
        ["x-flag", "true"],
        ["x-flag", "false"],
        ["x-tags", '["a", "t1"]'],
        ["x-tags", '["a","t1"]'],
        ["x-bin", '{"base64": "AAEC"}'],
        ["x-tenant", "te\\u0000nant"],
        ["x-tenant", "nobody"],
        ["x-absent", "1"],
        ["x-retries", "2.0"],
      ];
      for (const [key, value] of cases) {
        const expected = await oldIds(store, { header: [key, value] });
        expect(await allIds({ header: `${key}:${value}` }), `${key}:${value}`).toEqual(expected);
      }
      // Number headers (2 in 42 letters) and the letter whose header is the string "2" all match "2", as before.
      expect(await allIds({ header: "x-retries:2" })).toHaveLength(42);
      expect(await planOf(store, `EXISTS (SELECT 1 FROM "dead_letter_search" ls WHERE ls."letter_id" = d."id" AND ls."headers" @> jsonb_build_object($1::text, $2::text))`, ["x-tenant", "tenant-2"])).toMatch(/dead_letter_search_headers_idx/);
    });

    it("groups by cause from the maintained counts exactly as counting every letter did, as letters change state, move and leave", async () => {
      const filters: Array<Record<string, string>> = [
        {},
        { state: "dead" },
        { state: "requeued,terminated" },
        { cluster: "inbox-b" },
        { source: "v/orders-1" },
        { reason: "expired" },
        { collectedFrom: "v/orders.dlq" },
        { cluster: "inbox-a", state: "dead", collectedFrom: "v/other.dlq" },
      ];
      const first = await expectGroupsAsBefore(store, {});
      expect(first.length).toBeGreaterThan(3);
      expect(first.reduce((n, g) => n + g.count, 0)).toBe(125);
      for (const f of filters) await expectGroupsAsBefore(store, f);
      const fp = first[0]!.fingerprint;
      await expectGroupsAsBefore(store, { fingerprint: fp });

      // A requeue job's outcome, a terminate, a restore: state changes by the chunk.
      await store.prisma.$executeRawUnsafe(
        `UPDATE "dead_letters" SET "state" = 'requeued', "state_changed_at" = now() WHERE "id" IN (SELECT "id" FROM "dead_letters" WHERE "source" = 'v/orders-1' ORDER BY "id" LIMIT 30)`,
      );
      await store.prisma.deadLetter.updateMany({ where: { reason: "expired", state: "dead" }, data: { state: "terminated" } });
      await store.prisma.deadLetter.updateMany({
        where: { reason: "expired", state: "terminated", messageId: { in: ["m-5", "m-10"] } },
        data: { state: "dead" },
      });
      // A letter edited into another group, and letters removed.
      await store.prisma.deadLetter.updateMany({ where: { dedupeKey: "wild" }, data: { source: "v/elsewhere", fingerprint: "0123456789abcdef" } });
      await store.prisma.$executeRawUnsafe(`DELETE FROM "dead_letters" WHERE "dedupe_key" IN ('missing', 'nul-header')`);
      // The same death captured again changes nothing.
      expect(await storeLetters(store.prisma, seed(clusters).slice(0, 10))).toBe(0);

      for (const f of filters) await expectGroupsAsBefore(store, f);
      await expectGroupsAsBefore(store, { fingerprint: "0123456789abcdef" });
      const after = await expectGroupsAsBefore(store, {});
      expect(after.reduce((n, g) => n + g.count, 0)).toBe(123);
      expect((await expectGroupsAsBefore(store, { state: "terminated" })).reduce((n, g) => n + g.count, 0)).toBeGreaterThan(0);
      // Filters the counts cannot answer (time, header, text) count the letters themselves.
      const scanned = await listLetterGroups(letterFilters.parse({ header: "x-tenant:tenant-1" }));
      expect(scanned.groups.reduce((n, g) => n + g.count, 0)).toBe((await oldIds(store, { header: ["x-tenant", "tenant-1"] })).length);
    });

    it("keeps the counts right when collectors store into the same groups at once", async () => {
      const [a] = clusters;
      const batch = (k: number): NewLetter[] =>
        seed([a!])
          .slice(0, 40)
          .map((l, i) => ({ ...l, dedupeKey: `conc-${k}-${i}`, source: `v/orders-${(i + k) % 3}`, destination: `v/orders-${(i + k) % 3}` }));
      const stored = await Promise.all(Array.from({ length: 6 }, (_, k) => storeLetters(store.prisma, k % 2 ? batch(k).reverse() : batch(k))));
      expect(stored).toEqual([40, 40, 40, 40, 40, 40]);
      const groups = await expectGroupsAsBefore(store, {});
      expect(groups.reduce((n, g) => n + g.count, 0)).toBe(123 + 240);
      const counts = await store.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
        `SELECT coalesce(sum("letters"), 0)::bigint AS n FROM "dead_letter_group_counts"`,
      );
      expect(Number(counts[0]!.n)).toBe(await store.prisma.deadLetter.count());
    });

    it("keeps each group's bounces and first and last arrival exact as edge letters leave, change state, move in time and bounce", async () => {
      const groupFilters: Array<Record<string, string>> = [{}, { state: "dead" }, { state: "terminated" }, { cluster: "inbox-a", collectedFrom: "v/orders.dlq" }];
      const top = (await expectGroupsAsBefore(store, {})).slice(0, 4).map((g) => g.fingerprint);
      expect(await countsUnlikeLetters(store)).toEqual([]);
      // Bounces: letters a requeue sent back, marked after they were stored and then cleared again.
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "bounced_from_job_id" = gen_random_uuid() WHERE "id" IN (SELECT "id" FROM "dead_letters" ORDER BY "id" LIMIT 11)`);
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "bounced_from_job_id" = NULL WHERE "id" IN (SELECT "id" FROM "dead_letters" WHERE "bounced_from_job_id" IS NOT NULL ORDER BY "id" LIMIT 2)`);
      for (const fp of top) {
        const edge = (dir: string) => `(SELECT "id" FROM "dead_letters" WHERE "fingerprint" = '${fp}' AND "state" = 'dead' ORDER BY "captured_at" ${dir}, "id" LIMIT 1)`;
        // The first letter terminated, the last deleted, and one arriving "earlier" (its arrival moved).
        await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'terminated' WHERE "id" = ${edge("ASC")}`);
        await store.prisma.$executeRawUnsafe(`DELETE FROM "dead_letters" WHERE "id" = ${edge("DESC")}`);
        await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "captured_at" = "captured_at" - interval '5 days' WHERE "id" = ${edge("DESC")}`);
      }
      expect(await staleRows(store)).toBeGreaterThan(0);
      expect(await countsUnlikeLetters(store)).toEqual([]);
      for (const f of groupFilters) await expectGroupsAsBefore(store, f);
      for (const fp of top) await expectGroupsAsBefore(store, { fingerprint: fp });
      // The view recomputed the stale edges and wrote them back.
      expect(await staleRows(store)).toBe(0);
      expect(await countsUnlikeLetters(store)).toEqual([]);

      // Every letter of a count leaves, then one arrives: its edges are that letter's, not the old ones.
      const fp = top[1]!;
      const gone = await store.prisma.$queryRawUnsafe<Array<{ dedupe_key: string }>>(
        `DELETE FROM "dead_letters" WHERE "fingerprint" = '${fp}' AND "state" = 'terminated' RETURNING "dedupe_key"`,
      );
      expect(gone.length).toBeGreaterThan(0);
      expect(await countsUnlikeLetters(store)).toEqual([]);
      await store.prisma.$executeRawUnsafe(
        `UPDATE "dead_letters" SET "state" = 'terminated', "captured_at" = now() + interval '1 hour' WHERE "id" = (SELECT "id" FROM "dead_letters" WHERE "fingerprint" = '${fp}' ORDER BY "id" LIMIT 1)`,
      );
      expect(await countsUnlikeLetters(store)).toEqual([]);
      for (const f of groupFilters) await expectGroupsAsBefore(store, f);
      expect(await countsUnlikeLetters(store)).toEqual([]);
    });

    it("keeps first and last arrival exact while batches arrive, leave and change state at once", async () => {
      const [a, b] = clusters;
      const batch = (k: number): NewLetter[] =>
        seed([k % 2 ? a! : b!])
          .slice(0, 30)
          .map((l, i) => ({ ...l, dedupeKey: `edges-${k}-${i}`, source: `v/orders-${(i + k) % 3}`, destination: `v/orders-${(i + k) % 3}` }));
      const fps = (await expectGroupsAsBefore(store, {})).map((g) => g.fingerprint);
      const oldest = (fp: string) => `(SELECT "id" FROM "dead_letters" WHERE "fingerprint" = '${fp}' ORDER BY "captured_at", "id" LIMIT 2)`;
      const newest = (fp: string) => `(SELECT "id" FROM "dead_letters" WHERE "fingerprint" = '${fp}' ORDER BY "captured_at" DESC, "id" LIMIT 2)`;
      const work: Array<Promise<unknown>> = [];
      for (let k = 0; k < 4; k++) work.push(storeLetters(store.prisma, batch(k)));
      for (const fp of fps.slice(0, 3)) {
        work.push(store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'requeued' WHERE "id" IN ${oldest(fp)}`));
        work.push(store.prisma.$executeRawUnsafe(`DELETE FROM "dead_letters" WHERE "id" IN ${newest(fp)}`));
        work.push(listLetterGroups(letterFilters.parse({})));
      }
      await Promise.all(work);
      expect(await countsUnlikeLetters(store)).toEqual([]);
      for (const f of [{}, { state: "dead" }, { state: "requeued" }, { cluster: "inbox-b" }] as Array<Record<string, string>>) await expectGroupsAsBefore(store, f);
      expect(await countsUnlikeLetters(store)).toEqual([]);
      expect(await staleRows(store)).toBe(0);
    });

    // The embedded store is one session: there is no second writer to hold a row.
    it.skipIf(name !== "PostgreSQL")("answers exactly, without waiting, while a writer holds a group whose edges are stale", async () => {
      const [fp] = (await expectGroupsAsBefore(store, { state: "dead" })).map((g) => g.fingerprint);
      // The group's first letter leaves its count: that count's edges are stale.
      await store.prisma.$executeRawUnsafe(
        `UPDATE "dead_letters" SET "state" = 'terminated' WHERE "id" = (SELECT "id" FROM "dead_letters" WHERE "fingerprint" = '${fp}' AND "state" = 'dead' ORDER BY "captured_at", "id" LIMIT 1)`,
      );
      expect(await staleRows(store)).toBeGreaterThan(0);
      const writer = new pg.Client({ connectionString: url! });
      await writer.connect();
      try {
        await writer.query("BEGIN");
        // A collector's batch into the same counts, not yet committed: it holds their rows.
        await writer.query(
          `INSERT INTO "dead_letters" ("id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "error_text", "payload_shape", "fingerprint", "state", "payload_size", "captured_at")
           SELECT gen_random_uuid(), d."cluster_id", d."kind", 'held-' || d."id", d."source", d."destination", d."collected_from", d."reason", d."error_text", d."payload_shape", d."fingerprint", d."state", 0, now() - interval '9 days'
           FROM "dead_letters" d WHERE d."fingerprint" = $1`,
          [fp],
        );
        // The view skips the held rows (their letters are read instead) and is what the letters committed say.
        for (const f of [{}, { state: "dead" }, { fingerprint: fp! }] as Array<Record<string, string>>) await expectGroupsAsBefore(store, f);
        expect(await staleRows(store)).toBeGreaterThan(0);
        await writer.query("COMMIT");
      } finally {
        await writer.end();
      }
      expect(await countsUnlikeLetters(store)).toEqual([]);
      for (const f of [{}, { state: "dead" }, { fingerprint: fp! }] as Array<Record<string, string>>) await expectGroupsAsBefore(store, f);
      expect(await staleRows(store)).toBe(0);
      expect(await countsUnlikeLetters(store)).toEqual([]);
    });
  });
}

suite("PostgreSQL", async () => {
  const db = await createTestDatabase("redrive_inbox");
  for (const setting of INDEXES_ONLY) await queryRows(ADMIN_URL, `ALTER DATABASE "${db.name}" SET ${setting} = off`);
  const store = await openStore({ kind: "postgres", url: db.url });
  return {
    store,
    url: db.url,
    close: async () => {
      await store.close();
      await db.drop();
    },
  };
});

suite("the embedded store (PGlite)", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "redrive-inbox-pglite-"));
  const store = await openStore({ kind: "embedded", dataDir });
  // One session: set once, it holds for every statement.
  for (const setting of INDEXES_ONLY) await store.prisma.$executeRawUnsafe(`SET ${setting} = off`);
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
