import "server-only";

/** What a requeue needs of a stored letter. */
export type OutgoingLetter = {
  letterId: string;
  /** RabbitMQ "vhost/queue" or a NATS subject. */
  destination: string;
  payload: Uint8Array;
  properties: Record<string, unknown>;
  /** RabbitMQ: the faithful table (raw_headers); NATS: plain header values. */
  headers: Record<string, unknown>;
  redriveCount: number;
  /** NATS: the stream and sequence the letter came from (to pin the publish and clean up work queues). */
  origin: { stream?: string; seq?: number; retention?: string | null };
  /** Stable per (job, letter): the broker's dedupe id (NATS) or Redrive's operation header. */
  attemptId: string;
  /** When an earlier attempt under the same id was begun by a runner that died before its outcome was known. */
  previousAttemptAt?: Date;
};

/**
 * "not_sent": the letter goes again later. Either nothing reached the broker (no connection), or —
 * `mayHaveLanded` — the broker deduplicates it (JetStream's Nats-Msg-Id): it goes again under the
 * same id only while the duplicate window since the first attempt lasts, else it is outcome unknown.
 */
export type PublishResult = { outcome: "done" | "failed" | "unknown" | "not_sent"; detail: string | null; mayHaveLanded?: boolean };

export interface LetterPublisher {
  publish(letter: OutgoingLetter): Promise<PublishResult>;
  /** Why publishes already sent are being held by the broker right now (a resource alarm), or null. */
  waiting?(): string | null;
  /**
   * Opens what publishing to `destination` needs (a connection, a channel) ahead of the first
   * publish, sending nothing; a failure is left for publish() to report.
   */
  prepare?(destination: string): Promise<void>;
  close(): Promise<void>;
}
