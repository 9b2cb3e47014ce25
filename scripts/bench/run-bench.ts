import { randomBytes } from "node:crypto";
import { measureScaleOut, scaleOutMarkdown } from "./scale-out";
import { measureStorage, storageMarkdown } from "./storage";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { openStore, type Store } from "@/lib/db/open-store";
import { describeError } from "@/lib/errors";
import type { BenchOptions } from "./args";
import { Cleanup } from "./cleanup";
import { mgmtExists } from "./local";
import { BENCH_REDRIVE, dlClusterNames, dlVhost, inboxDatabase, measureDeadLetters } from "./dead-letters";
import { describeMachine, loadAverage, rabbitMemoryMiB } from "./machine";
import { measureApp } from "./measure-app";
import { connectNats, createNatsLoad, streamsWithPrefix } from "./nats-load";
import { createRabbitLoad, rabbitShape } from "./rabbit-load";
import { renderMarkdown, type BenchReport } from "./report";
import { createBenchSampler, measureRounds } from "./sweep";
import { measureTimeLag } from "./time-lag";
import { createDatabase, databaseExists, dropDatabase } from "./temp-database";
import { columnsOf, probePages } from "./walks";
import { runLoad } from "../load/run-load";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export type BenchRun = { report: BenchReport; markdown: string; written: string | null };

/** What is left of a run's objects on the brokers and PostgreSQL (empty when all is gone). */
export async function findLeftovers(names: BenchReport["names"]): Promise<string[]> {
  const left: string[] = [];
  for (const vhost of [names.vhost, dlVhost(names.vhost)]) {
    if (await mgmtExists(`/api/vhosts/${encodeURIComponent(vhost)}`)) left.push(`RabbitMQ vhost "${vhost}"`);
  }
  const nc = await connectNats("redrive-bench-check");
  try {
    const streams = await streamsWithPrefix(await jetstreamManager(nc), `${names.natsPrefix}_`);
    if (streams.length) left.push(`JetStream streams ${streams.join(", ")}`);
  } finally {
    await nc.close();
  }
  for (const name of [names.database, inboxDatabase(names.database)]) if (await databaseExists(name)) left.push(`PostgreSQL database "${name}"`);
  return left;
}

/**
 * The whole bench: make the load, sweep it, walk it, serve it, clean it up. Everything it made is
 * removed in `finally` (unless `keep`), also when a step fails or `signal` aborts (Ctrl-C).
 */
