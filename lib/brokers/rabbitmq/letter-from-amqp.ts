import "server-only";
import { randomUUID } from "node:crypto";
import { bouncedFrom } from "../bounce-lineage";
import { toJsonValue } from "../json-value";
import { sha256, type NewLetter } from "../dead-letter-source";
import { parseXDeath } from "./parse-x-death";
import { encodeAmqpTable } from "./amqp-table";
import { queueId } from "./queue-id";

export type AmqpMessage = {
  content: Uint8Array;
  /** RabbitMQ's `redelivered` flag: false (the default) on a message's first delivery to any consumer. */
  redelivered?: boolean;
  properties: Record<string, unknown> & { headers?: Record<string, unknown> };
};

/** Set by Redrive on every requeue: how many times this message has been sent back. */
export const REDRIVE_COUNT_HEADER = "x-redrive-count";
/** Set by Redrive on every requeue: the attempt id "redrive:<job>:<letter>" (also what a return is matched by). */
export const OP_HEADER = "x-redrive-op";

const PROPERTY_NAMES = ["contentType", "contentEncoding", "deliveryMode", "priority", "correlationId", "replyTo", "expiration", "messageId", "timestamp", "type", "userId", "appId", "clusterId"];

/** Builds the inbox entry for a message consumed from a RabbitMQ DLQ. */
export function letterFromAmqp(msg: AmqpMessage, ctx: { clusterId: string; clusterName: string; vhost: string; dlq: string }): NewLetter {
  const rawHeaders = msg.properties.headers ?? {};
  const headers = toJsonValue(rawHeaders) as Record<string, unknown>;
  const properties: Record<string, unknown> = {};
  for (const name of PROPERTY_NAMES) {
    const v = msg.properties[name];
    if (v !== undefined && v !== null) properties[name] = name === "timestamp" && typeof v === "number" ? new Date(v * 1000).toISOString() : toJsonValue(v);
  }
  const deaths = parseXDeath(rawHeaders);
  const latest = deaths[0];
  const times = deaths.map((d) => d.at).filter((t): t is string => t !== null).map((t) => Date.parse(t));
  const collectedFrom = queueId(ctx.vhost, ctx.dlq);
  const messageId = typeof properties.messageId === "string" ? properties.messageId : null;
  // The same death delivered twice (a crash between storing and acknowledging) has the same bytes,
  // properties and x-death; a later death of the same message changes x-death, so it is kept too.
  // But identical messages dying in the same second share all of that, and a first delivery is
  // never one already stored: it gets a key of its own, and only a redelivery is compared by content.
  const contentKey = "rmq:" + sha256(collectedFrom, msg.content, JSON.stringify(properties), JSON.stringify(headers));
  return {
    clusterId: ctx.clusterId,
    clusterName: ctx.clusterName,
    kind: "rabbitmq",
    dedupeKey: `${contentKey}:${randomUUID()}`,
    contentKey,
    redelivered: msg.redelivered ?? false,
    source: latest ? queueId(ctx.vhost, latest.source) : collectedFrom,
    // Requeue goes back through the default exchange, keyed by the queue it died in.
    destination: latest ? queueId(ctx.vhost, latest.source) : "",
    collectedFrom,
    reason: latest?.reason ?? "unknown (no x-death header)",
    messageId,
    contentType: typeof properties.contentType === "string" ? properties.contentType : null,
    payload: msg.content,
    payloadMissing: null,
    properties,
    headers,
    rawHeaders: encodeAmqpTable(rawHeaders) as Record<string, unknown>,
    redriveCount: Math.max(0, Math.trunc(Number(toJsonValue(rawHeaders[REDRIVE_COUNT_HEADER])) || 0)),
    deaths,
    deathCount: deaths.reduce((n, d) => n + d.count, 0) || 1,
    firstDeathAt: times.length ? new Date(Math.min(...times)) : null,
    lastDeathAt: latest?.at ? new Date(latest.at) : null,
    bouncedFrom: bouncedFrom(rawHeaders[OP_HEADER]),
  };
}
