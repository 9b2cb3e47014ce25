import "server-only";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { NATS_REDRIVE_COUNT_HEADER } from "./letter-from-advisory";
import { describeError } from "@/lib/errors";
import { natsSubjectProblem } from "../destination-rules";
import type { LetterPublisher, OutgoingLetter, PublishResult } from "../publisher";

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
  private readonly windows = new Map<string, Promise<{ stream: string; ms: number } | null>>();
  private readonly streams = new Map<string, Promise<string | null>>();

  /** `captureStreams`: Redrive's own capture streams, which a requeue never goes to. */
  constructor(
    private readonly nc: NatsConnection,
    private readonly confirmTimeoutMs: number,
    private readonly captureStreams: ReadonlySet<string> = new Set(["REDRIVE_DLQ_EVENTS"]),
  ) {
    this.js = jetstream(nc);
  }

  /** The stream capturing `subject`, or null when none does (asked once per subject per job). */
  private streamOf(subject: string): Promise<string | null> {
    let s = this.streams.get(subject);
    if (!s) {
      s = (async () => {
        this.jsm ??= jetstreamManager(this.nc);
        try {
          return await (await this.jsm).streams.find(subject);
        } catch (e) {
          if (/no stream matches subject/i.test(describeError(e))) return null;
          throw e;
        }
      })();
      s.catch(() => this.streams.delete(subject));
      this.streams.set(subject, s);
    }
    return s;
  }

  /** The duplicate window of the stream a letter goes to (pinned, or the one capturing its subject). */
  private duplicateWindow(l: OutgoingLetter): Promise<{ stream: string; ms: number } | null> {
    const key = l.origin.stream ?? `subject:${l.destination}`;
    let w = this.windows.get(key);
    if (!w) {
      w = (async () => {
        this.jsm ??= jetstreamManager(this.nc);
        const jsm = await this.jsm;
        const stream = l.origin.stream ?? (await jsm.streams.find(l.destination).catch(() => null));
        if (!stream) return null;
        const info = await jsm.streams.info(stream);
        return { stream, ms: (info.config.duplicate_window ?? 0) / 1e6 };
      })();
      w.catch(() => this.windows.delete(key));
      this.windows.set(key, w);
    }
    return w;
  }

  async publish(l: OutgoingLetter): Promise<PublishResult> {
    // Checked when the job started; checked again here, as the job may predate the rule or the
    // stream may have changed since: a publish to a subject no stream captures is a request to
    // whatever listens there ("$JS.API.…" would run a JetStream command).
    const rule = natsSubjectProblem(l.destination);
    if (rule) return { outcome: "failed", detail: `not sent: ${rule}` };
    let pin = l.origin.stream;
    if (!pin) {
      let stream: string | null;
      try {
        stream = await this.streamOf(l.destination);
      } catch (e) {
        return { outcome: "not_sent", detail: `cannot ask NATS which stream captures ${l.destination}: ${describeError(e)}` };
      }
      if (!stream) return { outcome: "failed", detail: `not sent: no stream captures subject ${l.destination}` };
      if (this.captureStreams.has(stream)) return { outcome: "failed", detail: `not sent: subject ${l.destination} goes to stream ${stream}, Redrive's own capture stream` };
      pin = stream;
    }
    // An earlier attempt under this Nats-Msg-Id may have landed. JetStream drops a second copy only
    // within the stream's duplicate window; past it, sending again could double the message.
    if (l.previousAttemptAt) {
      const w = await this.duplicateWindow(l).catch(() => null);
      const elapsed = Date.now() - l.previousAttemptAt.getTime();
      if (!w || elapsed + 1000 >= w.ms) {
        const why = w ? `its duplicate window (${w.ms / 1000} s) on stream ${w.stream} has passed` : "the stream's duplicate window could not be read";
        return { outcome: "unknown", detail: `an earlier attempt ${Math.round(elapsed / 1000)} s ago may have landed and ${why}, so it was not sent again: check the destination, then retry` };
      }
    }
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
        // Pinned to the original stream when going back where it came from, else to the stream found above.
        expect: { streamName: pin },
      });
    } catch (e) {
      const why = describeError(e);
      // The publish may have been stored: it goes again under the same Nats-Msg-Id, which JetStream
      // drops as a duplicate within the stream's window (checked against the first attempt).
      if (/timeout|TIMEOUT/.test(why)) return { outcome: "not_sent", mayHaveLanded: true, detail: `JetStream did not acknowledge within ${this.confirmTimeoutMs / 1000} s; sent again under the same Nats-Msg-Id while the stream's duplicate window lasts` };
      if (/no responders|503/i.test(why)) return { outcome: "failed", detail: `no stream captures subject ${l.destination}` };
      if (/closed|disconnect|CONNECTION_/i.test(why)) return { outcome: "not_sent", mayHaveLanded: true, detail: `cannot reach NATS: ${why}` };
      // A server just restarted answers before JetStream has recovered its streams: wait, do not fail.
      if (/jetstream is not enabled|temporarily unavailable/i.test(why)) return { outcome: "not_sent", mayHaveLanded: true, detail: `JetStream is not ready on the server yet (${why})` };
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
