import "server-only";
import type { Channel, ConsumeMessage } from "amqplib";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import { storeLetters, type NewLetter } from "../new-letter";
import { letterFromAmqp } from "./letter-from-amqp";

// Consumes one adopted DLQ with manual acks: a batch of letters is written to the store first and
// acknowledged on RabbitMQ only after the write committed. A crash in between leaves the messages
// on the queue (redelivered later and recognised by their dedupe key), never lost.

export type DlqConsumerOptions = { batchSize: number; flushMs: number; onError: (message: string) => void; onStored?: (n: number) => void };

export class DlqConsumer {
  private buffer: ConsumeMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private tag: string | undefined;
  collected = 0;
  closed = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly channel: Channel,
    private readonly ctx: { clusterId: string; clusterName: string; vhost: string; dlq: string },
    private readonly options: DlqConsumerOptions,
  ) {
    channel.on("close", () => {
      this.closed = true;
      clearTimeout(this.timer);
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
      this.flushing = this.flushing.then(() => this.flush());
    }, ms);
  }

  private toLetter(m: ConsumeMessage): NewLetter {
    return letterFromAmqp({ content: m.content, properties: m.properties as unknown as Record<string, unknown> }, this.ctx);
  }

  private async flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0 || this.closed) return;
    try {
      const stored = await storeLetters(this.prisma, batch.map((m) => this.toLetter(m)));
      // Acks only after the store committed; one ack covers the whole batch, in delivery order.
      this.channel.ack(batch[batch.length - 1]!, true);
      this.collected += batch.length;
      this.options.onStored?.(stored);
    } catch (e) {
      // Not stored: do not ack. Closing the channel returns every unacked message to the DLQ.
      this.options.onError(`could not store letters from ${this.ctx.vhost}/${this.ctx.dlq}; they stay on the queue: ${describeError(e)}`);
      await this.close();
    }
  }

  /** Stops consuming; letters received but not yet stored are returned to the queue. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    if (this.tag) await this.channel.cancel(this.tag).catch(() => undefined);
    await this.flushing.catch(() => undefined);
    await this.channel.close().catch(() => undefined);
  }
}
