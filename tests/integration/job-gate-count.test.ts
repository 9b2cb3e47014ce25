import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { createJobGate } from "@/lib/redrive/job-gate";
import { ordersLetter } from "../support/letters";
import { createTestDatabase } from "../support/postgres";

// The health gate judges a running requeue once a second by its bounce rate: the letters that came
// back dead since it started (or resumed) against the letters the broker confirmed meanwhile. It
// counts the confirmed ones only as far as that ratio needs (none at all while nothing came back),
// so a job of hundreds of thousands of letters is not counted whole every second. Here real jobs'
// rows in a real store: the gate must pause exactly when the full count says so, naming the exact
// count, and go on otherwise.

const BIG = 30_000;

describe("the health gate's bounce rate, on jobs of many letters", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let client: pg.Client;
  let clusterId: string;
  let copies = 0;

  /** A running requeue job started 10 minutes ago with `sent` letters confirmed a minute ago, `bounced` of which came back dead. */
  async function job(sent: number, bounced: number): Promise<string> {
    const [{ id }] = (
      await client.query<{ id: string }>(
        `INSERT INTO "redrive_jobs" ("id", "action", "state", "description", "scope", "created_by", "rate", "started_at", "bounce_threshold", "bounce_min_sent")
         VALUES (gen_random_uuid(), 'requeue', 'running', 'gate count', '{}', 'gate-test', 1000, now() - interval '10 minutes', 0.1, 20) RETURNING "id"::text`,
      )
    ).rows as [{ id: string }];
    const from = copies;
    copies += sent;
    await client.query(
      `INSERT INTO "dead_letters" ("id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "payload_shape", "fingerprint", "payload_size", "state", "captured_at")
       SELECT gen_random_uuid(), t."cluster_id", t."kind", 'copy-' || g, t."source", t."destination", t."collected_from", t."reason", t."payload_shape", t."fingerprint", t."payload_size", 'requeued', now() - interval '20 minutes'
       FROM "dead_letters" t, generate_series($1::int + 1, $2::int) g WHERE t."dedupe_key" = 'template'`,
      [from, copies],
    );
    await client.query(
      `INSERT INTO "redrive_job_letters" ("job_id", "letter_id", "seq", "outcome", "finished_at")
       SELECT $1::uuid, d."id", row_number() OVER (ORDER BY d."dedupe_key"), 'done', now() - interval '1 minute'
       FROM "dead_letters" d WHERE d."dedupe_key" LIKE 'copy-%' AND substring(d."dedupe_key" from 6)::int BETWEEN $2::int + 1 AND $3::int`,
      [id, from, copies],
    );
    // The bounces: letters that died again, each naming the job and the letter it was sent as.
    await client.query(
      `INSERT INTO "dead_letters" ("id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "payload_shape", "fingerprint", "payload_size", "captured_at", "bounced_from_job_id", "bounced_from_letter_id")
       SELECT gen_random_uuid(), t."cluster_id", t."kind", 'bounce-' || jl."letter_id", t."source", t."destination", t."collected_from", 'rejected', t."payload_shape", t."fingerprint", t."payload_size", now(), $1::uuid, jl."letter_id"
       FROM "redrive_job_letters" jl, "dead_letters" t WHERE jl."job_id" = $1::uuid AND jl."seq" <= $2 AND t."dedupe_key" = 'template'`,
      [id, bounced],
    );
    return id;
  }

  const state = async (id: string) =>
    (await client.query<{ state: string; paused_by: string | null; paused_reason: string | null }>(`SELECT "state", "paused_by", "paused_reason" FROM "redrive_jobs" WHERE "id" = $1::uuid`, [id]))
      .rows[0]!;

  beforeAll(async () => {
    db = await createTestDatabase("redrive_gate_count");
    store = await openStore({ kind: "postgres", url: db.url });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    ({ id: clusterId } = await store.prisma.cluster.create({ data: { name: "gate", kind: "rabbitmq" } }));
    await storeLetters(store.prisma, [ordersLetter({ clusterId, clusterName: "gate", dedupeKey: "template", messageId: "template", i: 0 })]);
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await store?.close();
    await db?.drop();
  });

  it("goes on when a few of many letters came back, and when none did", async () => {
    const gate = createJobGate({ prisma: store.prisma, redrive: getConfig().redrive });
    const few = await job(BIG, 3);
    const none = await job(BIG, 0);
    expect(await gate({ id: few, state: "running" })).toBeNull();
    expect(await gate({ id: none, state: "running" })).toBeNull();
    expect(await state(few)).toMatchObject({ state: "running", paused_by: null });
    expect(await state(none)).toMatchObject({ state: "running", paused_by: null });
  });

  it("pauses above the threshold, naming the exact count of letters sent", async () => {
    const gate = createJobGate({ prisma: store.prisma, redrive: getConfig().redrive });
    // 3 of 25: 12 %, above 10 %, with at least 20 sent.
    const small = await job(25, 3);
    expect(await gate({ id: small, state: "running" })).toEqual({ holdMs: 0 });
    const s = await state(small);
    expect(s).toMatchObject({ state: "paused", paused_by: "gate" });
    expect(s.paused_reason).toMatch(/^Paused itself: 3 of the 25 letters sent since \d\d:\d\d:\d\d UTC came back dead \(rejected\), 12 %, above the 10 % threshold\.$/);
  });

  it("judges a rate just above and just below the threshold on thousands of letters as the full count does", async () => {
    const gate = createJobGate({ prisma: store.prisma, redrive: getConfig().redrive });
    // 1,001 of 10,000: 10.01 %, above; 999 of 10,000: 9.99 %, below.
    const above = await job(10_000, 1001);
    const below = await job(10_000, 999);
    expect(await gate({ id: above, state: "running" })).toEqual({ holdMs: 0 });
    expect((await state(above)).paused_reason).toMatch(/^Paused itself: 1001 of the 10000 letters sent since .* 10 %, above the 10 % threshold\.$/);
    expect(await gate({ id: below, state: "running" })).toBeNull();
    expect(await state(below)).toMatchObject({ state: "running", paused_by: null });
  });
});
