import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { DEFAULT_THRESHOLDS } from "@/lib/config";
import { SAMPLER_LOCK } from "@/lib/db/leader-lock";
import { keptWindowMs } from "@/lib/health/sampler/consumer-windows";
import { openStore, type Store } from "@/lib/db/open-store";
import { describeError } from "@/lib/errors";
import { buildPrivateCopy, startApp } from "../bench/app-server";
import { streamsFor } from "../bench/args";
import { Cleanup } from "../bench/cleanup";
import { fillInbox } from "../bench/dead-letters";
import { waitFor } from "../bench/local";
import { describeMachine, loadAverage, rabbitMemoryMiB } from "../bench/machine";
import { createNatsLoad } from "../bench/nats-load";
import { createRabbitLoad } from "../bench/rabbit-load";
import { percentile } from "../bench/stats";
import { createDatabase, dropDatabase } from "../bench/temp-database";
import type { LoadOptions } from "./args";
import { runAppJob } from "./app-job";
import { machineShares, machineUsage, processTreeUsage, watchApp } from "./app-usage";
import { renderLoad, type Latency, type LoadFigures } from "./report";

// The load run: the app serving an operator's browsing to many clients at once while its own sampler
// sweeps 10,000 queues and 2,000 JetStream consumers and a million letters sit in its inbox. Every
// request is bounded (30 s), every phase is bounded in time, and everything made is removed.

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The app's sampler interval in the load run: the default (lib/config.ts). */
const SAMPLER_INTERVAL_SECONDS = 10;
const REQUEST_TIMEOUT_MS = 30_000;

type Endpoint = { key: string; label: string; path: (ctx: Ctx) => string; weight: number };
type Ctx = { consumerId: string; letterId: string; cursor: string };
type Sample = { key: string; ms: number; ok: boolean; error: string | null };

/** What an operator's browsing asks for, and how often (per 20 requests). */
const ENDPOINTS: Endpoint[] = [
  { key: "overview-consumers", label: "GET /api/overview/consumers", path: () => "/api/overview/consumers", weight: 2 },
  { key: "overview-letters", label: "GET /api/overview/dead-letters", path: () => "/api/overview/dead-letters", weight: 2 },
  { key: "clusters", label: "GET /api/clusters", path: () => "/api/clusters", weight: 1 },
  { key: "consumers", label: "GET /api/consumers?limit=100 (worst first)", path: () => "/api/consumers?limit=100", weight: 2 },
  { key: "consumers-backlog", label: "GET /api/consumers?sort=backlog&limit=100", path: () => "/api/consumers?sort=backlog&limit=100", weight: 1 },
  { key: "consumers-search", label: "GET /api/consumers?q=q-0012&limit=100", path: () => "/api/consumers?q=q-0012&limit=100", weight: 1 },
  { key: "consumer", label: "GET /api/consumers/{id}", path: (c) => `/api/consumers/${c.consumerId}`, weight: 1 },
  { key: "series", label: "GET /api/consumers/{id}/series (last hour)", path: (c) => `/api/consumers/${c.consumerId}/series?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date().toISOString()}`, weight: 1 },
  { key: "letters", label: "GET /api/dead-letters (first page)", path: () => "/api/dead-letters", weight: 2 },
  { key: "letters-page2", label: "GET /api/dead-letters?cursor=… (next page)", path: (c) => `/api/dead-letters?cursor=${encodeURIComponent(c.cursor)}`, weight: 1 },
  { key: "letters-source", label: "GET /api/dead-letters?source=inbox/orders-7", path: () => "/api/dead-letters?source=inbox%2Forders-7", weight: 1 },
  { key: "groups", label: "GET /api/dead-letters/groups", path: () => "/api/dead-letters/groups", weight: 1 },
  { key: "letter", label: "GET /api/dead-letters/{id}", path: (c) => `/api/dead-letters/${c.letterId}`, weight: 2 },
  { key: "jobs", label: "GET /api/jobs", path: () => "/api/jobs", weight: 1 },
  { key: "health", label: "GET /api/health (trivial baseline)", path: () => "/api/health", weight: 1 },
];
const MIX = ENDPOINTS.flatMap((e) => Array.from({ length: e.weight }, () => e));

