import "server-only";
import type { RabbitClusterConfig } from "@/lib/config";
import { DEFAULT_RABBIT_DEAD_LETTERS } from "@/lib/config";
import { describeError } from "@/lib/errors";
import type { NewLetter } from "../dead-letter-source";
import { connectAmqp, type AmqpConnection as Connection } from "./connect-amqp";
import { DlqConsumer } from "./dlq-consumer";
import { queueId } from "./queue-id";

/** Keeps one consumer per adopted DLQ of one RabbitMQ cluster (one AMQP connection per vhost). */
export class RabbitCollector {
  private readonly connections = new Map<string, Connection>();
  private readonly consumers = new Map<string, DlqConsumer>();

  constructor(
    /** Where letters go: resolves once they are committed, and only then are they acked. */
    private readonly store: (letters: NewLetter[]) => Promise<number>,
    private readonly cluster: RabbitClusterConfig,
    private readonly clusterId: string,
    private readonly options: { batchSize?: number; flushMs?: number; timeoutMs: number; retryHeldMs?: number; onError: (message: string) => void },
  ) {}

  private async connection(vhost: string): Promise<Connection> {
    const existing = this.connections.get(vhost);
    if (existing) return existing;
    const conn = await connectAmqp(this.cluster, { vhost, timeoutMs: this.options.timeoutMs, name: "redrive-collector" });
    conn.on("error", (e: unknown) => this.options.onError(`collector connection to vhost ${vhost} failed: ${describeError(e)}`));
    conn.on("close", () => {
      if (this.connections.get(vhost) === conn) this.connections.delete(vhost);
    });
    this.connections.set(vhost, conn);
    return conn;
  }

  /**
   * Collects from exactly these DLQs: starts new ones, restarts broken ones, stops released ones.
   * Returns, by "vhost/queue" id, why a DLQ could not be collected from.
   */
  async reconcile(adopted: Array<{ vhost: string; queue: string }>): Promise<Map<string, string>> {
    const failures = new Map<string, string>();
    const wanted = new Map(adopted.map((d) => [queueId(d.vhost, d.queue), d]));
    for (const [id, c] of this.consumers) {
      if (!wanted.has(id) || c.closed) {
        await c.close();
        this.consumers.delete(id);
      }
    }
    // Running consumers holding letters the store refused: the DLQ says so.
    for (const [id, c] of this.consumers) {
      const held = c.heldProblem();
      if (held) failures.set(id, held);
    }
    const prefetch = (this.cluster.deadLetters ?? DEFAULT_RABBIT_DEAD_LETTERS).prefetch;
    for (const [id, d] of wanted) {
      if (this.consumers.has(id)) continue;
      try {
        const channel = await (await this.connection(d.vhost)).createChannel();
        const consumer = new DlqConsumer(this.store, channel, { clusterId: this.clusterId, clusterName: this.cluster.name, vhost: d.vhost, dlq: d.queue }, {
          batchSize: this.options.batchSize ?? Math.min(prefetch, 100),
          flushMs: this.options.flushMs ?? 50,
          onError: this.options.onError,
          retryHeldMs: this.options.retryHeldMs,
        });
        await consumer.start(prefetch);
        this.consumers.set(id, consumer);
      } catch (e) {
        failures.set(id, `cannot collect: ${describeError(e)}`);
        this.options.onError(`cannot collect from ${id}: ${describeError(e)}`);
      }
    }
    return failures;
  }

  collected(id: string): number {
    return this.consumers.get(id)?.collected ?? 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((c) => c.close()));
    this.consumers.clear();
    await Promise.all([...this.connections.values()].map((c) => c.close().catch(() => undefined)));
    this.connections.clear();
  }
}
