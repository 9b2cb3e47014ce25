import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "@/lib/db/open-store";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { ordersLetter } from "../support/letters";
import { upgradedStore } from "../support/migrations-before";

// A finished job keeps its letters' counts on its row (the job list reads them instead of counting
// every letter of every finished job). Jobs that ended before the column existed get theirs when
// the store is upgraded; a running or paused job's are counted live, so get none. Both stores.

const MIGRATION = "_job_final_counts";

/** Jobs as the schema before the migration held them: one completed (done and failed letters), one cancelled, one running. */
async function oldJobs(store: Store): Promise<Record<"completed" | "cancelled" | "running", string>> {
  const [c] = await store.prisma.$queryRawUnsafe<Array<{ id: string }>>(`INSERT INTO "clusters" ("id", "name", "kind") VALUES (gen_random_uuid(), 'c', 'rabbitmq') RETURNING "id"::text AS id`);
  await storeLetters(
    store.prisma,
    Array.from({ length: 12 }, (_, i) => ordersLetter({ clusterId: c!.id, clusterName: "c", dedupeKey: `old-${i}`, messageId: `old-${i}`, i })),
  );
  const letters = (await store.prisma.$queryRawUnsafe<Array<{ id: string }>>(`SELECT "id"::text AS id FROM "dead_letters" ORDER BY "message_id"`)).map((r) => r.id);
  const job = async (state: string, outcomes: string[], from: number): Promise<string> => {
    const [j] = await store.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `INSERT INTO "redrive_jobs" ("id", "action", "state", "description", "scope", "created_by", "rate") VALUES (gen_random_uuid(), 'requeue', $1, 'old', '{}', 'test', 100) RETURNING "id"::text AS id`,
      state,
    );
    for (const [i, outcome] of outcomes.entries()) {
      await store.prisma.$executeRawUnsafe(
        `INSERT INTO "redrive_job_letters" ("job_id", "letter_id", "seq", "outcome") VALUES ($1::uuid, $2::uuid, $3, $4)`,
        j!.id,
        letters[from + i],
        i + 1,
        outcome,
      );
    }
    return j!.id;
  };
  return {
    completed: await job("completed", ["done", "done", "done", "failed", "unknown"], 0),
    cancelled: await job("cancelled", ["done", "cancelled", "cancelled"], 5),
    running: await job("running", ["done", "in_flight", "pending", "pending"], 8),
  };
}

for (const kind of ["postgres", "embedded"] as const) {
  describe(`a job's kept counts (${kind} store)`, () => {
    let store: Store;
    let jobs: Awaited<ReturnType<typeof oldJobs>>;
    let cleanup: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      const upgraded = await upgradedStore(kind, MIGRATION, oldJobs);
      store = upgraded.store;
      jobs = upgraded.seeded;
      cleanup = () => upgraded.close();
    }, 120_000);
    afterAll(() => cleanup());

    it("gives the jobs that had ended their letters' counts, and a running job none", async () => {
      const kept = async (id: string) => (await store.prisma.redriveJob.findUniqueOrThrow({ where: { id } })).finalCounts;
      expect(await kept(jobs.completed)).toEqual({ done: 3, failed: 1, unknown: 1 });
      expect(await kept(jobs.cancelled)).toEqual({ done: 1, cancelled: 2 });
      expect(await kept(jobs.running)).toBeNull();
    });
  });
}
