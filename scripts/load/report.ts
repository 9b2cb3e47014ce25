import { int, ms, ratio } from "../bench/stats";

export type Latency = { n: number; p50: number; p95: number; p99: number; max: number };
type SweepFigure = { n: number; p50: number; max: number; errors: number };
type Phase = "baseline" | "load" | "paused";
/** The issue's bar for the concurrent phase: p95 of every request. */
export const LOAD_TARGET_P95_MS = 500;
export type AppJobFigures = {
  letters: number;
  /** The rate asked for (letters a second). */
  rate: number;
  /** From the start request until the job completed. */
  ms: number;
  /** The app's RSS (process and any under it) just before the start request, and its peak until the job completed. */
  rssBeforeMiB: number;
  peakRssMiB: number;
  /** The app's CPU time over the job. */
  cpuMs: number;
  /** Accounting: messages on the destination queue afterwards, and the letters the store shows requeued. */
  onQueue: number;
  requeued: number;
  /** How long the app had been sampling when the job started, and the samples its sampler keeps per consumer in steady state (the health window and two sweeps); older runs lack them. */
  sampledSeconds?: number;
  keptSeconds?: number;
};

/** The issue's bar for the app's memory: 500 MB. */
const RSS_TARGET_MIB = 500e6 / 2 ** 20;

/** What `npm run load` writes (docs/figures/load.json); docs/reliability.md and docs/benchmarks.md render it. */
export type LoadFigures = {
  date: string;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; loadAverageStart: string; loadAverageEnd: string; node: string; rabbitmq: string; rabbitMemoryMiB: number | null };
  sizes: { queues: number; consumers: number; natsConsumersSwept: number; letters: number; clients: number; seconds: number; baselineSeconds: number; rabbitMessages: number };
  endpoints: Array<{ key: string; label: string; baseline: Latency & { errors: number }; load: Latency & { errors: number } }>;
  totals: { baseline: { n: number; perSecond: number; errors: number; all: Latency }; load: { n: number; perSecond: number; errors: number; all: Latency } };
  sweeps: { baseline: { rabbit: SweepFigure; nats: SweepFigure }; load: { rabbit: SweepFigure; nats: SweepFigure }; paused?: { rabbit: SweepFigure; nats: SweepFigure } };
  /** The same clients with sampling paused (the app a replica that is not the sampler's leader). Older runs lack it. */
  paused?: { endpoints: Array<{ key: string; load: Latency & { errors: number } }>; total: { n: number; perSecond: number; errors: number; all: Latency } };
  /** The app process (and any under it): CPU time per request and share of one core per phase, peak resident memory. */
  app?: {
    cpuMsPerRequest: Record<Phase, number>;
    cpuShare: Record<Phase, number>;
    peakRssMiB: Record<Phase, number>;
    /** Fractions of all CPUs' time per phase: clients, app, postgres, rabbitmq, nats, other, idle (older runs lack it). */
    machineShares?: Record<Phase, Record<string, number>>;
  };
  /** Each endpoint 20 times in a row, one client, sampler running: its latency and the app's CPU per request. */
  costs?: Array<{ key: string; label: string; n: number; p50: number; cpuMs: number }>;
  /** A requeue job the app ran after the load phases, sampling on, started through /api/jobs (older runs lack it). */
  job?: AppJobFigures;
  setup: Array<{ label: string; ms: number }>;
  errorsSeen: string[];
  warnings: string[];
  totalMs: number;
};

const pct = (errors: number, n: number) => (n ? `${((100 * errors) / n).toFixed(2)} %` : "–");

