import type { NatsConnection } from "@nats-io/transport-node";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { DEFAULT_THRESHOLDS, type NatsClusterConfig } from "@/lib/config";
import type { Store } from "@/lib/db/open-store";
import { ConsumerWindows } from "@/lib/health/sampler/consumer-windows";
import { sweepCluster } from "@/lib/health/sampler/sweep-cluster";
import { NATS_URL, sleep } from "./local";

// The sweep cost of time lag: the same JetStream consumers swept by two brokers, one with time lag
// on (a STREAM.MSG.GET per backlogged consumer whose ack floor moved, cached by sequence) and one
// with it off, in alternating order, rounds `intervalMs` apart. Round 0 is the cold cache.

export type TimeLagRound = {
  round: number;
  off: { ms: number; requests: number; consumers: number };
  on: { ms: number; requests: number; consumers: number; lookups: number; withAge: number };
};

export type TimeLagFigures = { consumers: number; backlogged: number; rounds: TimeLagRound[] };

function connectionOf(broker: NatsBroker): NatsConnection {
  // NatsBroker keeps its connection private; its message counter counts the JetStream API requests a sweep sends.
  const nc: NatsConnection | undefined = broker["nc"];
  if (!nc) throw new Error("NatsBroker did not keep a connection after connect()");
  return nc;
}

export async function measureTimeLag(opts: { store: Store; id: string; rounds: number; intervalMs: number; signal: AbortSignal; log: (line: string) => void }): Promise<TimeLagFigures> {
  const cluster = (name: string, timeLag: boolean): NatsClusterConfig => ({ name, kind: "nats", servers: [NATS_URL], health: DEFAULT_THRESHOLDS, timeLag });
  const offCluster = cluster(`bench-timelag-off-${opts.id}`, false);
  const onCluster = cluster(`bench-timelag-on-${opts.id}`, true);
  const off = new NatsBroker(offCluster, 5000);
  const on = new NatsBroker(onCluster, 5000);
  await Promise.all([off.connect(), on.connect()]);
  const offWindows = new ConsumerWindows(DEFAULT_THRESHOLDS.windowSeconds * 1000 + 2 * opts.intervalMs);
  const onWindows = new ConsumerWindows(DEFAULT_THRESHOLDS.windowSeconds * 1000 + 2 * opts.intervalMs);
  const rounds: TimeLagRound[] = [];
  let backlogged = 0;
  let consumers = 0;
  try {
    const sweep = async (broker: NatsBroker, c: NatsClusterConfig, windows: ConsumerWindows) => {
      const nc = connectionOf(broker);
      const before = nc.stats().outMsgs;
      const r = await sweepCluster({ prisma: opts.store.prisma, broker, cluster: c, windows, intervalMs: opts.intervalMs });
      if (r.error) throw new Error(`the ${c.name} sweep failed: ${r.error}`);
      return { ms: r.ms, requests: nc.stats().outMsgs - before, consumers: r.consumers };
    };
    for (let round = 0; round < opts.rounds; round++) {
      opts.signal.throwIfAborted();
      const started = Date.now();
      // Alternate which goes first, so neither always runs on a warmer server.
      const offFirst = round % 2 === 0;
      const a = offFirst ? await sweep(off, offCluster, offWindows) : null;
      const onResult = await sweep(on, onCluster, onWindows);
      const offResult = a ?? (await sweep(off, offCluster, offWindows));
      const withAge = await opts.store.prisma.consumer.count({ where: { cluster: { name: onCluster.name }, goneAt: null, oldestAgeSeconds: { not: null } } });
      backlogged = await opts.store.prisma.consumer.count({ where: { cluster: { name: onCluster.name }, goneAt: null, backlog: { gt: 0 } } });
      consumers = onResult.consumers;
      const r: TimeLagRound = { round, off: offResult, on: { ...onResult, lookups: on.oldest?.lastLookups ?? 0, withAge } };
      rounds.push(r);
      const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      opts.log(
        `  round ${round}${round === 0 ? " (cold cache)" : ""}: off ${s(r.off.ms)} / ${r.off.requests} req | on ${s(r.on.ms)} / ${r.on.requests} req, ${r.on.lookups} message reads, ${withAge} of ${backlogged} backlogged with an age`,
      );
      if (round < opts.rounds - 1) await sleep(Math.max(0, started + opts.intervalMs - Date.now()), opts.signal);
    }
  } finally {
    await Promise.all([off.close(), on.close()]);
  }
  return { consumers, backlogged, rounds };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : Number.NaN;
};

export function timeLagMarkdown(f: TimeLagFigures): string {
  const warm = f.rounds.filter((r) => r.round > 0);
  const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "—");
  const lines = [
    "## Time lag: sweep cost",
    "",
    `${f.consumers.toLocaleString("en-US")} JetStream consumers on the server, ${f.backlogged.toLocaleString("en-US")} of them with a backlog; the same sweep (read, rules, store writes) with time lag off and on.`,
    "",
    "| round | off: sweep | off: requests | on: sweep | on: requests | on: message reads |",
    "| --- | --- | --- | --- | --- | --- |",
    ...f.rounds.map((r) => `| ${r.round}${r.round === 0 ? " (cold)" : ""} | ${s(r.off.ms)} | ${r.off.requests} | ${s(r.on.ms)} | ${r.on.requests} | ${r.on.lookups} |`),
    "",
    `Warm rounds, median: off ${s(median(warm.map((r) => r.off.ms)))}, on ${s(median(warm.map((r) => r.on.ms)))} (${median(warm.map((r) => r.on.lookups))} message reads: only consumers whose ack floor moved).`,
  ];
  return lines.join("\n");
}
