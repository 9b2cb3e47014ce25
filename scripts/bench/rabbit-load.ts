import amqp, { type Channel } from "amqplib";
import type { Cleanup } from "./cleanup";
import { AMQP_URL, GUEST, mgmt, waitFor } from "./local";

// 10,000 queues in reasonable time: queue.declare with nowait=true, pipelined on 16 channels, with a
// synchronous checkQueue per channel every chunk as the barrier (a channel handles its commands in
// order, so its answer means every declare before it is done, or the channel closed with the error).
// amqplib only exposes awaited declares (one outstanding RPC per channel), hence the raw frame.

const CHANNELS = 16;
const CHUNK = 250;
/** AMQP 0-9-1 queue.declare: class 50, method 10. */
const QUEUE_DECLARE = (50 << 16) | 10;

type RawChannel = { sendImmediately(method: number, fields: Record<string, unknown>): unknown };

export const queueName = (i: number) => `q-${String(i).padStart(6, "0")}`;

/** The load's shape: which queues hold messages, which have a consumer that never acks, which are busy. */
export const rabbitShape = {
  filled: (i: number) => i % 20 === 0,
  holder: (i: number) => i % 100 === 50,
  busy: (i: number) => i % 500 === 25,
  filledMessages: 3,
  holderMessages: 10,
  holderPrefetch: 5,
};

export type RabbitLoad = {
  vhost: string;
  queues: number;
  messages: number;
  consumers: number;
  timings: { vhostMs: number; declareMs: number; publishMs: number; consumersMs: number; settleMs: number };
  stopTraffic(): void;
};

async function declareAll(conn: amqp.ChannelModel, names: string[], signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const channels = await Promise.all(Array.from({ length: Math.min(CHANNELS, names.length) }, () => conn.createChannel()));
  let declared = 0;
  let nextLog = 2000;
  for (let start = 0; start < names.length; start += CHUNK * channels.length) {
    signal.throwIfAborted();
    await Promise.all(
      channels.map(async (ch, c) => {
        const from = start + c * CHUNK;
        const part = names.slice(from, from + CHUNK);
        if (!part.length) return;
        const raw = ch as unknown as Partial<RawChannel>;
        if (typeof raw.sendImmediately !== "function") {
          // A future amqplib without the raw send: awaited declares, still 16 at a time.
          await Promise.all(part.map((q) => ch.assertQueue(q, { durable: false })));
          return;
        }
        for (const q of part) {
          raw.sendImmediately(QUEUE_DECLARE, { queue: q, passive: false, durable: false, exclusive: false, autoDelete: false, nowait: true, arguments: {}, ticket: 0 });
        }
        await ch.checkQueue(part[part.length - 1]!);
      }),
    );
    declared = Math.min(names.length, start + CHUNK * channels.length);
    if (declared >= nextLog) {
      log(`  rabbitmq: ${declared.toLocaleString("en-US")} queues declared`);
      nextLog += 2000;
    }
  }
  await Promise.all(channels.map((ch) => ch.close()));
}

async function publishSetup(ch: amqp.ConfirmChannel, names: string[]): Promise<number> {
  let n = 0;
  names.forEach((q, i) => {
    const count = rabbitShape.holder(i) ? rabbitShape.holderMessages : rabbitShape.filled(i) ? rabbitShape.filledMessages : 0;
    for (let k = 0; k < count; k++, n++) ch.sendToQueue(q, Buffer.from(JSON.stringify({ bench: true, q, k })), { contentType: "application/json" });
  });
  await ch.waitForConfirms();
  return n;
}

async function startConsumers(conn: amqp.ChannelModel, names: string[]): Promise<{ count: number; busy: string[] }> {
  const holders = await conn.createChannel();
  await holders.prefetch(rabbitShape.holderPrefetch);
  const workers: Channel = await conn.createChannel();
  await workers.prefetch(10);
  let count = 0;
  const busy: string[] = [];
  for (const [i, q] of names.entries()) {
    if (rabbitShape.holder(i)) {
      // Takes its prefetch and never acknowledges: in-flight messages, a stalled-looking queue.
      await holders.consume(q, () => undefined, { noAck: false });
      count++;
    } else if (rabbitShape.busy(i)) {
      await workers.consume(q, (m) => m && workers.ack(m), { noAck: false });
      busy.push(q);
      count++;
    }
  }
  return { count, busy };
}

/** A private vhost with `queues` queues, some messages and consumers, and a trickle for rates. */
export async function createRabbitLoad(opts: { vhost: string; queues: number; signal: AbortSignal; cleanup: Cleanup; log: (line: string) => void }): Promise<RabbitLoad> {
  const { vhost, signal, cleanup, log } = opts;
  const v = encodeURIComponent(vhost);
  let t = performance.now();
  await mgmt("PUT", `/api/vhosts/${v}`, { body: {} });
  cleanup.add(`RabbitMQ vhost "${vhost}"`, () => mgmt("DELETE", `/api/vhosts/${v}`, { timeoutMs: 300_000 }), true);
  await mgmt("PUT", `/api/permissions/${v}/guest`, { body: { configure: ".*", write: ".*", read: ".*" } });
  const vhostMs = performance.now() - t;

  const conn = await amqp.connect(`${AMQP_URL}/${v}`, { credentials: amqp.credentials.plain(GUEST.user, GUEST.password), clientProperties: { connection_name: "redrive-bench" } });
  conn.on("error", (e: unknown) => log(`  rabbitmq: bench connection error: ${String(e)}`));
  cleanup.add("AMQP connection of the bench", () => conn.close());

  const names = Array.from({ length: opts.queues }, (_, i) => queueName(i));
  t = performance.now();
  await declareAll(conn, names, signal, log);
  const declareMs = performance.now() - t;

  t = performance.now();
  const publisher = await conn.createConfirmChannel();
  const messages = await publishSetup(publisher, names);
  const publishMs = performance.now() - t;

  t = performance.now();
  const { count: consumers, busy } = await startConsumers(conn, names);
  const consumersMs = performance.now() - t;
  // Busy queues get 2 messages a second each, so the steady-state sweeps have rates to derive.
  let seq = 0;
  const trickle = setInterval(() => {
    for (const q of busy) publisher.sendToQueue(q, Buffer.from(`tick ${seq++}`));
  }, 500);
  const stopTraffic = () => clearInterval(trickle);
  cleanup.add("RabbitMQ trickle", async () => stopTraffic());

  // The management API reports queue totals every 5 s: wait until it shows what we made.
  t = performance.now();
  const holders = names.filter((_, i) => rabbitShape.holder(i)).length;
  type Totals = { messages_ready?: number; messages_unacknowledged?: number };
  await waitFor(
    "RabbitMQ stats for the bench vhost",
    () => mgmt<Totals>("GET", `/api/vhosts/${v}`),
    (s) => (s.messages_unacknowledged ?? 0) >= holders * rabbitShape.holderPrefetch && (s.messages_ready ?? 0) >= messages - holders * rabbitShape.holderPrefetch,
    60_000,
    signal,
  );
  const listed = await mgmt<{ total_count: number }>("GET", `/api/queues/${v}?page=1&page_size=1&columns=name`);
  if (listed.total_count !== opts.queues) throw new Error(`the bench vhost lists ${listed.total_count} queues, not ${opts.queues}`);
  const settleMs = performance.now() - t;

  return { vhost, queues: opts.queues, messages, consumers, timings: { vhostMs, declareMs, publishMs, consumersMs, settleMs }, stopTraffic };
}
