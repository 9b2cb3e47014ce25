import "server-only";
import type { Channel, ConsumeMessage } from "amqplib";
import { describeError } from "@/lib/errors";
import type { NewLetter } from "../dead-letter-source";
import { letterFromAmqp } from "./letter-from-amqp";

// Consumes one adopted DLQ with manual acks: a batch of letters is written to the store first and
// acknowledged on RabbitMQ only after the write committed. A crash in between leaves the messages
// on the queue (redelivered later, flagged so, and recognised by their content), never lost.

export type DlqConsumerOptions = {
  batchSize: number;
  flushMs: number;
  onError: (message: string) => void;
  onStored?: (n: number) => void;
  /** Letters the store refused are given back to the queue (the channel restarts) after this long, to be tried again. */
  retryHeldMs?: number;
};

const RETRY_HELD_MS = 60_000;

export class DlqConsumer {
  private buffer: ConsumeMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The last batch's store-and-ack: each batch is stored at once, but acked only after the batches before it. */
  private flushing: Promise<void> = Promise.resolve();
  private tag: string | undefined;
  private retryHeld: NodeJS.Timeout | undefined;
  collected = 0;
  closed = false;
  /** Letters the store refused, by delivery tag: unacknowledged, so they stay on the queue; why. */
  readonly held = new Map<number, string>();

  constructor(
    /** The collector's sink: resolves once the letters are committed (then they are acked). */
    private readonly store: (letters: NewLetter[]) => Promise<number>,
    private readonly channel: Channel,
    private readonly ctx: { clusterId: string; clusterName: string; vhost: string; dlq: string },
    private readonly options: DlqConsumerOptions,
  ) {
    channel.on("close", () => {
      this.closed = true;
      clearTimeout(this.timer);
      clearTimeout(this.retryHeld);
    });
    channel.on("error", (e: unknown) => options.onError(`channel for ${ctx.vhost}/${ctx.dlq} failed: ${describeError(e)}`));
  }

  async start(prefetch: number): Promise<void> {
    await this.channel.prefetch(prefetch);
    const r = await this.channel.consume(this.ctx.dlq, (m) => this.receive(m), { noAck: false });
    this.tag = r.consumerTag;
  }

  private receive(m: ConsumeMessage | null): void {
    if (!m) {
      // The broker cancelled us (queue deleted): what we hold unacked returns to it when the channel closes.
      this.options.onError(`RabbitMQ cancelled collection from ${this.ctx.vhost}/${this.ctx.dlq} (was the queue deleted?)`);
      void this.close();
      return;
    }
    this.buffer.push(m);
    if (this.buffer.length >= this.options.batchSize) this.schedule(0);
    else this.schedule(this.options.flushMs);
  }

  private schedule(ms: number): void {
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush(this.flushing);
    }, ms);
  }

  /** Built once per delivery: a batch stored again letter by letter keeps each letter's key, so a commit whose reply was lost is not stored twice. */
  private readonly letters = new WeakMap<ConsumeMessage, NewLetter>();

  private toLetter(m: ConsumeMessage): NewLetter {
    let letter = this.letters.get(m);
    if (!letter) {
      letter = letterFromAmqp({ content: m.content, redelivered: m.fields.redelivered, properties: m.properties as unknown as Record<string, unknown> }, this.ctx);
      this.letters.set(m, letter);
    }
    return letter;
  }

  /**
   * Stores the buffered letters while the batch before may still be storing (two INSERTs in flight
   * keep the store busy while RabbitMQ delivers the next batch), then acks once `before` is done:
   * acks go out in delivery order, so a multiple ack never covers letters of an unstored batch.
   */
  private async flush(before: Promise<void>): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0 || this.closed) return before;
    const stored = this.store(batch.map((m) => this.toLetter(m))).then(
      (n) => ({ n }),
      (e: unknown) => ({ error: describeError(e) }),
    );
    await before;
    const r = await stored;
    if ("n" in r) {
      this.ackStored(batch);
      this.options.onStored?.(r.n);
    } else await this.flushOneByOne(batch, r.error);
  }

  /** Acks only after the store committed: one ack for the batch, unless refused letters sit before it unacked. */
  private ackStored(batch: ConsumeMessage[]): void {
    if (this.held.size === 0) this.channel.ack(batch[batch.length - 1]!, true);
    else for (const m of batch) this.channel.ack(m, false);
    this.collected += batch.length;
  }

  /**
   * A batch the store refused: each letter on its own, so one it cannot hold (a value PostgreSQL
   * rejects, a message that cannot be read) does not stop the rest. Refused letters are not acked:
   * they stay on the queue, are named, and go back to it to be tried again after `retryHeldMs`.
   * When none can be stored the store itself is away: the channel closes and every letter returns.
   */
  private async flushOneByOne(batch: ConsumeMessage[], batchError: string): Promise<void> {
    const refused: Array<{ m: ConsumeMessage; why: string }> = [];
    const storedOnes: ConsumeMessage[] = [];
    let stored = 0;
    for (const m of batch) {
      try {
        stored += await this.store([this.toLetter(m)]);
        storedOnes.push(m);
      } catch (e) {
        refused.push({ m, why: describeError(e) });
      }
    }
    if (storedOnes.length === 0) {
      // Not stored: do not ack. Closing the channel returns every unacked message to the DLQ.
      this.options.onError(`could not store letters from ${this.ctx.vhost}/${this.ctx.dlq}; they stay on the queue: ${batchError}`);
      await this.close();
      return;
    }
    for (const r of refused) this.held.set(r.m.fields.deliveryTag, r.why);
    this.ackStored(storedOnes);
    this.options.onStored?.(stored);
    // Every letter went in on its own: what refused the batch has passed.
    if (refused.length === 0) return;
    this.options.onError(
      `${refused.length === 1 ? "1 letter" : `${refused.length} letters`} from ${this.ctx.vhost}/${this.ctx.dlq} could not be stored and stay on the queue (the rest were collected): ${refused[0]!.why}`,
    );
    this.retryHeld ??= setTimeout(() => void this.close(), this.options.retryHeldMs ?? RETRY_HELD_MS);
    this.retryHeld.unref?.();
  }

  /** Why letters of this DLQ are being held back, for the DLQ's problem line; null when none are. */
  heldProblem(): string | null {
    const [first] = this.held.values();
    if (first === undefined) return null;
    const ms = this.options.retryHeldMs ?? RETRY_HELD_MS;
    const every = ms === 60_000 ? "minute" : ms > 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
    return `${this.held.size === 1 ? "1 letter cannot" : `${this.held.size} letters cannot`} be stored and stay${this.held.size === 1 ? "s" : ""} on the queue, tried again every ${every}: ${first}`;
  }

  /** Stops consuming; letters received but not yet stored are returned to the queue. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.retryHeld);
    if (this.tag) await this.channel.cancel(this.tag).catch(() => undefined);
    await this.flushing.catch(() => undefined);
    await this.channel.close().catch(() => undefined);
  }
}
