import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "@/lib/db/open-store";
import { whereClause, letterFilters } from "@/lib/dead-letters/letter-filters";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { ordersLetter } from "../support/letters";
import { upgradedStore } from "../support/migrations-before";

// The inbox's searched text (payload text, headers) lives in dead_letter_search, kept by the store
// from dead_letters, so a job's updates of dead_letters (held by a job, state) insert into no GIN
// index. Checked on both stores: letters stored before the migration are searchable after it, every
// way a letter arrives, changes or leaves keeps the copy in step, and the search filters read it.

const MIGRATION = "_letter_search_table";

async function addLetters(store: Store, clusterId: string, tag: string, n: number, headers: (i: number) => Record<string, unknown>): Promise<void> {
  const letters = Array.from({ length: n }, (_, i) => ({
    ...ordersLetter({ clusterId, clusterName: "c", dedupeKey: `${tag}-${i}`, messageId: `${tag}-${i}`, i }),
    payload: Buffer.from(JSON.stringify({ order: `${tag}-order-${i}`, i })),
    headers: headers(i),
  }));
  await storeLetters(store.prisma, letters);
}

async function search(store: Store, q: Record<string, string>): Promise<string[]> {
  const where = whereClause(letterFilters.parse(q));
  const rows = await store.prisma.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT d."message_id" AS id FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" WHERE ${where.sql} ORDER BY d."message_id"`,
    ...where.params,
  );
  return rows.map((r) => r.id);
}

async function indexesOf(store: Store, table: string): Promise<string[]> {
  const rows = await store.prisma.$queryRawUnsafe<Array<{ indexname: string }>>(`SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1`, table);
  return rows.map((r) => r.indexname);
}

