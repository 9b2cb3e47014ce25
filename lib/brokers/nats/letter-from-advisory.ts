import "server-only";
import type { StoredMsg } from "@nats-io/jetstream";
import { bouncedFrom } from "../bounce-lineage";
import type { NewLetter } from "../dead-letter-source";

export type Advisory = {
  type: string;
  id: string;
  timestamp: string;
  stream: string;
  consumer: string;
  stream_seq: number;
  consumer_seq?: number;
  deliveries: number;
};

/** Set by Redrive on every requeue: how many times this message has been sent back. */
export const NATS_REDRIVE_COUNT_HEADER = "Redrive-Count";

export const MAX_DELIVER_TYPE = "io.nats.jetstream.advisory.v1.max_deliver";
export const TERMINATED_TYPE = "io.nats.jetstream.advisory.v1.terminated";

export function parseAdvisory(data: Uint8Array): Advisory | null {
  try {
    const a = JSON.parse(new TextDecoder().decode(data)) as Partial<Advisory>;
    if ((a.type !== MAX_DELIVER_TYPE && a.type !== TERMINATED_TYPE) || typeof a.stream !== "string" || typeof a.consumer !== "string" || typeof a.stream_seq !== "number") return null;
    return { type: a.type, id: String(a.id ?? ""), timestamp: String(a.timestamp ?? ""), stream: a.stream, consumer: a.consumer, stream_seq: a.stream_seq, consumer_seq: a.consumer_seq, deliveries: Number(a.deliveries ?? 0) };
  } catch {
    return null;
  }
}

function missingReason(a: Advisory, retention: string | null, recreated: boolean): string {
  if (recreated) {
    return `Stream ${a.stream} was deleted and made again after this message died: its sequences restarted, so what it holds at ${a.stream_seq} now is another message, and only what the advisory says is known.`;
  }
  if (a.type === TERMINATED_TYPE && retention === "workqueue") {
    return `Stream ${a.stream} no longer holds message ${a.stream_seq}: on a work-queue stream a terminated message is removed at once, so only what the advisory says is known.`;
  }
  if (a.type === TERMINATED_TYPE && retention === "interest") {
    return `Stream ${a.stream} no longer holds message ${a.stream_seq}: on an interest stream a terminated message is removed once no other consumer needs it.`;
  }
  return `Stream ${a.stream} no longer holds message ${a.stream_seq}: its limits (age, count or size) removed it before Redrive could copy it.`;
}

/**
 * One letter per death. A stream or durable made again under its old name restarts its sequences,
 * so stream:consumer:seq names different deaths over time; the advisory's own id names one death,
 * and a redelivery of the same advisory carries the same id. An advisory without an id (none seen
 * on 2.9) falls back to the sequence and the death's time.
 */
export function natsDedupeKey(a: Advisory, reason: string): string {
  return a.id ? `nats:adv:${a.stream}:${a.consumer}:${a.id}` : `nats:${a.stream}:${a.consumer}:${a.stream_seq}:${reason}:${a.timestamp}`;
}

/** Builds the inbox entry for an advisory, with the original message when the stream still holds it. */
export function letterFromAdvisory(
  a: Advisory,
  original: StoredMsg | null,
  ctx: { clusterId: string; clusterName: string; captureStream: string; retention: string | null; recreated?: boolean },
): NewLetter {
  const reason = a.type === MAX_DELIVER_TYPE ? "max_deliveries" : "terminated";
  const headers: Record<string, unknown> = {};
  if (original?.header) {
    for (const [k, values] of original.header) headers[k] = values.length === 1 ? values[0] : values;
  }
  const at = Number.isNaN(Date.parse(a.timestamp)) ? null : new Date(a.timestamp);
  const source = `${a.stream}/${a.consumer}`;
  const msgId = original?.header?.get("Nats-Msg-Id") || null;
  return {
    clusterId: ctx.clusterId,
    clusterName: ctx.clusterName,
    kind: "nats",
    dedupeKey: natsDedupeKey(a, reason),
    contentKey: null,
    redelivered: false,
    source,
    destination: original?.subject ?? "",
    collectedFrom: ctx.captureStream,
    reason,
    messageId: msgId,
    contentType: typeof headers["Content-Type"] === "string" ? (headers["Content-Type"] as string) : null,
    payload: original ? original.data : null,
    payloadMissing: original ? null : missingReason(a, ctx.retention, ctx.recreated ?? false),
    properties: {
      stream: a.stream,
      consumer: a.consumer,
      streamSequence: a.stream_seq,
      ...(a.consumer_seq !== undefined ? { consumerSequence: a.consumer_seq } : {}),
      deliveries: a.deliveries,
      subject: original?.subject ?? null,
      storedAt: original?.timestamp ?? null,
      advisoryId: a.id,
      retention: ctx.retention,
    },
    headers,
    rawHeaders: null,
    redriveCount: Math.max(0, Math.trunc(Number(original?.header?.get(NATS_REDRIVE_COUNT_HEADER) || 0)) || 0),
    deaths: [{ reason, source, exchange: null, routingKeys: original ? [original.subject] : [], count: 1, at: at?.toISOString() ?? null }],
    deathCount: Math.max(1, a.deliveries),
    firstDeathAt: at,
    lastDeathAt: at,
    // A requeue's Nats-Msg-Id is its attempt id: the original, fetched by STREAM.MSG.GET, still carries it.
    bouncedFrom: bouncedFrom(msgId),
  };
}
