/**
 * `node --conditions=react-server --import tsx scripts/bench/group-hours.ts [--month N] [--burst N] [--inserts N] [--embedded-month N] [--embedded-burst N] [--embedded-inserts N] [--no-postgres] [--no-embedded]`
 *
 * The cause groups' hourly arrivals on a burst: a month of letters and a large burst in the last
 * hour, in a temporary PostgreSQL database and an embedded store (PGlite, temp folder). Times
 * listLetterGroups (no filter, and state=dead) reading the kept hours (dead_letter_group_hours) next
 * to the arrivals statement counting every letter of the last 24 h, and the collector's insert (batches
 * of 100 through storeLetters, letters arriving now) with the hours triggers on and off, alternating.
 * Cleans up.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import os from "node:os";
import path from "node:path";
import { openStore, type Store } from "@/lib/db/open-store";
import { letterFilters } from "@/lib/dead-letters/letter-filters";
import { listLetterGroups } from "@/lib/dead-letters/list-letter-groups";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import { readCli } from "../cli-args";
import { Cleanup } from "./cleanup";
import { summarize, type Summary } from "./stats";
import { createDatabase, dropDatabase } from "./temp-database";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../prisma/migrations");
const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store> };

/** `n` letters over 1,000 cause groups, arriving `spanSecs` apart going back from `endAgoSecs` ago. */
async function fill(store: Store, ids: [string, string], first: number, n: number, endAgoSecs: number, spanSecs: number, log: (l: string) => void) {
  const chunk = 100_000;
  for (let from = first; from < first + n; from += chunk) {
    const to = Math.min(first + n - 1, from + chunk - 1);
    await store.prisma.$executeRawUnsafe(
      `INSERT INTO "dead_letters" ("id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "error_text", "payload_shape", "fingerprint", "state", "payload_size", "captured_at")
       SELECT gen_random_uuid(), CASE WHEN g % 5 = 0 THEN $2::uuid ELSE $1::uuid END, (CASE WHEN g % 5 = 0 THEN 'nats' ELSE 'rabbitmq' END)::"BrokerKind", 'gh:' || g,
         'inbox/orders-' || (g % 1000 % 40), 'inbox/orders-' || (g % 1000 % 40), 'inbox/orders.dlq', (ARRAY['rejected','expired','maxlen','delivery_limit'])[1 + g % 1000 % 4],
         'timeout after ' || (g % 1000 % 7) * 100 || ' ms', 'json:{customer,lines,note,orderId,sku}', left(md5('fp' || (g % 1000)), 16), CASE WHEN g % 10 = 0 THEN 'requeued' ELSE 'dead' END,
         0, now() - make_interval(secs => $5::float8 + (g - $7::int) * $6::float8)
       FROM generate_series($3::int, $4::int) g`,
      ids[0],
      ids[1],
      from,
      to,
      endAgoSecs,
      spanSecs,
      first,
    );
    log(`    ${(to - first + 1).toLocaleString("en-US")} of ${n.toLocaleString("en-US")}`);
  }
}

async function sample(fn: () => Promise<unknown>, n: number): Promise<Summary> {
  const times: number[] = [];
  await fn();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return summarize(times);
}

/** The arrivals statement the groups view ran before: every letter of the last 24 h of the groups shown. */
async function scanArrivals(store: Store, fingerprints: string[]): Promise<number> {
  const since = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 23 * 3_600_000);
  const rows = await store.prisma.$queryRawUnsafe<Array<{ fingerprint: string; slots: number[] }>>(
    `SELECT d."fingerprint", array_agg(floor(date_part('epoch', d."captured_at" - $2::timestamptz) / 3600)::int) AS slots
     FROM "dead_letters" d WHERE TRUE AND d."fingerprint" = ANY($1::text[]) AND d."captured_at" >= $2::timestamptz GROUP BY 1`,
    fingerprints,
    since.toISOString(),
  );
  return rows.length;
}

/** `n` letters as a collector stores them, over `groups` cause groups (each batch of 100 spans min(groups, 100) of them). */
function collectorLetters(ids: [string, string], tag: string, n: number, groups: number): NewLetter[] {
  return Array.from({ length: n }, (_, k) => ({
    ...letterOf(ids, tag, k, k % groups),
  }));
}