/** The load figures as markdown lines (a section without its heading). */
export function renderLoad(f: LoadFigures): string[] {
  const s = f.sizes;
  const m = f.machine;
  const sweep = (x: SweepFigure) => (x.n ? `${x.n} sweeps, median ${ms(x.p50)}, max ${ms(x.max)}${x.errors ? `, **${x.errors} failed**` : ""}` : "no sweep finished");
  return [
    `- **Run:** ${f.date}, \`${f.command}\`, ${ms(f.totalMs)} in all`,
    `- **Machine:** ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB; load average ${m.loadAverageStart} at start, ${m.loadAverageEnd} at the end; Node ${m.node}, RabbitMQ ${m.rabbitmq}${m.rabbitMemoryMiB === null ? "" : ` (${int(m.rabbitMemoryMiB)} MiB with the load)`} — the brokers, PostgreSQL, the app and the clients share it`,
    `- **Load:** ${int(s.queues)} RabbitMQ queues (${int(s.rabbitMessages)} messages, consumers, a 2 msg/s trickle on busy queues) and ${int(s.consumers)} JetStream consumers (${int(s.natsConsumersSwept)} swept: JetStream listing covers the whole account), swept by the app's own sampler every 10 s; ${int(s.letters)} letters in the inbox`,
    `- **Clients:** ${s.clients} at once for ${s.seconds} s, each looping over an operator's browsing (the endpoints below; lists and letters twice as often as the rest); **baseline:** 1 client, the same mix, for ${s.baselineSeconds} s just before, same app, same sampling. Ratio = p50 under load ÷ baseline p50. A request failing or taking over 30 s counts as an error.`,
    "",
    `| endpoint | 1 client: n | p50 | p95 | errors | ${s.clients} clients: n | p50 | p95 | p99 | max | errors | error rate | p50 ratio |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
    ...f.endpoints.map(
      (e) =>
        `| ${e.label} | ${e.baseline.n} | ${ms(e.baseline.p50)} | ${ms(e.baseline.p95)} | ${e.baseline.errors} | ${int(e.load.n)} | ${ms(e.load.p50)} | ${ms(e.load.p95)} | ${ms(e.load.p99)} | ${ms(e.load.max)} | ${e.load.errors} | ${pct(e.load.errors, e.load.n)} | ${ratio(e.load.p50, e.baseline.p50)} |`,
    ),
    `| **all** | ${f.totals.baseline.n} | ${ms(f.totals.baseline.all.p50)} | ${ms(f.totals.baseline.all.p95)} | ${f.totals.baseline.errors} | ${int(f.totals.load.n)} | ${ms(f.totals.load.all.p50)} | ${ms(f.totals.load.all.p95)} | ${ms(f.totals.load.all.p99)} | ${ms(f.totals.load.all.max)} | ${f.totals.load.errors} | ${pct(f.totals.load.errors, f.totals.load.n)} | ${ratio(f.totals.load.all.p50, f.totals.baseline.all.p50)} |`,
    "",
    `Throughput: ${f.totals.load.perSecond.toFixed(1)} requests/s with ${s.clients} clients, ${f.totals.baseline.perSecond.toFixed(1)} requests/s with one.`,
    `The app's sampler meanwhile — RabbitMQ: ${sweep(f.sweeps.load.rabbit)} under load, ${sweep(f.sweeps.baseline.rabbit)} during the baseline; NATS: ${sweep(f.sweeps.load.nats)} under load, ${sweep(f.sweeps.baseline.nats)} during the baseline.`,
    ...renderPausedAndCosts(f),
    ...(f.errorsSeen.length ? ["", `Errors seen: ${f.errorsSeen.map((e) => `\`${e}\``).join("; ")}.`] : []),
    ...(f.warnings.length ? ["", ...f.warnings.map((w) => `- ${w}`)] : []),
    "",
    "<details><summary>Setup</summary>",
    "",
    "| step | time |",
    "| --- | ---: |",
    ...f.setup.map((x) => `| ${x.label} | ${ms(x.ms)} |`),
    "",
    "</details>",
  ];
}

/** The paused-sampling phase, the app's CPU and memory, and each endpoint's cost (runs that measured them). */
function renderPausedAndCosts(f: LoadFigures): string[] {
  const out: string[] = [];
  const s = f.sizes;
  const m = f.machine;
  const met = (p95: number, errors: number) => (p95 <= LOAD_TARGET_P95_MS && errors === 0 ? "yes" : "**no**");
  if (f.paused) {
    const byKey = new Map(f.paused.endpoints.map((e) => [e.key, e.load]));
    out.push(
      "",
      `### The same ${s.clients} clients with sampling paused`,
      "",
      "The app restarted while the load run holds the sampler's leader lock: a replica that is not the leader serves the same data and sweeps nothing.",
      `Target for the concurrent phase: p95 ≤ ${ms(LOAD_TARGET_P95_MS)} with 0 errors.`,
      "",
      `| endpoint | sampling: p50 | p95 | errors | paused: n | p50 | p95 | p99 | max | errors |`,
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
      ...f.endpoints.map((e) => {
        const p = byKey.get(e.key);
        return `| ${e.label} | ${ms(e.load.p50)} | ${ms(e.load.p95)} | ${e.load.errors} | ${p ? `${int(p.n)} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.p99)} | ${ms(p.max)} | ${p.errors}` : "| | | | |"} |`;
      }),
      `| **all** | ${ms(f.totals.load.all.p50)} | ${ms(f.totals.load.all.p95)} | ${f.totals.load.errors} | ${int(f.paused.total.n)} | ${ms(f.paused.total.all.p50)} | ${ms(f.paused.total.all.p95)} | ${ms(f.paused.total.all.p99)} | ${ms(f.paused.total.all.max)} | ${f.paused.total.errors} |`,
      `| **target met** (p95 ≤ ${ms(LOAD_TARGET_P95_MS)}, 0 errors) | | ${met(f.totals.load.all.p95, f.totals.load.errors)} | | | | ${met(f.paused.total.all.p95, f.paused.total.errors)} | | | |`,
      "",
      `Throughput: ${f.paused.total.perSecond.toFixed(1)} requests/s paused, ${f.totals.load.perSecond.toFixed(1)} requests/s sampling.` +
        (f.sweeps.paused ? ` Sweeps finished while paused: ${f.sweeps.paused.rabbit.n + f.sweeps.paused.nats.n}.` : ""),
    );
  }
  if (f.app) {
    const a = f.app;
    const core = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)} % of a core` : "–");
    out.push(
      "",
      "### The app's CPU and memory",
      "",
      "CPU time of the app's process (and any under it, from /proc) over each phase, divided by the requests it answered; the sampler's sweeps fall in the phases that sample.",
      "",
      "| phase | requests | app CPU per request | app CPU (share of one core) | peak RSS |",
      "| --- | ---: | ---: | ---: | ---: |",
      `| 1 client, sampling | ${int(f.totals.baseline.n)} | ${ms(a.cpuMsPerRequest.baseline)} | ${core(a.cpuShare.baseline)} | ${int(a.peakRssMiB.baseline)} MiB |`,
      `| ${s.clients} clients, sampling | ${int(f.totals.load.n)} | ${ms(a.cpuMsPerRequest.load)} | ${core(a.cpuShare.load)} | ${int(a.peakRssMiB.load)} MiB |`,
      `| ${s.clients} clients, sampling paused | ${int(f.paused?.total.n ?? Number.NaN)} | ${ms(a.cpuMsPerRequest.paused)} | ${core(a.cpuShare.paused)} | ${int(a.peakRssMiB.paused)} MiB |`,
      ...(f.job ? [`| a requeue job of ${int(f.job.letters)} letters, sampling (no clients) | | ${int((1000 * f.job.cpuMs) / f.job.letters)} µs a letter | ${core(f.job.cpuMs / f.job.ms)} | ${int(f.job.peakRssMiB)} MiB |`] : []),
      "",
      `App RSS with ${int(s.letters)} letters in the inbox: at most ${int(Math.max(a.peakRssMiB.baseline, a.peakRssMiB.load, a.peakRssMiB.paused))} MiB (target ≤ 500 MB = ${int(RSS_TARGET_MIB)} MiB).`,
      ...(f.job ? ["", ...renderJob(f.job)] : []),
    );
    if (a.machineShares) {
      const cols = ["clients", "app", "postgres", "rabbitmq", "nats", "other", "idle"] as const;
      const share = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : `${(100 * x).toFixed(0)} %`);
      const row = (label: string, p: Record<string, number>) => `| ${label} | ${cols.map((c) => share(p[c])).join(" | ")} |`;
      out.push(
        "",
        `Where the machine's CPU went (share of all ${m.cpus} CPUs' time over each phase, from /proc; "clients" is the load run's own process, which also watches the sweeps; "other" is everything else on the machine):`,
        "",
        `| phase | ${cols.join(" | ")} |`,
        `| --- | ${cols.map(() => "---:").join(" | ")} |`,
        row("1 client, sampling", a.machineShares.baseline),
        row(`${s.clients} clients, sampling`, a.machineShares.load),
        row(`${s.clients} clients, sampling paused`, a.machineShares.paused),
      );
    }
    // Clients waiting while the app itself gets little CPU: the machine is the limit, not the app's work.
    if (a.cpuShare.load < 0.5 && Number.isFinite(a.cpuMsPerRequest.load)) {
      const perCore = 1000 / a.cpuMsPerRequest.load;
      out.push(
        "",
        `Ceiling of this run: with ${s.clients} clients waiting, the app was given ${core(a.cpuShare.load)} (load average ${m.loadAverageStart} at the start, on ${m.cpus} CPUs shared with the brokers, PostgreSQL, the clients and other work). ` +
          `At its measured ${ms(a.cpuMsPerRequest.load)} of CPU per request, one core to itself would answer about ${int(perCore)} requests/s, against the ${f.totals.load.perSecond.toFixed(1)} it answered: the latency above is time spent waiting for the machine.`,
      );
    }
  }
  if (f.costs?.length) {
    out.push(
      "",
      "<details><summary>Each endpoint's cost: 20 requests in a row, one client, sampler running</summary>",
      "",
      "| endpoint | n | p50 | app CPU per request |",
      "| --- | ---: | ---: | ---: |",
      ...f.costs.map((c) => `| ${c.label} | ${c.n} | ${ms(c.p50)} | ${ms(c.cpuMs)} |`),
      "",
      "</details>",
    );
  }
  return out;
}