async function request(url: string, headers: Record<string, string>, e: Endpoint, ctx: Ctx): Promise<Sample> {
  const t = performance.now();
  try {
    const res = await fetch(url + e.path(ctx), { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = await res.text();
    const ms = performance.now() - t;
    if (res.ok) return { key: e.key, ms, ok: true, error: null };
    // The operator's sentence, with what varies (references, timings) blurred so alike errors count once.
    const message = (() => {
      try {
        return (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? "";
      } catch {
        return body.slice(0, 120);
      }
    })();
    return { key: e.key, ms, ok: false, error: `HTTP ${res.status} ${message.replace(/\b[0-9a-f]{8}\b/g, "…").replace(/\d+/g, "N").slice(0, 200)}` };
  } catch (err) {
    return { key: e.key, ms: performance.now() - t, ok: false, error: describeError(err) };
  }
}

/** `clients` loops over the mix (each starting elsewhere in it) until `seconds` have passed. */
/** `headers` carry a signed-in session: every client browses as the console does, its session looked up per request. */
async function browse(url: string, headers: Record<string, string>, ctx: Ctx, clients: number, seconds: number, signal: AbortSignal): Promise<{ samples: Sample[]; wallMs: number }> {
  const samples: Sample[] = [];
  const end = Date.now() + seconds * 1000;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = (c * 7) % MIX.length; Date.now() < end && !signal.aborted; i++) samples.push(await request(url, headers, MIX[i % MIX.length]!, ctx));
    }),
  );
  signal.throwIfAborted();
  return { samples, wallMs: performance.now() - t };
}

function latency(values: number[]): Latency {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: values.length ? Math.max(...values) : Number.NaN };
}

type SweepRow = { name: string; last_sampled_at: Date | null; last_sample_ms: number | null; last_sample_error: string | null };

