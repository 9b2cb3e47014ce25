import "server-only";
import type { NatsConnection } from "@nats-io/transport-node";
import { DEFAULT_CAPTURE, type NatsClusterConfig } from "@/lib/config";
import { describeError } from "@/lib/errors";
import type { DeadLetterSink, DeadLetterSource } from "../dead-letter-source";
import { CaptureCollector } from "./capture-collector";
import { captureDurable } from "./capture-durable";

/**
 * JetStream's dead letters: one capture stream of advisories per cluster, read by this
 * installation's own durable. Its problems (cannot capture, another puller on the durable) are
 * shown with the capture stream through the sink.
 */
export class NatsDeadLetterSource implements DeadLetterSource {
  private collector: CaptureCollector | undefined;
  /** The problem last shown, so the cluster row is written only when it changes. */
  private shown: string | null = null;

  constructor(
    private readonly cluster: NatsClusterConfig,
    private readonly connection: () => Promise<NatsConnection>,
    private readonly sink: DeadLetterSink,
  ) {}

  async tend(): Promise<void> {
    const capture = this.cluster.capture ?? DEFAULT_CAPTURE;
    if (!capture.enabled) return;
    const existing = this.collector;
    if (existing?.running) {
      // Another puller on this installation's durable: shown with the capture stream while it lasts.
      const problem = existing.problem;
      if (problem !== this.shown) {
        if (problem) this.sink.warn(problem);
        await this.sink.setClusterProblems(problem ? [{ source: capture.stream, problem }] : []);
        this.shown = problem;
      }
      return;
    }
    try {
      const nc = await this.connection();
      const durable = captureDurable(capture, await this.sink.installationId());
      const c = new CaptureCollector(this.sink, nc, capture, durable);
      await c.start();
      this.collector = c;
      this.shown = null;
      await this.sink.setClusterProblems([]);
    } catch (e) {
      // Shown with the capture stream on the Dead letters page, not only in the log.
      const problem = `cannot capture JetStream dead letters: ${describeError(e)}`;
      await this.sink.setClusterProblems([{ source: capture.stream, problem }]);
      throw e;
    }
  }

  async close(): Promise<void> {
    const c = this.collector;
    this.collector = undefined;
    this.shown = null;
    await c?.stop();
  }
}