/** The app's requeue job: how it ran and the app's memory through it, against the 500 MB target. */
function renderJob(j: AppJobFigures): string[] {
  const met = j.peakRssMiB <= RSS_TARGET_MIB;
  return [
    `App RSS through a requeue job of ${int(j.letters)} letters, with those letters and the inbox's beside them: ${int(j.rssBeforeMiB)} MiB just before the start request, peak ${int(j.peakRssMiB)} MiB until it completed (target ≤ 500 MB = ${int(RSS_TARGET_MIB)} MiB ${met ? "✔" : "✘"}), sampled every 100 ms.`,
    `The job was started as an operator starts one (\`POST /api/jobs\`, a filter by source, the count typed to confirm, at ${int(j.rate)}/s, \`redrive.maxRate\`'s default) and run by the app's own runner while its sampler kept sweeping: ${int(j.letters)} letters in ${ms(j.ms)} (${int(j.letters / (j.ms / 1000))}/s).` +
      ` Accounted for: ${int(j.onQueue)} messages on the destination queue, ${int(j.requeued)} letters requeued in the store.`,
    ...(j.sampledSeconds !== undefined && j.keptSeconds !== undefined
      ? [
          j.sampledSeconds >= j.keptSeconds
            ? `It started after the app had sampled for ${int(j.sampledSeconds)} s, so its sampler held every consumer's full ${int(j.keptSeconds)} s of samples (the health window and two sweeps), as it does in steady state.`
            : `It started after the app had sampled for only ${int(j.sampledSeconds)} s, less than the ${int(j.keptSeconds)} s of samples its sampler holds per consumer in steady state: the figure is below what a long-running app holds.`,
        ]
      : []),
  ];
}
