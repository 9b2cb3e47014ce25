import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_OPERATOR } from "../support/principals";
import type { RabbitClusterConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { AppError } from "@/lib/errors";
import { controlJob } from "@/lib/redrive/control-job";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { planJob } from "@/lib/redrive/plan-job";
import { FIRST_CLAIM, startJob } from "@/lib/redrive/start-job";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import { drainQueue, rabbitDeadLetters } from "../support/letters";
import { createTestDatabase } from "../support/postgres";
import { createVhost, until } from "../support/rabbit-admin";

// A bulk job claims one chunk's worth of letters when it starts and the rest as it runs. Its scope
// is still fixed at the start: exactly the letters captured up to it, whatever arrives meanwhile,
// whoever claims them, and whichever process dies in between.

const id = randomBytes(3).toString("hex");
const VHOST = `it-scope-${id}`;
const CLUSTER = `rmq-scope-${id}`;
const SOURCE = `${VHOST}/orders`;
const cluster: RabbitClusterConfig = { name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST] };
const COLUMNS = `"id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "error_text", "payload_shape", "fingerprint", "state",
  "message_id", "content_type", "payload", "payload_size", "payload_missing", "payload_text", "properties", "headers", "deaths", "death_count",
  "first_death_at", "last_death_at", "captured_at", "raw_headers", "redrive_count", "job_id", "state_changed_at"`;

