import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRowHash, canonicalAuditText, CANONICAL_COLUMNS_SQL, GENESIS_HASH, hashFieldsOf, type CanonicalRow } from "@/lib/audit/chain-hash";
import { withAudit } from "@/lib/audit/record-audit";
import { recordEvent } from "@/lib/audit/record-event";
import { verifyChain, type ChainVerdict } from "@/lib/audit/verify-chain";
import { applyMigrations, readMigrations } from "@/lib/db/migrate";
import { openSqlSession } from "@/lib/db/open-sql-session";
import { openStore, type Store } from "@/lib/db/open-store";
import { pgRunner } from "@/lib/db/sql-runner";
import { createTestDatabase } from "../support/postgres";
import { closedPort } from "../support/tcp-proxy";
// Some rows here carry names outside Redrive's vocabulary on purpose: the chain and the filters take any text.
import type { AuditAction } from "@/lib/audit/actions";

// The audit log's chain against the real PostgreSQL (and the embedded PGlite): every way rows are
// written chains them, nothing can change or remove them through SQL, and the verifier names the
// row where someone with the power to disable triggers did.

const ROOT = path.resolve(import.meta.dirname, "../..");
const TRICKY = { note: "naïve 🧯 | pipe\nnewline \"quoted\" \\ back", n: 1.5, big: 12345678901234567890, nested: { arr: [null, true, "é"] } };

type Db = Awaited<ReturnType<typeof createTestDatabase>>;