function letterOf(ids: [string, string], tag: string, k: number, i: number): NewLetter {
  return {
    clusterId: ids[i % 5 === 0 ? 1 : 0],
    clusterName: i % 5 === 0 ? "gh-nats" : "gh-rabbit",
    kind: i % 5 === 0 ? "nats" : "rabbitmq",
    dedupeKey: `${tag}-${k}`,
    source: `inbox/orders-${i % 40}`,
    destination: `inbox/orders-${i % 40}`,
    collectedFrom: "inbox/orders.dlq",
    reason: ["rejected", "expired", "maxlen", "delivery_limit"][i % 4]!,
    messageId: `m-${tag}-${k}`,
    contentType: "application/json",
    payload: new TextEncoder().encode(JSON.stringify({ orderId: i, customer: `cust-${i % 997}`, note: "x".repeat(120) })),
    payloadMissing: null,
    properties: { deliveryMode: 2 },
    headers: { "x-error": `timeout after ${(i % 7) * 100} ms`, "x-tenant": `tenant-${i % 50}` },
    rawHeaders: null,
    redriveCount: 0,
    deaths: [],
    deathCount: 1,
    firstDeathAt: null,
    lastDeathAt: null,
  };
}

/**
 * The collector's insert, batches of 100 through storeLetters, with the hours trigger on and off in
 * alternating short rounds (the machine is shared: a slow spell falls on both modes alike). Returns
 * each mode's median time per batch and letters per second over all its rounds.
 */
async function insertCost(store: Store, ids: [string, string], total: number, groups: number, trigger: string, log: (l: string) => void) {
  const per = 2000;
  const rounds = Math.max(2, Math.floor(total / per));
  const batches = { on: [] as number[], off: [] as number[] };
  const ms = { on: 0, off: 0 };
  // A warm-up round first (caches, the plan of the insert), not counted.
  const warm = collectorLetters(ids, `warm-${randomBytes(3).toString("hex")}`, per, groups);
  for (let i = 0; i < warm.length; i += 100) await storeLetters(store.prisma, warm.slice(i, i + 100));
  for (let r = 0; r < rounds; r++) {
    const mode = r % 2 === 0 ? "off" : "on";
    await store.prisma.$executeRawUnsafe(`ALTER TABLE "dead_letters" ${mode === "on" ? "ENABLE" : "DISABLE"} TRIGGER "${trigger}"`);
    const list = collectorLetters(ids, `ins-${r}-${randomBytes(3).toString("hex")}`, per, groups);
    for (let i = 0; i < list.length; i += 100) {
      const t = performance.now();
      await storeLetters(store.prisma, list.slice(i, i + 100));
      const took = performance.now() - t;
      batches[mode].push(took);
      ms[mode] += took;
    }
  }
  await store.prisma.$executeRawUnsafe(`ALTER TABLE "dead_letters" ENABLE TRIGGER "${trigger}"`);
  const of = (mode: "on" | "off") => ({ batch: summarize(batches[mode]), perSec: (batches[mode].length * 100 * 1000) / ms[mode] });
  const on = of("on");
  const off = of("off");
  log(`    ${rounds} rounds of ${per}: batch of 100 p50 off ${off.batch.p50.toFixed(2)} ms, on ${on.batch.p50.toFixed(2)} ms; letters/s off ${off.perSec.toFixed(0)}, on ${on.perSec.toFixed(0)}`);
  return { on: on.perSec, off: off.perSec, p50On: on.batch.p50, p50Off: off.batch.p50 };
}

