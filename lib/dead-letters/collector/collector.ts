import "server-only";
import type { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import type { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { DEFAULT_CAPTURE, type NatsClusterConfig, type RabbitClusterConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import type { LeaderLock } from "@/lib/health/sampler/leader-lock";
import { ensureCluster } from "@/lib/health/sampler/write-sweep";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { CaptureCollector } from "../nats/capture-collector";
import { captureDurable } from "../nats/capture-durable";
import { RabbitCollector } from "../rabbitmq/rabbit-collector";
import { adoptedDlqs, syncDlqs } from "./sync-dlqs";

export type CollectorTarget = { cluster: RabbitClusterConfig; broker: RabbitBroker } | { cluster: NatsClusterConfig; broker: NatsBroker };

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

/** On the replica holding the collector lock: keeps DLQs discovered, adopted ones consumed, and NATS advisories captured. */
export class Collector {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private leading = false;
  private readonly rabbit = new Map<string, RabbitCollector>();
  private readonly nats = new Map<string, CaptureCollector>();
  private readonly natsProblems = new Map<string, string | null>();
  private readonly discoveredAt = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly targets: CollectorTarget[],
    private readonly lock: LeaderLock,
    private readonly options: CollectorOptions,
  ) {}

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
    if (!(await this.lock.ensure())) {
      if (this.leading) await this.standDown();
      return;
    }
    this.leading = true;
    await Promise.all(this.targets.map((t) => this.tend(t).catch((e: unknown) => this.warn(`dead-letter collection on ${t.cluster.name}: ${describeError(e)}`))));
  }

  private async tend(t: CollectorTarget): Promise<void> {
    const clusterId = await ensureCluster(this.prisma, t.cluster.name, t.cluster.kind);
    if (t.cluster.kind === "rabbitmq") {
      const broker = t.broker as RabbitBroker;
      const due = Date.now() - (this.discoveredAt.get(t.cluster.name) ?? 0) >= this.options.discoveryMs;
      const adopted = due ? await syncDlqs(this.prisma, broker.management, t.cluster, clusterId) : await adoptedDlqs(this.prisma, clusterId);
      if (due) this.discoveredAt.set(t.cluster.name, Date.now());
      let c = this.rabbit.get(t.cluster.name);
      if (!c) {
        c = new RabbitCollector(this.prisma, t.cluster, clusterId, { timeoutMs: this.options.timeoutMs, retryHeldMs: this.options.retryHeldMs, onError: (m) => this.warn(m) });
        this.rabbit.set(t.cluster.name, c);
      }
      const failures = await c.reconcile(adopted);
      for (const [name, problem] of failures) await this.prisma.dlq.updateMany({ where: { clusterId, name }, data: { problem } });
      return;
    }
    const capture = t.cluster.capture ?? DEFAULT_CAPTURE;
    if (!capture.enabled) return;
    const existing = this.nats.get(t.cluster.name);
    if (existing?.running) {
      // Another puller on this installation's durable: shown with the capture stream while it lasts.
      const problem = existing.problem;
      if (problem !== (this.natsProblems.get(t.cluster.name) ?? null)) {
        if (problem) this.warn(problem);
        await this.prisma.cluster.update({ where: { id: clusterId }, data: { deadLetterProblems: problem ? [{ source: capture.stream, problem }] : [] } });
        this.natsProblems.set(t.cluster.name, problem);
      }
      return;
    }
    try {
      const nc = await (t.broker as NatsBroker).natsConnection();
      const durable = captureDurable(capture, await getInstallationId(this.prisma));
      const c = new CaptureCollector(this.prisma, nc, capture, durable, { clusterId, clusterName: t.cluster.name }, (m) => this.warn(m));
      await c.start();
      this.nats.set(t.cluster.name, c);
      this.natsProblems.set(t.cluster.name, null);
      await this.prisma.cluster.update({ where: { id: clusterId }, data: { deadLetterProblems: [] } });
    } catch (e) {
      // Shown with the capture stream on the Dead letters page, not only in the log.
      const problem = `cannot capture JetStream dead letters: ${describeError(e)}`;
      await this.prisma.cluster.update({ where: { id: clusterId }, data: { deadLetterProblems: [{ source: capture.stream, problem }] } });
      throw e;
    }
  }

  /** Another replica took the lock: stop collecting; unacked messages return to their queues. */
  private async standDown(): Promise<void> {
    this.leading = false;
    await Promise.all([...this.rabbit.values()].map((c) => c.close()));
    await Promise.all([...this.nats.values()].map((c) => c.stop()));
    this.rabbit.clear();
    this.nats.clear();
    this.natsProblems.clear();
    this.discoveredAt.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.standDown();
    await this.lock.release();
  }
}
