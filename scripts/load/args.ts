export type LoadOptions = {
  queues: number;
  consumers: number;
  letters: number;
  clients: number;
  /** How long the concurrent phase lasts; the single-client baseline runs `baselineSeconds` before it. */
  seconds: number;
  baselineSeconds: number;
  quick: boolean;
  /** Where the figures go as JSON (docs/reliability.md and docs/benchmarks.md are written from it); null: print only. */
  out: string | null;
  command: string;
};

export const DEFAULT_LOAD_OUT = "docs/figures/load.json";

export const LOAD_USAGE = `Usage: npm run load -- [--queues N] [--consumers N] [--letters N] [--clients N] [--seconds N] [--baseline-seconds N] [--quick] [--out PATH | --no-write]

The load run (127.0.0.1 only): N RabbitMQ queues in a private vhost and N JetStream consumers, swept by
the built app's own sampler every 10 s, N letters in its inbox, and N concurrent API clients browsing
(overview, consumers, a consumer and its chart, the inbox, its groups, a letter, jobs) for N seconds,
after a single-client baseline of the same mix. Prints p50/p95/p99 latency and the error rate per
endpoint and writes them as JSON (docs/reliability.md and docs/benchmarks.md are rendered from it).

  --queues N            RabbitMQ queues (default 10000; --quick: 500)
  --consumers N         JetStream durable pull consumers (default 2000; --quick: 100)
  --letters N           letters in the inbox (default 1000000; --quick: 20000)
  --clients N           concurrent API clients (default 50; --quick: 10)
  --seconds N           length of the concurrent phase (default 120; --quick: 20)
  --baseline-seconds N  length of the single-client baseline (default 30; --quick: 10)
  --quick               a small, fast run (the defaults marked --quick)
  --out PATH            write the JSON figures to PATH (default ${DEFAULT_LOAD_OUT})
  --no-write            print only
  --help                show this text`;

export class LoadArgsError extends Error {}

function count(flag: string, raw: string | undefined, max: number): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 1 || n > max) throw new LoadArgsError(`${flag} must be a whole number from 1 to ${max}, got "${raw ?? ""}"`);
  return n;
}

export function parseLoadArgs(argv: readonly string[]): LoadOptions | "help" {
  const set: Partial<LoadOptions> = {};
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    if (flag === "--queues") set.queues = count(flag, value(), 100_000);
    else if (flag === "--consumers") set.consumers = count(flag, value(), 20_000);
    else if (flag === "--letters") set.letters = count(flag, value(), 10_000_000);
    else if (flag === "--clients") set.clients = count(flag, value(), 500);
    else if (flag === "--seconds") set.seconds = count(flag, value(), 3600);
    else if (flag === "--baseline-seconds") set.baselineSeconds = count(flag, value(), 3600);
    else if (flag === "--quick") quick = true;
    else if (flag === "--out") {
      const p = value();
      if (!p) throw new LoadArgsError("--out needs a path");
      set.out = p;
    } else if (flag === "--no-write") set.out = null;
    else if (flag === "--help" || flag === "-h") return "help";
    else throw new LoadArgsError(`Unknown argument "${arg}"`);
  }
  return {
    queues: quick ? 500 : 10_000,
    consumers: quick ? 100 : 2000,
    letters: quick ? 20_000 : 1_000_000,
    clients: quick ? 10 : 50,
    seconds: quick ? 20 : 120,
    baselineSeconds: quick ? 10 : 30,
    out: DEFAULT_LOAD_OUT,
    ...set,
    quick,
    command: ["npm run load", ...(argv.length ? ["--", ...argv] : [])].join(" "),
  };
}
