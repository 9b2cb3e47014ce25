import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/open-store";
import { heldSql } from "@/lib/dead-letters/letter-hold";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { chunkIntentsSql, chunkNotSentSql, chunkOutcomesSql, type Statement } from "@/lib/redrive/chunk-statements";
import { ordersLetter } from "../support/letters";
import { createTestDatabase } from "../support/postgres";

// The work a job's per-chunk statements do must follow the chunk, not the job. The store's
// statistics never know a new job (its id is in none of them), and its letters come faster than
// any autovacuum analyses them, so these run as the runner meets them: the table analysed while an
// earlier job's letters were all settled, then a new job holding tens of thousands. Each statement
// runs under EXPLAIN ANALYZE (rolled back) and the rows its plan went through are counted: the
// plans it used to get read every letter of the job for each chunk, or compared every letter of
// the job (or every held letter) with every letter of the chunk.

const JOB_LETTERS = 40_000;
const CHUNK = 500;
const OLD_JOB = "00000000-0000-4000-8000-000000000001";
const NEW_JOB = "00000000-0000-4000-8000-000000000002";

type PlanNode = {
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Join Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
};

/** Rows every node of the plan produced or threw away, over all its loops. */
function rowsWorked(node: PlanNode): number {
  const loops = node["Actual Loops"] ?? 1;
  const own = ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Join Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0)) * loops;
  return own + (node.Plans ?? []).reduce((n, p) => n + rowsWorked(p), 0);
}

describe("a job's per-chunk statements, against a store whose statistics do not know the job", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let client: pg.Client;
  let chunkA: string[];
  let chunkB: string[];
  let intentId: bigint;

  const job = { id: NEW_JOB, action: "terminate", createdBy: "plan-test" };

  /** The statement run under EXPLAIN ANALYZE in a transaction rolled back; the rows its plan worked through. */
  async function worked(q: Statement): Promise<number> {
    await client.query("BEGIN");
    try {
      const r = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, q.params);
      return rowsWorked(r.rows[0]!["QUERY PLAN"][0]!.Plan);
    } finally {
      await client.query("ROLLBACK");
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase("redrive_chunk_plans");
    store = await openStore({ kind: "postgres", url: db.url });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { id: clusterId } = await store.prisma.cluster.create({ data: { name: "plans", kind: "rabbitmq" } });
    await storeLetters(store.prisma, [ordersLetter({ clusterId, clusterName: "plans", dedupeKey: "template", messageId: "template", i: 0 })]);
    // Three sets of letters copied from it: the old job's, the new job's, and free ones.
    await client.query(
      `INSERT INTO "dead_letters" ("id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "payload_shape", "fingerprint", "payload_size", "captured_at")
       SELECT gen_random_uuid(), t."cluster_id", t."kind", 'copy-' || g, t."source", t."destination", t."collected_from", t."reason", t."payload_shape", t."fingerprint", t."payload_size",
              now() - make_interval(secs => ($1::int * 3 - g) / 1000.0)
       FROM "dead_letters" t, generate_series(1, $1::int * 3) g WHERE t."dedupe_key" = 'template'`,
      [JOB_LETTERS],
    );
    for (const id of [OLD_JOB, NEW_JOB]) {
      await client.query(
        `INSERT INTO "redrive_jobs" ("id", "action", "state", "description", "scope", "created_by", "rate") VALUES ($1::uuid, 'terminate', 'running', 'plans', '{}', 'plan-test', 1000)`,
        [id],
      );
    }
    const ordered = `SELECT "id", row_number() OVER (ORDER BY "captured_at", "id") AS n FROM "dead_letters" WHERE "dedupe_key" LIKE 'copy-%'`;
    await client.query(
      `INSERT INTO "redrive_job_letters" ("job_id", "letter_id", "seq", "outcome", "finished_at") SELECT $1::uuid, "id", n, 'done', now() FROM (${ordered}) o WHERE n <= $2`,
      [OLD_JOB, JOB_LETTERS],
    );
    // Analysed now, while no letter is held and the only job is the old one, as autovacuum last saw it.
    await client.query(`VACUUM ANALYZE "dead_letters", "redrive_job_letters", "redrive_jobs"`);
    // The new job holds the next letters, the old job's too (each letter once more in the table).
    await client.query(
      `INSERT INTO "redrive_job_letters" ("job_id", "letter_id", "seq") SELECT $1::uuid, "id", n FROM (${ordered}) o WHERE n <= $2 * 2 AND n > $2 / 2`,
      [NEW_JOB, JOB_LETTERS],
    );
    const seqs = async (from: number) =>
      (
        await client.query<{ id: string }>(`SELECT "letter_id"::text AS id FROM "redrive_job_letters" WHERE "job_id" = $1::uuid ORDER BY "seq" OFFSET $2 LIMIT $3`, [NEW_JOB, from, CHUNK])
      ).rows.map((r) => r.id);
    chunkA = await seqs(JOB_LETTERS / 2);
    chunkB = await seqs(JOB_LETTERS);
    // Chunk A is in flight: its intent written for real, as the runner writes it.
    const q = chunkIntentsSql(job, chunkA);
    const [row] = (await client.query<{ id: string; marked: number }>(q.sql, q.params)).rows;
    expect(row?.marked).toBe(CHUNK);
    intentId = BigInt(row!.id);
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await store?.close();
    await db?.drop();
  });

  it("marks a chunk in flight reading its letters' rows, not the job's", async () => {
    const rows = await worked(chunkIntentsSql(job, chunkB));
    expect(rows).toBeGreaterThanOrEqual(CHUNK);
    expect(rows).toBeLessThan(JOB_LETTERS / 2);
  });

  it("records a chunk's outcomes reading its letters' rows, and compares each with its own values only", async () => {
    const rows = await worked(chunkOutcomesSql(job, intentId, chunkA.map((letterId) => ({ letterId, result: "done", detail: null })), new Date()));
    expect(rows).toBeGreaterThanOrEqual(CHUNK);
    expect(rows).toBeLessThan(JOB_LETTERS / 2);
  });

  it("puts letters that were not sent back in line the same way", async () => {
    const rows = await worked(chunkNotSentSql(job, intentId, chunkA.map((letterId) => ({ letterId, detail: "broker away", mayHaveLanded: false })), "broker away"));
    expect(rows).toBeGreaterThanOrEqual(CHUNK);
    expect(rows).toBeLessThan(JOB_LETTERS / 2);
  });

  it("finds letters no job holds by probing each one, not by comparing every letter with every held one", async () => {
    // The claim's shape: free letters in captured order, after the held ones; here, the first 5,000.
    const rows = await worked({
      sql: `SELECT d."id" FROM "dead_letters" d WHERE d."state" = 'dead' AND d."dedupe_key" LIKE 'copy-%' AND NOT ${heldSql("d")} ORDER BY d."captured_at", d."id" LIMIT 5000`,
      params: [],
    });
    expect(rows).toBeGreaterThanOrEqual(5000);
    // Walking every letter once and probing each is a few rows a letter; a join against the held set is thousands.
    expect(rows).toBeLessThan(JOB_LETTERS * 3 * 5);
  });
});
