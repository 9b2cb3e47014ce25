import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertChunkRow } from "@/lib/audit/chunk-row-sql";
import { chunkIntentRow } from "@/lib/audit/job-letter-rows";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { verifyChain, type ChainVerdict } from "@/lib/audit/verify-chain";
import type { AuditEntry } from "@/lib/audit/types";
import { closeStore, getStore } from "@/lib/db/get-store";
import { openSqlSession } from "@/lib/db/open-sql-session";
import type { Store } from "@/lib/db/open-store";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { startJob } from "@/lib/redrive/start-job";
import { letterAuditRows } from "./accounting";
import { ordersLetter } from "./letters";
import { createTestDatabase } from "./postgres";
import { TEST_OPERATOR } from "./principals";

// A job's chunk rows on one kind of store (PostgreSQL or the embedded PGlite): each chunk is one
// chained intent and one chained outcome naming its letters; every letter's trail is found from
// the letter; the chain verifies with them and names an edit of one; a crash mid-chunk is recovered
// and audited against the chunk's intent. Terminate jobs (no broker), run by the real runner.

const CLUSTER = "chunk-audit";

function letter(clusterId: string, tag: string, i: number): NewLetter {
  return ordersLetter({ clusterId, clusterName: CLUSTER, dedupeKey: `${tag}-${i}`, messageId: `${tag}-${String(i).padStart(4, "0")}`, i });
}

