import "server-only";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager, type StreamInfo } from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/transport-node";
import type { CaptureConfig } from "@/lib/config";
import { describeError } from "@/lib/errors";
import type { DeadLetterSink, NewLetter } from "../dead-letter-source";
import { letterFromAdvisory, parseAdvisory } from "./letter-from-advisory";

// JetStream has no DLQ: the server announces a message that hit max deliveries or was terminated
// with an advisory that is lost if nobody listens. Redrive keeps a stream capturing those
// advisories, and for each one copies the original (by stream sequence) into its store, then acks.

export const ADVISORY_SUBJECTS = ["$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>", "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.>"];
const BATCH = 100;

/**
 * Makes the capture stream (limits retention: every durable on it sees every advisory, kept for
 * `maxAgeHours`) and this installation's durable on it.
 *
 * The durable gets an inactive threshold equal to the stream's max age: a durable left behind by a
 * decommissioned installation is removed by the server once nothing has pulled it for that long,
 * and by then the stream no longer holds anything it would have delivered.
 *
 * Where to start a new durable:
 * - after an upgrade from the shared durable (`capture.consumer` without the installation id): from
 *   what that durable had acknowledged, so nothing in flight is skipped and the stream is not read
 *   again from the beginning;
 * - when this installation has collected from the stream before (its durable was removed after an
 *   idle spell): from the start of what the stream holds; the advisory id keeps each death single;
 * - otherwise as `startFrom` says.
 */
export async function ensureCaptureStream(jsm: JetStreamManager, capture: CaptureConfig, durable: string, collectedBefore: () => Promise<boolean>): Promise<{ created: boolean }> {
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
  if (existing?.config.retention === RetentionPolicy.Workqueue) {
    // A work queue hands each advisory to one consumer and removes it on its ack: installations
    // would split the dead letters (NATS refuses a second durable there anyway). Interest
    // retention keeps an advisory until every durable acked it, so each installation sees it.
    throw new Error(
      `capture stream ${capture.stream} has work-queue retention: an advisory acknowledged by one installation would be gone for the others. Recreate it with limits retention (delete it; Redrive makes it again), or name another stream in clusters[].capture.stream.`,
    );
  }
  const consumer = await jsm.consumers.info(capture.stream, durable).catch(() => null);
  if (consumer) return { created: false };
  const legacy = durable === capture.consumer ? null : await jsm.consumers.info(capture.stream, capture.consumer).catch(() => null);
  const start = legacy
    ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: legacy.ack_floor.stream_seq + 1 }
    : capture.startFrom === "new" && !(await collectedBefore())
      ? { deliver_policy: DeliverPolicy.New }
      : { deliver_policy: DeliverPolicy.All };
  await jsm.consumers.add(capture.stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    ...start,
    ack_wait: nanos(60_000),
    max_ack_pending: 1000,
    inactive_threshold: nanos(capture.maxAgeHours * 3_600_000),
  });
  return { created: true };
}

/** How long evidence of another puller on our durable keeps the problem shown. */
const FOREIGN_EVIDENCE_MS = 60_000;
/** How often, at most, the durable's waiting pulls are read between two fetches. */
const WAITING_CHECK_MS = 3000;

export class CaptureCollector {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private lastDeliverySeq = 0;
  private foreignAt = 0;
  private foreignWhy = "";
  private waitingSeenAt = 0;
  private waitingCheckedAt = 0;
  collected = 0;

  constructor(
    private readonly sink: DeadLetterSink,
    private readonly nc: NatsConnection,
    private readonly capture: CaptureConfig,
    private readonly durable: string,
  ) {}

  private get ctx(): { clusterId: string; clusterName: string } {
    return { clusterId: this.sink.clusterId, clusterName: this.sink.clusterName };
  }

  private onError(message: string): void {
    this.sink.warn(message);
  }

  get running(): boolean {
    return this.loop !== undefined && !this.stopped;
  }

  /**
   * Set while something else pulls from this installation's durable (a copy of this store started
   * elsewhere, a tool): each advisory then goes to one puller, so dead letters are being split.
   */
  get problem(): string | null {
    if (this.foreignAt === 0 || Date.now() - this.foreignAt > FOREIGN_EVIDENCE_MS) return null;
    return `another process is pulling from Redrive's capture durable ${this.durable} on ${this.capture.stream}; dead letters are being split between it and this installation (${this.foreignWhy}). Stop it, or give it its own store: durables are named from the installation id kept in the store.`;
  }

  async start(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await ensureCaptureStream(jsm, this.capture, this.durable, () => this.sink.collectedBefore(this.capture.stream));
    this.stopped = false;
    this.loop = this.run(jsm).finally(() => {
      this.loop = undefined;
    });
  }

  /** Deliveries on a durable are numbered one by one whoever pulls: a number we never received went to another puller. */
  private noteDelivery(seq: number): void {
    if (this.lastDeliverySeq > 0 && seq > this.lastDeliverySeq + 1) {
      this.foreignAt = Date.now();
      this.foreignWhy = `deliveries ${this.lastDeliverySeq + 1}–${seq - 1} went elsewhere`;
    }
    // A lower number: the durable was made again; count from here.
    this.lastDeliverySeq = seq;
  }

