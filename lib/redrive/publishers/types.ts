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
};

/** "not_sent": nothing reached the broker (no connection): the letter can simply go again later. */
export type PublishResult = { outcome: "done" | "failed" | "unknown" | "not_sent"; detail: string | null };

export interface LetterPublisher {
  publish(letter: OutgoingLetter): Promise<PublishResult>;
  close(): Promise<void>;
}
