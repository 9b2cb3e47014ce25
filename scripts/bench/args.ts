import { parseCli, UsageError } from "../cli-args";

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
  /** The dead-letter sections (collection burst, inbox at scale, requeue throughput), and their sizes. */
  deadLetters: boolean;
  collect: number;
  /** JetStream dead letters collected from advisories. */
  collectNats: number;
  /** Rounds of each collection and requeue comparison, the order rotating. */
  bulkRounds: number;
  /** Only the collection and requeue sections: no sweep, API, time lag, inbox or load; they replace their own sections of the report file. */
  bulkOnly: boolean;
  inbox: number;
  requeue: number;
  requeueNats: number;
  /** The inbox figures on the embedded store (PGlite) too, with the same letters. */
  embedded: boolean;
  /** The load run (scripts/load): its own load, the built app sampling it, concurrent API clients. */
  load: boolean;
  loadClients: number;
  loadSeconds: number;
  /** The storage section (bytes per consumer-day of samples): consumers and hours of ticks written. */
  storage: boolean;
  storageConsumers: number;
  storageHours: number;
  /** The scale-out section (2 replicas × 4 clusters): queues in each cluster. */
  scaleOut: boolean;
  scaleOutQueues: number;
  /** Where the markdown report goes; null: print only. */
  out: string | null;
  /** The command line, for the report. */
  command: string;
};

export const DEFAULT_OUT = "docs/benchmarks.md";

export const USAGE = `Usage: npm run bench -- [--queues N] [--consumers N] [--rounds N] [--collect N] [--inbox N] [--requeue N] [--requeue-nats N]
                       [--clients N] [--load-seconds N] [--keep] [--quick] [--no-api] [--no-dead-letters] [--no-embedded] [--no-load] [--out PATH | --no-write]

Creates its own load on the local brokers (127.0.0.1 only): N RabbitMQ queues in a private vhost and
N JetStream consumers, measures Redrive's sampler sweep against bare management-API walks and the
/api/consumers latency of the built app, prints the figures and writes them as markdown.

  --queues N      RabbitMQ queues (default 10000; --quick: 500)
  --consumers N   JetStream durable pull consumers (default 2000; --quick: 100)
  --rounds N      measured rounds after one warm-up round (default 5; --quick: 2)
  --collect N     dead letters collected from one RabbitMQ DLQ (default 20000; --quick: 500)
  --collect-nats N  JetStream dead letters collected from advisories (default 10000; --quick: 300)
  --bulk-rounds N   rounds of each collection and requeue comparison, order rotating (default 3; --quick: 1)
  --bulk-only     only the collection and requeue sections (with their baselines); they replace the same
                  sections of the report file, leaving the rest of it as it was
  --inbox N       letters inserted into the inbox for the listing figures (default 1000000; --quick: 10000)
  --requeue N     letters requeued to RabbitMQ by one job (default 100000; --quick: 1000)
  --requeue-nats N  letters requeued to JetStream by one job (default 20000; --quick: 500)
  --no-dead-letters  skip the collection, inbox and requeue sections
  --no-embedded   skip the inbox figures on the embedded store (PGlite, in the bench's process)
  --clients N     concurrent API clients of the load run (default 50)
  --load-seconds N  length of the load run's concurrent phase (default 120)
  --storage-consumers N  consumers whose samples fill the storage section's table (default 2000; --quick: 200)
  --storage-hours N      hours of 10 s sampler ticks written for it (default 6; --quick: 1)
  --scale-out-queues N   queues in each of the scale-out section's 4 clusters (default 500; --quick: 50)
  --no-storage    skip the storage section
  --no-scale-out  skip the scale-out section (two replica processes sharing four clusters)
  --no-load       skip the load run (npm run load on its own: the same section; --quick skips it)
  --keep          do not delete the vhost, the streams and the database afterwards
  --quick         a small, fast run (the defaults above marked --quick, ticks 2 s apart)
  --no-api        skip building and serving the app (no /api/consumers figures)
  --out PATH      write the markdown report to PATH (default ${DEFAULT_OUT})
  --no-write      print the report only
  --help          show this text`;

export { UsageError as ArgsError } from "../cli-args";

