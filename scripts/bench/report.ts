import type { ApiFigures, KindFigures } from "./api-latency";
import { KIND_LABELS } from "./api-latency";
import type { BenchOptions } from "./args";
import type { CleanupStep } from "./cleanup";
import type { DeadLetterFigures } from "./dead-letters";
import { renderDeadLetters } from "./dead-letters-report";
import type { Machine } from "./machine";
import { bytes, int, ms, ratio, summarize, type Summary } from "./stats";
import type { Round } from "./sweep";
import type { PageProbe } from "./walks";
import { renderLoad, type LoadFigures } from "../load/report";
import { timeLagMarkdown, type TimeLagFigures } from "./time-lag";

export type BenchReport = {
  options: BenchOptions;
  names: { vhost: string; natsPrefix: string; database: string };
  machine: Machine;
  versions: { nats: string; postgres: string };
  before: { natsStreams: number; natsConsumers: number };
  load: { queues: number; messages: number; rabbitConsumers: number; busyQueues: number; streams: number; natsConsumers: number };
  setup: Array<{ label: string; ms: number }>;
  rabbitMemoryMiB: number | null;
  rounds: Round[];
  pages: PageProbe[] | null;
  /** Redrive's queue-page request, columns elided. */
  redriveQuery: string | null;
  store: { consumers: number; samples: number };
  build: { ms: number } | null;
  api: ApiFigures | null;
  apiNote: string | null;
  /** Collection burst, inbox at scale, requeue throughput; null with --no-dead-letters. */
  deadLetters: DeadLetterFigures | null;
  /** Sweeps of the JetStream load with time lag off and on (`npm run bench:time-lag` runs this alone). */
  timeLag: TimeLagFigures | null;
  /** The load run (also `npm run load`); null with --no-load or --quick. */
  loadRun: LoadFigures | null;
  cleanup: CleanupStep[];
  leftovers: string[];
  warnings: string[];
  totalMs: number;
  loadAverageAfter: string;
};

type Col = { median: number; max: number; requests: number; failed: number; n: number };
type Measure = { ms: number; requests: number; error: string | null };

function col(rounds: Round[], pick: (r: Round) => Measure): Col {
  const ok = rounds.filter((r) => !pick(r).error);
  const s = summarize(ok.map((r) => pick(r).ms));
  return { median: s.p50, max: s.max, requests: summarize(ok.map((r) => pick(r).requests)).p50, failed: rounds.length - ok.length, n: rounds.length };
}

const cell = (c: Col) => `${ms(c.median)} | ${ms(c.max)} | ${int(c.requests)} | ${c.failed ? `**${c.failed} of ${c.n}**` : "0"}`;
const lat = (s: Summary) => `${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)}`;

