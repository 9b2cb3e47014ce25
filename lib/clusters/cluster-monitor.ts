import type { Broker } from "@/lib/brokers/types";
import { describeError } from "@/lib/errors";
import { initialStatus, nextStatus, stateOf, type ClusterState, type ClusterStatus } from "./cluster-status";

export type PriorStatus = { state: ClusterState; since: Date; version: string | null };

export type MonitorOptions = {
  intervalMs: number;
  now?: () => Date;
  /** Called after each round with every status; failures are reported to onError, never thrown. */
  onRound?: (statuses: ClusterStatus[]) => Promise<void>;
  onError?: (message: string, error: unknown) => void;
};

/** Probes every broker on an interval. A round that overruns delays the next; rounds never stack. */
export class ClusterMonitor {
  private readonly statusByName = new Map<string, ClusterStatus>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private firstRound: Promise<void> | undefined;
  private stopped = true;
  private readonly now: () => Date;
  private readonly priors = new Map<string, PriorStatus>();

  constructor(
    private readonly brokers: Broker[],
    private readonly options: MonitorOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    const at = this.now();
    for (const b of brokers) this.statusByName.set(b.name, initialStatus(b.name, b.kind, at));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.firstRound = this.loop();
  }

  private async loop(): Promise<void> {
    await this.checkAll();
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.loop(), this.options.intervalMs);
    this.timer.unref?.();
  }

  /** Resolves once the first round after start() has finished (or at once if not started). */
  async ready(): Promise<void> {
    await this.firstRound;
  }

  /** Runs one round now, or joins the round already under way. */
  checkAll(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    await Promise.all(
      this.brokers.map(async (b) => {
        const probe = await b.probe().catch((e: unknown) => ({
          reachable: false,
          serverVersion: null,
          management: null,
          error: describeError(e),
          latencyMs: null,
          details: {},
        }));
        let prev = this.statusByName.get(b.name) ?? initialStatus(b.name, b.kind, this.now());
        const prior = prev.checkedAt === null ? this.priors.get(b.name) : undefined;
        if (prior) {
          // First check after a restart: a state that did not change keeps the time it began.
          prev = { ...prev, lastKnownVersion: prior.version, ...(prior.state === stateOf(probe) ? { state: prior.state, since: prior.since.toISOString() } : {}) };
        }
        this.statusByName.set(b.name, nextStatus(prev, probe, this.now()));
      }),
    );
    if (this.options.onRound) {
      await this.options.onRound(this.statuses()).catch((e: unknown) => this.options.onError?.("could not record cluster statuses", e));
    }
  }

  statuses(): ClusterStatus[] {
    return this.brokers.map((b) => this.statusByName.get(b.name)!);
  }

  /** What an earlier run recorded, so a restart does not reset "down since". Call before start(). */
  restore(name: string, prior: PriorStatus): void {
    this.priors.set(name, prior);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.all(this.brokers.map((b) => b.close()));
  }
}
