import "server-only";
import { DEFAULT_RABBIT_DEAD_LETTERS, type RabbitClusterConfig } from "@/lib/config";
import type { DeadLetterSink, DeadLetterSource, DeadLetterSourceOptions, FoundDeadLetterSource, SourceProblem } from "../dead-letter-source";
import { discoverDlqs, type QueueFacts } from "./discover-dlqs";
import { listQueuePages } from "./list-rabbit-queues";
import type { ManagementClient } from "./management-client";
import { queueId, splitQueueId } from "./queue-id";
import { RabbitCollector } from "./rabbit-collector";

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    "^" +
      glob
        .split("*")
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$",
  );
}

/** Walks the cluster's queues and DLX bindings: its DLQs, and the sources whose dead letters are dropped. */
export async function discoverDeadLetterQueues(
  api: ManagementClient,
  cluster: RabbitClusterConfig,
): Promise<{ found: FoundDeadLetterSource[]; problems: SourceProblem[] }> {
  const settings = cluster.deadLetters ?? DEFAULT_RABBIT_DEAD_LETTERS;
  const scopes = cluster.vhosts.length ? cluster.vhosts : [null];
  const queues: QueueFacts[] = [];
  for (const vhost of scopes) {
    const { items } = await listQueuePages(api, vhost);
    for (const q of items) {
      const policy = Array.isArray(q.effective_policy_definition) ? {} : (q.effective_policy_definition ?? {});
      queues.push({ vhost: q.vhost, name: q.name, messages: (q.messages_ready ?? 0) + (q.messages_unacknowledged ?? 0), arguments: q.arguments ?? {}, policy });
    }
  }
  const configured = settings.queues.map(splitQueueId);
  const { dlqs, problems } = await discoverDlqs(api, queues, configured);
  const adoptPatterns = settings.adopt.map(globToRegExp);
  const found = dlqs.map((d) => {
    const name = queueId(d.vhost, d.queue);
    return { name, sources: d.sources, foundBy: d.foundBy, depth: d.depth, adoptedByConfig: adoptPatterns.some((r) => r.test(name) || r.test(d.queue)) };
  });
  return { found, problems };
}

/**
 * RabbitMQ's dead letters: DLQs are discovered (every `discoveryMs`), and the adopted ones are
 * consumed with manual acks, each batch acked only after the sink stored it.
 */
export class RabbitDeadLetterSource implements DeadLetterSource {
  private discoveredAt = 0;
  private collector: RabbitCollector | undefined;

  constructor(
    private readonly cluster: RabbitClusterConfig,
    private readonly api: ManagementClient,
    private readonly sink: DeadLetterSink,
    private readonly options: DeadLetterSourceOptions,
  ) {}

  async tend(): Promise<void> {
    if (Date.now() - this.discoveredAt >= this.options.discoveryMs) {
      const { found, problems } = await discoverDeadLetterQueues(this.api, this.cluster);
      await this.sink.recordDiscovery(found, problems);
      this.discoveredAt = Date.now();
    }
    const adopted = (await this.sink.adopted()).map(splitQueueId);
    this.collector ??= new RabbitCollector((letters) => this.sink.store(letters), this.cluster, this.sink.clusterId, {
      timeoutMs: this.options.timeoutMs,
      retryHeldMs: this.options.retryHeldMs,
      onError: (m) => this.sink.warn(m),
    });
    const failures = await this.collector.reconcile(adopted);
    for (const [name, problem] of failures) await this.sink.setSourceProblem(name, problem);
  }

  async close(): Promise<void> {
    const c = this.collector;
    this.collector = undefined;
    this.discoveredAt = 0;
    await c?.close();
  }
}
