import "server-only";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { NATS_REDRIVE_COUNT_HEADER } from "@/lib/dead-letters/nats/letter-from-advisory";
import { describeError } from "@/lib/errors";
import type { LetterPublisher, OutgoingLetter, PublishResult } from "./types";

// Requeue on JetStream: publish to the original subject with a Nats-Msg-Id fixed per (job, letter),
// pinned to the original stream. A PubAck — "duplicate" included, which means an earlier attempt
// landed — is done; within the stream's duplicate window a retry after a crash cannot double it.

/** Headers the server owns or re-evaluates; never copied onto a republish. */
const CONTROL = new Set(
  ["Nats-Msg-Id", "Nats-Expected-Stream", "Nats-Expected-Last-Sequence", "Nats-Expected-Last-Subject-Sequence", "Nats-Expected-Last-Msg-Id", "Nats-Rollup", "Nats-Stream", "Nats-Sequence", "Nats-Time-Stamp", "Nats-Subject", "Nats-Last-Sequence", "Nats-Stream-Source"].map((h) => h.toLowerCase()),
);

export class NatsPublisher implements LetterPublisher {
  private readonly js: JetStreamClient;
  private jsm: Promise<JetStreamManager> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly confirmTimeoutMs: number,
  ) {
    this.js = jetstream(nc);
  }

  async publish(l: OutgoingLetter): Promise<PublishResult> {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(l.headers)) {
      if (CONTROL.has(k.toLowerCase()) || k === NATS_REDRIVE_COUNT_HEADER) continue;
      for (const value of Array.isArray(v) ? v : [v]) if (value !== null && value !== undefined) h.append(k, String(value));
    }
    h.set(NATS_REDRIVE_COUNT_HEADER, String(l.redriveCount + 1));
    try {
      await this.js.publish(l.destination, l.payload, {
        headers: h,
        msgID: l.attemptId,
        timeout: this.confirmTimeoutMs,
        // Pinned to the original stream only when going back where it came from.
        ...(l.origin.stream ? { expect: { streamName: l.origin.stream } } : {}),
      });
    } catch (e) {
      const why = describeError(e);
      if (/timeout|TIMEOUT/.test(why)) return { outcome: "unknown", detail: `JetStream did not acknowledge within ${this.confirmTimeoutMs / 1000} s; a retry within the stream's duplicate window will not double it` };
      if (/no responders|503/i.test(why)) return { outcome: "failed", detail: `no stream captures subject ${l.destination}` };
      if (/closed|disconnect|CONNECTION_/i.test(why)) return { outcome: "not_sent", detail: `cannot reach NATS: ${why}` };
      return { outcome: "failed", detail: `JetStream refused the publish: ${why}` };
    }
    // A message that hit max deliveries stays in a work-queue stream forever; the requeued copy replaces it.
    if (l.origin.retention === "workqueue" && l.origin.stream && l.origin.seq !== undefined) {
      this.jsm ??= jetstreamManager(this.nc);
      await (await this.jsm).streams.deleteMessage(l.origin.stream, l.origin.seq, false).catch(() => undefined);
    }
    return { outcome: "done", detail: null };
  }

  async close(): Promise<void> {}
}