function sweepTable(r: BenchReport): string[] {
  const measured = r.rounds.filter((x) => !x.warmup);
  const rabbit = col(measured, (x) => x.rabbit);
  const rabbitRead = col(measured, (x) => ({ ...x.rabbit, ms: x.rabbit.readMs }));
  const nats = col(measured, (x) => x.nats);
  const natsRead = col(measured, (x) => ({ ...x.nats, ms: x.nats.readMs }));
  const plain = col(measured, (x) => x.plain);
  const columns = col(measured, (x) => x.columns);
  const lister = col(measured, (x) => x.natsWalk);
  const tick = col(measured, (x) => ({ ms: x.tickMs, requests: x.rabbit.requests + x.nats.requests, error: x.rabbit.error ?? x.nats.error }));
  const walks = col(measured, (x) => ({ ms: x.plain.ms + x.natsWalk.ms, requests: x.plain.requests + x.natsWalk.requests, error: x.plain.error ?? x.natsWalk.error }));
  const q = int(r.load.queues);
  const natsCount = int(measured[0]?.nats.consumers ?? Number.NaN);
  const row = (a: string, ac: Col, b: string, bc: Col) => `| ${a} | ${cell(ac)} | ${b} | ${cell(bc)} | ${ratio(ac.median, bc.median)} |`;
  const lines = [
    "| Redrive | median | max | requests | failed | baseline | median | max | requests | failed | ratio |",
    "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    row(`RabbitMQ sweep, ${q} queues`, rabbit, "plain walk, every column", plain),
    row(`RabbitMQ sweep, ${q} queues`, rabbit, "plain walk with Redrive's `columns=`", columns),
    row("– its broker reads only", rabbitRead, "plain walk with Redrive's `columns=`", columns),
    row(`NATS sweep, ${natsCount} consumers`, nats, "JetStream client listers", lister),
    row("– its broker reads only", natsRead, "JetStream client listers", lister),
    row("whole tick (both clusters at once, lock, retention)", tick, "plain RabbitMQ walk + NATS listers, one after the other", walks),
  ];
  const first = r.rounds.find((x) => x.warmup);
  if (first) {
    const e = (m: Measure) => (m.error ? " (failed)" : "");
    lines.push(
      `| first sweep into an empty store (warm-up): RabbitMQ | ${ms(first.rabbit.ms)}${e(first.rabbit)} | | ${first.rabbit.requests} | | | | | | | |`,
      `| first sweep into an empty store (warm-up): NATS | ${ms(first.nats.ms)}${e(first.nats)} | | ${first.nats.requests} | | | | | | | |`,
    );
  }
  const slowest = (pick: (x: Round) => number) => ms(Math.max(...measured.map(pick).filter(Number.isFinite)));
  const spread = (pick: (x: Round) => Measure) => {
    const v = measured.filter((x) => !pick(x).error).map((x) => pick(x).ms);
    return v.length ? `${ms(Math.min(...v))}–${ms(Math.max(...v))}` : "–";
  };
  lines.push(
    "",
    `Slowest single management request over the measured rounds: Redrive's sweep ${slowest((x) => x.rabbit.slowestMs)},` +
      ` plain walk ${slowest((x) => x.plain.slowestMs)}, with \`columns=\` ${slowest((x) => x.columns.slowestMs)}. Failed runs are left out of the medians; see Notes.`,
    "",
    `Spread over the measured rounds (min–max; the management API shares the machine with everything else): RabbitMQ sweep ${spread((x) => x.rabbit)},` +
      ` plain walk ${spread((x) => x.plain)}, with \`columns=\` ${spread((x) => x.columns)}; NATS sweep ${spread((x) => x.nats)}.`,
  );
  return lines;
}

function pagesTable(r: BenchReport): string[] {
  if (!r.pages?.length) return [];
  const n = r.pages[0]!.pagesMs.length;
  const pages = n === 1 ? ["page 1"] : n === 2 ? ["page 1", "last page"] : ["page 1", "middle page", "last page"];
  return [
    `Where the RabbitMQ time goes — one page of 500 queues by query (\`GET /api/queues/<vhost>?page=N&page_size=500&…\`), each once, after the rounds. Redrive sends \`${r.redriveQuery ?? "?"}\`.`,
    "",
    `| extra query | ${pages.join(" | ")} | response |`,
    `| --- | ${pages.map(() => "---:").join(" | ")} | ---: |`,
    ...r.pages.map((p) => `| \`${p.query}\` | ${p.pagesMs.map(ms).join(" | ")} | ${bytes(p.bytes)} |`),
  ];
}

/** Where each measured RabbitMQ sweep's time went, from the sweep's own step timings. */
function stepsTable(r: BenchReport): string[] {
  const measured = r.rounds.filter((x) => !x.warmup && !x.rabbit.error && x.rabbit.steps);
  if (!measured.length) return [];
  const keys = Object.keys(measured[0]!.rabbit.steps!) as Array<keyof NonNullable<Round["rabbit"]["steps"]>>;
  const median = (pick: (x: Round) => number) => ms(summarize(measured.map(pick)).p50);
  return [
    "Where the RabbitMQ sweep's time goes, median over the measured rounds (the sweep's own step timings; `read` is the broker listing, the rest is the store's reads, deriving and writing):",
    "",
    `| ${keys.join(" | ")} | above the reads | samples written | rows written |`,
    `| ${keys.map(() => "---:").join(" | ")} | ---: | ---: | ---: |`,
    `| ${keys.map((k) => median((x) => x.rabbit.steps![k])).join(" | ")} | ${median((x) => x.rabbit.ms - x.rabbit.steps!.read)} | ${int(summarize(measured.map((x) => x.rabbit.written?.samples ?? 0)).p50)} | ${int(summarize(measured.map((x) => x.rabbit.written?.rows ?? 0)).p50)} |`,
  ];
}

