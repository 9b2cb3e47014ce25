import "server-only";
import { createHash } from "node:crypto";
import type { BouncedFrom } from "./bounce-lineage";
import type { BrokerKind, Death } from "./contracts";

// The dead-letter half of the driver contract. A driver's source reads dead letters off its broker
// and hands them to a sink the collector (lib/dead-letters) provides: the sink stores, the source
// acknowledges on the broker only after the sink's promise resolved. Broker code never writes the
// store itself, and the store never speaks a broker protocol.

/** A dead letter as a source builds it, before the store gives it an id. */
export type NewLetter = {
  clusterId: string;
  clusterName: string;
  kind: BrokerKind;
  /** Unique per letter: a second insert under the same key is the same death captured again. */
  dedupeKey: string;
  /** RabbitMQ: what a redelivery of this message is recognised by (bytes, properties, x-death). */
  contentKey?: string | null;
  /** The broker delivered it before (RabbitMQ `redelivered`): skipped when a letter with its content key is stored. */
  redelivered?: boolean;
  source: string;
  destination: string;
  collectedFrom: string;
  reason: string;
  messageId: string | null;
  contentType: string | null;
  payload: Uint8Array | null;
  payloadMissing: string | null;
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
  /** Headers as the broker typed them, for a faithful requeue (RabbitMQ); null where headers are plain text. */
  rawHeaders: Record<string, unknown> | null;
  /** How many times Redrive had requeued the message before this death (from its own header). */
  redriveCount: number;
  deaths: Death[];
  deathCount: number;
  firstDeathAt: Date | null;
  lastDeathAt: Date | null;
  /** This message was sent back by a Redrive job and died again: that job and the letter it was sent back for. */
  bouncedFrom?: BouncedFrom | null;
};

export function sha256(...parts: Array<string | Uint8Array>): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\u001f");
  return h.digest("hex");
}

/** A dead-letter source found on the broker (a RabbitMQ DLQ), as discovery reports it. */
export type FoundDeadLetterSource = {
  /** Its name within the cluster ("vhost/queue"). */
  name: string;
  /** The queues whose dead letters reach it. */
  sources: string[];
  foundBy: string;
  depth: number | null;
  /** The cluster's configuration adopts it (collected without an operator's click). */
  adoptedByConfig: boolean;
};

export type SourceProblem = { source: string; problem: string };

/** What the collector gives a source: the store side of collection, for one cluster. */
export interface DeadLetterSink {
  readonly clusterId: string;
  readonly clusterName: string;
  /** Stores letters (deduplicated); resolves once they are committed. Returns how many were new. */
  store(letters: NewLetter[]): Promise<number>;
  /** Whether any letter was ever collected from `collectedFrom` on this cluster. */
  collectedBefore(collectedFrom: string): Promise<boolean>;
  /** This installation's id: broker-side state (a durable) is named from it, never shared between installations. */
  installationId(): Promise<string>;
  /** Records a discovery walk: every source found, and the queues whose dead letters are dropped. */
  recordDiscovery(found: FoundDeadLetterSource[], problems: SourceProblem[]): Promise<void>;
  /** The sources an operator or the configuration adopted (names as discovery gave them). */
  adopted(): Promise<string[]>;
  /** Why an adopted source cannot be collected from right now (null: it can). */
  setSourceProblem(name: string, problem: string | null): Promise<void>;
  /** Problems of the cluster's collection as a whole, shown beside its sources. */
  setClusterProblems(problems: SourceProblem[]): Promise<void>;
  warn(message: string): void;
}

export type DeadLetterSourceOptions = {
  /** How often sources are discovered again (a walk of every queue and the DLX bindings). */
  discoveryMs: number;
  timeoutMs: number;
  /** Letters the store refused go back to the broker to be tried again after this long. */
  retryHeldMs?: number;
};

/** One cluster's dead-letter collection, kept by the collector while it holds the collector lock. */
export interface DeadLetterSource {
  /** One collector tick: discover when due, start what should run, restart what broke. */
  tend(): Promise<void>;
  /** Stops collecting; letters not yet stored stay on (or return to) the broker. */
  close(): Promise<void>;
}
