import "server-only";
import type { NatsConnection } from "@nats-io/transport-node";
import { AppError } from "@/lib/errors";
import type { ConsumerReading } from "../types";
import type { OldestMessageTimes, OldestTarget } from "./oldest-message-times";

// JetStream's listers trust `total`, which 2.9's clustered CONSUMER.LIST gets wrong; we page by
// hand until a short page instead.

type ApiError = { code: number; err_code?: number; description?: string };
type SequenceInfo = { consumer_seq: number; stream_seq: number; last_active?: string };
type StreamInfo = {
  config: { name: string; subjects?: string[]; retention?: string };
  created?: string;
  state: { messages: number; first_seq?: number; last_seq: number; first_ts?: string };
};
type ConsumerInfo = {
  stream_name: string;
  name: string;
  created: string;
  config: {
    durable_name?: string;
    deliver_subject?: string;
    ack_policy?: string;
    ack_wait?: number;
    max_deliver?: number;
    backoff?: number[];
    filter_subject?: string;
    max_ack_pending?: number;
    deliver_policy?: string;
    max_waiting?: number;
    inactive_threshold?: number;
  };
  delivered: SequenceInfo;
  ack_floor: SequenceInfo;
  num_ack_pending: number;
  num_redelivered: number;
  num_waiting: number;
  num_pending: number;
  push_bound?: boolean;
};
type Page<K extends string, T> = { total: number; offset: number; limit: number; error?: ApiError } & Record<K, T[] | null>;

async function api<T extends { error?: ApiError }>(nc: NatsConnection, subject: string, body: unknown, timeoutMs: number): Promise<T> {
  const msg = await nc.request(subject, JSON.stringify(body), { timeout: timeoutMs });
  const r = msg.json<T>();
  if (r.error) throw new AppError("BROKER_REFUSED", `JetStream refused ${subject}: ${r.error.description ?? `error ${r.error.code}`}.`);
  return r;
}

async function pageAll<K extends string, T>(nc: NatsConnection, subject: string, key: K, timeoutMs: number): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; ) {
    const page = await api<Page<K, T>>(nc, subject, { offset }, timeoutMs);
    const items = page[key] ?? [];
    out.push(...items);
    if (items.length === 0 || items.length < page.limit) return out;
    offset += items.length;
  }
}

const seconds = (ns: number | undefined) => (ns === undefined ? undefined : ns / 1e9);

function latest(...isos: Array<string | undefined>): Date | null {
  const times = isos.filter((x): x is string => !!x && !x.startsWith("0001-")).map((x) => Date.parse(x)).filter((t) => !Number.isNaN(t));
  return times.length ? new Date(Math.max(...times)) : null;
}

/** A pull consumer whose workers fetch one batch at a time often has no request waiting at the
 *  instant we look; one that delivered within this long still counts as consumed. Evidence, not a
 *  refreshed clock: 2.9 sets `delivered.last_active` only when it delivers a message (and forgets it
 *  on restart). */
const PULL_ACTIVE_MS = 30_000;

export function toReading(stream: StreamInfo, c: ConsumerInfo, now = Date.now()): ConsumerReading {
  const filter = c.config.filter_subject ?? "";
  const subjects = stream.config.subjects ?? [];
  // Only an unfiltered consumer sees every arrival, so only then is the stream's last_seq its inflow.
  const unfiltered = filter === "" || (subjects.length === 1 && subjects[0] === filter);
  const isPush = !!c.config.deliver_subject;
  const limit = c.config.max_ack_pending;
  const lastDelivery = latest(c.delivered.last_active);
  const pulledLately = lastDelivery !== null && now - lastDelivery.getTime() < PULL_ACTIVE_MS;
  return {
    key: `${c.stream_name}/${c.name}`,
    parent: c.stream_name,
    name: c.name,
    pending: c.num_pending,
    inFlight: c.num_ack_pending,
    inFlightLimit: limit !== undefined && limit > 0 ? limit : null,
    consumerCount: isPush ? (c.push_bound ? 1 : 0) : Math.max(c.num_waiting, pulledLately ? 1 : 0),
    deliveredTotal: c.delivered.consumer_seq,
    ackedTotal: c.ack_floor.consumer_seq,
    publishedTotal: unfiltered ? stream.state.last_seq : null,
    redeliveredTotal: null,
    redeliveredNow: c.num_redelivered,
    counterEpoch: c.created,
    lastActivityAt: latest(c.delivered.last_active, c.ack_floor.last_active),
    oldestAgeSeconds: null,
    oldestAgeNote: null,
    signals: { numWaiting: isPush ? null : c.num_waiting, pushBound: isPush ? !!c.push_bound : null, unboundedConsumers: null },
    config: {
      type: isPush ? "push" : "pull",
      durable: c.config.durable_name ?? null,
      ack_policy: c.config.ack_policy,
      ack_wait_seconds: seconds(c.config.ack_wait),
      max_deliver: c.config.max_deliver,
      backoff_seconds: c.config.backoff?.map((ns) => ns / 1e9),
      filter_subject: filter || null,
      deliver_policy: c.config.deliver_policy,
      max_ack_pending: limit,
      deliver_subject: c.config.deliver_subject ?? null,
      stream_subjects: subjects,
      stream_retention: stream.config.retention,
    },
  };
}

/** Every consumer of every stream; with `oldest`, also the age of each backlogged consumer's first uncompleted message. */
export async function listNatsConsumers(nc: NatsConnection, timeoutMs: number, oldest: OldestMessageTimes | null = null, now = () => Date.now()): Promise<ConsumerReading[]> {
  const streams = await pageAll<"streams", StreamInfo>(nc, "$JS.API.STREAM.LIST", "streams", timeoutMs);
  const readings: ConsumerReading[] = [];
  const targets: Array<{ reading: ConsumerReading; target: OldestTarget }> = [];
  for (const s of streams) {
    const consumers = await pageAll<"consumers", ConsumerInfo>(nc, `$JS.API.CONSUMER.LIST.${s.config.name}`, "consumers", timeoutMs);
    for (const c of consumers) {
      const reading = toReading(s, c);
      readings.push(reading);
      // Only a consumer with work waiting has an oldest waiting message.
      if (oldest && reading.pending + reading.inFlight > 0) {
        targets.push({
          reading,
          target: {
            stream: s.config.name,
            streamCreated: s.created ?? "",
            filter: c.config.filter_subject || ">",
            fromSeq: c.ack_floor.stream_seq + 1,
            streamFirstSeq: s.state.first_seq ?? 0,
          },
        });
      }
    }
  }
  if (oldest && targets.length) {
    const results = await oldest.read(nc, targets.map((t) => t.target), timeoutMs);
    const at = now();
    targets.forEach(({ reading }, i) => {
      const r = results[i]!;
      reading.oldestAgeSeconds = r.at === null ? null : Math.max(0, Math.round((at - r.at) / 1000));
      reading.oldestAgeNote = r.note;
    });
  }
  return readings;
}
