import { parseCli, UsageError } from "../cli-args";

export type LoadOptions = {
  queues: number;
  consumers: number;
  letters: number;
  /** Letters of the requeue job the app runs after the load phases (its RSS through it); 0: none. */
  jobLetters: number;
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

export const LOAD_USAGE = `Usage: npm run load -- [--queues N] [--consumers N] [--letters N] [--job-letters N] [--clients N] [--seconds N] [--baseline-seconds N] [--quick] [--out PATH | --no-write]

The load run (127.0.0.1 only): N RabbitMQ queues in a private vhost and N JetStream consumers, swept by
the built app's own sampler every 10 s, N letters in its inbox, and N concurrent API clients browsing
(overview, consumers, a consumer and its chart, the inbox, its groups, a letter, jobs) for N seconds,
after a single-client baseline of the same mix; then the same app, still sampling, runs a requeue job
of N more letters started through /api/jobs, and its memory through the job is reported. Prints
p50/p95/p99 latency and the error rate per endpoint and writes them as JSON (docs/reliability.md and docs/benchmarks.md are rendered from it).

  --queues N            RabbitMQ queues (default 10000; --quick: 500)
  --consumers N         JetStream durable pull consumers (default 2000; --quick: 100)
  --letters N           letters in the inbox (default 1000000; --quick: 20000)
  --job-letters N       letters of the app's requeue job (default 100000; --quick: 2000)
  --clients N           concurrent API clients (default 50; --quick: 10)
  --seconds N           length of the concurrent phase (default 120; --quick: 20)
  --baseline-seconds N  length of the single-client baseline (default 30; --quick: 10)
  --quick               a small, fast run (the defaults marked --quick)
  --out PATH            write the JSON figures to PATH (default ${DEFAULT_LOAD_OUT})
  --no-write            print only
  --help                show this text

Environment: REDRIVE_LOAD_CPU_PROF=<folder> makes each app process write a V8 CPU profile there when it
stops (summarise with node --import tsx scripts/load/profile-summary.ts FILE.cpuprofile);
REDRIVE_LOAD_NODE_OPTIONS=<flags> adds Node options to each app process (e.g. --heapsnapshot-signal=SIGUSR2
--diagnostic-dir=<folder>, to take heap snapshots with kill -USR2);
REDRIVE_LOAD_APP_DIR=<folder> serves a private copy built before (kept) instead of building one.`;

export { UsageError as LoadArgsError } from "../cli-args";

function count(flag: string, raw: string | undefined, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${raw}".`);
  return n;
}

const FLAGS = {
  queues: { type: "string" },
  consumers: { type: "string" },
  letters: { type: "string" },
  "job-letters": { type: "string" },
  clients: { type: "string" },
  seconds: { type: "string" },
  "baseline-seconds": { type: "string" },
  quick: { type: "boolean" },
  out: { type: "string" },
  "no-write": { type: "boolean" },
} as const;

/** Parses the arguments after the script name; throws UsageError. `help` asks for the usage text. */
export function parseLoadArgs(argv: readonly string[]): LoadOptions | "help" {
  const v = parseCli(argv, FLAGS);
  if (v === "help") return "help";
  if (v.out === "") throw new UsageError("--out needs a path.");
  if (v.out !== undefined && v["no-write"]) throw new UsageError("--out and --no-write cannot both be given.");
  const quick = v.quick ?? false;
  const set: Partial<LoadOptions> = {
    queues: count("--queues", v.queues, 100_000),
    consumers: count("--consumers", v.consumers, 20_000),
    letters: count("--letters", v.letters, 10_000_000),
    jobLetters: count("--job-letters", v["job-letters"], 10_000_000),
    clients: count("--clients", v.clients, 500),
    seconds: count("--seconds", v.seconds, 3600),
    baselineSeconds: count("--baseline-seconds", v["baseline-seconds"], 3600),
  };
  const given = Object.fromEntries(Object.entries(set).filter(([, x]) => x !== undefined)) as Partial<LoadOptions>;
  return {
    queues: quick ? 500 : 10_000,
    consumers: quick ? 100 : 2000,
    letters: quick ? 20_000 : 1_000_000,
    jobLetters: quick ? 2000 : 100_000,
    clients: quick ? 10 : 50,
    seconds: quick ? 20 : 120,
    baselineSeconds: quick ? 10 : 30,
    out: v["no-write"] ? null : (v.out ?? DEFAULT_LOAD_OUT),
    ...given,
    quick,
    command: ["npm run load", ...(argv.length ? ["--", ...argv] : [])].join(" "),
  };
}