/** Notes every sweep the app's sampler finishes (the clusters table holds the last one). */
function watchSweeps(store: Store): { phase: string; rows: Array<{ phase: string; cluster: string; ms: number; error: string | null }>; stop(): Promise<void> } {
  const seen = new Map<string, number>();
  const state = { phase: "setup", rows: [] as Array<{ phase: string; cluster: string; ms: number; error: string | null }> };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rows = await store.prisma.$queryRawUnsafe<SweepRow[]>(`SELECT "name", "last_sampled_at", "last_sample_ms", "last_sample_error" FROM "clusters"`).catch(() => []);
      for (const r of rows) {
        const at = r.last_sampled_at?.getTime() ?? 0;
        if (at && seen.get(r.name) !== at) {
          if (seen.has(r.name)) state.rows.push({ phase: state.phase, cluster: r.name, ms: r.last_sample_ms ?? Number.NaN, error: r.last_sample_error });
          seen.set(r.name, at);
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return Object.assign(state, {
    stop: async () => {
      stopped = true;
      await loop;
    },
  });
}

export async function runLoad(options: LoadOptions, signal: AbortSignal, log: (line: string) => void = console.log): Promise<{ figures: LoadFigures; markdown: string; written: string | null }> {
  const started = performance.now();
  const id = randomBytes(3).toString("hex");
  const names = { vhost: `load-${id}`, natsPrefix: `LOAD_${id.toUpperCase()}`, database: `redrive_load_${id}`, rabbit: `load-rabbitmq-${id}`, nats: `load-nats-${id}` };
  const cleanup = new Cleanup();
  const setup: LoadFigures["setup"] = [];
  const warnings: string[] = [];
  const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    signal.throwIfAborted();
    const t = performance.now();
    const v = await fn();
    setup.push({ label, ms: performance.now() - t });
    log(`  ${label}: ${Math.round(performance.now() - t)} ms`);
    return v;
  };
  const machine = await describeMachine();
  log(`redrive load: ${options.queues} queues (vhost ${names.vhost}), ${options.consumers} JetStream consumers (${names.natsPrefix}_*), ${options.letters} letters, ${options.clients} clients for ${options.seconds} s`);
  let result: { figures: LoadFigures; markdown: string; written: string | null } | undefined;
  let failure: unknown;
  try {
    const rabbit = await step(`RabbitMQ: ${options.queues.toLocaleString("en-US")} queues with messages, consumers and a trickle`, () => createRabbitLoad({ vhost: names.vhost, queues: options.queues, signal, cleanup, log }));
    const nats = await step(`JetStream: ${options.consumers.toLocaleString("en-US")} durable consumers on ${streamsFor(options.consumers)} streams`, () =>
      createNatsLoad({ prefix: names.natsPrefix, streams: streamsFor(options.consumers), consumers: options.consumers, signal, cleanup, log }),
    );
    const db = await step("PostgreSQL: temp database", () => createDatabase(names.database));
    cleanup.add(`PostgreSQL database "${names.database}"`, () => dropDatabase(names.database), true);
    const store = await step("PostgreSQL: open the store, apply migrations", () => openStore({ kind: "postgres", url: db.url }, path.join(ROOT, "prisma/migrations")));
    cleanup.add("the load run's store", () => store.close());
    const ids = await Promise.all(
      [
        [names.rabbit, "rabbitmq"],
        [names.nats, "nats"],
      ].map(async ([name, kind]) => (await store.prisma.cluster.create({ data: { name: name!, kind: kind as "rabbitmq" | "nats" } })).id),
    );
    await step(`PostgreSQL: ${options.letters.toLocaleString("en-US")} letters into the inbox (SQL)`, () => fillInbox(store.prisma, [ids[0]!, ids[1]!], options.letters, signal, () => undefined));

    // REDRIVE_LOAD_APP_DIR: serve a private copy built before (kept afterwards), to profile one build many times.
    const prebuilt = process.env.REDRIVE_LOAD_APP_DIR;
    const dir = prebuilt ? prebuilt : await step("the app: next build of a private copy", () => buildPrivateCopy(ROOT, signal));
    if (!prebuilt) cleanup.add("the app's build folder", () => rm(dir, { recursive: true, force: true }));
    const configFile = path.join(dir, "redrive.load.config.json");
    await writeFile(
      configFile,
      JSON.stringify({
        sampler: { intervalSeconds: SAMPLER_INTERVAL_SECONDS },
        clusters: [
          { name: names.rabbit, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [names.vhost] },
          // Capture off: the load run must not make Redrive's capture stream on the shared NATS.
          { name: names.nats, kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { enabled: false } },
        ],
      }),
    );
    const sweeps = watchSweeps(store);
    cleanup.add("the sweep watcher", () => sweeps.stop());
    // REDRIVE_LOAD_CPU_PROF=<folder>: each app process writes a V8 CPU profile there when it stops
    // (summarise with scripts/load/profile-summary.ts).
    // REDRIVE_LOAD_NODE_OPTIONS=<flags>: more Node flags for each app process (e.g. --heapsnapshot-signal=SIGUSR2).
    const profileDir = process.env.REDRIVE_LOAD_CPU_PROF;
    const nodeOptions = [profileDir ? `--cpu-prof --cpu-prof-dir=${path.resolve(profileDir)}` : "", process.env.REDRIVE_LOAD_NODE_OPTIONS ?? ""].filter(Boolean).join(" ");
    const appEnv = { DATABASE_URL: db.url, REDRIVE_CONFIG: configFile, REDRIVE_LOG_LEVEL: "warn", ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
    let app = await step("the app: next start", () => startApp({ dir, root: ROOT, env: appEnv, signal }));
    cleanup.add("the app server", () => app.stop());
    const usage = watchApp(() => app.pid);
    cleanup.add("the app's memory watcher", async () => usage.stop());
    const total = options.queues + options.consumers;
    const sampledFrom = performance.now();
    await step("the app's sampler: first sweep of both clusters", () =>
      waitFor("the first sweeps", () => store.prisma.consumer.count({ where: { goneAt: null } }), (n) => n >= total, 180_000, signal, 1000),
    );

    // Steady state first: the sampler keeps each consumer's samples of the health window and two
    // sweeps more (keptWindowMs), and holds that much only once it has sampled as long;
    // the phases measure the app as it runs for days. A quick run does not wait (the report says so).
    const keptSeconds = keptWindowMs(DEFAULT_THRESHOLDS.windowSeconds * 1000, SAMPLER_INTERVAL_SECONDS * 1000) / 1000;
    const waitMs = keptSeconds * 1000 - (performance.now() - sampledFrom);
    if (!options.quick && waitMs > 0) {
      log(`steady state: waiting ${Math.ceil(waitMs / 1000)} s, until the sampler holds ${keptSeconds} s of samples of every consumer`);
      await sleep(waitMs, undefined, { signal });
    }

    const consumer = await store.prisma.consumer.findFirstOrThrow({ where: { key: { endsWith: "/q-000050" } } }).catch(() => store.prisma.consumer.findFirstOrThrow());
    const firstRes = await fetch(`${app.url}/api/dead-letters`, { headers: app.headers });
    const first = (await firstRes.json()) as { data?: { items: Array<{ id: string }>; nextCursor: string | null }; error?: { message: string } };
    if (!first.data?.items[0]) throw new Error(`the app's first page of letters: HTTP ${firstRes.status} ${first.error?.message ?? "no letters"}`);
    const ctx: Ctx = { consumerId: consumer.id, letterId: first.data.items[0]!.id, cursor: first.data.nextCursor ?? "" };
    /** Runs a phase, noting the app's CPU time over it and who else used the machine meanwhile. */
    const phase = async <T extends { samples: Sample[] }>(name: string, run: () => Promise<T>): Promise<T & { cpuMs: number; shares: Record<string, number> }> => {
      sweeps.phase = name;
      usage.phase = name;
      const machineBefore = machineUsage();
      const before = processTreeUsage(app.pid);
      const r = await run();
      const after = processTreeUsage(app.pid);
      const machineAfter = machineUsage();
      const cpuMs = before && after ? after.cpuMs - before.cpuMs : Number.NaN;
      return { ...r, cpuMs, shares: machineBefore && machineAfter ? machineShares(machineBefore, machineAfter, cpuMs) : {} };
    };

    log(`baseline: 1 client for ${options.baselineSeconds} s`);
    const base = await phase("baseline", () => browse(app.url, app.headers, ctx, 1, options.baselineSeconds, signal));
    log(`load: ${options.clients} clients for ${options.seconds} s`);
    const load = await phase("load", () => browse(app.url, app.headers, ctx, options.clients, options.seconds, signal));
    // What each endpoint costs the app: the same request 20 times in a row, one client, sampler running.
    log("cost: each endpoint 20 times in a row, one client");
    const costs: NonNullable<LoadFigures["costs"]> = [];
    for (const e of ENDPOINTS) {
      const r = await phase(`cost:${e.key}`, async () => {
        const samples: Sample[] = [];
        for (let i = 0; i < 20; i++) samples.push(await request(app.url, app.headers, e, ctx));
        return { samples };
      });
      costs.push({ key: e.key, label: e.label, n: r.samples.length, p50: percentile(r.samples.map((x) => x.ms), 50), cpuMs: r.cpuMs / r.samples.length });
    }

    // The app's memory through a requeue job: started through /api/jobs as an operator starts it,
    // run by the app's own runner while it keeps sampling, its letters beside the inbox's million.
    const inboxLetters = await store.prisma.deadLetter.count();
    log(`job: a requeue job of ${options.jobLetters.toLocaleString("en-US")} letters run by the app, sampling on`);
    sweeps.phase = "job";
    usage.phase = "job";
    const sampledSeconds = (performance.now() - sampledFrom) / 1000;
    const job = { ...(await runAppJob({ app, store, clusterId: ids[0]!, clusterName: names.rabbit, vhost: names.vhost, n: options.jobLetters, signal, log })), sampledSeconds, keptSeconds };
    log(`  ${Math.round(job.letters / (job.ms / 1000))}/s, app RSS ${Math.round(job.rssBeforeMiB)} → peak ${Math.round(job.peakRssMiB)} MiB`);

    // The same load with sampling paused: the app restarted while this run holds the sampler's
    // leader lock, so it serves as a replica that is not the leader (reads only, no sweeps).
    log(`paused: the app without sampling, ${options.clients} clients for ${options.seconds} s`);
    sweeps.phase = "restart";
    usage.phase = "restart";
    await app.stop();
    const lock = new pg.Client({ connectionString: db.url });
    await lock.connect();
    cleanup.add("the sampler lock held for the paused phase", () => lock.end());
    // The stopped app's session ends a moment after its process: try for a few seconds.
    let held = false;
    for (let i = 0; i < 20 && !held; i++) {
      held = (await lock.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [SAMPLER_LOCK])).rows[0]?.ok === true;
      if (!held) await new Promise((r) => setTimeout(r, 500));
    }
    if (!held) warnings.push("the sampler lock was still held when the paused phase began: the app may have swept during it");
    app = await startApp({ dir, root: ROOT, env: appEnv, signal });
    await fetch(`${app.url}/api/clusters`, { headers: app.headers }).then((r) => r.arrayBuffer());
    const paused = await phase("paused", () => browse(app.url, app.headers, ctx, options.clients, options.seconds, signal));
    sweeps.phase = "after";
    usage.phase = "after";
    const memory = await rabbitMemoryMiB();

    const errorsSeen = [...new Set(load.samples.concat(base.samples, paused.samples).filter((s) => s.error).map((s) => `${s.key}: ${s.error}`))].slice(0, 10);
    const sweepFigures = (phase: string) => {
      const rows = sweeps.rows.filter((r) => r.phase === phase);
      const byCluster = (name: string) => rows.filter((r) => r.cluster === name);
      const fig = (rs: typeof rows) => ({ n: rs.length, p50: percentile(rs.map((r) => r.ms), 50), max: rs.length ? Math.max(...rs.map((r) => r.ms)) : Number.NaN, errors: rs.filter((r) => r.error).length });
      return { rabbit: fig(byCluster(names.rabbit)), nats: fig(byCluster(names.nats)) };
    };
    const figures: LoadFigures = {
      date: machine.date,
      command: options.command,
      machine: { cpus: machine.cpus, cpuModel: machine.cpuModel, memoryGiB: machine.memoryGiB, loadAverageStart: machine.loadAverage, loadAverageEnd: loadAverage(), node: machine.node, rabbitmq: machine.rabbitmq, rabbitMemoryMiB: memory },
      sizes: { queues: options.queues, consumers: options.consumers, natsConsumersSwept: nats.before.consumers + options.consumers, letters: inboxLetters, clients: options.clients, seconds: options.seconds, baselineSeconds: options.baselineSeconds, rabbitMessages: rabbit.messages },
      endpoints: ENDPOINTS.map((e) => {
        const b = base.samples.filter((s) => s.key === e.key);
        const l = load.samples.filter((s) => s.key === e.key);
        return {
          key: e.key,
          label: e.label,
          baseline: { ...latency(b.map((s) => s.ms)), errors: b.filter((s) => !s.ok).length },
          load: { ...latency(l.map((s) => s.ms)), errors: l.filter((s) => !s.ok).length },
        };
      }),
      totals: {
        baseline: { n: base.samples.length, perSecond: base.samples.length / (base.wallMs / 1000), errors: base.samples.filter((s) => !s.ok).length, all: latency(base.samples.map((s) => s.ms)) },
        load: { n: load.samples.length, perSecond: load.samples.length / (load.wallMs / 1000), errors: load.samples.filter((s) => !s.ok).length, all: latency(load.samples.map((s) => s.ms)) },
      },
      sweeps: { baseline: sweepFigures("baseline"), load: sweepFigures("load"), paused: sweepFigures("paused") },
      paused: {
        endpoints: ENDPOINTS.map((e) => {
          const l = paused.samples.filter((s) => s.key === e.key);
          return { key: e.key, load: { ...latency(l.map((s) => s.ms)), errors: l.filter((s) => !s.ok).length } };
        }),
        total: { n: paused.samples.length, perSecond: paused.samples.length / (paused.wallMs / 1000), errors: paused.samples.filter((s) => !s.ok).length, all: latency(paused.samples.map((s) => s.ms)) },
      },
      app: {
        cpuMsPerRequest: { baseline: base.cpuMs / base.samples.length, load: load.cpuMs / load.samples.length, paused: paused.cpuMs / paused.samples.length },
        cpuShare: { baseline: base.cpuMs / base.wallMs, load: load.cpuMs / load.wallMs, paused: paused.cpuMs / paused.wallMs },
        peakRssMiB: { baseline: usage.peakRss("baseline") / 2 ** 20, load: usage.peakRss("load") / 2 ** 20, paused: usage.peakRss("paused") / 2 ** 20 },
        machineShares: { baseline: base.shares, load: load.shares, paused: paused.shares },
      },
      costs,
      job,
      setup,
      errorsSeen,
      warnings,
      totalMs: 0,
    };
    result = { figures, markdown: "", written: null };
  } catch (e) {
    failure = e;
  }
  log("cleanup: removing everything the load run made");
  const cleaned = await cleanup.run(false, log);
  for (const c of cleaned) if (c.error) warnings.push(`cleanup of ${c.label} failed: ${c.error}`);
  if (failure !== undefined || !result) throw failure instanceof Error ? failure : new Error(describeError(failure));
  result.figures.totalMs = performance.now() - started;
  result.markdown = renderLoad(result.figures).join("\n") + "\n";
  if (options.out) {
    const out = path.resolve(ROOT, options.out);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(result.figures, null, 2) + "\n");
    result.written = out;
  }
  return result;
}
