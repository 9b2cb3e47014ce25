export type BenchOptions = {
  /** RabbitMQ queues to declare in the bench vhost. */
  queues: number;
  /** JetStream durable pull consumers, spread over `streams` streams. */
  consumers: number;
  streams: number;
  /** Measured rounds; one warm-up round comes first. */
  rounds: number;
  /** Leave the vhost, the streams and the database in place afterwards. */
  keep: boolean;
  quick: boolean;
  /** Sampler ticks start this far apart (the sampler's interval), unless a tick overruns. */
  tickIntervalMs: number;
  /** Serve the built app and measure /api/consumers. */
  api: boolean;
  /** Sequential /api/consumers requests (the concurrent phase issues half as many). */
  apiRequests: number;
  /** Where the markdown report goes; null: print only. */
  out: string | null;
  /** The command line, for the report. */
  command: string;
};

export const DEFAULT_OUT = "docs/benchmarks.md";

export const USAGE = `Usage: npm run bench -- [--queues N] [--consumers N] [--rounds N] [--keep] [--quick] [--no-api] [--out PATH | --no-write]

Creates its own load on the local brokers (127.0.0.1 only): N RabbitMQ queues in a private vhost and
N JetStream consumers, measures Redrive's sampler sweep against bare management-API walks and the
/api/consumers latency of the built app, prints the figures and writes them as markdown.

  --queues N      RabbitMQ queues (default 10000; --quick: 500)
  --consumers N   JetStream durable pull consumers (default 2000; --quick: 100)
  --rounds N      measured rounds after one warm-up round (default 5; --quick: 2)
  --keep          do not delete the vhost, the streams and the database afterwards
  --quick         a small, fast run (the defaults above marked --quick, ticks 2 s apart)
  --no-api        skip building and serving the app (no /api/consumers figures)
  --out PATH      write the markdown report to PATH (default ${DEFAULT_OUT})
  --no-write      print the report only
  --help          show this text`;

export class ArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArgsError";
  }
}

function count(flag: string, raw: string | undefined, max: number): number {
  const n = Number(raw);
  if (raw === undefined || raw.trim() === "" || !Number.isInteger(n) || n < 1 || n > max) {
    throw new ArgsError(`${flag} must be a whole number from 1 to ${max}, got "${raw ?? ""}"`);
  }
  return n;
}

/** JetStream layout: 20 streams up to 2,000 consumers (100 each at the default), then 100 per stream. */
export function streamsFor(consumers: number): number {
  return consumers <= 2000 ? Math.min(20, consumers) : Math.ceil(consumers / 100);
}

export function benchOptions(overrides: Partial<BenchOptions> & { quick?: boolean } = {}): BenchOptions {
  const quick = overrides.quick ?? false;
  const consumers = overrides.consumers ?? (quick ? 100 : 2000);
  return {
    queues: quick ? 500 : 10_000,
    rounds: quick ? 2 : 5,
    keep: false,
    tickIntervalMs: quick ? 2000 : 10_000,
    api: true,
    apiRequests: quick ? 60 : 200,
    out: DEFAULT_OUT,
    command: "npm run bench",
    ...overrides,
    quick,
    consumers,
    streams: overrides.streams ?? streamsFor(consumers),
  };
}

/** Parses the arguments after the script name; throws ArgsError. `help` asks for the usage text. */
export function parseArgs(argv: readonly string[]): BenchOptions | "help" {
  const set: Partial<BenchOptions> = {};
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case "--queues":
        set.queues = count(flag, value(), 100_000);
        break;
      case "--consumers":
        set.consumers = count(flag, value(), 20_000);
        break;
      case "--rounds":
        set.rounds = count(flag, value(), 50);
        break;
      case "--keep":
        set.keep = true;
        break;
      case "--quick":
        quick = true;
        break;
      case "--no-api":
        set.api = false;
        break;
      case "--out": {
        const p = value();
        if (!p) throw new ArgsError("--out needs a path");
        set.out = p;
        break;
      }
      case "--no-write":
        set.out = null;
        break;
      case "--help":
      case "-h":
        return "help";
      default:
        throw new ArgsError(`Unknown argument "${arg}"`);
    }
  }
  const command = ["npm run bench", ...(argv.length ? ["--", ...argv] : [])].join(" ");
  return benchOptions({ ...set, quick, command });
}
