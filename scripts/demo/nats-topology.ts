import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { NatsNames } from "./names";
import { describeError } from "./util";

/**
 * The demo's JetStream topology, created or brought up to date on every run (never deleted).
 * Only server 2.9 features: one filter subject at most, no metadata, no pause.
 */

export const ORDERS_ACK_WAIT_MS = 2000;
export const ORDERS_MAX_DELIVER = 3;
export const EVENTS_MAX_MSGS = 200_000;
const ONE_HOUR_MS = 3600_000;

export type StreamSpec = Pick<StreamConfig, "name" | "subjects" | "retention" | "storage" | "max_age" | "max_msgs" | "discard" | "num_replicas" | "description">;
export type ConsumerSpec = {
  stream: string;
  config: Pick<ConsumerConfig, "durable_name" | "ack_policy" | "deliver_policy" | "ack_wait" | "max_deliver" | "max_ack_pending" | "description"> & { durable_name: string };
};

export function natsTopology(n: NatsNames): { streams: StreamSpec[]; consumers: ConsumerSpec[] } {
  const common = { storage: StorageType.File, max_age: nanos(ONE_HOUR_MS), discard: DiscardPolicy.Old, num_replicas: 1 };
  return {
    streams: [
      { ...common, name: n.orders.stream, subjects: [n.orders.subjects], retention: RetentionPolicy.Workqueue, max_msgs: -1, description: "Redrive demo: orders (work queue)" },
      { ...common, name: n.events.stream, subjects: [n.events.subjects], retention: RetentionPolicy.Limits, max_msgs: EVENTS_MAX_MSGS, description: "Redrive demo: events" },
    ],
    consumers: [
      {
        stream: n.orders.stream,
        config: {
          durable_name: n.consumers.fulfilment,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: nanos(ORDERS_ACK_WAIT_MS),
          max_deliver: ORDERS_MAX_DELIVER,
          max_ack_pending: 1000,
          description: "naks ~10% (poison, hits max_deliver), terms ~5%",
        },
      },
      {
        stream: n.events.stream,
        config: { durable_name: n.consumers.analytics, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(30_000), max_deliver: -1, max_ack_pending: 1000, description: "keeps up" },
      },
      {
        stream: n.events.stream,
        config: { durable_name: n.consumers.archiver, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(30_000), max_deliver: -1, max_ack_pending: 20, description: "lags behind" },
      },
    ],
  };
}

function isApiError(e: unknown, code: number): boolean {
  return e instanceof JetStreamApiError && e.code === code;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<string> {
  const label = `stream "${spec.name}" (subjects ${spec.subjects.join(", ")})`;
  let existing: StreamInfo | undefined;
  try {
    existing = await jsm.streams.info(spec.name);
  } catch (e) {
    if (!isApiError(e, JetStreamApiCodes.StreamNotFound)) throw new Error(`Cannot look up ${label}: ${describeError(e)}`, { cause: e });
  }
  if (!existing) {
    try {
      await jsm.streams.add({ ...spec });
    } catch (e) {
      throw new Error(`JetStream refused to create ${label}: ${describeError(e)}`, { cause: e });
    }
    return "created";
  }
  const c = existing.config;
  for (const field of ["retention", "storage"] as const) {
    if (c[field] !== spec[field]) {
      throw new Error(
        `Stream "${spec.name}" already exists with ${field} "${c[field]}" but the demo needs "${spec[field]}", which cannot be changed. Delete it, or run the demo with another --prefix.`,
      );
    }
  }
  const differs = !sameList(c.subjects, spec.subjects) || c.max_age !== spec.max_age || c.max_msgs !== spec.max_msgs || c.discard !== spec.discard || c.description !== spec.description;
  if (!differs) return "exists";
  try {
    await jsm.streams.update(spec.name, { subjects: spec.subjects, max_age: spec.max_age, max_msgs: spec.max_msgs, discard: spec.discard, description: spec.description });
  } catch (e) {
    throw new Error(`JetStream refused to update ${label}: ${describeError(e)}`, { cause: e });
  }
  return "updated";
}

async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<string> {
  const cfg = spec.config;
  const label = `consumer "${cfg.durable_name}" on stream "${spec.stream}"`;
  let existing: ConsumerInfo | undefined;
  try {
    existing = await jsm.consumers.info(spec.stream, cfg.durable_name);
  } catch (e) {
    if (!isApiError(e, JetStreamApiCodes.ConsumerNotFound)) throw new Error(`Cannot look up ${label}: ${describeError(e)}`, { cause: e });
  }
  if (!existing) {
    try {
      await jsm.consumers.add(spec.stream, { ...cfg });
    } catch (e) {
      throw new Error(`JetStream refused to create ${label}: ${describeError(e)}`, { cause: e });
    }
    return "created";
  }
  const c = existing.config;
  for (const field of ["ack_policy", "deliver_policy"] as const) {
    if (c[field] !== cfg[field]) {
      throw new Error(`The ${label} already exists with ${field} "${c[field]}" but the demo needs "${cfg[field]}". Delete it, or run the demo with another --prefix.`);
    }
  }
  if (c.deliver_subject) throw new Error(`The ${label} already exists as a push consumer; the demo needs a pull consumer. Delete it, or use another --prefix.`);
  const differs = c.ack_wait !== cfg.ack_wait || c.max_deliver !== cfg.max_deliver || c.max_ack_pending !== cfg.max_ack_pending || c.description !== cfg.description;
  if (!differs) return "exists";
  try {
    await jsm.consumers.update(spec.stream, cfg.durable_name, { ack_wait: cfg.ack_wait, max_deliver: cfg.max_deliver, max_ack_pending: cfg.max_ack_pending, description: cfg.description });
  } catch (e) {
    throw new Error(`JetStream refused to update ${label}: ${describeError(e)}`, { cause: e });
  }
  return "updated";
}

/** Creates or updates the streams and consumers; returns a one-line description. */
export async function ensureNatsTopology(jsm: JetStreamManager, n: NatsNames): Promise<string> {
  const t = natsTopology(n);
  const parts: string[] = [];
  for (const s of t.streams) {
    const state = await ensureStream(jsm, s);
    const consumers = [];
    for (const c of t.consumers.filter((c) => c.stream === s.name)) {
      consumers.push(`${c.config.durable_name} ${await ensureConsumer(jsm, c)}`);
    }
    parts.push(`stream ${s.name} ${state} (${s.retention}, ${s.subjects.join(" ")}; consumers ${consumers.join(", ")})`);
  }
  return parts.join("; ");
}
