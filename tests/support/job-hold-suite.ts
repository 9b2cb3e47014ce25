import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeStore, getStore } from "@/lib/db/get-store";
import { openStore, type Store } from "@/lib/db/open-store";
import { getLetter } from "@/lib/dead-letters/get-letter";
import { letterListQuery, listLetters } from "@/lib/dead-letters/list-letters";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { isAppError, type AppError } from "@/lib/errors";
import { controlJob } from "@/lib/redrive/control-job";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { startJob } from "@/lib/redrive/start-job";
import type { HeldDetails } from "@/lib/redrive/types";
import { ordersLetter } from "./letters";
import { until } from "./rabbit-admin";
import { createTestDatabase } from "./postgres";
import { TEST_OPERATOR } from "./principals";
import { migrationsBefore } from "./migrations-before";

// A job holds a letter through its letter row while that row is pending or in flight (not through
// the inbox row): one job at a time, whoever starts first; released when the row settles (done,
// cancelled, unknown); shown by the inbox and the letter page. Checked on one kind of store, from a
// letter held under the schema before the move (20261206174000_job_letter_holds) onwards.
// Terminate jobs (no broker), run by the real runner.

const CLUSTER = "job-hold";
const MIGRATION = "_job_letter_holds";

async function addLetters(store: Pick<Store, "prisma">, clusterId: string, tag: string, n: number): Promise<string[]> {
  await storeLetters(
    store.prisma,
    Array.from({ length: n }, (_, i) => ({ ...ordersLetter({ clusterId, clusterName: CLUSTER, dedupeKey: `${tag}-${i}`, messageId: `${tag}-${String(i).padStart(4, "0")}`, i }), source: `v/${tag}` })),
  );
  return (await store.prisma.deadLetter.findMany({ where: { messageId: { startsWith: `${tag}-` } }, orderBy: { messageId: "asc" }, select: { id: true } })).map((l) => l.id);
}