export function chunkAuditSuite(kind: "postgres" | "embedded"): void {
  describe(`a job's chunk rows (${kind === "postgres" ? "PostgreSQL" : "embedded store"})`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-chunk-audit-"));
    let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let store: Store;
    let clusterId: string;

    beforeAll(async () => {
      writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" }] }));
      process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
      if (kind === "postgres") {
        db = await createTestDatabase("redrive_chunk_audit");
        process.env.DATABASE_URL = db.url;
      } else {
        delete process.env.DATABASE_URL;
        process.env.REDRIVE_DATA_DIR = path.join(dir, "data");
      }
      store = await getStore();
      clusterId = (await store.prisma.cluster.create({ data: { name: CLUSTER, kind: "rabbitmq" } })).id;
    });
    afterAll(async () => {
      await closeStore();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const makeLetters = async (tag: string, n: number) => {
      await storeLetters(store.prisma, Array.from({ length: n }, (_, i) => letter(clusterId, tag, i)));
      return (await store.prisma.deadLetter.findMany({ where: { messageId: { startsWith: `${tag}-` } }, orderBy: { messageId: "asc" }, select: { id: true } })).map((l) => l.id);
    };
    const runner = () => new JobRunner({ prisma: store.prisma, maxInFlight: 10, publisherFor: () => Promise.reject(new Error("a terminate publishes nothing")) });
    const trail = async (letterId: string): Promise<AuditEntry[]> => (await listAuditEvents({ letter: letterId, phase: [], limit: 500 })).items;

    /** The chain verified on a session of its own (the embedded store is closed for it, then opened again). */
    async function verified(tamper?: string): Promise<ChainVerdict> {
      if (kind === "postgres") {
        const session = await openSqlSession({ kind: "postgres", url: db!.url });
        try {
          if (tamper) await session.runner.exec(`BEGIN; ALTER TABLE audit_events DISABLE TRIGGER USER; ${tamper}; ALTER TABLE audit_events ENABLE TRIGGER USER; COMMIT;`);
          return await verifyChain(session.runner, { batchSize: 7 });
        } finally {
          await session.close();
        }
      }
      await closeStore();
      (globalThis as { __redriveStoreClosed?: boolean }).__redriveStoreClosed = false;
      const session = await openSqlSession({ kind: "embedded", dataDir: process.env.REDRIVE_DATA_DIR! });
      try {
        if (tamper) await session.runner.exec(`ALTER TABLE audit_events DISABLE TRIGGER USER; ${tamper}; ALTER TABLE audit_events ENABLE TRIGGER USER;`);
        return await verifyChain(session.runner, { batchSize: 7 });
      } finally {
        await session.close();
        store = await getStore();
      }
    }

    it("writes one intent and one outcome per chunk, each letter's trail found from the letter, and the chain verifies", async () => {
      const ids = await makeLetters("run", 25);
      const job = await startJob({ action: "terminate", scope: { kind: "letters", ids }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
      const r = runner();
      await r.claim();
      await r.idle();
      await r.stop();
      expect((await getJob(job.id)).state).toBe("completed");

      // Chunks of 10 (maxInFlight): three intents and three outcomes, not 25 of each.
      const chunkRows = await store.prisma.auditEvent.findMany({ where: { action: "letter.terminate", target: `job:${job.id}` }, orderBy: { id: "asc" } });
      expect(chunkRows.filter((a) => a.phase === "intent")).toHaveLength(3);
      expect(chunkRows.filter((a) => a.phase === "outcome")).toHaveLength(3);
      for (const o of chunkRows.filter((a) => a.phase === "outcome")) {
        const intent = chunkRows.find((a) => a.id === o.intentId)!;
        expect(intent.phase).toBe("intent");
        expect((o.detail as { letters: Array<{ id: string }> }).letters.map((l) => l.id)).toEqual((intent.request as { letters: string[] }).letters);
      }

      // Each letter's trail, as its page asks for it: its chunk's intent, then the outcome naming that intent, "done" for it.
      for (const id of ids) {
        const [outcome, intent, ...rest] = await trail(id);
        expect(rest).toEqual([]);
        expect([intent!.phase, outcome!.phase, outcome!.intentId]).toEqual(["intent", "outcome", intent!.id]);
        expect(outcome!.letters).toMatchObject({ letter: { id, result: "done" } });
        expect(BigInt(intent!.id) < BigInt(outcome!.id)).toBe(true);
      }
      const rows = await letterAuditRows(store.prisma, ids);
      expect(rows.filter((a) => a.phase === "outcome" && a.result === "done" && a.job === job.id)).toHaveLength(25);

      const v = await verified();
      if (!v.ok) throw new Error(`the chain should verify: ${v.broken.message}`);
    });

    it("names a chunk row whose letters were edited", async () => {
      const [victim] = await store.prisma.auditEvent.findMany({ where: { action: "letter.terminate", phase: "outcome" }, orderBy: { id: "asc" }, take: 1 });
      // One letter's result changed from done to failed, inside the chunk's row.
      const v = await verified(`UPDATE audit_events SET detail = jsonb_set(detail, '{letters,0,result}', '"failed"') WHERE id = ${victim!.id}`);
      expect(v.ok).toBe(false);
      expect(!v.ok && v.broken).toMatchObject({ kind: "hash", id: victim!.id.toString() });
      // Put back as it was, the chain verifies again.
      const back = await verified(`UPDATE audit_events SET detail = jsonb_set(detail, '{letters,0,result}', '"done"') WHERE id = ${victim!.id}`);
      if (!back.ok) throw new Error(`the chain should verify once the row is back: ${back.broken.message}`);
    });

    it("recovers a chunk a dead process left in flight, each letter's outcome naming the chunk's intent", async () => {
      const ids = await makeLetters("crash", 12);
      const job = await startJob({ action: "terminate", scope: { kind: "letters", ids }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
      // What a process killed mid-chunk leaves: the chunk's intent recorded, its letters in flight, a lapsed lease.
      const inFlight = ids.slice(0, 5);
      const intentId = await insertChunkRow(store.prisma, chunkIntentRow({ id: job.id, action: "terminate", createdBy: TEST_OPERATOR.name }, inFlight), inFlight);
      await store.prisma.redriveJobLetter.updateMany({ where: { jobId: job.id, letterId: { in: inFlight } }, data: { outcome: "in_flight" } });
      await store.prisma.redriveJob.update({ where: { id: job.id }, data: { leaseOwner: "dead-process", leaseUntil: new Date(Date.now() - 1000) } });

      const r = runner();
      await r.claim();
      await r.idle();
      await r.stop();
      const done = await getJob(job.id);
      expect(done.state).toBe("completed");
      expect({ unknown: done.counts.unknown, done: done.counts.done }).toEqual({ unknown: 5, done: 7 });
      // Not retried (a RabbitMQ letter's fate is unknown), and still dead in the inbox for an operator's retry.
      expect(await store.prisma.deadLetter.count({ where: { id: { in: inFlight }, state: "dead" } })).toBe(5);
      expect(await store.prisma.redriveJobLetter.count({ where: { letterId: { in: inFlight }, outcome: { in: ["pending", "in_flight"] } } })).toBe(0);
      for (const id of inFlight) {
        const [outcome, intent] = await trail(id);
        expect(intent!.id).toBe(intentId.toString());
        expect(outcome).toMatchObject({ phase: "outcome", intentId: intentId.toString(), letters: { letter: { id, result: "unknown" } } });
        expect((outcome!.letters!.letter!.detail ?? "").startsWith("Redrive stopped while this publish awaited its confirm")).toBe(true);
      }
      const v = await verified();
      if (!v.ok) throw new Error(`the chain should verify: ${v.broken.message}`);
    });
  });
}
