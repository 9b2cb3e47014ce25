import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { SharedReads } from "@/lib/db/shared-read";
import { getJob, jobCounts, perJobShared, recentRates, SHARED_COUNTS_MIN_LETTERS, SHARED_COUNTS_MS } from "@/lib/redrive/get-job";
import { LETTER_OUTCOMES, type JobCounts } from "@/lib/redrive/types";
import { listJobs } from "@/lib/redrive/list-jobs";
import { ordersLetter } from "../support/letters";
import { createTestDatabase } from "../support/postgres";

// A big running job's page and the jobs list are polled every second by everyone watching it.
// Its live counts are counted once a second per replica and shared; a small job's are exact on
// every request. Real PostgreSQL; the clock of the sharing is the test's, so nothing hangs on timing.

const zero = Object.fromEntries(LETTER_OUTCOMES.map((o) => [o, 0])) as JobCounts;

describe("live counts and rate of an unfinished job", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let big: string;
  let small: string;

  const job = async (letters: string[]): Promise<string> => {
    const [j] = await store.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `INSERT INTO "redrive_jobs" ("id", "action", "state", "description", "scope", "created_by", "rate", "total", "claimed", "started_at")
       VALUES (gen_random_uuid(), 'requeue', 'running', 'watched', '{}', 'test', 100, $1, $1, now()) RETURNING "id"::text AS id`,
      letters.length,
    );
    await store.prisma.$executeRawUnsafe(
      `INSERT INTO "redrive_job_letters" ("job_id", "letter_id", "seq", "outcome") SELECT $1::uuid, l, i, 'pending' FROM unnest($2::uuid[]) WITH ORDINALITY AS t(l, i)`,
      j!.id,
      letters,
    );
    return j!.id;
  };
  /** Marks the first n letters of a job sent. */
  const send = (jobId: string, n: number) =>
    store.prisma.$executeRawUnsafe(`UPDATE "redrive_job_letters" SET "outcome" = 'done', "finished_at" = now() WHERE "job_id" = $1::uuid AND "seq" <= $2`, jobId, n);

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    const [c] = await store.prisma.$queryRawUnsafe<Array<{ id: string }>>(`INSERT INTO "clusters" ("id", "name", "kind") VALUES (gen_random_uuid(), 'c', 'rabbitmq') RETURNING "id"::text AS id`);
    const n = SHARED_COUNTS_MIN_LETTERS + 5;
    for (let from = 0; from < n; from += 2_000) {
      await storeLetters(
        store.prisma,
        Array.from({ length: Math.min(2_000, n - from) }, (_, k) => ordersLetter({ clusterId: c!.id, clusterName: "c", dedupeKey: `l-${from + k}`, messageId: `l-${from + k}`, i: from + k })),
      );
    }
    const ids = (await store.prisma.$queryRawUnsafe<Array<{ id: string }>>(`SELECT "id"::text AS id FROM "dead_letters" ORDER BY "captured_at", "id"`)).map((r) => r.id);
    expect(ids).toHaveLength(n);
    big = await job(ids.slice(0, SHARED_COUNTS_MIN_LETTERS));
    small = await job(ids.slice(SHARED_COUNTS_MIN_LETTERS));
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** Shared counts of the real store, on the test's clock, noting which jobs each count read. */
  const countingShared = (clock: () => number) => {
    const counted: string[][] = [];
    const shared = perJobShared(
      "counts",
      async (ids) => {
        counted.push(ids);
        return jobCounts(ids);
      },
      () => zero,
      new SharedReads(clock),
    );
    return { shared, counted };
  };

  it("counts a big job once for every request within a second, and again after it", async () => {
    let clock = 0;
    const { shared, counted } = countingShared(() => clock);
    const jobs = [{ id: big, total: SHARED_COUNTS_MIN_LETTERS }];

    // Fifty viewers at once: one count, the same answer for all.
    const first = await Promise.all(Array.from({ length: 50 }, () => shared(jobs)));
    expect(counted).toEqual([[big]]);
    for (const m of first) expect(m.get(big)).toMatchObject({ pending: SHARED_COUNTS_MIN_LETTERS, done: 0 });

    await send(big, 4_000);
    clock += SHARED_COUNTS_MS - 1;
    expect((await shared(jobs)).get(big)).toMatchObject({ pending: SHARED_COUNTS_MIN_LETTERS, done: 0 });
    expect(counted).toHaveLength(1);

    clock += 1;
    expect((await shared(jobs)).get(big)).toMatchObject({ pending: SHARED_COUNTS_MIN_LETTERS - 4_000, done: 4_000 });
    expect(counted).toEqual([[big], [big]]);
  });

  it("counts a small job on every request, beside a big one being shared", async () => {
    const { shared, counted } = countingShared(() => 0);
    const jobs = [
      { id: big, total: SHARED_COUNTS_MIN_LETTERS },
      { id: small, total: 5 },
    ];
    await shared(jobs);
    await send(small, 2);
    const again = await shared(jobs);
    expect(again.get(small)).toMatchObject({ pending: 3, done: 2 });
    // The second request counted the small job only.
    expect(counted).toEqual([[big, small], [small]]);
  });

  it("reads a big job's current rate once a second too", async () => {
    let clock = 0;
    let reads = 0;
    const shared = perJobShared(
      "rate",
      async (ids) => {
        reads++;
        return recentRates(ids);
      },
      () => 0,
      new SharedReads(() => clock),
    );
    const jobs = [{ id: big, total: SHARED_COUNTS_MIN_LETTERS }];
    // The 4,000 letters the tests before sent: as if they had finished an hour ago, then just now.
    const finished = (at: string) => store.prisma.$executeRawUnsafe(`UPDATE "redrive_job_letters" SET "finished_at" = ${at} WHERE "job_id" = $1::uuid AND "outcome" = 'done'`, big);
    await finished("now() - interval '1 hour'");
    expect((await shared(jobs)).get(big)).toBe(0);
    await finished("now()");
    expect((await shared(jobs)).get(big)).toBe(0);
    clock += SHARED_COUNTS_MS;
    expect((await shared(jobs)).get(big)).toBe(4_000 / 5);
    expect(reads).toBe(2);
  });

  it("is what the job page and the jobs list show: a small job's counts exact at once", async () => {
    await send(small, 4);
    expect((await getJob(small)).counts).toMatchObject({ pending: 1, done: 4 });
    const listed = (await listJobs({ state: [], limit: 10 })).items;
    expect(listed.find((j) => j.id === small)?.counts).toMatchObject({ pending: 1, done: 4 });
    // The big job's, from the same count of its letters, whether asked by its page or the list.
    const page = (await getJob(big)).counts;
    const inList = listed.find((j) => j.id === big);
    expect(inList).toBeDefined();
    expect(inList!.counts).toEqual(page);
    const [row] = await store.prisma.$queryRawUnsafe<Array<{ done: bigint }>>(`SELECT count(*) AS done FROM "redrive_job_letters" WHERE "job_id" = $1::uuid AND "outcome" = 'done'`, big);
    expect(page.done).toBe(Number(row!.done));
  });
});