export async function runBench(options: BenchOptions, signal: AbortSignal, log: (line: string) => void = console.log): Promise<BenchRun> {
  const started = performance.now();
  const id = randomBytes(3).toString("hex");
  const names = { vhost: `bench-${id}`, natsPrefix: `BENCH_${id.toUpperCase()}`, database: `redrive_bench_${id}` };
  const cleanup = new Cleanup();
  const warnings: string[] = [];
  const setup: BenchReport["setup"] = [];
  const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    signal.throwIfAborted();
    const t = performance.now();
    const v = await fn();
    setup.push({ label, ms: performance.now() - t });
    return v;
  };

  const machine = await describeMachine();
  log(`redrive bench: ${options.queues} queues in vhost ${names.vhost}, ${options.consumers} JetStream consumers on ${options.streams} streams ${names.natsPrefix}_*, database ${names.database}`);
  let partial: Omit<BenchReport, "cleanup" | "leftovers" | "totalMs" | "loadAverageAfter" | "loadRun"> | undefined;
  let failure: unknown;
  let stopTraffic = () => {};
  // The lib functions the dead-letter sections call in-process (startJob, listLetters) read the
  // process configuration: the bench's own, set before anything reads and caches it.
  const env = { REDRIVE_CONFIG: process.env.REDRIVE_CONFIG, DATABASE_URL: process.env.DATABASE_URL, REDRIVE_LOG_LEVEL: process.env.REDRIVE_LOG_LEVEL };
  const configDir = await mkdtemp(path.join(tmpdir(), "redrive-bench-"));
  cleanup.add("the bench's configuration file", () => rm(configDir, { recursive: true, force: true }));
  const dl = dlClusterNames(id);
  await writeFile(
    path.join(configDir, "redrive.config.json"),
    JSON.stringify({
      clusters: [
        { name: `bench-rabbitmq-${id}`, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [names.vhost] },
        { name: `bench-nats-${id}`, kind: "nats", servers: ["nats://127.0.0.1:4222"] },
        { name: dl.rabbit, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [dlVhost(names.vhost)] },
        { name: dl.nats, kind: "nats", servers: ["nats://127.0.0.1:4222"] },
      ],
      redrive: BENCH_REDRIVE,
    }),
  );
  process.env.REDRIVE_CONFIG = path.join(configDir, "redrive.config.json");
  process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${names.database}`;
  process.env.REDRIVE_LOG_LEVEL = "warn";
  try {
    signal.throwIfAborted();
    const rabbit = await createRabbitLoad({ vhost: names.vhost, queues: options.queues, signal, cleanup, log });
    stopTraffic = rabbit.stopTraffic;
    const rt = rabbit.timings;
    setup.push(
      { label: "RabbitMQ: vhost and permissions", ms: rt.vhostMs },
      { label: `RabbitMQ: declare ${options.queues.toLocaleString("en-US")} queues (nowait, 16 channels) — ${Math.round(options.queues / (rt.declareMs / 1000))} queues/s`, ms: rt.declareMs },
      { label: `RabbitMQ: publish ${rabbit.messages.toLocaleString("en-US")} messages (confirmed)`, ms: rt.publishMs },
      { label: `RabbitMQ: start ${rabbit.consumers} consumers`, ms: rt.consumersMs },
      { label: "RabbitMQ: wait for the management stats to show them", ms: rt.settleMs },
    );
    log(`  rabbitmq: ready (${Math.round(rt.declareMs)} ms to declare ${options.queues} queues)`);
    const nats = await createNatsLoad({ prefix: names.natsPrefix, streams: options.streams, consumers: options.consumers, signal, cleanup, log });
    const stopRabbit = stopTraffic;
    stopTraffic = () => (stopRabbit(), nats.stopTraffic());
    setup.push(
      { label: `JetStream: ${options.streams} memory streams`, ms: nats.timings.streamsMs },
      { label: `JetStream: ${options.consumers.toLocaleString("en-US")} durable pull consumers (32 at a time)`, ms: nats.timings.consumersMs },
      { label: "JetStream: publish, fetch and ack", ms: nats.timings.publishMs },
    );
    log(`  nats: ready (${nats.before.streams} streams / ${nats.before.consumers} consumers existed before)`);

    const db = await step("PostgreSQL: temp database", () => createDatabase(names.database));
    cleanup.add(`PostgreSQL database "${names.database}"`, () => dropDatabase(names.database), true);
    const store: Store = await step("PostgreSQL: open the store, apply migrations", () => openStore({ kind: "postgres", url: db.url }, path.join(ROOT, "prisma/migrations")));
    cleanup.add("the bench's store", () => store.close());
    const bench = await createBenchSampler({ store, databaseUrl: db.url, id, vhost: names.vhost, intervalMs: options.tickIntervalMs });
    cleanup.add("the bench's sampler and broker connections", () => bench.close());
    const memory = await rabbitMemoryMiB();

    log(`sweeps: 1 warm-up + ${options.rounds} rounds, ticks ${options.tickIntervalMs / 1000} s apart`);
    const rounds = await measureRounds({ bench, vhost: names.vhost, queues: options.queues, rounds: options.rounds, intervalMs: options.tickIntervalMs, signal, log });
    const queuePaths = bench.rabbitPaths.filter((p) => p.startsWith("/api/queues/"));
    const columns = columnsOf(queuePaths[0]);
    log("pages: one page of 500 by query shape");
    const pages = columns ? await probePages(names.vhost, options.queues, columns) : null;
    const [consumers, samples] = await Promise.all([store.prisma.consumer.count({ where: { goneAt: null } }), store.prisma.consumerSample.count()]);

    const app = options.api
      ? await measureApp({ root: ROOT, bench, store, databaseUrl: db.url, queues: options.queues, requests: options.apiRequests, signal, cleanup, log })
      : { api: null, apiNote: "--no-api", build: null };
    if (app.apiNote?.startsWith("failed")) warnings.push(`/api/consumers was not measured: ${app.apiNote}`);
    // After the API figures: its sweeps add two clusters of rows the consumer list would count.
    log("time lag: the JetStream load swept with time lag off and on (round 0: cold cache)");
    const timeLag = await measureTimeLag({ store, id, rounds: options.quick ? 2 : 4, intervalMs: options.tickIntervalMs, signal, log }).catch((e: unknown) => {
      if (signal.aborted) throw e;
      warnings.push(`time lag was not measured: ${describeError(e)}`);
      return null;
    });
    // The sweep and the API are measured: the trickle stops so it does not share the machine with the dead-letter figures.
    stopTraffic();
    const deadLetters = options.deadLetters
      ? await measureDeadLetters({
          id,
          vhost: names.vhost,
          natsPrefix: names.natsPrefix,
          store,
          databaseUrl: db.url,
          sizes: { collect: options.collect, collectNats: options.collectNats, inbox: options.inbox, requeue: options.requeue, requeueNats: options.requeueNats, rounds: options.bulkRounds },
          embedded: options.embedded,
          migrationsDir: path.join(ROOT, "prisma/migrations"),
          signal,
          cleanup,
          log,
        })
      : null;
    if (deadLetters) warnings.push(...deadLetters.warnings);
    // Failed sweeps are listed per round below; the sampler's own line for them would repeat it.
    warnings.push(...bench.warnings.filter((w) => !w.startsWith("sampler: sweep failed")));
    for (const r of rounds) {
      for (const [what, err] of [["RabbitMQ sweep", r.rabbit.error], ["NATS sweep", r.nats.error], ["plain walk", r.plain.error], ["walk with columns", r.columns.error], ["NATS listers", r.natsWalk.error]] as const) {
        if (err) warnings.push(`round ${r.round}: ${what} failed: ${err}`);
      }
    }
    partial = {
      options,
      names,
      machine,
      versions: { nats: nats.serverVersion, postgres: db.version },
      before: { natsStreams: nats.before.streams, natsConsumers: nats.before.consumers },
      load: {
        queues: options.queues,
        messages: rabbit.messages,
        rabbitConsumers: rabbit.consumers,
        busyQueues: Array.from({ length: options.queues }, (_, i) => i).filter(rabbitShape.busy).length,
        streams: options.streams,
        natsConsumers: options.consumers,
      },
      setup,
      rabbitMemoryMiB: memory,
      rounds,
      pages,
      redriveQuery: queuePaths[0]?.replace(/columns=[^&]*/, "columns=…") ?? null,
      store: { consumers, samples },
      ...app,
      deadLetters: deadLetters?.figures ?? null,
      timeLag,
      warnings,
    };
  } catch (e) {
    failure = e;
  } finally {
    stopTraffic();
    log(options.keep ? "cleanup: closing connections, keeping the load (--keep)" : "cleanup: removing everything the bench made");
  }
  const cleaned = await cleanup.run(options.keep, log);
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const leftovers = options.keep ? cleanup.leftovers() : await findLeftovers(names).catch((e: unknown) => [`could not check: ${describeError(e)}`]);
  if (failure !== undefined || !partial) {
    if (leftovers.length) log(`left behind: ${leftovers.join("; ")}`);
    throw failure instanceof Error ? failure : new Error(describeError(failure));
  }
  // The load run makes its own load (the bench's is gone by now), so its figures and baselines stand alone.
  let loadRun: BenchReport["loadRun"] = null;
  if (options.load) {
    log("load: the built app sampling its own load while concurrent clients browse");
    loadRun = await runLoad(
      { queues: options.queues, consumers: options.consumers, letters: options.inbox, jobLetters: options.requeue, clients: options.loadClients, seconds: options.loadSeconds, baselineSeconds: 30, quick: false, out: options.out ? "docs/figures/load.json" : null, command: options.command },
      signal,
      log,
    ).then(
      (r) => r.figures,
      (e: unknown) => {
        if (signal.aborted) throw e;
        partial?.warnings.push(`the load run failed: ${describeError(e)}`);
        return null;
      },
    );
  }
  // Storage and scale-out make their own database, vhosts and processes, after the rest has cleaned up.
  const sections: string[] = [];
  if (options.storage) {
    log("storage: sample rows written the way the sampler writes them, bytes on disk per consumer-day");
    sections.push(await measureStorage({ id, consumers: options.storageConsumers, hours: options.storageHours, log }).then(storageMarkdown, (e: unknown) => `### Sample storage

not measured: ${describeError(e)}`));
  }
  if (options.scaleOut) {
    log("scale-out: 2 replicas × 4 clusters");
    sections.push(await measureScaleOut({ id, queuesPerCluster: options.scaleOutQueues, log }).then(scaleOutMarkdown, (e: unknown) => `### Scale-out

not measured: ${describeError(e)}`));
  }
  const report: BenchReport = { ...partial, loadRun, cleanup: cleaned, leftovers, totalMs: performance.now() - started, loadAverageAfter: loadAverage() };
  const markdown = [renderMarkdown(report), ...sections].join("\n\n");
  let written: string | null = null;
  if (options.out) {
    written = path.resolve(ROOT, options.out);
    if (!existsSync(path.dirname(written))) await mkdir(path.dirname(written), { recursive: true });
    await writeFile(written, markdown);
  }
  return { report, markdown, written };
}