for (const kind of ["postgres", "embedded"] as const) {
  describe(`dead_letter_search (${kind} store)`, () => {
    let store: Store;
    let cleanup: () => Promise<void> = async () => undefined;
    let clusterId = "";

    beforeAll(async () => {
      // Letters stored by the schema before the search table.
      const upgraded = await upgradedStore(kind, MIGRATION, async (old) => {
        const [c] = await old.prisma.$queryRawUnsafe<Array<{ id: string }>>(`INSERT INTO "clusters" ("id", "name", "kind") VALUES (gen_random_uuid(), 'c', 'rabbitmq') RETURNING "id"::text AS id`);
        await addLetters(old, c!.id, "old", 6, (i) => ({ "x-tenant": `tenant-${i % 2}`, "x-retries": i }));
        return c!.id;
      });
      store = upgraded.store;
      clusterId = upgraded.seeded;
      cleanup = () => upgraded.close();
    }, 120_000);
    afterAll(() => cleanup());

    it("moves the GIN indexes off dead_letters and copies the letters stored before it", async () => {
      const onLetters = await indexesOf(store, "dead_letters");
      expect(onLetters).not.toContain("dead_letters_payload_text_trgm_idx");
      expect(onLetters).not.toContain("dead_letters_headers_idx");
      expect(await indexesOf(store, "dead_letter_search")).toEqual(
        expect.arrayContaining(["dead_letter_search_headers_idx", "dead_letter_search_payload_text_trgm_idx", "dead_letter_search_pkey"]),
      );
      const copies = await store.prisma.$queryRawUnsafe<Array<{ n: number; same: number }>>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE s."payload_text" IS NOT DISTINCT FROM d."payload_text" AND s."headers" = d."headers" AND s."captured_at" = d."captured_at")::int AS same
         FROM "dead_letters" d JOIN "dead_letter_search" s ON s."letter_id" = d."id"`,
      );
      expect(copies[0]).toEqual({ n: 6, same: 6 });
      expect(await search(store, { q: "old-order-3" })).toEqual(["old-3"]);
      expect(await search(store, { header: "x-tenant:tenant-1" })).toEqual(["old-1", "old-3", "old-5"]);
      expect(await search(store, { header: "x-retries:4" })).toEqual(["old-4"]);
      // Analyzed by the migration itself: the planner knows the copied headers before autovacuum gets there.
      const stats = await store.prisma.$queryRawUnsafe<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'dead_letter_search' AND attname = 'headers'`,
      );
      expect(stats[0]!.n).toBe(1);
    });

    it("keeps only letters with a value in the job and bounce indexes, and still answers lookups by value from them", async () => {
      const defs = await store.prisma.$queryRawUnsafe<Array<{ indexname: string; indexdef: string }>>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'dead_letters' AND indexname = ANY($1::text[]) ORDER BY 1`,
        ["dead_letters_job_id_idx", "dead_letters_bounced_from_job_id_idx", "dead_letters_bounced_from_letter_id_idx"],
      );
      // The job index is gone: a job's hold is its letter row (20261206174000_job_letter_holds).
      expect(defs.map((d) => d.indexname)).toEqual(["dead_letters_bounced_from_job_id_idx", "dead_letters_bounced_from_letter_id_idx"]);
      for (const d of defs) expect(d.indexdef, d.indexname).toMatch(/WHERE \(\w+ IS NOT NULL\)/);
      const plan = async (where: string, param: unknown) => {
        const rows = await store.prisma.$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`SET LOCAL enable_seqscan = off`);
          return tx.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(`EXPLAIN SELECT d."id" FROM "dead_letters" d WHERE ${where}`, param);
        });
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      };
      const some = "00000000-0000-4000-8000-000000000001";
      expect(await plan(`d."bounced_from_letter_id" = $1::uuid`, some)).toMatch(/dead_letters_bounced_from_letter_id_idx/);
      expect(await plan(`d."bounced_from_job_id" = ANY($1::uuid[])`, [some])).toMatch(/dead_letters_bounced_(from_job_id|fingerprint)_idx/);
    });

    it("keeps the copy in step as letters arrive, change, move through a job and leave", async () => {
      await addLetters(store, clusterId, "new", 4, (i) => ({ "x-tenant": `tenant-${i % 2}` }));
      expect(await search(store, { q: "new-order-2" })).toEqual(["new-2"]);
      expect(await search(store, { header: "x-tenant:tenant-0" })).toEqual(["new-0", "new-2", "old-0", "old-2", "old-4"]);
      // A job's update (its state) leaves the searched text as it was.
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'terminated' WHERE "message_id" LIKE 'new-%'`);
      expect(await search(store, { q: "new-order-2", state: "terminated" })).toEqual(["new-2"]);
      // An edit of what is searched is searched.
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "headers" = '{"x-tenant": "moved"}', "payload_text" = 'edited text' WHERE "message_id" = 'new-1'`);
      expect(await search(store, { header: "x-tenant:moved" })).toEqual(["new-1"]);
      expect(await search(store, { q: "edited text" })).toEqual(["new-1"]);
      expect(await search(store, { q: "new-order-1" })).toEqual([]);
      // The arrival time the header filter walks by follows the letter's, as it arrives and if it moves.
      await store.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "captured_at" = "captured_at" - interval '3 days' WHERE "message_id" = 'new-2'`);
      const times = await store.prisma.$queryRawUnsafe<Array<{ n: number; same: number }>>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE s."captured_at" = d."captured_at")::int AS same FROM "dead_letters" d JOIN "dead_letter_search" s ON s."letter_id" = d."id"`,
      );
      expect(times[0]).toEqual({ n: 10, same: 10 });
      // A letter that leaves the inbox leaves the search with it.
      await store.prisma.$executeRawUnsafe(`DELETE FROM "dead_letters" WHERE "message_id" IN ('new-1', 'old-0')`);
      expect(await search(store, { header: "x-tenant:moved" })).toEqual([]);
      const counts = await store.prisma.$queryRawUnsafe<Array<{ letters: number; copies: number }>>(
        `SELECT (SELECT count(*) FROM "dead_letters")::int AS letters, (SELECT count(*) FROM "dead_letter_search")::int AS copies`,
      );
      expect(counts[0]).toEqual({ letters: 8, copies: 8 });
    });
  });
}