function roundsTable(r: BenchReport): string[] {
  const w = (x: { ms: number; requests: number; error: string | null }) => `${ms(x.ms)} / ${x.requests} req${x.error ? " (failed)" : ""}`;
  return [
    "| round | tick | RabbitMQ sweep (reads) | requests | NATS sweep (reads) | requests | plain walk | with columns | NATS listers |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...r.rounds.map(
      (x) =>
        `| ${x.round}${x.warmup ? " (warm-up)" : ""} | ${ms(x.tickMs)} | ${ms(x.rabbit.ms)} (${ms(x.rabbit.readMs)})${x.rabbit.error ? " failed" : ""} | ${x.rabbit.requests} | ${ms(x.nats.ms)} (${ms(x.nats.readMs)})${x.nats.error ? " failed" : ""} | ${x.nats.requests} | ${w(x.plain)} | ${w(x.columns)} | ${w(x.natsWalk)} |`,
    ),
  ];
}

function apiTables(api: ApiFigures): string[] {
  const local = new Map<string, KindFigures>((api.inProcess ?? []).map((k) => [k.kind, k]));
  const lines = [
    `Sequential, one request at a time (${api.sequential.reduce((a, k) => a + k.latency.n, 0)} requests, after one warm-up request per kind):`,
    "",
    "| request | n | p50 | p95 | max | response | items | same query in-process, p50 | HTTP ÷ in-process |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...api.sequential.map((k) => {
      const l = local.get(k.kind);
      return `| ${KIND_LABELS[k.kind]} | ${k.latency.n} | ${lat(k.latency)} | ${bytes(k.bytesP50)} | ${int(k.itemsP50)} | ${l ? ms(l.latency.p50) : "–"} | ${l ? ratio(k.latency.p50, l.latency.p50) : "–"} |`;
    }),
    `| baseline: GET /api/health (framework + SELECT 1 + cluster states) | ${api.health.n} | ${lat(api.health)} | | | | |`,
    `| baseline: SELECT 1 through the same store (Prisma, pg pool) | ${api.select1.n} | ${lat(api.select1)} | | | | |`,
    "",
    `${api.concurrent.workers} at a time (${api.concurrent.all.n} requests in ${ms(api.concurrent.wallMs)}, ${(api.concurrent.all.n / (api.concurrent.wallMs / 1000)).toFixed(1)} requests/s):`,
    "",
    "| request | n | p50 | p95 | max | p50 ÷ sequential p50 |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...api.concurrent.perKind.map((k) => {
      const seq = api.sequential.find((s) => s.kind === k.kind);
      return `| ${KIND_LABELS[k.kind]} | ${k.latency.n} | ${lat(k.latency)} | ${seq ? ratio(k.latency.p50, seq.latency.p50) : "–"} |`;
    }),
    `| all | ${api.concurrent.all.n} | ${lat(api.concurrent.all)} | |`,
  ];
  if (api.inProcessNote) lines.push("", api.inProcessNote);
  return lines;
}

