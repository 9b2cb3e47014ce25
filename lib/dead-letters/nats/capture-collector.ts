import "server-only";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/transport-node";
import type { CaptureConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import { storeLetters, type NewLetter } from "../new-letter";
import { letterFromAdvisory, parseAdvisory } from "./letter-from-advisory";

// JetStream has no DLQ: the server announces a message that hit max deliveries or was terminated
// with an advisory that is lost if nobody listens. Redrive keeps a stream capturing those
// advisories, and for each one copies the original (by stream sequence) into its store, then acks.

export const ADVISORY_SUBJECTS = ["$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>", "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.>"];
const BATCH = 100;

export async function ensureCaptureStream(jsm: JetStreamManager, capture: CaptureConfig): Promise<void> {
  const config = {
    name: capture.stream,
    subjects: ADVISORY_SUBJECTS,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(capture.maxAgeHours * 3_600_000),
    num_replicas: 1,
  };
  const existing = await jsm.streams.info(capture.stream).catch(() => null);
  if (!existing) await jsm.streams.add(config);
  else if (existing.config.max_age !== config.max_age) await jsm.streams.update(capture.stream, { ...existing.config, max_age: config.max_age });
  const consumer = await jsm.consumers.info(capture.stream, capture.consumer).catch(() => null);
  if (!consumer) {
    await jsm.consumers.add(capture.stream, {
      durable_name: capture.consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: capture.startFrom === "new" ? DeliverPolicy.New : DeliverPolicy.All,
      ack_wait: nanos(60_000),
      max_ack_pending: 1000,
    });
  }
}

export class CaptureCollector {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly retention = new Map<string, string | null>();
  collected = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly nc: NatsConnection,
    private readonly capture: CaptureConfig,
    private readonly ctx: { clusterId: string; clusterName: string },
    private readonly onError: (message: string) => void,
  ) {}

  get running(): boolean {
    return this.loop !== undefined && !this.stopped;
  }

  async start(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await ensureCaptureStream(jsm, this.capture);
    this.stopped = false;
    this.loop = this.run(jsm).finally(() => {
      this.loop = undefined;
    });
  }

  private async retentionOf(jsm: JetStreamManager, stream: string): Promise<string | null> {
    if (!this.retention.has(stream)) {
      const info = await jsm.streams.info(stream).catch(() => null);
      this.retention.set(stream, info?.config.retention ?? null);
    }
    return this.retention.get(stream) ?? null;
  }

  private async run(jsm: JetStreamManager): Promise<void> {
    const consumer = await jetstream(this.nc).consumers.get(this.capture.stream, this.capture.consumer);
    while (!this.stopped) {
      try {
        const batch = await consumer.fetch({ max_messages: BATCH, expires: 2000 });
        const msgs = [];
        for await (const m of batch) msgs.push(m);
        if (msgs.length === 0) continue;
        const items: Array<{ m: (typeof msgs)[number]; letter: NewLetter | null }> = [];
        for (const m of msgs) {
          const a = parseAdvisory(m.data);
          // Not an advisory we understand, or one about our own capture stream: nothing to keep.
          if (!a || a.stream === this.capture.stream) {
            items.push({ m, letter: null });
            continue;
          }
          const original = await jsm.streams.getMessage(a.stream, { seq: a.stream_seq }).catch((e: unknown) => {
            // A stream deleted since: the payload is gone with it.
            if (/stream not found|10059/i.test(describeError(e))) return null;
            throw e;
          });
          items.push({ m, letter: letterFromAdvisory(a, original, { ...this.ctx, captureStream: this.capture.stream, retention: await this.retentionOf(jsm, a.stream) }) });
        }
        const letters = items.flatMap((i) => (i.letter ? [i.letter] : []));
        try {
          await storeLetters(this.prisma, letters);
        } catch (e) {
          await this.storeOneByOne(items, describeError(e));
          continue;
        }
        for (const m of msgs) m.ack();
        this.collected += letters.length;
      } catch (e) {
        // Unacked advisories are redelivered after ack_wait; the dedupe key keeps them single.
        this.onError(`capturing NATS dead letters failed; retrying: ${describeError(e)}`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  /**
   * A batch the store refused, letter by letter: one letter it cannot hold must not stop the rest.
   * A refused advisory is not acked: JetStream redelivers it after the ack wait, to be tried again.
   * When none can be stored the store itself is away, and the batch is left to redelivery whole.
   */
  private async storeOneByOne(items: Array<{ m: { ack(): void }; letter: NewLetter | null }>, batchError: string): Promise<void> {
    const refused: string[] = [];
    let stored = 0;
    for (const { m, letter } of items) {
      if (!letter) continue;
      try {
        await storeLetters(this.prisma, [letter]);
        m.ack();
        stored++;
      } catch (e) {
        refused.push(describeError(e));
      }
    }
    if (stored === 0) throw new Error(batchError);
    for (const { m, letter } of items) if (!letter) m.ack();
    this.collected += stored;
    // Every letter went in on its own: what refused the batch has passed.
    if (refused.length === 0) return;
    this.onError(`${refused.length === 1 ? "1 NATS dead letter" : `${refused.length} NATS dead letters`} could not be stored and will be tried again when JetStream redelivers ${refused.length === 1 ? "its advisory" : "their advisories"} (the rest were collected): ${refused[0]}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
