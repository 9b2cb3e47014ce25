import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_OPERATOR } from "../support/principals";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { FIRST_CLAIM, startJob } from "@/lib/redrive/start-job";

// On the embedded store (one session) a bulk job's start counts its scope inside the claiming
// transaction rather than beside it; the scope is the same: the letters captured up to the start.

describe("a bulk job's scope on the embedded store", () => {
  let store: Store;
  let dir: string;

  /** `n` dead letters of source "orders", captured `capturedAt` (SQL, per row `g`). */
  const letters = (tag: string, n: number, capturedAt: string) =>
    store.prisma.$executeRawUnsafe(
      `INSERT INTO "dead_letters" ("id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "payload_shape", "fingerprint", "state", "message_id", "payload", "payload_size", "payload_text", "captured_at")
       SELECT gen_random_uuid(), c."id", 'rabbitmq', '${tag}:' || g, 'v/orders', 'v/orders', 'v/orders.dlq', 'rejected', '{}', '0123456789abcdef', 'dead', '${tag}-' || g, convert_to('{"i":' || g || '}', 'UTF8'), 8, '{"i":' || g || '}', ${capturedAt}
       FROM "clusters" c, generate_series(1, $1::int) g WHERE c."name" = 'embedded-rmq'`,
      n,
    );

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "redrive-scope-embedded-"));
    writeFileSync(
      path.join(dir, "redrive.config.json"),
      JSON.stringify({ clusters: [{ name: "embedded-rmq", kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: ["v"] }] }),
    );
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    delete process.env.DATABASE_URL;
    process.env.REDRIVE_DATA_DIR = path.join(dir, "data");
    store = await getStore();
    expect(store.kind).toBe("embedded");
    await store.prisma.cluster.create({ data: { name: "embedded-rmq", kind: "rabbitmq" } });
  });

  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts the scope in the claiming transaction, claims the rest as it runs, and leaves later letters out", async () => {
    const scope = 2 * FIRST_CLAIM + 7;
    await letters("before", scope, `now() - make_interval(secs => (10000 - g) / 1000.0)`);
    const job = await startJob({ action: "terminate", scope: { kind: "filter", filters: { source: "v/orders" } }, includePoison: false, rate: 5000, confirmCount: scope }, TEST_OPERATOR, null);
    expect(job.total).toBe(scope);
    const started = await store.prisma.redriveJob.findUniqueOrThrow({ where: { id: job.id } });
    expect({ claimed: started.claimed, claiming: started.claimUntil !== null }).toEqual({ claimed: FIRST_CLAIM, claiming: true });
    await letters("after", 25, `now()`);

    const runner = new JobRunner({ prisma: store.prisma, maxInFlight: 100, publisherFor: async () => Promise.reject(new Error("a terminate job publishes nothing")) });
    await runner.claim();
    await runner.idle();
    await runner.stop();
    const done = await getJob(job.id);
    expect(done).toMatchObject({ state: "completed", total: scope });
    expect(done.counts.done).toBe(scope);
    const states = await store.prisma.$queryRawUnsafe<Array<{ tag: string; state: string; n: number }>>(
      `SELECT split_part(d."message_id", '-', 1) AS tag, d."state", count(*)::int AS n FROM "dead_letters" d WHERE NOT EXISTS (SELECT 1 FROM "redrive_job_letters" h WHERE h."letter_id" = d."id" AND h."outcome" IN ('pending', 'in_flight')) GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(states).toEqual([
      { tag: "after", state: "dead", n: 25 },
      { tag: "before", state: "terminated", n: scope },
    ]);
  });
});