async function admin<T>(db: Db, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function verify(db: Db): Promise<ChainVerdict> {
  return admin(db, (c) => verifyChain(pgRunner(c), { batchSize: 97 }));
}

/** What a superuser could do: change rows with the append-only triggers switched off. */
async function tamper(db: Db, sql: string, params: unknown[] = []): Promise<void> {
  await admin(db, async (c) => {
    await c.query("BEGIN");
    await c.query(`ALTER TABLE "audit_events" DISABLE TRIGGER USER`);
    await c.query(sql, params);
    await c.query(`ALTER TABLE "audit_events" ENABLE TRIGGER USER`);
    await c.query("COMMIT");
  });
}

async function rowsOf(db: Db, where: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  return admin(db, async (c) => (await c.query(`SELECT * FROM "audit_events" WHERE ${where} ORDER BY "id"`, params)).rows);
}

/** Puts rows back exactly as they were (triggers off, so the chain trigger does not re-stamp them). */
async function putBack(db: Db, rows: Array<Record<string, unknown>>): Promise<void> {
  for (const r of rows) {
    const cols = Object.keys(r);
    await tamper(db, `INSERT INTO "audit_events" (${cols.map((k) => `"${k}"`).join(", ")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")})`, cols.map((k) => r[k]));
  }
}

function runVerifier(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "audit:verify", ...(args.length ? ["--", ...args] : [])], { cwd: ROOT, env: { ...process.env, REDRIVE_CONFIG: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

function expectIntact(v: ChainVerdict, rows?: number): void {
  if (!v.ok) throw new Error(`the chain should be intact but: ${v.broken.message}`);
  if (rows !== undefined) expect(v.rows).toBe(rows);
}

describe("the audit chain on PostgreSQL", () => {
  let db: Db;
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase("redrive_audit");
    store = await openStore({ kind: "postgres", url: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("chains intents, outcomes and events, row by row, in the form both the database and the verifier compute", async () => {
    const p = store.prisma;
    await withAudit(p, { actor: "alice", address: "10.0.0.7", action: "dlq.adopt", target: "dlq:c/q", request: TRICKY }, async () => "done");
    await expect(withAudit(p, { actor: "bob", action: "job.cancel", target: "job:x", request: {} }, async () => Promise.reject(new Error("no such job")))).rejects.toThrow("no such job");
    const eventId = await recordEvent(p, { actor: "carol", address: null, action: "user.sign-in" as AuditAction, target: "user:carol", request: { method: "password" }, result: "failed", detail: { reason: "wrong password" } });

    const rows = await p.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.actor, r.phase, r.result])).toEqual([
      ["alice", "intent", null],
      ["alice", "outcome", "ok"],
      ["bob", "intent", null],
      ["bob", "outcome", "failed"],
      ["carol", "event", "failed"],
    ]);
    expect(rows[1]!.intentId).toBe(rows[0]!.id);
    expect(rows[3]!.intentId).toBe(rows[2]!.id);
    expect(rows[4]!.id.toString()).toBe(eventId);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);

    // The JavaScript definition of the canonical text is the database's, byte for byte.
    const canon = await admin(db, (c) =>
      c.query<CanonicalRow & { sql_canonical: string; sql_hash: string }>(
        `SELECT ${CANONICAL_COLUMNS_SQL},
           audit_canonical(a.id, a.at, a.actor, a.address, a.action, a.phase, a.intent_id, a.cluster_id, a.target, a.request, a.result, a.detail) AS sql_canonical,
           audit_row_hash(a.prev_hash, audit_canonical(a.id, a.at, a.actor, a.address, a.action, a.phase, a.intent_id, a.cluster_id, a.target, a.request, a.result, a.detail)) AS sql_hash
         FROM audit_events a ORDER BY a.id`,
      ),
    );
    for (const r of canon.rows) {
      expect(canonicalAuditText(hashFieldsOf(r))).toBe(r.sql_canonical);
      expect(auditRowHash(r.prev_hash!, hashFieldsOf(r))).toBe(r.hash);
      expect(r.sql_hash).toBe(r.hash);
    }
    expect(canon.rows[0]!.sql_canonical).toMatch(/^v1\|1:1\|24:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|5:alice\|8:10\.0\.0\.7\|9:dlq\.adopt\|6:intent\|-\|-\|7:dlq:c\/q\|\d+:\{.*\}\|-\|-$/s);

    const head = await p.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(head).toEqual({ id: 1, lastId: rows[4]!.id, lastHash: rows[4]!.hash });
    expectIntact(await verify(db), 5);
  });

  it("chains a createMany of 1,000 rows one by one, in id order, with the database's time", async () => {
    const before = await verify(db);
    expectIntact(before);
    const t0 = Date.now() - 1;
    const r = await store.prisma.auditEvent.createMany({
      // Whatever a writer claims for id, time and hashes is replaced by the chain's own.
      data: Array.from({ length: 1000 }, (_, i) => ({ id: 999_999n - BigInt(i), at: new Date("2001-01-01T00:00:00Z"), hash: "forged", prevHash: "forged", actor: "runner", action: "letter.terminate", phase: i % 2 ? "outcome" : "intent", target: `letter:${i}`, request: { job: "j-1", i } })),
    });
    expect(r.count).toBe(1000);
    const rows = await admin(db, async (c) => (await c.query<{ id: string; at: Date; prev_hash: string; hash: string }>(`SELECT id::text, at, prev_hash, hash FROM audit_events a WHERE actor = 'runner' ORDER BY a.id`)).rows);
    expect(rows).toHaveLength(1000);
    const first = BigInt(rows[0]!.id);
    rows.forEach((row, i) => {
      expect(BigInt(row.id)).toBe(first + BigInt(i));
      expect(row.at.getTime()).toBeGreaterThanOrEqual(t0 - 5000);
      if (i > 0) {
        expect(row.prev_hash).toBe(rows[i - 1]!.hash);
        expect(row.at.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.at.getTime());
      }
    });
    expect(rows[0]!.prev_hash).toBe(before.head.hash);
    const v = await verify(db);
    expectIntact(v, before.rows + 1000);
    expect(v.head.id).toBe(rows[999]!.id);
  });

  it("keeps one chain in id order while several connections append at once", async () => {
    const before = await verify(db);
    expectIntact(before);
    const writers = 6;
    const rounds = 15;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        try {
          for (let round = 0; round < rounds; round++) {
            if (round % 3 === 0) {
              // Several statements in one transaction, some multi-row.
              await c.query("BEGIN");
              await c.query(`INSERT INTO audit_events (actor, action, phase, request) VALUES ($1, 'test.concurrent', 'event', '{}'), ($1, 'test.concurrent', 'event', '{}')`, [`w${w}`]);
              // Hold the head a moment, so the other writers pile up behind it.
              await c.query("SELECT pg_sleep(0.005)");
              await c.query(`INSERT INTO audit_events (actor, action, phase, request) VALUES ($1, 'test.concurrent', 'event', '{"x": 1}')`, [`w${w}`]);
              await c.query("COMMIT");
            } else if (round % 3 === 1) {
              // A transaction that gives up: its ids are burnt, the chain does not notice.
              await c.query("BEGIN");
              await c.query(`INSERT INTO audit_events (actor, action, phase, request) VALUES ($1, 'test.concurrent', 'event', '{}')`, [`w${w}`]);
              await c.query("ROLLBACK");
            } else {
              await c.query(`INSERT INTO audit_events (actor, action, phase, request) VALUES ($1, 'test.concurrent', 'event', '{}')`, [`w${w}`]);
            }
          }
        } finally {
          await c.end();
        }
      }),
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => recordEvent(store.prisma, { actor: `p${i}`, action: "test.concurrent" as AuditAction, result: "ok" })));
    const committed = writers * (5 * 3 + 5 * 1) + 10;
    expect(await store.prisma.auditEvent.count({ where: { action: "test.concurrent" } })).toBe(committed);
    const v = await verify(db);
    expectIntact(v, before.rows + committed);
    const order = await admin(db, async (c) => (await c.query<{ bad: string }>(`SELECT count(*)::text AS bad FROM (SELECT at < lag(at) OVER (ORDER BY id) AS back FROM audit_events) s WHERE back`)).rows[0]!.bad);
    expect(order).toBe("0");
  });

  it("refuses UPDATE, DELETE and TRUNCATE of audit rows, and any change to the head, whoever asks", async () => {
    const victim = await store.prisma.auditEvent.findFirstOrThrow({ orderBy: { id: "asc" } });
    await expect(store.prisma.auditEvent.update({ where: { id: victim.id }, data: { actor: "mallory" } })).rejects.toThrow(/audit_events is append-only/);
    await expect(store.prisma.auditEvent.delete({ where: { id: victim.id } })).rejects.toThrow(/audit_events is append-only/);
    await expect(store.prisma.auditEvent.deleteMany({})).rejects.toThrow(/audit_events is append-only/);
    await expect(store.prisma.auditChainHead.update({ where: { id: 1 }, data: { lastHash: "0".repeat(64) } })).rejects.toThrow(/append-only/);
    await admin(db, async (c) => {
      for (const sql of [
        `UPDATE audit_events SET actor = 'mallory' WHERE id = ${victim.id}`,
        `UPDATE audit_events SET hash = hash`,
        `DELETE FROM audit_events WHERE id = ${victim.id}`,
        `TRUNCATE audit_events`,
        `UPDATE audit_chain_head SET last_id = 1`,
        `DELETE FROM audit_chain_head`,
        `TRUNCATE audit_chain_head`,
        `INSERT INTO audit_chain_head VALUES (2, NULL, 'x')`,
        // Even onto a row that is there: the head moves only inside an insert, and only forward.
        `UPDATE audit_chain_head SET last_id = ${victim.id}, last_hash = '${victim.hash}'`,
      ]) {
        await expect(c.query(sql), sql).rejects.toThrow(/append-only|violates check constraint|duplicate key/);
      }
      // An insert that appends nothing leaves the head where it was.
      const before = await c.query(`SELECT * FROM audit_chain_head`);
      await c.query(`INSERT INTO audit_events (actor, action, phase) SELECT 'nobody', 'test.none', 'event' WHERE false`);
      expect((await c.query(`SELECT * FROM audit_chain_head`)).rows).toEqual(before.rows);
    });
    expect(await store.prisma.auditEvent.findUniqueOrThrow({ where: { id: victim.id } })).toEqual(victim);
    expectIntact(await verify(db));
  });

  it("leaves a cluster's audit rows untouched when the cluster is deleted", async () => {
    const cluster = await store.prisma.cluster.create({ data: { name: `gone-${Date.now()}`, kind: "nats" } });
    await withAudit(store.prisma, { actor: "alice", action: "dlq.adopt", target: "dlq:gone/q", clusterId: cluster.id, request: {} }, async () => undefined);
    const before = await store.prisma.auditEvent.findMany({ where: { clusterId: cluster.id }, orderBy: { id: "asc" } });
    expect(before).toHaveLength(2);
    await store.prisma.cluster.delete({ where: { id: cluster.id } });
    expect(await store.prisma.cluster.findUnique({ where: { id: cluster.id } })).toBeNull();
    expect(await store.prisma.auditEvent.findMany({ where: { clusterId: cluster.id }, orderBy: { id: "asc" } })).toEqual(before);
    expectIntact(await verify(db));
  });

  it("names an altered row, a removed middle row and a removed tail", async () => {
    const all = await rowsOf(db, "TRUE");
    const mid = all[Math.floor(all.length / 2)]!;
    const midId = String(mid.id);
    const after = all[Math.floor(all.length / 2) + 1]!;
    const beforeMid = all[Math.floor(all.length / 2) - 1]!;

    // Altered: one field of one row, the stored hashes left as they were.
    await tamper(db, `UPDATE audit_events SET result = 'ok-forged' WHERE id = $1`, [midId]);
    let v = await verify(db);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.broken).toMatchObject({ kind: "hash", id: midId });
    expect(v.broken.message).toContain(`row ${midId} was altered`);
    expect(v.rows).toBe(Math.floor(all.length / 2));
    await tamper(db, `UPDATE audit_events SET result = $2 WHERE id = $1`, [midId, mid.result]);
    expectIntact(await verify(db), all.length);

    // Altered and re-hashed by someone who knows the form: the next row no longer follows it.
    await tamper(db, `UPDATE audit_events SET actor = 'mallory', hash = audit_row_hash(prev_hash, audit_canonical(id, at, 'mallory', address, action, phase, intent_id, cluster_id, target, request, result, detail)) WHERE id = $1`, [midId]);
    v = await verify(db);
    expect(!v.ok && v.broken).toMatchObject({ kind: "link", id: String(after.id), previousId: midId });
    await tamper(db, `UPDATE audit_events SET actor = $2, hash = $3 WHERE id = $1`, [midId, mid.actor, mid.hash]);
    expectIntact(await verify(db), all.length);

    // A row removed from the middle.
    await tamper(db, `DELETE FROM audit_events WHERE id = $1`, [midId]);
    v = await verify(db);
    expect(!v.ok && v.broken).toMatchObject({ kind: "link", id: String(after.id), previousId: String(beforeMid.id) });
    expect(!v.ok && v.broken.message).toContain(`row ${after.id} does not follow row ${beforeMid.id}`);
    await putBack(db, [mid]);
    expectIntact(await verify(db), all.length);

    // The first row removed.
    await tamper(db, `DELETE FROM audit_events WHERE id = $1`, [all[0]!.id]);
    v = await verify(db);
    expect(!v.ok && v.broken).toMatchObject({ kind: "link", id: String(all[1]!.id), previousId: null });
    await putBack(db, [all[0]!]);

    // The last two rows removed: every remaining link holds, but the head names a row that is gone.
    const tail = all.slice(-2);
    await tamper(db, `DELETE FROM audit_events WHERE id >= $1`, [tail[0]!.id]);
    v = await verify(db);
    const newLast = String(all[all.length - 3]!.id);
    expect(!v.ok && v.broken).toMatchObject({ kind: "head", id: newLast });
    expect(!v.ok && v.broken.message).toContain(`the last row is ${newLast} but the head names row ${tail[1]!.id}`);
    expect(v.rows).toBe(all.length - 2);
    await putBack(db, tail);
    expectIntact(await verify(db), all.length);
  });

  it("npm run audit:verify exits 0 when intact, 1 naming the broken row, 2 when it cannot read the store", async () => {
    const ok = await runVerifier({ DATABASE_URL: db.url });
    expect(ok.out).toMatch(/^audit log intact: [\d,]+ rows verified; head row \d+, hash [0-9a-f]{64}$/m);
    expect(ok.code).toBe(0);

    const victim = (await rowsOf(db, `actor = 'runner'`))[500];
    expect(victim).toBeDefined();
    await tamper(db, `UPDATE audit_events SET detail = '{"forged": true}' WHERE id = $1`, [victim!.id]);
    try {
      const broken = await runVerifier({ DATABASE_URL: db.url });
      expect(broken.out).toContain(`audit log BROKEN at row ${victim!.id}: row ${victim!.id} was altered after it was written`);
      expect(broken.code).toBe(1);
    } finally {
      await tamper(db, `UPDATE audit_events SET detail = $2 WHERE id = $1`, [victim!.id, victim!.detail]);
    }

    const port = await closedPort();
    const down = await runVerifier({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/nothing` });
    expect(down.out).toMatch(/audit:verify could not check the audit log: Cannot open PostgreSQL \(DATABASE_URL\): .*ECONNREFUSED/);
    expect(down.code).toBe(2);
    expectIntact(await verify(db));
  });
});

describe("anchors: a head recorded outside the database", () => {
  let db: Db;
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase("redrive_audit_anchor");
    store = await openStore({ kind: "postgres", url: db.url });
    for (let i = 0; i < 40; i++) await withAudit(store.prisma, { actor: "alice", action: "dlq.adopt", target: `dlq:c/q${i}`, request: { i } }, async () => undefined);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("catches a chain rewritten from some row on, every hash recomputed, that verifies on its own", async () => {
    const rows = await rowsOf(db, "TRUE");
    const anchor = rows[50]!;
    const spec = `${anchor.id}:${anchor.hash}`;
    expectIntact(await admin(db, (c) => verifyChain(pgRunner(c), { anchors: [{ id: String(anchor.id), hash: String(anchor.hash) }] })), rows.length);
    const held = await runVerifier({ DATABASE_URL: db.url }, ["--anchor", spec]);
    expect(held.out).toMatch(new RegExp(`^audit log intact: ${rows.length} rows verified; anchor row ${anchor.id} holds; head row \\d+, hash [0-9a-f]{64}$`, "m"));
    expect(held.code).toBe(0);

    // Someone who can switch the triggers off rewrites row 20 and re-chains everything after it, head included.
    const from = rows[20]!;
    await admin(db, async (c) => {
      await c.query("BEGIN");
      await c.query(`ALTER TABLE "audit_events" DISABLE TRIGGER USER`);
      await c.query(`ALTER TABLE "audit_chain_head" DISABLE TRIGGER USER`);
      await c.query(`UPDATE audit_events SET actor = 'mallory' WHERE id = $1`, [from.id]);
      let prev = String(rows[19]!.hash);
      for (const r of rows.slice(20)) {
        const { rows: out } = await c.query(
          `UPDATE audit_events SET prev_hash = $2, hash = audit_row_hash($2, audit_canonical(id, at, actor, address, action, phase, intent_id, cluster_id, target, request, result, detail)) WHERE id = $1 RETURNING hash`,
          [r.id, prev],
        );
        prev = out[0].hash;
      }
      await c.query(`UPDATE audit_chain_head SET last_hash = $1 WHERE id = 1`, [prev]);
      await c.query(`ALTER TABLE "audit_chain_head" ENABLE TRIGGER USER`);
      await c.query(`ALTER TABLE "audit_events" ENABLE TRIGGER USER`);
      await c.query("COMMIT");
    });
    // On its own the rewritten chain is consistent: that is what an anchor is for.
    expectIntact(await verify(db), rows.length);

    const v = await admin(db, (c) => verifyChain(pgRunner(c), { anchors: [{ id: String(anchor.id), hash: String(anchor.hash) }] }));
    expect(!v.ok && v.broken).toMatchObject({ kind: "anchor", id: String(anchor.id), expected: anchor.hash });
    const broken = await runVerifier({ DATABASE_URL: db.url }, ["--anchor", spec]);
    expect(broken.out).toContain(`audit log BROKEN at row ${anchor.id}: row ${anchor.id} hashes to`);
    expect(broken.out).toContain(`the log up to row ${anchor.id} was rewritten`);
    expect(broken.code).toBe(1);
    // An anchor before the rewritten row still holds.
    expectIntact(await admin(db, (c) => verifyChain(pgRunner(c), { anchors: [{ id: String(rows[10]!.id), hash: String(rows[10]!.hash) }] })));
  });

  it("says an anchored row is gone, and refuses a malformed anchor", async () => {
    const gone = await admin(db, (c) => verifyChain(pgRunner(c), { anchors: [{ id: "999999", hash: "a".repeat(64) }] }));
    expect(!gone.ok && gone.broken).toMatchObject({ kind: "anchor", id: "999999" });
    expect(!gone.ok && gone.broken.message).toBe(`row 999999, recorded with hash ${"a".repeat(16)}…, is no longer in the log: rows were removed and the chain rebuilt after them`);
    const bad = await runVerifier({ DATABASE_URL: db.url }, ["--anchor", "12:not-a-hash"]);
    expect(bad.out).toContain(`--anchor takes <row>:<hash>, a row id and its 64-hex-digit hash`);
    expect(bad.code).toBe(2);
  });
});

describe("the audit chain migration", () => {
  it("chains the rows written before it, in id order, and the log goes on from them", async () => {
    const db = await createTestDatabase("redrive_audit_mig");
    try {
      const all = await readMigrations(path.join(ROOT, "prisma/migrations"));
      const cut = all.findIndex((m) => m.name.endsWith("_audit_chain"));
      expect(cut).toBeGreaterThan(0);
      await admin(db, async (c) => {
        await applyMigrations(pgRunner(c), all.slice(0, cut));
        const cluster = await c.query<{ id: string }>(`INSERT INTO clusters (id, name, kind) VALUES (gen_random_uuid(), 'old', 'rabbitmq') RETURNING id`);
        // Rows as the old schema wrote them: ids from the column default, times from the writer.
        await c.query(
          `INSERT INTO audit_events (at, actor, action, phase, cluster_id, target, request, result, detail, intent_id) VALUES
             ('2026-01-02T03:04:05.678Z', 'old-timer', 'dlq.adopt', 'intent', $1, 'dlq:old/q', '{"a": [1, 2]}', NULL, NULL, NULL),
             ('2026-01-02T03:04:06.001Z', 'old-timer', 'dlq.adopt', 'outcome', $1, 'dlq:old/q', '{}', 'ok', '{}', 1),
             ('2026-01-01T00:00:00.000Z', 'older', 'job.pause', 'intent', NULL, 'job:1', '{"job": "1"}', NULL, NULL, NULL)`,
          [cluster.rows[0]!.id],
        );
        await applyMigrations(pgRunner(c), all);
      });
      const v = await verify(db);
      expectIntact(v, 3);
      expect(v.head.id).toBe("3");
      const store = await openStore({ kind: "postgres", url: db.url });
      try {
        await recordEvent(store.prisma, { actor: "new", action: "user.sign-in" as AuditAction, result: "ok" });
        const rows = await store.prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
        expect(rows.map((r) => r.id)).toEqual([1n, 2n, 3n, 4n]);
        expect(rows[0]!.at.toISOString()).toBe("2026-01-02T03:04:05.678Z");
        expect(rows[3]!.prevHash).toBe(rows[2]!.hash);
      } finally {
        await store.close();
      }
      expectIntact(await verify(db), 4);
    } finally {
      await db.drop();
    }
  });
});

describe("the audit chain in the embedded store (PGlite)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "redrive-audit-pglite-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("chains, refuses changes and verifies, as on PostgreSQL", async () => {
    const store = await openStore({ kind: "embedded", dataDir });
    try {
      await withAudit(store.prisma, { actor: "alice", action: "dlq.adopt", target: "dlq:c/q", request: TRICKY }, async () => undefined);
      await store.prisma.auditEvent.createMany({ data: Array.from({ length: 300 }, (_, i) => ({ actor: "runner", action: "letter.requeue", phase: "intent", target: `letter:${i}`, request: { job: "j" } })) });
      await recordEvent(store.prisma, { actor: "carol", action: "user.sign-in" as AuditAction, result: "ok" });
      await expect(store.prisma.auditEvent.updateMany({ data: { actor: "mallory" } })).rejects.toThrow(/audit_events is append-only/);
      await expect(store.prisma.auditEvent.deleteMany({ where: { actor: "runner" } })).rejects.toThrow(/audit_events is append-only/);
      await expect(store.prisma.$executeRawUnsafe(`TRUNCATE audit_events`)).rejects.toThrow(/audit_events is append-only/);
      const rows = await store.prisma.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true, prevHash: true, hash: true } });
      expect(rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 303 }, (_, i) => i + 1));
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    } finally {
      await store.close();
    }

    // The verifier's own way in: a plain session on the data folder, no migration — and not while another process has it open.
    const other = await openStore({ kind: "embedded", dataDir });
    try {
      await expect(openSqlSession({ kind: "embedded", dataDir })).rejects.toThrow(/is open in another process/);
    } finally {
      await other.close();
    }
    await expect(openSqlSession({ kind: "embedded", dataDir: path.join(dataDir, "nothing-here") })).rejects.toThrow(/There is no embedded store in/);
    const session = await openSqlSession({ kind: "embedded", dataDir });
    try {
      expectIntact(await verifyChain(session.runner, { batchSize: 50 }), 303);
      await session.runner.exec(`ALTER TABLE audit_events DISABLE TRIGGER USER; UPDATE audit_events SET actor = 'mallory' WHERE id = 150; ALTER TABLE audit_events ENABLE TRIGGER USER;`);
      const v = await verifyChain(session.runner, { batchSize: 50 });
      expect(!v.ok && v.broken).toMatchObject({ kind: "hash", id: "150" });
    } finally {
      await session.close();
    }
  });
});