async function measure(store: Store, label: string, month: number, burst: number, inserts: number, log: (l: string) => void): Promise<void> {
  const ids = (await Promise.all(
    (
      [
        ["gh-rabbit", "rabbitmq"],
        ["gh-nats", "nats"],
      ] as const
    ).map(async ([name, kind]) => (await store.prisma.cluster.create({ data: { name, kind } })).id),
  )) as [string, string];
  log(`${label}: insert cost, ${inserts.toLocaleString("en-US")} letters in batches of 100 (storeLetters), arriving now`);
  for (const [groups, trigger] of [
    [280, "dead_letters_group_hours_insert"],
    [4, "dead_letters_group_hours_insert"],
    [280, "dead_letters_group_counts_insert"],
  ] as const) {
  log(`${label}: ${trigger} on and off, ${Math.min(groups, 100)} cause groups in each batch of 100`);
  const cost = await insertCost(store, ids, inserts, groups, trigger, log);
  log(`${label}:   trigger off ${cost.off.toFixed(0)} letters/s, on ${cost.on.toFixed(0)} letters/s (${(((cost.off - cost.on) / cost.off) * 100).toFixed(1)} % slower); median batch ${cost.p50Off.toFixed(2)} → ${cost.p50On.toFixed(2)} ms`);
  }
  let t = performance.now();
  log(`${label}: a month of letters (${month.toLocaleString("en-US")}) and a burst in the last hour (${burst.toLocaleString("en-US")})`);
  await fill(store, ids, 1, month, 3600, (30 * 86400) / month, log);
  await fill(store, ids, month + 1, burst, 1, 3500 / burst, log);
  log(`${label}:   filled in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await store.prisma.$executeRawUnsafe(`VACUUM ANALYZE "dead_letters"`);
  await store.prisma.$executeRawUnsafe(`VACUUM ANALYZE "dead_letter_group_counts"`);
  await store.prisma.$executeRawUnsafe(`VACUUM ANALYZE "dead_letter_group_hours"`);
  const sizes = await store.prisma.$queryRawUnsafe<Array<{ letters: bigint; recent: bigint; hours: bigint }>>(
    `SELECT (SELECT count(*) FROM "dead_letters") AS letters, (SELECT count(*) FROM "dead_letters" WHERE "captured_at" >= now() - interval '24 hours') AS recent,
       (SELECT count(*) FROM "dead_letter_group_hours") AS hours`,
  );
  log(`${label}:   ${Number(sizes[0]!.letters).toLocaleString("en-US")} letters, ${Number(sizes[0]!.recent).toLocaleString("en-US")} in the last 24 h, ${Number(sizes[0]!.hours).toLocaleString("en-US")} hour rows`);
  holder.__redriveStore = Promise.resolve(store);
  for (const raw of [{}, { state: "dead" }] as Array<Record<string, string>>) {
    const f = letterFilters.parse(raw);
    const groups = (await listLetterGroups(f)).groups;
    const now = await sample(() => listLetterGroups(f), 20);
    log(`${label}: listLetterGroups ${JSON.stringify(raw)} (${groups.length} groups): p50 ${now.p50.toFixed(1)} ms, p95 ${now.p95.toFixed(1)} ms, max ${now.max.toFixed(1)} ms`);
    if (Object.keys(raw).length === 0) {
      t = performance.now();
      const scan = await sample(() => scanArrivals(store, groups.map((g) => g.fingerprint)), 5);
      log(`${label}:   the per-letter arrivals statement alone: p50 ${scan.p50.toFixed(1)} ms`);
    }
  }
  delete holder.__redriveStore;
}

async function main(): Promise<number> {
  const args = readCli(
    process.argv.slice(2),
    {
      month: { type: "string" },
      burst: { type: "string" },
      "embedded-month": { type: "string" },
      "embedded-burst": { type: "string" },
      "embedded-inserts": { type: "string" },
      "no-postgres": { type: "boolean" },
      inserts: { type: "string" },
      "no-embedded": { type: "boolean" },
    },
    "see the file's header",
    "group-hours bench",
  );
  if (typeof args === "number") return args;
  const month = Number(args.month ?? 965_000);
  const burst = Number(args.burst ?? 805_000);
  const inserts = Number(args.inserts ?? 100_000);
  const log = (l: string) => console.log(l);
  const cleanup = new Cleanup();
  log(`${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}`);
  try {
    if (!args["no-postgres"]) {
      const name = `redrive_bench_gh_${randomBytes(3).toString("hex")}`;
      const db = await createDatabase(name);
      cleanup.add(`database ${name}`, () => dropDatabase(name), true);
      const pgStore = await openStore({ kind: "postgres", url: db.url }, MIGRATIONS);
      cleanup.add("the PostgreSQL store", () => pgStore.close());
      await measure(pgStore, `PostgreSQL ${db.version}`, month, burst, inserts, log);
    }
    if (!args["no-embedded"]) {
      const dir = await mkdtemp(path.join(tmpdir(), "redrive-bench-gh-"));
      cleanup.add("the embedded store's folder", () => rm(dir, { recursive: true, force: true }));
      const store = await openStore({ kind: "embedded", dataDir: dir }, MIGRATIONS);
      cleanup.add("the embedded store", () => store.close());
      await measure(store, "embedded", Number(args["embedded-month"] ?? month), Number(args["embedded-burst"] ?? burst), Number(args["embedded-inserts"] ?? inserts), log);
    }
    log(`load ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}`);
    return 0;
  } finally {
    await cleanup.run(false, log);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