function count(flag: string, raw: string | undefined, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${raw}".`);
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
    deadLetters: true,
    collect: quick ? 500 : 20_000,
    collectNats: quick ? 300 : 10_000,
    bulkRounds: quick ? 1 : 3,
    bulkOnly: false,
    inbox: quick ? 10_000 : 1_000_000,
    requeue: quick ? 1_000 : 100_000,
    requeueNats: quick ? 500 : 20_000,
    embedded: true,
    load: !quick,
    loadClients: 50,
    loadSeconds: 120,
    storage: true,
    storageConsumers: quick ? 200 : 2000,
    storageHours: quick ? 1 : 6,
    scaleOut: true,
    scaleOutQueues: quick ? 50 : 500,
    out: DEFAULT_OUT,
    command: "npm run bench",
    ...overrides,
    quick,
    consumers,
    streams: overrides.streams ?? streamsFor(consumers),
  };
}

const FLAGS = {
  queues: { type: "string" },
  consumers: { type: "string" },
  rounds: { type: "string" },
  collect: { type: "string" },
  "collect-nats": { type: "string" },
  "bulk-rounds": { type: "string" },
  "bulk-only": { type: "boolean" },
  inbox: { type: "string" },
  requeue: { type: "string" },
  "requeue-nats": { type: "string" },
  "no-dead-letters": { type: "boolean" },
  "no-embedded": { type: "boolean" },
  "no-load": { type: "boolean" },
  "storage-consumers": { type: "string" },
  "storage-hours": { type: "string" },
  "scale-out-queues": { type: "string" },
  "no-storage": { type: "boolean" },
  "no-scale-out": { type: "boolean" },
  clients: { type: "string" },
  "load-seconds": { type: "string" },
  keep: { type: "boolean" },
  quick: { type: "boolean" },
  "no-api": { type: "boolean" },
  out: { type: "string" },
  "no-write": { type: "boolean" },
} as const;

/** Parses the arguments after the script name; throws UsageError (exported as ArgsError). `help` asks for the usage text. */
export function parseArgs(argv: readonly string[]): BenchOptions | "help" {
  const v = parseCli(argv, FLAGS);
  if (v === "help") return "help";
  if (v.out === "") throw new UsageError("--out needs a path.");
  if (v.out !== undefined && v["no-write"]) throw new UsageError("--out and --no-write cannot both be given.");
  const set: Partial<BenchOptions> = {
    queues: count("--queues", v.queues, 100_000),
    consumers: count("--consumers", v.consumers, 20_000),
    rounds: count("--rounds", v.rounds, 50),
    collect: count("--collect", v.collect, 1_000_000),
    collectNats: count("--collect-nats", v["collect-nats"], 1_000_000),
    bulkRounds: count("--bulk-rounds", v["bulk-rounds"], 20),
    bulkOnly: v["bulk-only"] ? true : undefined,
    inbox: count("--inbox", v.inbox, 10_000_000),
    requeue: count("--requeue", v.requeue, 1_000_000),
    requeueNats: count("--requeue-nats", v["requeue-nats"], 1_000_000),
    loadClients: count("--clients", v.clients, 500),
    loadSeconds: count("--load-seconds", v["load-seconds"], 3600),
    deadLetters: v["no-dead-letters"] ? false : undefined,
    embedded: v["no-embedded"] ? false : undefined,
    load: v["no-load"] ? false : undefined,
    storageConsumers: count("--storage-consumers", v["storage-consumers"], 50_000),
    storageHours: count("--storage-hours", v["storage-hours"], 48),
    scaleOutQueues: count("--scale-out-queues", v["scale-out-queues"], 10_000),
    storage: v["no-storage"] ? false : undefined,
    scaleOut: v["no-scale-out"] ? false : undefined,
    keep: v.keep ? true : undefined,
    api: v["no-api"] ? false : undefined,
    out: v["no-write"] ? null : v.out,
  };
  const given = Object.fromEntries(Object.entries(set).filter(([, x]) => x !== undefined)) as Partial<BenchOptions>;
  const command = ["npm run bench", ...(argv.length ? ["--", ...argv] : [])].join(" ");
  return benchOptions({ ...given, quick: v.quick ?? false, command });
}
