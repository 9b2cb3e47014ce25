// Dead letters as the API serves them and the UI shows them. Client-safe: no server imports.

import type { BrokerKind, Death } from "@/lib/brokers/contracts";

export const LETTER_STATES = ["dead", "requeued", "terminated"] as const;
export type LetterState = (typeof LETTER_STATES)[number];

/** One death in a letter's history (RabbitMQ x-death entry, or a JetStream advisory). */
export type { Death };

export type LetterSummary = {
  id: string;
  cluster: string;
  kind: BrokerKind;
  /** Where it died: "vhost/queue" (RabbitMQ) or "stream/consumer" (NATS). */
  source: string;
  /** Where it would be requeued to: the original queue (RabbitMQ) or subject (NATS). */
  destination: string;
  /** Where Redrive collected it from: the DLQ (RabbitMQ) or the advisory stream (NATS). */
  collectedFrom: string;
  reason: string;
  /** The producer's error header, when it set one (x-error, x-exception, error…). */
  errorText: string | null;
  fingerprint: string;
  state: LetterState;
  messageId: string | null;
  contentType: string | null;
  payloadSize: number;
  /** Why there is no payload (e.g. terminated on a work-queue stream); null when it is stored. */
  payloadMissing: string | null;
  /** Total deaths across its history; NATS: deliveries when it died. */
  deathCount: number;
  firstDeathAt: string | null;
  lastDeathAt: string | null;
  capturedAt: string;
  /** The first bytes of the payload as text (invalid UTF-8 replaced), for the list. */
  preview: string;
  /** The payload's first 16 bytes in hex, for a binary payload's preview. */
  previewHex: string;
  /** Set when the caller's role may not read payloads: the preview was left out. */
  previewHidden?: boolean;
  /** Times Redrive had requeued this message before it died this time. */
  redriveCount: number;
  /** Died again after too many requeues (redrive.poisonAfter): left out of bulk jobs unless included. */
  poison: boolean;
  /** The running job holding this letter, if any. */
  jobId: string | null;
  /** Set when this letter is a message a Redrive job requeued that died again: that job's id. */
  bouncedFromJobId: string | null;
};

/** Bounce lineage: the requeue this letter is the message of, dying again. */
export type LetterBounce = {
  jobId: string;
  /** Null when the job is no longer stored. */
  jobNumber: number | null;
  /** The letter the job sent back. */
  letterId: string;
  /** When the broker confirmed the requeue; null when unknown. */
  requeuedAt: string | null;
  /** When this death happened (or was captured). */
  diedAt: string;
  reason: string;
};

export type LetterDetail = LetterSummary & {
  /** AMQP properties (content type, message id, timestamp, …) or NATS message facts (subject, seq, time). */
  properties: Record<string, unknown>;
  /** Headers as the broker delivered them, values as text or JSON. */
  headers: Record<string, unknown>;
  deaths: Death[];
  /** Payload in base64, up to `payloadInlineLimit` bytes; the rest only through the download. */
  payloadBase64: string | null;
  payloadTruncated: boolean;
  /** True when the payload bytes are valid UTF-8. */
  payloadIsUtf8: boolean;
  /** Set when the caller's role may not read payloads: the bytes were left out. */
  payloadHidden?: boolean;
  /** This letter is a requeued message that died again: which job sent it back, when. */
  bouncedFrom: LetterBounce | null;
  /** Letters this one came back as, after later requeues: newest first. */
  bouncedAs: Array<{ letterId: string; jobId: string; jobNumber: number | null; diedAt: string; reason: string }>;
};

/** GET /api/dead-letters?cluster&source&reason&state&from&to&header=key:value&messageId&q&fingerprint&cursor&limit */
export type LetterPage = { items: LetterSummary[]; nextCursor: string | null };

/** GET /api/dead-letters/groups?(same filters) — one row per cause fingerprint. */
export type LetterGroup = {
  fingerprint: string;
  cluster: string;
  kind: BrokerKind;
  source: string;
  reason: string;
  errorText: string | null;
  /** e.g. "json{orderId,amount}" or "text" or "binary"; empty when hidden. */
  payloadShape: string;
  /** Set when the caller's role may not read payloads: the shape (the payload's JSON keys) was left out. */
  payloadShapeHidden?: boolean;
  count: number;
  /** How many of its letters are requeued messages that died again. */
  bounced: number;
  firstSeen: string;
  lastSeen: string;
  /** Arrivals per hour over the last 24 h, oldest first (24 numbers). */
  arrivals: number[];
};

/** GET /api/dlqs — every RabbitMQ DLQ Redrive found, and the NATS capture stream. */
export type DlqInfo = {
  /** Its permanent id (/dlqs/{id}); a NATS capture stream has its cluster's id. Empty before the cluster was first stored. */
  id: string;
  cluster: string;
  kind: BrokerKind;
  /** "vhost/queue" or the NATS capture stream name. */
  name: string;
  /** Queues (or streams) that dead-letter into it. */
  sources: string[];
  adopted: boolean;
  /** How it was found: "dead-letter-exchange of orders", "configured", "capture stream". */
  foundBy: string;
  depth: number | null;
  /** When the depth was read (the sampler's latest sweep, or discovery's); null when unknown. */
  depthAt: string | null;
  /** Letters Redrive collected from it. */
  collected: number;
  problem: string | null;
  /** The queue is no longer on the broker (kept because it was adopted or its letters are in the inbox). */
  deleted: boolean;
};

/** GET /api/dlqs/{id}: one DLQ with how fast dead letters arrive and how far collection is behind. */
export type DlqDetail = DlqInfo & {
  /** Dead letters per minute: the queue's sampled inflow, or letters collected over the last 5 minutes. */
  inflowPerMinute: number | null;
  /** Over how many seconds that rate was measured (the last sample's interval, or 5 minutes of collected letters). */
  inflowWindowSeconds: number | null;
  /** Messages waiting on the broker to be collected (adopted DLQs and capture streams). */
  collectorLag: number | null;
  /** The sampled consumer row behind it (the queue, or the capture durable): its series is the DLQ's inflow chart. */
  consumerId: string | null;
};

/** A source whose dead letters are being dropped (DLX missing or routing nowhere). */
export type DlqProblem = { cluster: string; source: string; problem: string };

export type DlqOverview = { dlqs: DlqInfo[]; problems: DlqProblem[] };

/** GET /api/overview/dead-letters: the inbox at a glance. */
export type InboxTotals = {
  byState: Record<LetterState, number>;
  /** Letters captured in the last hour. */
  lastHour: number;
  /** Dead letters per cluster. */
  clusters: Array<{ cluster: string; dead: number }>;
  /** Sources whose dead letters are being dropped. */
  problems: number;
  /** DLQs Redrive knows and does not collect from, with their depth. */
  notAdopted: Array<{ cluster: string; name: string; depth: number | null }>;
};
