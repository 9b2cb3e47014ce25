// Notification rules, channels, incidents and deliveries as the API serves them. Client-safe.

import type { BrokerKind } from "@/lib/brokers/contracts";

export const RULE_KINDS = ["consumer-state", "time-to-drain", "oldest-message-age", "dead-letter-inflow", "dlx-routes-nowhere", "job-paused-itself"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const CHANNEL_TYPES = ["webhook", "slack"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Consumer states a rule may watch for (OK never alerts). */
export const ALERT_STATES = ["MISSING", "STALLED", "STOPPED", "FAILING", "LAGGING", "UNKNOWN"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export type RuleParams =
  | { kind: "consumer-state"; states: AlertState[] }
  | { kind: "time-to-drain"; aboveSeconds: number; includeNotDraining: boolean }
  | { kind: "oldest-message-age"; aboveSeconds: number; includeEstimates: boolean }
  | { kind: "dead-letter-inflow"; perMinute: number }
  | { kind: "dlx-routes-nowhere" }
  | { kind: "job-paused-itself" };

/** What an incident is about: a consumer, a DLQ (or NATS capture stream), or a queue whose dead letters are dropped. */
export type IncidentTarget =
  | { type: "consumer"; id: string; cluster: string; kind: BrokerKind; parent: string; name: string }
  | { type: "dlq"; id: string; cluster: string; kind: BrokerKind; name: string }
  | { type: "source"; cluster: string; source: string; consumerId: string | null }
  /** A requeue job its health gate or canary paused. */
  | { type: "job"; id: string; number: number };

export type ChannelView = {
  id: string;
  name: string;
  type: ChannelType;
  /** Scheme and host only: the rest of a webhook URL is often its secret. */
  urlMasked: string | null;
  /** "config": from the configuration file, read-only here; "ui": made by an admin. */
  source: "config" | "ui";
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  lastDelivery: { status: DeliveryStatus; at: string; error: string | null } | null;
};

export type RuleView = {
  id: string;
  name: string;
  params: RuleParams;
  /** The condition in words: "a consumer is STALLED, STOPPED or FAILING". */
  description: string;
  cluster: string | null;
  match: string | null;
  forSeconds: number;
  source: "config" | "ui";
  enabled: boolean;
  channels: Array<{ id: string; name: string }>;
  firing: number;
};

export const INCIDENT_STATUSES = ["pending", "firing", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export type IncidentView = {
  id: string;
  number: number;
  ruleId: string | null;
  ruleName: string;
  status: IncidentStatus;
  summary: string;
  target: IncidentTarget;
  startedAt: string;
  firedAt: string | null;
  resolvedAt: string | null;
  resolution: string | null;
  /** The page that explains it, at the incident's time window (path and query, no host). */
  href: string;
};

export const DELIVERY_STATUSES = ["pending", "sending", "sent", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type AttemptView = { at: string; durationMs: number; httpStatus: number | null; ok: boolean; error: string | null };

export type DeliveryView = {
  id: string;
  channelName: string;
  event: "firing" | "resolved" | "test";
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  incidentNumber: number | null;
  /** A summary standing for this many incidents of one rule. */
  groupSize: number | null;
  log: AttemptView[];
};

/** GET /api/notifications */
export type NotificationSettings = {
  publicUrl: string;
  clusters: string[];
  channels: ChannelView[];
  rules: RuleView[];
  incidents: IncidentView[];
  deliveries: DeliveryView[];
};

/** POST /api/notifications/channels/{id}/test */
export type TestResult = { ok: boolean; httpStatus: number | null; error: string | null; durationMs: number };

/** The generic JSON body of every webhook message (Slack channels get the same facts as text). */
export type NotificationMessage = {
  version: 1;
  status: "firing" | "resolved" | "test";
  title: string;
  summary: string;
  rule: { id: string | null; name: string; kind: RuleKind | null };
  incident: { id: string; number: number; startedAt: string; firedAt: string | null; resolvedAt: string | null } | null;
  target: IncidentTarget | null;
  /** Absolute URL of the page that explains it, at the incident's time window. */
  link: string;
  window: { from: string; to: string } | null;
  /** Set when one rule fired (or resolved) for many targets at once: one message stands for all of them. */
  group?: { count: number; incidents: Array<{ id: string; number: number; title: string; summary: string; link: string }> } | null;
  sentBy: "Redrive";
};
