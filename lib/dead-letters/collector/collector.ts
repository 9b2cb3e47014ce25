import "server-only";
import type { DeadLetterSource } from "@/lib/brokers/dead-letter-source";
import type { Broker } from "@/lib/brokers/types";
import { ensureCluster } from "@/lib/clusters/ensure-cluster";
import type { ClusterConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { LeaderLock } from "@/lib/db/leader-lock";
import { describeError } from "@/lib/errors";
import { storeSink } from "./store-sink";

/** A configured cluster and its broker, paired by name by whoever builds the collector. */
export type CollectorTarget = { cluster: ClusterConfig; broker: Broker };

export type CollectorOptions = {
  /** How often adopted DLQs are reconciled (an adoption takes effect within this). */
  intervalMs: number;
  /** How often DLQs are discovered again (a walk of every queue and the DLX bindings). */
  discoveryMs: number;
  timeoutMs: number;
  /** Letters the store refused go back to their DLQ to be tried again after this long (default a minute). */
  retryHeldMs?: number;
  log?: (level: "info" | "warn", message: string, context?: Record<string, unknown>) => void;
};

/** Tends the dead-letter source (its driver's) of each cluster this replica leads for collection, storing what it yields. */
export class Collector {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** One dead-letter source per cluster, by cluster name, while this replica leads it. */
  private readonly sources = new Map<string, DeadLetterSource>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly targets: CollectorTarget[],
    private readonly lock: LeaderLock,
    private readonly options: CollectorOptions,
  ) {
    // The connection holding the clusters is gone, and another replica may take them now: stop at once.
    lock.onLost?.(() => void this.standDown().catch((e: unknown) => this.warn(`closing the dead-letter sources: ${describeError(e)}`)));
  }

  private warn(message: string): void {
    this.options.log?.("warn", message);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.loop();
  }

  private async loop(): Promise<void> {
    await this.tick();
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.loop(), this.options.intervalMs);
    this.timer.unref?.();
  }

  tick(): Promise<void> {
    this.running ??= this.runTick().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runTick(): Promise<void> {
    const all = this.targets.map((t) => t.cluster.name);
    // A cluster is handed back only once its source is closed: its unacked letters are back on the broker first.
    const led = this.lock.claim
      ? await this.lock.claim(all, this.options.intervalMs, (name) => this.close(name))
      : new Set((await this.lock.ensure()) ? all : []);
    for (const name of [...this.sources.keys()]) if (!led.has(name)) await this.close(name);
    await Promise.all(
      this.targets.filter((t) => led.has(t.cluster.name)).map((t) => this.tend(t).catch((e: unknown) => this.warn(`dead-letter collection on ${t.cluster.name}: ${describeError(e)}`))),
    );
  }

  private async close(name: string): Promise<void> {
    const source = this.sources.get(name);
    if (!source) return;
    this.sources.delete(name);
    await source.close();
    this.options.log?.("info", "collector handed a cluster over", { cluster: name });
  }

  private async tend(t: CollectorTarget): Promise<void> {
    const clusterId = await ensureCluster(this.prisma, t.cluster.name, t.cluster.kind);
    let source = this.sources.get(t.cluster.name);
    if (!source) {
      const sink = storeSink(this.prisma, { id: clusterId, name: t.cluster.name }, (m) => this.warn(m));
      source = t.broker.deadLetterSource(sink, { discoveryMs: this.options.discoveryMs, timeoutMs: this.options.timeoutMs, retryHeldMs: this.options.retryHeldMs });
      this.sources.set(t.cluster.name, source);
      this.options.log?.("info", "collector leads a cluster", { cluster: t.cluster.name });
    }
    await source.tend();
  }

  /** Stop collecting everywhere; unacked messages return to their queues. */
  private async standDown(): Promise<void> {
    const sources = [...this.sources.values()];
    this.sources.clear();
    await Promise.all(sources.map((s) => s.close()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.standDown();
    await this.lock.release();
  }
}
