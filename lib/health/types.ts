// Consumer health as the API serves it and the UI shows it. Client-safe: no server imports.

import type { BrokerKind } from "@/lib/brokers/contracts";

export const HEALTH_STATES = ["OK", "LAGGING", "STALLED", "STOPPED", "FAILING", "UNKNOWN", "MISSING"] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** Worst first: the order an operator wants to read them in. MISSING (an expected consumer absent or detached) sorts before all. */
export const STATE_SEVERITY: Record<HealthState, number> = { MISSING: -1, STOPPED: 0, STALLED: 1, FAILING: 2, LAGGING: 3, UNKNOWN: 4, OK: 5 };

/** What a consumer is for when it is not an application's: a dead-letter queue, or Redrive's own capture. */
export const CONSUMER_ROLES = ["dlq", "capture"] as const;
export type ConsumerRole = (typeof CONSUMER_ROLES)[number];

export const FINDING_CODES = ["ack-pending-pinned", "redelivery-loop", "pulls-unserved", "push-unbound", "prefetch-unbounded", "single-active-stuck", "max-deliver-uncaptured"] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** A silent-stuck finding: what is wrong while the consumer looks connected, how to confirm it, since when. */
export type Finding = { code: FindingCode; text: string; remediation: string; since: string };

export type ConsumerSummary = {
  id: string;
  cluster: string;
  kind: BrokerKind;
  /** NATS stream or RabbitMQ vhost. */
  parent: string;
  /** NATS consumer or RabbitMQ queue. */
  name: string;
  /** Set for dead-letter queues and Redrive's capture consumer: health does not expect them to be consumed. */
  role: ConsumerRole | null;
  state: HealthState;
  /** One line an operator can read: "backlog 12,400 and rising 35/s for 10 min". */
  reason: string;
  stateSince: string;
  /** Not yet delivered + delivered and unacknowledged. */
  backlog: number;
  pending: number;
  inFlight: number;
  inFlightLimit: number | null;
  consumerCount: number;
  /** Per-second rates over `rateWindowSeconds`; null when the broker gives no counter for it. */
  ackRate: number | null;
  deliverRate: number | null;
  inflowRate: number | null;
  redeliverRate: number | null;
  rateWindowSeconds: number | null;
  /** Seconds to drain at the current net drain rate; 0 when empty; null when not draining. */
  etaSeconds: number | null;
  lastActivityAt: string | null;
  /** Age of the oldest waiting message, in seconds (time lag); null when none waits or it is unknown. */
  oldestAgeSeconds: number | null;
  /** The age is an estimate (backlog ÷ ack rate), the broker not telling it. */
  oldestAgeEstimated: boolean;
  /** Why the broker does not tell the age, when messages wait. */
  oldestAgeNote: string | null;
  lastSampledAt: string | null;
  /** The configured minimum of attached consumers, when this consumer is expected; null otherwise. */
  expectedMin: number | null;
  /** An expected consumer never found on the broker: the row stands in for it. */
  synthetic: boolean;
  /** Silent-stuck findings holding now. */
  findings: Finding[];
  /** Last few backlog readings, oldest first, for a sparkline. */
  recentBacklog: number[];
};

export type ConsumerDetail = ConsumerSummary & {
  key: string;
  firstSeenAt: string;
  goneAt: string | null;
  /** Broker configuration: ack wait, max deliver, backoff, filter subject, prefetch, DLX… */
  config: Record<string, unknown>;
  /** Redelivered messages not yet acked (NATS num_redelivered), where the broker reports it. */
  redeliveredNow: number | null;
  thresholds: HealthThresholds;
  /** Why this queue's dead letters are dropped (its dead-letter exchange is missing or routes nowhere), if they are. */
  deadLetterProblem: string | null;
  /** For a dead-letter queue: its DLQ page's id. */
  dlqId: string | null;
};

export type SeriesPoint = {
  t: string;
  backlog: number | null;
  backlogMax: number | null;
  inFlight: number | null;
  inFlightLimit: number | null;
  consumerCount: number | null;
  ackRate: number | null;
  deliverRate: number | null;
  inflowRate: number | null;
  redeliverRate: number | null;
  /** Oldest waiting message's age (the largest in the step), as the broker told it. */
  oldestAgeSeconds: number | null;
};

export type ConsumerSeries = {
  from: string;
  to: string;
  stepSeconds: number;
  /** "raw" samples or hourly "rollup" buckets. */
  source: "raw" | "rollup";
  points: SeriesPoint[];
};

export type HealthThresholds = {
  /** Sliding window the rules look at. */
  windowSeconds: number;
  /** No completed work for this long, with work waiting, is STALLED. */
  stallSeconds: number;
  /** Backlog must grow by at least this many messages over the window to be LAGGING. */
  lagMinGrowth: number;
  /** Redeliveries / deliveries over the window above this is FAILING. */
  redeliveryRatio: number;
  /** Dead letters per minute above this is FAILING (where the dead-letter inflow is known). */
  deadLetterPerMinute: number;
};

export type ConsumerListResponse = { items: ConsumerSummary[]; total: number; nextOffset: number | null; sampledAt: string | null };
