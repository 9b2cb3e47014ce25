/**
 * What the audit chain costs a writer: N audit rows written in one statement — through Prisma's
 * createMany (the job runner's per-letter write) and as one plain INSERT … SELECT (the database's
 * share alone) — on the same database before the chain migration, and after it with the chain
 * trigger on and off in turn (same table, same indexes), so load from other work on the machine
 * falls on both sides alike. Also how long the migration takes to chain
 * the rows already there, and the verifier's pace over them.
 *
 *   node --conditions=react-server --import tsx scripts/bench/audit-chain-cost.ts [--rows N] [--reps N]
 *
 * Uses its own database redrive_auditcost_<id> on 127.0.0.1 and drops it afterwards.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { verifyChain } from "@/lib/audit/verify-chain";
import { PrismaClient } from "@/lib/db/generated/client";
import { applyMigrations, readMigrations } from "@/lib/db/migrate";
import { pgRunner } from "@/lib/db/sql-runner";
import { createDatabase, dropDatabase } from "./temp-database";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} takes a positive whole number`);
  return v;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number, rows: number) => `${ms.toFixed(0).padStart(6)} ms  ${((ms * 1000) / rows).toFixed(1).padStart(6)} µs/row`;
const min = (xs: number[]) => Math.min(...xs);

async function main(): Promise<void> {
  const rows = arg("rows", 20_000);
  const reps = arg("reps", 5);
  const name = `redrive_auditcost_${randomBytes(4).toString("hex")}`;
  const { url, version } = await createDatabase(name);
  const admin = new pg.Client({ connectionString: url });
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }) });
  try {
    await admin.connect();
    const all = await readMigrations(path.join(process.cwd(), "prisma/migrations"));
    const cut = all.findIndex((m) => m.name.endsWith("_audit_chain"));
    await applyMigrations(pgRunner(admin), all.slice(0, cut));

    let batch = 0;
    // The job runner's shape: one intent per letter, naming the job.
    const viaPrisma = async () => {
      const job = `00000000-0000-4000-8000-${String(++batch).padStart(12, "0")}`;
      const data = Array.from({ length: rows }, (_, i) => ({ actor: "bench", action: "letter.requeue", phase: "intent", target: `letter:${job.slice(0, 24)}${String(i).padStart(12, "0")}`, request: { job } }));
      const t0 = performance.now();
      await prisma.auditEvent.createMany({ data });
      return performance.now() - t0;
    };
    const viaSql = async () => {
      const job = `00000000-0000-4000-9000-${String(++batch).padStart(12, "0")}`;
      const t0 = performance.now();
      await admin.query(
        `INSERT INTO audit_events (actor, action, phase, target, request)
         SELECT 'bench', 'letter.requeue', 'intent', 'letter:' || gen_random_uuid(), jsonb_build_object('job', $1::text) FROM generate_series(1, $2)`,
        [job, rows],
      );
      return performance.now() - t0;
    };
    const chainTrigger = async (on: boolean) => {
      await admin.query(`ALTER TABLE audit_events ${on ? "ENABLE" : "DISABLE"} TRIGGER audit_events_chain, ${on ? "ENABLE" : "DISABLE"} TRIGGER audit_events_chain_advance`);
      await admin.query(on ? `ALTER TABLE audit_events ALTER COLUMN id DROP DEFAULT` : `ALTER TABLE audit_events ALTER COLUMN id SET DEFAULT nextval('audit_events_id_seq')`);
      if (on) {
        // Rows written with the trigger off are not chained: the chain goes on after them.
        await admin.query(
          `BEGIN; ALTER TABLE audit_chain_head DISABLE TRIGGER USER;
           UPDATE audit_chain_head SET last_id = t.id, last_hash = t.hash FROM (SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1) t;
           ALTER TABLE audit_chain_head ENABLE TRIGGER USER; COMMIT`,
        );
      }
    };

    console.log(`${rows.toLocaleString("en-US")} audit rows in one statement, median of ${reps} after a warm-up; PostgreSQL ${version}\n`);
    await viaPrisma();
    await viaSql();
    const before = { prisma: [] as number[], sql: [] as number[] };
    for (let r = 0; r < reps; r++) {
      before.prisma.push(await viaPrisma());
      before.sql.push(await viaSql());
    }

    const t0 = performance.now();
    await applyMigrations(pgRunner(admin), all);
    const existing = Number((await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM audit_events`)).rows[0]!.n);
    const migrationS = (performance.now() - t0) / 1000;

    // The verifier over everything the migration chained.
    const verifier = new pg.Client({ connectionString: url });
    await verifier.connect();
    const v0 = performance.now();
    const verdict = await verifyChain(pgRunner(verifier));
    const verifyS = (performance.now() - v0) / 1000;
    await verifier.end();
    if (!verdict.ok) throw new Error(`the freshly chained log does not verify: ${verdict.broken.message}`);

    const on = { prisma: [] as number[], sql: [] as number[] };
    const off = { prisma: [] as number[], sql: [] as number[] };
    await viaPrisma();
    await viaSql();
    for (let r = 0; r < reps; r++) {
      for (const side of r % 2 ? [true, false] : [false, true]) {
        await chainTrigger(side);
        const into = side ? on : off;
        into.prisma.push(await viaPrisma());
        into.sql.push(await viaSql());
      }
    }
    await chainTrigger(true);

    const line = (label: string, xs: number[]) => console.log(`${label.padEnd(48)} median ${fmt(median(xs), rows)}, best ${fmt(min(xs), rows)}   (runs: ${xs.map((x) => x.toFixed(0)).join(", ")})`);
    line("Prisma createMany, before the chain migration", before.prisma);
    line("Prisma createMany, after, chain trigger off", off.prisma);
    line("Prisma createMany, after, chain trigger on", on.prisma);
    line("INSERT … SELECT, before the chain migration", before.sql);
    line("INSERT … SELECT, after, chain trigger off", off.sql);
    line("INSERT … SELECT, after, chain trigger on", on.sql);
    const ratio = (a: number[], b: number[]) => `×${(median(a) / median(b)).toFixed(2)} (best ×${(min(a) / min(b)).toFixed(2)})`;
    console.log(`\nchain trigger on/off: createMany ${ratio(on.prisma, off.prisma)}, INSERT … SELECT ${ratio(on.sql, off.sql)}`);
    console.log(`after/before the migration (trigger + new indexes): createMany ${ratio(on.prisma, before.prisma)}, INSERT … SELECT ${ratio(on.sql, before.sql)}`);

    // Where the database's time goes: PostgreSQL times each trigger on its own.
    const plan = await admin.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE) INSERT INTO audit_events (actor, action, phase, target, request)
       SELECT 'bench', 'letter.requeue', 'intent', 'letter:' || gen_random_uuid(), '{"job": "x"}' FROM generate_series(1, $1::int)`,
      [rows],
    );
    const lines = plan.rows.map((r) => r["QUERY PLAN"]);
    const total = Number(/Execution Time: ([\d.]+) ms/.exec(lines.join("\n"))?.[1] ?? NaN);
    for (const l of lines.filter((x) => x.startsWith("Trigger "))) {
      const m = /^Trigger (\S+): time=([\d.]+) calls=(\d+)/.exec(l);
      if (m) console.log(`  ${m[1]!.padEnd(28)} ${Number(m[2]).toFixed(0).padStart(6)} ms of ${total.toFixed(0)} ms (${((Number(m[2]) * 1000) / Number(m[3])).toFixed(1)} µs per call, ${m[3]} calls)`);
    }
    console.log(`the chain migration chained ${existing.toLocaleString("en-US")} existing rows in ${migrationS.toFixed(1)} s`);
    console.log(`audit:verify walked them in ${verifyS.toFixed(1)} s (${Math.round(verdict.rows / verifyS).toLocaleString("en-US")} rows/s)`);

  } finally {
    await prisma.$disconnect();
    await admin.end().catch(() => undefined);
    await dropDatabase(name);
  }
}

main().catch((e: unknown) => {
  console.error(`audit chain cost: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