export function jobHoldSuite(kind: "postgres" | "embedded"): void {
  describe(`a job's hold on its letters (${kind === "postgres" ? "PostgreSQL" : "embedded store"})`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-job-hold-"));
    let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let store: Store;
    let clusterId: string;
    // Set up under the schema before the move: a letter held by a running job (and done by an
    // earlier one), and a letter a finished job's stray pending row names but does not hold.
    const legacy = { jobId: "", number: 0, held: "", stray: "", strayJob: "" };

    beforeAll(async () => {
      writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" }] }));
      process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
      if (kind === "postgres") {
        db = await createTestDatabase("redrive_job_hold");
        process.env.DATABASE_URL = db.url;
      } else {
        delete process.env.DATABASE_URL;
        process.env.REDRIVE_DATA_DIR = path.join(dir, "data");
      }
      const before = await migrationsBefore(MIGRATION);
      try {
        const old = await openStore(kind === "postgres" ? { kind: "postgres", url: db!.url } : { kind: "embedded", dataDir: path.join(dir, "data") }, before.dir);
        clusterId = (await old.prisma.cluster.create({ data: { name: CLUSTER, kind: "rabbitmq" } })).id;
        const [held, stray] = await addLetters(old, clusterId, "legacy", 2);
        const job = (state: string) =>
          old.prisma.$queryRawUnsafe<Array<{ id: string; number: bigint }>>(
            `INSERT INTO "redrive_jobs" ("id", "action", "state", "description", "scope", "created_by", "rate", "total", "claimed")
             VALUES (gen_random_uuid(), 'terminate', $1, 'legacy', '{}', 'old-operator', 1000, 1, 1) RETURNING "id"::text AS id, "number"`,
            state,
          );
        const [earlier] = await job("completed");
        const [running] = await job("running");
        const [finished] = await job("completed");
        // The old claim: the letter marked held on its inbox row and a pending row in the job.
        await old.prisma.$executeRawUnsafe(
          `INSERT INTO "redrive_job_letters" ("job_id", "letter_id", "seq", "outcome", "finished_at") VALUES ($1::uuid, $3::uuid, 1, 'done', now()), ($2::uuid, $3::uuid, 1, 'pending', NULL), ($4::uuid, $5::uuid, 1, 'pending', NULL)`,
          earlier!.id,
          running!.id,
          held,
          finished!.id,
          stray,
        );
        await old.prisma.$executeRawUnsafe(`UPDATE "dead_letters" SET "job_id" = $1::uuid WHERE "id" = $2::uuid`, running!.id, held);
        Object.assign(legacy, { jobId: running!.id, number: Number(running!.number), held: held!, stray: stray!, strayJob: finished!.id });
        await old.close();
      } finally {
        before.drop();
      }
      store = await getStore();
    });
    afterAll(async () => {
      await closeStore();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const runner = () => new JobRunner({ prisma: store.prisma, maxInFlight: 10, publisherFor: () => Promise.reject(new Error("a terminate publishes nothing")) });
    const run = async () => {
      const r = runner();
      await r.claim();
      await r.idle();
      await r.stop();
    };
    /** For each letter, the jobs holding it (pending or in flight rows). */
    const holders = async (ids: string[]) => {
      const rows = await store.prisma.redriveJobLetter.findMany({ where: { letterId: { in: ids }, outcome: { in: ["pending", "in_flight"] } }, select: { letterId: true, jobId: true } });
      return new Map(ids.map((id) => [id, rows.filter((r) => r.letterId === id).map((r) => r.jobId)]));
    };
    const inboxJobIds = async (tag: string) => (await listLetters(letterListQuery.parse({ source: `v/${tag}`, limit: 200 }))).items.map((l) => l.jobId);
    const terminate = (ids: string[], rate = 1000) => startJob({ action: "terminate", scope: { kind: "letters", ids }, includePoison: false, rate }, TEST_OPERATOR, null);
    const terminateAll = (tag: string, rate = 1000) => startJob({ action: "terminate", scope: { kind: "filter", filters: { source: `v/${tag}` } }, includePoison: false, rate }, TEST_OPERATOR, null);
    const refusedBy = async (p: Promise<unknown>): Promise<AppError> => {
      const e = await p.then(
        () => new Error("started"),
        (err: unknown) => err,
      );
      if (!isAppError(e)) throw e;
      return e;
    };

    it("keeps the hold of a letter held before the move, and settles a stray row that held nothing", async () => {
      expect(await store.prisma.deadLetter.count({ where: { jobId: { not: null } } })).toBe(0);
      expect([...(await holders([legacy.held, legacy.stray])).values()]).toEqual([[legacy.jobId], []]);
      const stray = await store.prisma.redriveJobLetter.findUniqueOrThrow({ where: { jobId_letterId: { jobId: legacy.strayJob, letterId: legacy.stray } } });
      expect({ outcome: stray.outcome, released: stray.detail }).toEqual({ outcome: "cancelled", released: "released: the letter was no longer held by this job" });
      expect((await getLetter(legacy.held)).jobId).toBe(legacy.jobId);
      expect((await getLetter(legacy.stray)).jobId).toBeNull();
      const e = await refusedBy(terminate([legacy.held]));
      expect(e.code).toBe("CONFLICT");
      expect(e.details).toMatchObject({ jobId: legacy.jobId, jobNumber: legacy.number, letters: 1 } satisfies Partial<HeldDetails>);
      expect(e.message).toBe(`Job ${legacy.number} already has this letter; wait for it to finish or cancel it.`);
      // The job goes on with it, and releases it when done.
      await run();
      expect((await getJob(legacy.jobId)).state).toBe("completed");
      expect(await store.prisma.deadLetter.findUniqueOrThrow({ where: { id: legacy.held }, select: { state: true } })).toEqual({ state: "terminated" });
      expect((await getLetter(legacy.held)).jobId).toBeNull();
    });

    it("lets one of two jobs started at once over the same letters hold each letter, and refuses a hand-picked one naming the holder", async () => {
      const ids = await addLetters(store, clusterId, "race", 60);
      // A filter over all of them against a hand-picked half, started together.
      const picked = ids.filter((_, i) => i % 2 === 0);
      const [bulk, hand] = await Promise.allSettled([terminateAll("race"), terminate(picked)]);
      const bulkJob = bulk.status === "fulfilled" ? bulk.value : null;
      expect(bulkJob, "the filter's job takes at least the letters not picked by hand").not.toBeNull();
      const held = await holders(ids);
      for (const [id, by] of held) expect(by.length, `letter ${id}`).toBeLessThanOrEqual(1);
      const heldBy = (job: string) => ids.filter((id) => held.get(id)![0] === job);
      expect(heldBy(bulkJob!.id)).toHaveLength(bulkJob!.total);
      if (hand.status === "fulfilled") {
        // Whichever began first, the hand-picked job has all it picked, and the filter the rest.
        expect(heldBy(hand.value.id)).toEqual(picked);
        expect(bulkJob!.total).toBe(ids.length - picked.length);
      } else {
        // The filter's job took some of the picked letters first: the hand-picked job is refused
        // whole, naming it (letters it had locked meanwhile were skipped by the filter and stay free).
        const e = hand.reason as AppError;
        expect(e.code).toBe("CONFLICT");
        expect(e.details).toMatchObject({ jobId: bulkJob!.id, jobNumber: bulkJob!.number, letters: picked.filter((id) => held.get(id)![0] === bulkJob!.id).length });
        expect(e.message).toMatch(new RegExp(`^Job ${bulkJob!.number} already has`));
        expect(ids.filter((id) => held.get(id)!.length === 0).every((id) => picked.includes(id))).toBe(true);
      }
      // The inbox shows each letter's holder.
      const byMessage = (await listLetters(letterListQuery.parse({ source: "v/race", limit: 200 }))).items;
      expect(byMessage).toHaveLength(ids.length);
      for (const l of byMessage) expect(l.jobId, l.id).toBe(held.get(l.id)![0] ?? null);
      const heldIds = ids.filter((id) => held.get(id)!.length === 1);

      // Two hand-picked jobs over the same letters: one holds them, the other is refused naming it.
      const pair = await addLetters(store, clusterId, "pair", 5);
      const both = await Promise.allSettled([terminate(pair), terminate(pair)]);
      const won = both.filter((r) => r.status === "fulfilled");
      const lost = both.filter((r) => r.status === "rejected");
      expect([won.length, lost.length]).toEqual([1, 1]);
      const winner = won[0]!.value;
      expect((lost[0]!.reason as AppError).details).toMatchObject({ jobId: winner.id, jobNumber: winner.number, letters: 5 });
      expect([...(await holders(pair)).values()]).toEqual(pair.map(() => [winner.id]));

      await run();
      // Each letter closed out once, by the job that held it.
      const moved = [...heldIds, ...pair];
      const done = await store.prisma.redriveJobLetter.groupBy({ by: ["letterId"], where: { letterId: { in: [...ids, ...pair] }, outcome: "done" }, _count: { _all: true } });
      expect(done.map((d) => d.letterId).sort()).toEqual([...moved].sort());
      expect(done.map((d) => d._count._all)).toEqual(moved.map(() => 1));
      expect(await store.prisma.deadLetter.count({ where: { id: { in: [...ids, ...pair] }, state: "terminated" } })).toBe(moved.length);
      expect(await inboxJobIds("race")).toEqual(ids.map(() => null));
    });

    it("releases letters on cancel, and after a pause then a cancel, leaving them free for the next job", async () => {
      const ids = await addLetters(store, clusterId, "cancel", 30);
      const slow = await terminate(ids, 10);
      expect(await inboxJobIds("cancel")).toEqual(ids.map(() => slow.id));
      const r = runner();
      await r.claim();
      await until(() => getJob(slow.id), (j) => j.counts.done >= 3, 20_000);
      await controlJob(slow.id, "cancel", TEST_OPERATOR, null);
      await r.idle();
      await r.stop();
      const after = await getJob(slow.id);
      expect(after.state).toBe("cancelled");
      expect(after.counts.cancelled).toBeGreaterThan(0);
      expect(after.counts.done + after.counts.cancelled).toBe(ids.length);
      const free = await store.prisma.redriveJobLetter.findMany({ where: { jobId: slow.id, outcome: "cancelled" }, select: { letterId: true } });
      expect([...(await holders(ids)).values()].flat()).toEqual([]);

      // Paused, the job still holds its letters; cancelled, it lets them go.
      const next = await terminate(free.map((f) => f.letterId));
      await controlJob(next.id, "pause", TEST_OPERATOR, null);
      expect((await getLetter(free[0]!.letterId)).jobId).toBe(next.id);
      expect((await refusedBy(terminate([free[0]!.letterId]))).details).toMatchObject({ jobId: next.id });
      await controlJob(next.id, "cancel", TEST_OPERATOR, null);
      await run();
      expect((await getJob(next.id)).counts.cancelled).toBe(free.length);
      expect(await inboxJobIds("cancel")).toEqual(ids.map(() => null));
      const last = await terminate(free.map((f) => f.letterId));
      await run();
      expect((await getJob(last.id)).counts.done).toBe(free.length);
    });

    it("releases a letter whose outcome a crash left unknown", async () => {
      const ids = await addLetters(store, clusterId, "crash", 6);
      const job = await terminate(ids);
      const inFlight = ids.slice(0, 2);
      await store.prisma.redriveJobLetter.updateMany({ where: { jobId: job.id, letterId: { in: inFlight } }, data: { outcome: "in_flight" } });
      await store.prisma.redriveJob.update({ where: { id: job.id }, data: { leaseOwner: "dead-process", leaseUntil: new Date(Date.now() - 1000) } });
      expect((await getLetter(inFlight[0]!)).jobId).toBe(job.id);
      await run();
      expect((await getJob(job.id)).counts).toMatchObject({ unknown: 2, done: 4 });
      expect(await store.prisma.deadLetter.count({ where: { id: { in: inFlight }, state: "dead" } })).toBe(2);
      expect((await getLetter(inFlight[0]!)).jobId).toBeNull();
      const retry = await terminate(inFlight);
      expect((await holders(inFlight)).get(inFlight[0]!)).toEqual([retry.id]);
      await run();
    });
  });
}
