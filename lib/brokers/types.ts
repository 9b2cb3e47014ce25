// The Broker contract every driver (NATS, RabbitMQ, fake) implements: one instance per configured
// cluster and process, holding that cluster's connection. Monitoring and sampling (probe, list
// consumers), dead-letter collection (a source feeding the collector's sink), requeue (a publisher)
// and destination checks all go through it, so no code outside lib/brokers/ speaks a protocol.

import type { BrokerKind, DestinationCheck } from "./contracts";
import type { DeadLetterSink, DeadLetterSource, DeadLetterSourceOptions } from "./dead-letter-source";
import type { DestinationCheckOptions } from "./destination-check";
import type { LetterPublisher } from "./publisher";

export type { BrokerKind } from "./contracts";

export type ManagementStatus = {
  ok: boolean;
  version: string | null;
  /** A sentence for the operator when the management API does not answer as it should. */
  error: string | null;
  /** The HTTP status it answered with when it refused (401 credentials, 403 permissions); null or absent when it did not answer. */
  httpStatus?: number | null;
};

export type BrokerProbe = {
  reachable: boolean;
  serverVersion: string | null;
  /** RabbitMQ's management API; null for brokers that have none. */
  management: ManagementStatus | null;
  /** Why the broker is not reachable, or what is degraded; null when all is well. */
  error: string | null;
  /** Round trip of the probe itself, in ms; null when the broker did not answer. */
  latencyMs: number | null;
  /** Facts worth showing beside the version (JetStream state, Erlang version, cluster name). */
  details: Record<string, string>;
};

/** Facts of the latest reading that silent-stuck findings read; null where the broker has no such thing. */
export type ConsumerSignals = {
  /** NATS pull consumer: outstanding pull requests. */
  numWaiting: number | null;
  /** NATS push consumer: whether anything subscribes to its deliver subject. */
  pushBound: boolean | null;
  /** RabbitMQ: consumers that must ack and have prefetch 0 (no limit). */
  unboundedConsumers: number | null;
  /** RabbitMQ single-active-consumer queues: consumers waiting their turn behind the active one. */
  waitingConsumers?: number | null;
};

/** One consumer (NATS) or queue (RabbitMQ) as read in one sweep. Counters are cumulative as the
 *  broker keeps them; rates are derived later from deltas between sweeps. */
export type ConsumerReading = {
  /** "stream/consumer" or "vhost/queue": stable identity within a cluster. */
  key: string;
  parent: string;
  name: string;
  /** Not yet delivered: NATS num_pending, RabbitMQ messages_ready. */
  pending: number;
  /** Delivered, not yet acknowledged: NATS num_ack_pending, RabbitMQ messages_unacknowledged. */
  inFlight: number;
  /** NATS max_ack_pending; RabbitMQ the sum of its consumers' prefetch (null when unlimited/unknown). */
  inFlightLimit: number | null;
  consumerCount: number;
  /** Every delivery, redeliveries included (NATS delivered.consumer_seq, RabbitMQ deliver_get). */
  deliveredTotal: number | null;
  /** Completed work (NATS ack_floor.consumer_seq, RabbitMQ ack + no-ack deliveries and gets). */
  ackedTotal: number | null;
  /** Messages that arrived (NATS stream last_seq for an unfiltered consumer, RabbitMQ publish). */
  publishedTotal: number | null;
  /** Redeliveries so far (RabbitMQ redeliver); null where the broker has no such counter. */
  redeliveredTotal: number | null;
  /** Messages redelivered and not yet acked right now (NATS num_redelivered). */
  redeliveredNow: number | null;
  /** Changes when the broker's counters restart (NATS consumer `created`). */
  counterEpoch: string | null;
  /** When the broker last delivered or took an ack, where it records that on the event itself (JetStream);
   *  null where it only keeps a timestamp it refreshes on its own (RabbitMQ's idle_since). Display only. */
  lastActivityAt: Date | null;
  /** Age of the oldest message waiting (not yet completed), in seconds; null when none waits or the broker does not tell. */
  oldestAgeSeconds: number | null;
  /** Why the oldest age is unknown while messages wait (a quorum queue, producers that set no timestamp…). */
  oldestAgeNote: string | null;
  /** For silent-stuck findings; absent from brokers (the fake) that report none. */
  signals?: ConsumerSignals;
  config: Record<string, unknown>;
};

export interface Broker {
  readonly name: string;
  readonly kind: BrokerKind;
  /** Opens the connection; throws AppError (BROKER_UNREACHABLE, BROKER_REFUSED, TIMEOUT). */
  connect(): Promise<void>;
  /** Checks the broker now, reconnecting if needed. Never throws: failures are in the result. */
  probe(): Promise<BrokerProbe>;
  /** Every consumer (NATS) or queue (RabbitMQ), paged by hand; throws AppError on failure. */
  listConsumers(): Promise<ConsumerReading[]>;
  /** The cluster's dead-letter collection, storing through `sink`; the collector tends and closes it. */
  deadLetterSource(sink: DeadLetterSink, options: DeadLetterSourceOptions): DeadLetterSource;
  /** A publisher for a requeue job's letters to this cluster; the job runner closes it. */
  openPublisher(options: { confirmTimeoutMs: number }): Promise<LetterPublisher>;
  /**
   * Whether a requeue may go to `destination`: first the rules no broker answer can lift, then the
   * broker. Throws when the broker cannot be asked (the caller says "could not check").
   */
  checkDestination(destination: string, options: DestinationCheckOptions): Promise<DestinationCheck>;
  close(): Promise<void>;
}

export function unreachable(error: string, extra: Partial<BrokerProbe> = {}): BrokerProbe {
  return { reachable: false, serverVersion: null, management: null, error, latencyMs: null, details: {}, ...extra };
}
