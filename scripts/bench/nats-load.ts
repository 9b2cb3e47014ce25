import { AckPolicy, jetstream, jetstreamManager, StorageType, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Cleanup } from "./cleanup";
import { NATS_URL } from "./local";

// JetStream load for server 2.9: memory streams with durable pull consumers (explicit ack), a few
// messages per stream, a few consumers holding unacked messages, and a trickle for rates.

const CREATE_CONCURRENCY = 32;
const MESSAGES_PER_STREAM = 20;

export type NatsLoad = {
  nc: NatsConnection;
  jsm: JetStreamManager;
  prefix: string;
  streams: number;
  consumers: number;
  serverVersion: string;
  before: { streams: number; consumers: number };
  timings: { streamsMs: number; consumersMs: number; publishMs: number };
  stopTraffic(): void;
};

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Every stream whose name starts with `prefix` (how cleanup and the smoke test find leftovers). */
export async function streamsWithPrefix(jsm: JetStreamManager, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) out.push(name);
  return out;
}

export async function connectNats(name: string): Promise<NatsConnection> {
  return connect({ servers: NATS_URL, name, timeout: 5000, maxReconnectAttempts: 5 });
}

export async function createNatsLoad(opts: { prefix: string; streams: number; consumers: number; signal: AbortSignal; cleanup: Cleanup; log: (line: string) => void }): Promise<NatsLoad> {
  const { prefix, signal, cleanup } = opts;
  const nc = await connectNats("redrive-bench");
  cleanup.add("NATS connection of the bench", () => nc.close());
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const account = await jsm.getAccountInfo();
  const before = { streams: account.streams, consumers: account.consumers };
  cleanup.add(
    `JetStream streams ${prefix}_*`,
    async () => {
      for (const s of await streamsWithPrefix(jsm, `${prefix}_`)) await jsm.streams.delete(s);
    },
    true,
  );

  const subjectRoot = `bench.${prefix.toLowerCase()}`;
  const streamNames = Array.from({ length: opts.streams }, (_, s) => `${prefix}_S${pad(s, 2)}`);
  let t = performance.now();
  for (const [s, name] of streamNames.entries()) {
    signal.throwIfAborted();
    await jsm.streams.add({ name, subjects: [`${subjectRoot}.s${s}.>`], storage: StorageType.Memory, num_replicas: 1 });
  }
  const streamsMs = performance.now() - t;

  t = performance.now();
  const jobs: Array<[string, string]> = [];
  for (let c = 0; c < opts.consumers; c++) jobs.push([streamNames[c % opts.streams]!, `${prefix}_C${pad(Math.floor(c / opts.streams), 3)}`]);
  let next = 0;
  await Promise.all(
    Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (next < jobs.length) {
        signal.throwIfAborted();
        const [stream, durable] = jobs[next++]!;
        await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit });
      }
    }),
  );
  const consumersMs = performance.now() - t;

  t = performance.now();
  const js = jetstream(nc);
  for (const [s] of streamNames.entries()) {
    await Promise.all(Array.from({ length: MESSAGES_PER_STREAM }, (_, k) => js.publish(`${subjectRoot}.s${s}.m`, JSON.stringify({ bench: true, k }))));
  }
  // The first consumer of each stream takes 5 and acknowledges 2: 3 stay in flight, then redeliver.
  for (const stream of streamNames) {
    const consumer = await js.consumers.get(stream, `${prefix}_C000`);
    const batch = await consumer.fetch({ max_messages: 5, expires: 2000 });
    let k = 0;
    for await (const m of batch) if (k++ < 2) m.ack();
  }
  const publishMs = performance.now() - t;

  let seq = 0;
  const trickle = setInterval(() => {
    for (let s = 0; s < streamNames.length; s++) nc.publish(`${subjectRoot}.s${s}.t`, `tick ${seq++}`);
  }, 1000);
  const stopTraffic = () => clearInterval(trickle);
  cleanup.add("JetStream trickle", async () => stopTraffic());

  return { nc, jsm, prefix, streams: opts.streams, consumers: opts.consumers, serverVersion: nc.info?.version ?? "unknown", before, timings: { streamsMs, consumersMs, publishMs }, stopTraffic };
}