  /** Between two of our fetches this installation has no pull waiting: a waiting pull seen twice in a row is someone else's. */
  private async checkWaiting(jsm: JetStreamManager): Promise<void> {
    if (Date.now() - this.waitingCheckedAt < WAITING_CHECK_MS) return;
    this.waitingCheckedAt = Date.now();
    const info = await jsm.consumers.info(this.capture.stream, this.durable).catch(() => null);
    if (!info || info.num_waiting === 0) {
      this.waitingSeenAt = 0;
      return;
    }
    if (this.waitingSeenAt > 0) {
      this.foreignAt = Date.now();
      this.foreignWhy = info.num_waiting === 1 ? "1 pull request waiting that is not Redrive's" : `${info.num_waiting} pull requests waiting that are not Redrive's`;
    }
    this.waitingSeenAt = Date.now();
  }

  /**
   * Fetches, reads the originals of, and stores batch after batch. A batch's INSERT is left to
   * commit while the next batch is fetched and its originals read; each batch is acked as soon as
   * its own commit is done (never before), and a batch is stored only once the one before it has
   * been stored, so a store that went away is noticed before more is sent to it. A crash in
   * between leaves the advisories unacked: JetStream redelivers them, and their advisory id keeps
   * each death single.
   */
  private async run(jsm: JetStreamManager): Promise<void> {
    const consumer = await jetstream(this.nc).consumers.get(this.capture.stream, this.durable);
    /** The previous batch's store-and-ack, if still going: rejects as its store did. */
    let storing: Promise<void> | null = null;
    const settle = async () => {
      const p = storing;
      storing = null;
      if (p) await p;
    };
    while (!this.stopped) {
      try {
        await this.checkWaiting(jsm);
        const batch = await consumer.fetch({ max_messages: BATCH, expires: 2000 });
        const msgs = [];
        for await (const m of batch) {
          this.noteDelivery(m.info.deliverySequence);
          msgs.push(m);
        }
        if (msgs.length === 0) {
          await settle();
          continue;
        }
        // The stream as it is now, read once per batch: its retention, and when this incarnation was made.
        const streams = new Map<string, Promise<StreamInfo | null>>();
        const streamOf = (name: string) => {
          if (!streams.has(name)) streams.set(name, jsm.streams.info(name).catch(() => null));
          return streams.get(name)!;
        };
        // The originals of a batch are asked for all at once (STREAM.MSG.GET each): the batch costs
        // one round trip to the server, not one per letter. Kept in the batch's order.
        const items: Array<{ m: (typeof msgs)[number]; letter: NewLetter | null }> = await Promise.all(
          msgs.map(async (m) => {
            const a = parseAdvisory(m.data);
            // Not an advisory we understand, or one about our own capture stream: nothing to keep.
            if (!a || a.stream === this.capture.stream) return { m, letter: null };
            const info = await streamOf(a.stream);
            // A stream made again after this death restarted its sequences: what it holds at this
            // sequence now is another message, not the one that died.
            const recreated = info !== null && Date.parse(info.created) > Date.parse(a.timestamp);
            const original = recreated
              ? null
              : await jsm.streams.getMessage(a.stream, { seq: a.stream_seq }).catch((e: unknown) => {
                  // A stream deleted since: the payload is gone with it.
                  if (/stream not found|10059/i.test(describeError(e))) return null;
                  throw e;
                });
            return { m, letter: letterFromAdvisory(a, original, { ...this.ctx, captureStream: this.capture.stream, retention: info?.config.retention ?? null, recreated }) };
          }),
        );
        await settle();
        const current = this.storeAndAck(items);
        // Awaited at the next batch (or the end); until then its failure is not unhandled.
        current.catch(() => undefined);
        storing = current;
      } catch (e) {
        // A batch fetched and read while the one before failed to store is not acked: redelivered, like it.
        await settle().catch(() => undefined);
        // Our durable removed under us (by hand, or by its inactive threshold): end this loop; the
        // collector's next tick makes the durable again and reads what the stream still holds.
        const gone = await jsm.consumers.info(this.capture.stream, this.durable).then(() => false, (x: unknown) => /consumer not found|10014|stream not found|10059/i.test(describeError(x)));
        if (gone) {
          this.onError(`capture durable ${this.durable} on ${this.capture.stream} was removed; making it again`);
          this.stopped = true;
          return;
        }
        // Unacked advisories are redelivered after ack_wait; their advisory id keeps them single.
        this.onError(`capturing NATS dead letters failed; retrying: ${describeError(e)}`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    // Stopping: the last batch's commit and acks are let finish (its failure leaves it to redelivery).
    await settle().catch((e: unknown) => this.onError(`capturing NATS dead letters failed while stopping; left to redelivery: ${describeError(e)}`));
  }

  /** Stores one batch, then acks it (the batch whole, or letter by letter when the store refused the batch). */
  private async storeAndAck(items: Array<{ m: { ack(): void }; letter: NewLetter | null }>): Promise<void> {
    const letters = items.flatMap((i) => (i.letter ? [i.letter] : []));
    try {
      await this.sink.store(letters);
    } catch (e) {
      await this.storeOneByOne(items, describeError(e));
      return;
    }
    for (const { m } of items) m.ack();
    this.collected += letters.length;
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
        await this.sink.store([letter]);
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