describe("a bulk job's scope is the letters captured up to its start", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let ch: amqp.Channel;
  const runners: JobRunner[] = [];
  const newRunner = () => {
    const r = new JobRunner({ prisma: store.prisma, maxInFlight: 50, publisherFor: async () => new RabbitPublisher(cluster, 5000), log: (level, message, context) => console.error(level, message, JSON.stringify(context)) });
    runners.push(r);
    return r;
  };

  /**
   * Copies of a stored letter as the collector would have stored more of its kind: each its own
   * message id (`${tag}-${g}`), captured `capturedAt` (SQL, evaluated per row).
   */
  const copies = (templateId: string, tag: string, n: number, capturedAt: string) =>
    store.prisma.$executeRawUnsafe(
      `INSERT INTO "dead_letters" (${COLUMNS})
       SELECT gen_random_uuid(), t."cluster_id", t."kind", t."dedupe_key" || ':${tag}:' || g, t."source", t."destination", t."collected_from", t."reason", t."error_text", t."payload_shape", t."fingerprint", 'dead',
         '${tag}-' || g, t."content_type", t."payload", t."payload_size", NULL, t."payload_text", t."properties" || jsonb_build_object('messageId', '${tag}-' || g), t."headers", t."deaths", t."death_count",
         t."first_death_at", t."last_death_at", ${capturedAt}, t."raw_headers", 0, NULL, NULL
       FROM "dead_letters" t, generate_series(1, $2::int) g WHERE t."id" = $1::uuid`,
      templateId,
      n,
    );

  /** Letters of `tag` (message ids `${tag}-…`) by state and whether a job holds them. */
  const byState = async (tag: string) =>
    store.prisma.$queryRawUnsafe<Array<{ state: string; held: boolean; n: number }>>(
      `SELECT d."state", EXISTS (SELECT 1 FROM "redrive_job_letters" h WHERE h."letter_id" = d."id" AND h."outcome" IN ('pending', 'in_flight')) AS held, count(*)::int AS n FROM "dead_letters" d WHERE d."message_id" LIKE $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      `${tag}-%`,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-scope-"));
    writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] }] }));
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    ch = await conn.createChannel();
    await ch.assertExchange("dlx", "direct");
    await ch.assertQueue("orders.dlq");
    await ch.bindQueue("orders.dlq", "dlx", "orders");
    await ch.assertQueue("orders", { arguments: { "x-dead-letter-exchange": "dlx" } });
  });

  afterAll(async () => {
    for (const r of runners) await r.stop();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  it("runs exactly the letters captured up to its start while new letters keep arriving, each once", async () => {
    const [template] = await rabbitDeadLetters(store.prisma, { conn, cluster: CLUSTER, vhost: VHOST, queue: "orders", dlq: "orders.dlq", n: 1, tag: "tpl" });
    const scope = 3 * FIRST_CLAIM;
    // Captured before the start, oldest first.
    await copies(template!, "before", scope - 1, `now() - make_interval(secs => (10000 - g) / 1000.0)`);
    const plan = await planJob({ action: "requeue", scope: { kind: "filter", filters: { source: SOURCE } }, includePoison: false }, TEST_OPERATOR);
    expect(plan.total).toBe(scope);

    const runner = newRunner();
    runner.start();
    const job = await startJob({ action: "requeue", scope: { kind: "filter", filters: { source: SOURCE } }, includePoison: false, rate: 5000, confirmCount: scope }, TEST_OPERATOR, null);
    // The total the operator confirmed is on the job from its start, though most are still to be claimed.
    expect(job.total).toBe(scope);
    // New letters of the same source keep arriving while it runs (stored now, after the start).
    let late = 0;
    while ((await getJob(job.id)).state === "running" && late < 400) {
      await copies(template!, `late${late}`, 40, `now()`);
      late += 40;
    }
    await runner.idle();
    await until(() => getJob(job.id), (j) => j.state !== "running", 60_000);
    const done = await getJob(job.id);
    expect(done.state).toBe("completed");
    expect(done.total).toBe(scope);
    expect(done.counts.done).toBe(scope);

    // Every letter of the scope once in the job, in captured order; none that arrived after it.
    const rows = await store.prisma.$queryRawUnsafe<Array<{ n: number; letters: number; first: number; last: number; late: number }>>(
      `SELECT count(*)::int AS n, count(DISTINCT jl."letter_id")::int AS letters, min(jl."seq")::int AS first, max(jl."seq")::int AS last,
         count(*) FILTER (WHERE d."message_id" LIKE 'late%')::int AS late
       FROM "redrive_job_letters" jl JOIN "dead_letters" d ON d."id" = jl."letter_id" WHERE jl."job_id" = $1::uuid`,
      job.id,
    );
    expect(rows[0]).toEqual({ n: scope, letters: scope, first: 1, last: scope, late: 0 });
    expect(await byState("before")).toEqual([{ state: "requeued", held: false, n: scope - 1 }]);
    expect(late).toBeGreaterThan(0);
    expect(await byState("late%")).toEqual([{ state: "dead", held: false, n: late }]);

    // On the broker: each letter of the scope exactly once, nothing else.
    const arrived = new Map<string, number>();
    await until(async () => (await drainQueue(conn, "orders", arrived), arrived.size), (n) => n >= scope, 30_000);
    expect(arrived.size).toBe(scope);
    expect([...arrived.values()].every((n) => n === 1)).toBe(true);
    expect([...arrived.keys()].filter((k) => k.startsWith("late")).length).toBe(0);
    await runner.stop();
    // The late letters leave the inbox, so the next scopes are the next tests' own.
    await store.prisma.deadLetter.deleteMany({ where: { messageId: { startsWith: "late" } } });
  });

  it("refuses a typed count that is not the scope's, changing nothing", async () => {
    const [template] = await rabbitDeadLetters(store.prisma, { conn, cluster: CLUSTER, vhost: VHOST, queue: "orders", dlq: "orders.dlq", n: 1, tag: "typo" });
    await copies(template!, "typo", 2 * FIRST_CLAIM, `now() - make_interval(secs => (10000 - g) / 1000.0)`);
    const jobsBefore = await store.prisma.redriveJob.count();
    const refused = await startJob({ action: "requeue", scope: { kind: "filter", filters: { source: SOURCE } }, includePoison: false, confirmCount: 2 * FIRST_CLAIM }, TEST_OPERATOR, null).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toMatch(/is not the 1,001 letters this would requeue now/);
    expect(await store.prisma.redriveJob.count()).toBe(jobsBefore);
    expect(await byState("typo")).toEqual([{ state: "dead", held: false, n: 2 * FIRST_CLAIM + 1 }]);
  });

  it("survives a crash between its start and the runner's claims: another runner claims on from where the start left off", async () => {
    // The letters of the last test are the scope now: 2 × FIRST_CLAIM + 1, all dead and free.
    const scope = 2 * FIRST_CLAIM + 1;
    const job = await startJob({ action: "requeue", scope: { kind: "filter", filters: { source: SOURCE } }, includePoison: false, rate: 5000, confirmCount: scope }, TEST_OPERATOR, null);
    // What a process killed right after the start leaves: the first chunk's worth claimed, the rest
    // not, and a lease it held (as its runner had taken the job) that lapses.
    const started = await store.prisma.redriveJob.findUniqueOrThrow({ where: { id: job.id } });
    expect({ claimed: started.claimed, total: started.total, claiming: started.claimUntil !== null }).toEqual({ claimed: FIRST_CLAIM, total: scope, claiming: true });
    await store.prisma.redriveJob.update({ where: { id: job.id }, data: { leaseOwner: "dead-process", leaseUntil: new Date(Date.now() - 1000) } });
    // Letters captured after the start, before another replica takes the job over.
    const [template] = await store.prisma.deadLetter.findMany({ where: { messageId: "typo-1" }, select: { id: true } });
    await copies(template!.id, "after", 30, `now()`);

    const successor = newRunner();
    await successor.claim();
    await successor.idle();
    const done = await getJob(job.id);
    expect(done).toMatchObject({ state: "completed", total: scope });
    expect(done.counts.done).toBe(scope);
    expect(await byState("typo")).toEqual([{ state: "requeued", held: false, n: scope }]);
    expect(await byState("after")).toEqual([{ state: "dead", held: false, n: 30 }]);
    const seqs = await store.prisma.redriveJobLetter.findMany({ where: { jobId: job.id }, select: { seq: true }, orderBy: { seq: "asc" } });
    expect(seqs.map((s) => s.seq)).toEqual(Array.from({ length: scope }, (_, i) => i + 1));
  });

  it("cancelled while it still claims: ends with the letters it had, and every letter it did not send is free again", async () => {
    // The letters the last test left dead leave the inbox, so this scope is this test's own.
    await store.prisma.deadLetter.deleteMany({ where: { messageId: { startsWith: "after" } } });
    // And what it requeued leaves the queue (making a dead letter rejects whatever is in it).
    await drainQueue(conn, "orders");
    const [template] = await rabbitDeadLetters(store.prisma, { conn, cluster: CLUSTER, vhost: VHOST, queue: "orders", dlq: "orders.dlq", n: 1, tag: "cancel" });
    const scope = 3 * FIRST_CLAIM;
    await copies(template!, "cancel", scope - 1, `now() - make_interval(secs => (10000 - g) / 1000.0)`);
    const runner = newRunner();
    const job = await startJob({ action: "requeue", scope: { kind: "filter", filters: { source: SOURCE } }, includePoison: false, rate: 20, confirmCount: scope }, TEST_OPERATOR, null);
    await runner.claim();
    await until(() => getJob(job.id), (j) => j.counts.done >= 5, 20_000);
    await controlJob(job.id, "cancel", TEST_OPERATOR, null);
    await runner.idle();
    await runner.stop();
    const after = await getJob(job.id);
    expect(after.state).toBe("cancelled");
    const row = await store.prisma.redriveJob.findUniqueOrThrow({ where: { id: job.id } });
    // It ends with the letters it had claimed: its total says so, and it claims no more.
    expect({ total: row.total, claiming: row.claimUntil }).toEqual({ total: row.claimed, claiming: null });
    expect(after.counts.done + after.counts.cancelled).toBe(row.claimed);
    expect(after.counts.done).toBeGreaterThan(0);
    expect(after.counts.cancelled).toBeGreaterThan(0);
    // Requeued: exactly the letters done; every other letter of the scope dead and held by no job.
    expect(await byState("cancel")).toEqual([
      { state: "dead", held: false, n: scope - after.counts.done },
      { state: "requeued", held: false, n: after.counts.done },
    ]);
  });
});
