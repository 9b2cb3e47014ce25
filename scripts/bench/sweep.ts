import type { NatsConnection } from "@nats-io/transport-node";
import type { Broker } from "@/lib/brokers/types";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { DEFAULT_THRESHOLDS, type NatsClusterConfig, type RabbitClusterConfig } from "@/lib/config";
import type { Store } from "@/lib/db/open-store";
import { createLeaderLock } from "@/lib/db/leader-lock";
import { Sampler } from "@/lib/health/sampler/sampler";
import type { SweepSteps } from "@/lib/health/sampler/sweep-cluster";
import { sleep } from "./local";
import { columnsOf, countManagementRequests, natsListerWalk, plainQueueWalk, type WalkResult } from "./walks";

// Redrive's sweep through the production path (Sampler.tick: leader lock, both clusters at once,
// store writes, retention), with its requests counted from outside lib/.

/** `steps`: where the sweep's own time went (SweepSteps), and what it wrote. */
export type ClusterSweep = {
  ms: number;
  readMs: number;
  requests: number;
  slowestMs: number;
  consumers: number;
  error: string | null;
  steps?: SweepSteps;
  written?: { samples: number; rows: number };
};
export type Round = { round: number; warmup: boolean; tickMs: number; rabbit: ClusterSweep; nats: ClusterSweep; plain: WalkResult; columns: WalkResult; natsWalk: WalkResult };

export type BenchSampler = {
  sampler: Sampler;
  rabbitCluster: RabbitClusterConfig;
  natsCluster: NatsClusterConfig;
  tick(): Promise<{ tickMs: number; rabbit: ClusterSweep; nats: ClusterSweep }>;
  /** The request paths of Redrive's RabbitMQ sweeps (the first 100). */
  rabbitPaths: string[];
  warnings: string[];
  close(): Promise<void>;
};

/** Times each listConsumers call of a broker (the read half of its sweep). */
function timeReads(broker: Broker): () => number {
  let last = 0;
  const inner = broker.listConsumers.bind(broker);
  broker.listConsumers = async () => {
    const started = performance.now();
    try {
      return await inner();
    } finally {
      last = performance.now() - started;
    }
  };
  return () => last;
}

export async function createBenchSampler(opts: { store: Store; databaseUrl: string; id: string; vhost: string; intervalMs: number }): Promise<BenchSampler> {
  const rabbitCluster: RabbitClusterConfig = {
    name: `bench-rabbitmq-${opts.id}`,
    kind: "rabbitmq",
    amqpUrl: "amqp://127.0.0.1:5672",
    managementUrl: "http://127.0.0.1:15672",
    user: "guest",
    password: "guest",
    vhosts: [opts.vhost],
    health: DEFAULT_THRESHOLDS,
  };
  const natsCluster: NatsClusterConfig = { name: `bench-nats-${opts.id}`, kind: "nats", servers: ["nats://127.0.0.1:4222"], health: DEFAULT_THRESHOLDS };
  // The same timeouts as production's defaults (connectTimeoutSeconds 5).
  const rabbit = new RabbitBroker(rabbitCluster, 5000);
  const nats = new NatsBroker(natsCluster, 5000);
  await nats.connect();
  // NatsBroker keeps its connection private; the bench reads its message counter (every message it
  // publishes during a sweep is a JetStream API request) through TypeScript's escape hatch.
  const nc: NatsConnection | undefined = nats["nc"];
  if (!nc) throw new Error("NatsBroker did not keep a connection after connect()");
  const rabbitRequests = countManagementRequests(rabbit.management);
  const rabbitRead = timeReads(rabbit);
  const natsRead = timeReads(nats);
  const warnings: string[] = [];
  const sampler = new Sampler(
    opts.store.prisma,
    [
      { cluster: rabbitCluster, broker: rabbit },
      { cluster: natsCluster, broker: nats },
    ],
    createLeaderLock({ kind: "postgres", url: opts.databaseUrl }, (m) => warnings.push(m)),
    {
      intervalMs: opts.intervalMs,
      rawRetentionMs: 24 * 3_600_000,
      rollupRetentionMs: 30 * 86_400_000,
      windowMs: DEFAULT_THRESHOLDS.windowSeconds * 1000,
      log: (level, message, context) => void (level === "warn" && warnings.push(`sampler: ${message}${context ? ` ${JSON.stringify(context)}` : ""}`)),
    },
  );

  return {
    sampler,
    rabbitCluster,
    natsCluster,
    rabbitPaths: rabbitRequests.paths,
    warnings,
    async tick() {
      const r0 = rabbitRequests.count();
      rabbitRequests.reset();
      const n0 = nc.stats().outMsgs;
      const started = performance.now();
      const result = await sampler.tick();
      const tickMs = performance.now() - started;
      if (!result.leader) throw new Error("the bench's sampler is not the leader of its own database");
      const pick = (name: string, readMs: number, requests: number, slowestMs: number): ClusterSweep => {
        const s = result.sweeps.find((x) => x.cluster === name);
        return { ms: s?.ms ?? Number.NaN, readMs, requests, slowestMs, consumers: s?.consumers ?? 0, error: s ? s.error : "no sweep result", steps: s?.steps, written: s?.written };
      };
      return {
        tickMs,
        rabbit: pick(rabbitCluster.name, rabbitRead(), rabbitRequests.count() - r0, rabbitRequests.slowest()),
        nats: pick(natsCluster.name, natsRead(), nc.stats().outMsgs - n0, Number.NaN),
      };
    },
    async close() {
      await sampler.stop();
      await Promise.all([rabbit.close(), nats.close()]);
    },
  };
}