export function renderMarkdown(r: BenchReport): string {
  const m = r.machine;
  const o = r.options;
  const setupMs = r.setup.reduce((a, s) => a + s.ms, 0);
  const out: string[] = [
    "# Benchmarks",
    "",
    "The consumer-health sweep and `/api/consumers` under load, dead-letter collection, the inbox at scale and requeue throughput, measured by `npm run bench` (`scripts/bench/`).",
    "Timings are wall-clock (`performance.now()`), printed and never asserted; every baseline ran in the same run.",
    "",
    `- **Date:** ${m.date}`,
    `- **Command:** \`${o.command}\` (= \`node --conditions=react-server --import tsx scripts/bench/index.ts\`)`,
    `- **Machine:** ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB memory (${m.freeGiB.toFixed(1)} GiB free at start); load average ${m.loadAverage} at start, ${r.loadAverageAfter} at the end — brokers, PostgreSQL, the bench and the app share it`,
    `- **Software:** Node ${m.node}; RabbitMQ ${m.rabbitmq} (Erlang ${m.erlang}); NATS ${r.versions.nats}; PostgreSQL ${r.versions.postgres} — all on 127.0.0.1`,
    `- **Load made by the bench:** ${int(r.load.queues)} classic transient queues in vhost \`${r.names.vhost}\` (${int(r.load.messages)} messages, ${r.load.rabbitConsumers} consumers, ${r.load.busyQueues} of them on busy queues fed 2 msg/s); ${int(r.load.natsConsumers)} durable pull consumers on ${r.load.streams} memory streams \`${r.names.natsPrefix}_*\` (20 messages each, 1 msg/s trickle, 3 unacked per stream)`,
    `- **Already on the brokers:** RabbitMQ ${int(m.rabbitQueuesBefore)} queues elsewhere (not swept: the bench cluster is scoped to its vhost); JetStream ${r.before.natsStreams} streams / ${r.before.natsConsumers} consumers (swept too: JetStream listing covers the whole account)`,
    `- **RabbitMQ memory** with the load: ${r.rabbitMemoryMiB === null ? "unknown" : `${int(r.rabbitMemoryMiB)} MiB`}`,
    "",
    "## Setup",
    "",
    "| step | time |",
    "| --- | ---: |",
    ...r.setup.map((s) => `| ${s.label} | ${ms(s.ms)} |`),
    `| **total** | **${ms(setupMs)}** |`,
    "",
    `## Sweep vs bare walks (1 warm-up + ${o.rounds} measured rounds, at least ${o.tickIntervalMs / 1000} s apart)`,
    "",
    "Redrive's figures are `Sampler.tick()` on a fresh store in a temp PostgreSQL database: both clusters swept at once (as in production), each sweep",
    "reading the broker, deriving rates and health, and writing one sample per consumer. Per-cluster times are the sampler's own `lastSampleMs`;",
    "“broker reads only” is its `listConsumers()` call (queue pages + one `/api/consumers/<vhost>`). Baselines run alone, in rotating order, after the tick in",
    "even rounds and before it in odd ones (the management API is slower right after a burst), and page without `sort=` (the server's own order,",
    "vhost then name). Ratio = median ÷ median.",
    "",
    ...sweepTable(r),
    "",
    ...pagesTable(r),
    "",
    ...stepsTable(r),
    "",
    `Store after the rounds: ${int(r.store.consumers)} consumers, ${int(r.store.samples)} samples.`,
    "",
    "<details><summary>Every round</summary>",
    "",
    ...roundsTable(r),
    "",
    "</details>",
    "",
    "## /api/consumers",
    "",
  ];
  if (r.api) {
    out.push(
      `The production build (\`next build\` of a private copy of the sources, ${r.build ? ms(r.build.ms) : "–"}) served by \`next start\` on 127.0.0.1, reading the bench database (${int(r.api.total)} consumers).`,
      "The bench's sampler holds the leader lock throughout, so the app's own sampler does not sweep while it is measured.",
      "",
      ...apiTables(r.api),
    );
  } else {
    out.push(`Not measured: ${r.apiNote ?? "--no-api"}.`);
  }
  if (r.timeLag) out.push("", timeLagMarkdown(r.timeLag));
  if (r.deadLetters) out.push("", ...renderDeadLetters(r.deadLetters));
  const lr = r.loadRun;
  if (lr) out.push("", `## Load (issue 8): ${lr.sizes.clients} API clients browsing while the app samples ${int(lr.sizes.queues)} queues and ${int(lr.sizes.consumers)} consumers, ${int(lr.sizes.letters)} letters in the inbox`, "", "Made after the sections above were cleaned up, with a load of its own (same sizes); `npm run load` runs this section alone.", "", ...renderLoad(lr));
  out.push("", "## Cleanup", "", "| step | time |", "| --- | ---: |", ...r.cleanup.map((c) => `| ${c.label}${c.error ? ` — **failed: ${c.error}**` : ""} | ${ms(c.ms)} |`));
  if (r.leftovers.length) out.push("", `**Left behind:** ${r.leftovers.join("; ")}`);
  out.push("", `Whole run: ${ms(r.totalMs)}.`);
  if (r.warnings.length) out.push("", "## Notes", "", ...r.warnings.map((w) => `- ${w}`));
  return out.filter((l, i, a) => !(l === "" && a[i - 1] === "")).join("\n") + "\n";
}
