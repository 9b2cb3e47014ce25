import { randomBytes } from "node:crypto";
import type { JetStreamManager } from "@nats-io/jetstream";
import amqp from "amqplib";
import type { PrismaClient } from "@/lib/db/generated/client";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import { letterFromAmqp } from "@/lib/brokers/rabbitmq/letter-from-amqp";

// Dead letters as the collector stores them, for tests that act on them.

async function clusterId(prisma: PrismaClient, name: string, kind: "rabbitmq" | "nats"): Promise<string> {
  return (await prisma.cluster.upsert({ where: { name }, create: { name, kind }, update: {} })).id;
}

export type RabbitLetterSpec = {
  conn: amqp.ChannelModel;
  cluster: string;
  vhost: string;
  /** A queue dead-lettering into `dlq`. */
  queue: string;
  dlq: string;
  n: number;
  /** Message ids are `${tag}-${i}`. */
  tag: string;
  headers?: Record<string, unknown>;
  body?: (i: number) => Buffer;
};

/**
 * Real dead letters: published to `queue`, rejected by a consumer so RabbitMQ dead-letters them into
 * `dlq` with its own x-death history, read from the DLQ, stored, then acked. Returns the letter ids.
 */
export async function rabbitDeadLetters(prisma: PrismaClient, s: RabbitLetterSpec): Promise<string[]> {
  const confirm = await s.conn.createConfirmChannel();
  for (let i = 0; i < s.n; i++) {
    const body = s.body?.(i) ?? (i % 3 === 2 ? randomBytes(64) : Buffer.from(JSON.stringify({ tag: s.tag, i })));
    confirm.sendToQueue(s.queue, body, { messageId: `${s.tag}-${i}`, contentType: "application/json", persistent: true, timestamp: 1_700_000_000, headers: { "x-tenant": "acme", ...s.headers } });
  }
  await confirm.waitForConfirms();
  await confirm.close();
  const rejecter = await s.conn.createChannel();
  await rejecter.prefetch(500);
  const { consumerTag } = await rejecter.consume(s.queue, (m) => m && rejecter.nack(m, false, false));
  const ch = await s.conn.createChannel();
  const got: amqp.GetMessage[] = [];
  const deadline = Date.now() + 30_000;
  while (got.length < s.n && Date.now() < deadline) {
    const m = await ch.get(s.dlq, { noAck: false });
    if (m === false) await new Promise((r) => setTimeout(r, 50));
    else got.push(m);
  }
  await rejecter.cancel(consumerTag);
  await rejecter.close();
  if (got.length !== s.n) throw new Error(`only ${got.length} of ${s.n} dead letters reached ${s.dlq}`);
  const id = await clusterId(prisma, s.cluster, "rabbitmq");
  await storeLetters(prisma, got.map((m) => letterFromAmqp({ content: m.content, redelivered: m.fields.redelivered, properties: m.properties as unknown as Record<string, unknown> }, { clusterId: id, clusterName: s.cluster, vhost: s.vhost, dlq: s.dlq })));
  for (const m of got) ch.ack(m);
  await ch.close();
  const rows = await prisma.deadLetter.findMany({ where: { messageId: { in: got.map((m) => String(m.properties.messageId)) } }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** Reads a queue empty (no ack needed) and counts the copies by message id. */
export async function drainQueue(conn: amqp.ChannelModel, queue: string, into = new Map<string, number>()): Promise<Map<string, number>> {
  const ch = await conn.createChannel();
  try {
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (m === false) break;
      const key = String(m.properties.messageId);
      into.set(key, (into.get(key) ?? 0) + 1);
    }
  } finally {
    await ch.close().catch(() => undefined);
  }
  return into;
}

export type NatsLetterSpec = { cluster: string; stream: string; subject: string; n: number; tag: string; retention?: string };

/** Key header carried by test letters on NATS, so copies on a stream can be counted. */
export const NATS_KEY = "x-key";

/**
 * JetStream letters as the capture collector stores them for a max-delivered message on a limits
 * stream (the original stays; the requeue publishes a copy pinned to the stream).
 */
export async function natsLetters(prisma: PrismaClient, s: NatsLetterSpec): Promise<string[]> {
  const id = await clusterId(prisma, s.cluster, "nats");
  const letters: NewLetter[] = Array.from({ length: s.n }, (_, i) => ({
    clusterId: id,
    clusterName: s.cluster,
    kind: "nats",
    dedupeKey: `nats:${s.stream}:${s.tag}:${i}`,
    source: `${s.stream}/worker`,
    destination: s.subject,
    collectedFrom: "REDRIVE_DLQ_EVENTS",
    reason: "max_deliveries",
    messageId: `${s.tag}-${i}`,
    contentType: "application/json",
    payload: Buffer.from(JSON.stringify({ tag: s.tag, i })),
    payloadMissing: null,
    properties: { stream: s.stream, streamSequence: 1_000_000 + i, retention: s.retention ?? "limits", consumer: "worker" },
    headers: { [NATS_KEY]: `${s.tag}-${i}` },
    rawHeaders: null,
    redriveCount: 0,
    deaths: [],
    deathCount: 1,
    firstDeathAt: new Date(),
    lastDeathAt: new Date(),
  }));
  await storeLetters(prisma, letters);
  const rows = await prisma.deadLetter.findMany({ where: { messageId: { in: letters.map((l) => l.messageId!) } }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** Counts the messages on a stream by their key header. */
export async function streamCopies(jsm: JetStreamManager, stream: string, into = new Map<string, number>()): Promise<Map<string, number>> {
  const info = await jsm.streams.info(stream);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    const key = m?.header?.get(NATS_KEY);
    if (key) into.set(key, (into.get(key) ?? 0) + 1);
  }
  return into;
}

/** One plain RabbitMQ dead letter of `v/orders` (JSON `{ i }`), for tests that need letters in the store and no broker. */
export function ordersLetter(l: { clusterId: string; clusterName: string; dedupeKey: string; messageId: string; i: number }): NewLetter {
  return {
    clusterId: l.clusterId,
    clusterName: l.clusterName,
    kind: "rabbitmq",
    dedupeKey: l.dedupeKey,
    source: "v/orders",
    destination: "v/orders",
    collectedFrom: "v/orders.dlq",
    reason: "rejected",
    messageId: l.messageId,
    contentType: "application/json",
    payload: Buffer.from(JSON.stringify({ i: l.i })),
    payloadMissing: null,
    properties: {},
    headers: {},
    rawHeaders: null,
    redriveCount: 0,
    deaths: [],
    deathCount: 1,
    firstDeathAt: new Date(),
    lastDeathAt: new Date(),
  };
}
