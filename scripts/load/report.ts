import { int, ms, ratio } from "../bench/stats";

export type Latency = { n: number; p50: number; p95: number; p99: number; max: number };
type SweepFigure = { n: number; p50: number; max: number; errors: number };

/** What `npm run load` writes (docs/figures/load.json); docs/reliability.md and docs/benchmarks.md render it. */
export type LoadFigures = {
  date: string;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; loadAverageStart: string; loadAverageEnd: string; node: string; rabbitmq: string; rabbitMemoryMiB: number | null };
  sizes: { queues: number; consumers: number; natsConsumersSwept: number; letters: number; clients: number; seconds: number; baselineSeconds: number; rabbitMessages: number };
  endpoints: Array<{ key: string; label: string; baseline: Latency & { errors: number }; load: Latency & { errors: number } }>;
  totals: { baseline: { n: number; perSecond: number; errors: number; all: Latency }; load: { n: number; perSecond: number; errors: number; all: Latency } };
  sweeps: { baseline: { rabbit: SweepFigure; nats: SweepFigure }; load: { rabbit: SweepFigure; nats: SweepFigure } };
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
