import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "@/lib/db/open-store";
import { describeError } from "@/lib/errors";
import type { BenchOptions } from "./args";
import { Cleanup } from "./cleanup";
import { BENCH_REDRIVE, dlClusterNames, dlVhost, measureDeadLetters, type DeadLetterFigures } from "./dead-letters";
import { renderCollection, renderRequeue } from "./dead-letters-report";
import { describeMachine, loadAverage } from "./machine";
import { createDatabase, dropDatabase } from "./temp-database";

// `npm run bench -- --bulk-only`: the collection and requeue comparisons alone, each round against
// its baselines. Their two sections replace the same sections of the report file; the rest of the
// file (sweep, API, inbox, load: other runs' figures) stays as it was.

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Replaces the section whose heading starts with one of `headings` (up to the next "## "), or appends it. */
export function replaceSection(markdown: string, headings: string[], section: string[]): string {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => headings.some((h) => l.startsWith(h)));
  if (start < 0) return [...lines, "", ...section, ""].join("\n");
  let end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  if (end < 0) end = lines.length;
  return [...lines.slice(0, start), ...section, "", ...lines.slice(end)].join("\n");
}

export async function runBulkBench(
  options: BenchOptions,
  signal: AbortSignal,
  log: (line: string) => void = console.log,
): Promise<{ figures: DeadLetterFigures; markdown: string; written: string | null }> {
  const id = randomBytes(3).toString("hex");
  const names = { vhost: `bench-${id}`, natsPrefix: `BENCH_${id.toUpperCase()}`, database: `redrive_bench_${id}` };
  const cleanup = new Cleanup();
  const env = { REDRIVE_CONFIG: process.env.REDRIVE_CONFIG, DATABASE_URL: process.env.DATABASE_URL, REDRIVE_LOG_LEVEL: process.env.REDRIVE_LOG_LEVEL };
  const machine = await describeMachine();
  const loadBefore = loadAverage();
  const startedAt = new Date().toISOString();
  const configDir = await mkdtemp(path.join(tmpdir(), "redrive-bench-"));
  cleanup.add("the bench's configuration file", () => rm(configDir, { recursive: true, force: true }));
  const dl = dlClusterNames(id);
  await writeFile(
    path.join(configDir, "redrive.config.json"),
    JSON.stringify({
      clusters: [
        {
          name: dl.rabbit,
          kind: "rabbitmq",
          amqpUrl: "amqp://guest:guest@127.0.0.1:5672",
          managementUrl: "http://127.0.0.1:15672",
          vhosts: [dlVhost(names.vhost)],
        },
        { name: dl.nats, kind: "nats", servers: ["nats://127.0.0.1:4222"] },
      ],
      redrive: BENCH_REDRIVE,
    }),
  );
  process.env.REDRIVE_CONFIG = path.join(configDir, "redrive.config.json");
  process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${names.database}`;
  process.env.REDRIVE_LOG_LEVEL = "warn";
  let figures: DeadLetterFigures | undefined;
  let warnings: string[] = [];
  let failure: unknown;
  try {
    const db = await createDatabase(names.database);
    cleanup.add(`PostgreSQL database "${names.database}"`, () => dropDatabase(names.database), true);
    const store: Store = await openStore({ kind: "postgres", url: db.url }, path.join(ROOT, "prisma/migrations"));
    cleanup.add("the bench's store", () => store.close());
    const r = await measureDeadLetters({
      id,
      vhost: names.vhost,
      natsPrefix: names.natsPrefix,
      store,
      databaseUrl: db.url,
      // No inbox section in a bulk-only run, so no embedded store either.
      embedded: false,
      migrationsDir: path.join(ROOT, "prisma/migrations"),
      sizes: {
        collect: options.collect,
        collectNats: options.collectNats,
        inbox: 0,
        requeue: options.requeue,
        requeueNats: options.requeueNats,
        rounds: options.bulkRounds,
      },
      signal,
      cleanup,
      log,
    });
    figures = r.figures;
    warnings = r.warnings;
  } catch (e) {
    failure = e;
  }
  await cleanup.run(options.keep, log);
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (failure !== undefined || !figures) throw failure instanceof Error ? failure : new Error(describeError(failure));
  const run = [
    `Measured by \`${options.command}\` at ${startedAt} on ${machine.cpus} CPUs (${machine.cpuModel}); load average ${loadBefore} at start, ${loadAverage()} at the end —`,
    "the brokers, PostgreSQL and the bench (which runs the collectors and the job runner in-process) share the machine with other work.",
    ...(warnings.length ? ["", ...warnings.map((w) => `- warning: ${w}`)] : []),
    "",
  ];
  const collection = renderCollection(figures);
  const requeue = renderRequeue(figures);
  const sections = { collection: [collection[0]!, "", ...run, ...collection.slice(2)], requeue: [requeue[0]!, "", ...run, ...requeue.slice(2)] };
  let written: string | null = null;
  if (options.out) {
    written = path.resolve(ROOT, options.out);
    let md = existsSync(written) ? await readFile(written, "utf8") : "# Benchmarks\n";
    md = replaceSection(md, ["## Collection burst", "## Collection ("], sections.collection);
    md = replaceSection(md, ["## Requeue throughput"], sections.requeue);
    await writeFile(written, md);
  }
  return { figures, markdown: [...sections.collection, "", ...sections.requeue].join("\n"), written };
}