/**
 * One warm-up round and `rounds` measured ones: a tick and each baseline walk alone (in rotating
 * order), rounds at least `intervalMs` apart. The trimmed walk uses the `columns=` Redrive itself sent.
 */
export async function measureRounds(opts: { bench: BenchSampler; vhost: string; queues: number; rounds: number; intervalMs: number; signal: AbortSignal; log: (line: string) => void }): Promise<Round[]> {
  const out: Round[] = [];
  const columns = () => columnsOf(opts.bench.rabbitPaths.find((p) => p.startsWith("/api/queues/")));
  type Key = "plain" | "columns" | "natsWalk";
  const walks: Array<[Key, () => Promise<WalkResult>]> = [
    ["plain", () => plainQueueWalk(opts.vhost, opts.queues)],
    ["columns", () => plainQueueWalk(opts.vhost, opts.queues, `&columns=${encodeURIComponent(columns() ?? "name")}`)],
    ["natsWalk", () => natsListerWalk()],
  ];
  for (let round = 0; round <= opts.rounds; round++) {
    opts.signal.throwIfAborted();
    const started = Date.now();
    const results: Partial<Record<Key, WalkResult>> = {};
    const runWalks = async () => {
      for (let k = 0; k < walks.length; k++) {
        opts.signal.throwIfAborted();
        const [key, walk] = walks[(round + k) % walks.length]!;
        results[key] = await walk();
      }
    };
    // The management API is slower right after a burst of requests: odd rounds walk before the
    // tick, even rounds after it, so neither side always follows the other. (Round 0 ticks first:
    // the trimmed walk needs the columns Redrive sends.)
    const walksFirst = round % 2 === 1;
    if (walksFirst) await runWalks();
    const tick = await opts.bench.tick();
    if (!walksFirst) await runWalks();
    const r: Round = { round, warmup: round === 0, ...tick, plain: results.plain!, columns: results.columns!, natsWalk: results.natsWalk! };
    out.push(r);
    const err = [r.rabbit.error, r.nats.error, r.plain.error, r.columns.error, r.natsWalk.error].filter(Boolean);
    const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
    opts.log(
      `  round ${round}${r.warmup ? " (warm-up)" : ""}: tick ${s(r.tickMs)} (rabbitmq ${s(r.rabbit.ms)}/${r.rabbit.requests} req, nats ${s(r.nats.ms)}/${r.nats.requests} req)` +
        ` | plain walk ${s(r.plain.ms)}, with columns ${s(r.columns.ms)}, nats listers ${s(r.natsWalk.ms)}${err.length ? ` | errors: ${err.join("; ")}` : ""}`,
    );
    const st = r.rabbit.steps;
    if (st) opts.log(`    rabbitmq steps (ms): ${Object.entries(st).map(([k, v]) => `${k} ${v}`).join(", ")}; wrote ${r.rabbit.written?.samples ?? "?"} samples, ${r.rabbit.written?.rows ?? "?"} rows`);
    if (round < opts.rounds) await sleep(Math.max(0, started + opts.intervalMs - Date.now()), opts.signal);
  }
  return out;
}
