import "server-only";
import type { Broker } from "@/lib/brokers/types";
import type { ClusterConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import { ConsumerWindows, keptWindowMs } from "./consumer-windows";
import type { LeaderLock } from "@/lib/db/leader-lock";
import { expireOldData, packBoundary, packDays, packHours } from "./maintain-retention";
import { sweepCluster, type SweepResult } from "./sweep-cluster";
import { ensureCluster } from "@/lib/clusters/ensure-cluster";

export type SamplerOptions = {
  intervalMs: number;
  rawRetentionMs: number;
  rollupRetentionMs: number;
  /** How much history the health rules look back on (the largest window of any cluster). */
  windowMs: number;
  now?: () => Date;
  log?: (level: "debug" | "info" | "warn", message: string, context?: Record<string, unknown>) => void;
  /**
   * Called after every tick, leader or not, with what it did. Must return at once: whatever it starts
   * (metrics, notification rules) runs beside the sampler, never in its way.
   */
  afterTick?: (tick: { at: Date; ms: number; result: TickResult }) => void;
  /** Other domains' store upkeep (expiring their own old rows), run by the replica doing the upkeep with the sample retention. */
  upkeep?: Array<{ name: string; run: (prisma: PrismaClient, now: Date) => Promise<unknown> }>;
};

/** `leader`: this replica swept at least one cluster or did the upkeep; `upkeep`: it did the store-wide upkeep (and so runs the notification rules). */
export type TickResult = { leader: boolean; upkeep: boolean; sweeps: SweepResult[] };

const MAINTENANCE_EVERY_MS = 60_000;

/** Every interval: sweep each cluster this replica leads (lib/db/leader-lock.ts); ticks never stack. */
export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickResult> | undefined;
  private stopped = true;
  /** The sliding windows of each cluster this replica leads, by cluster name. */
  private readonly windows = new Map<string, ConsumerWindows>();
  private ticks = 0;
  private lastMaintenance = 0;
  private readonly now: () => Date;
  lastTick: { at: Date; ms: number; result: TickResult } | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly targets: Array<{ cluster: ClusterConfig; broker: Broker }>,
    private readonly lock: LeaderLock,
    private readonly options: SamplerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    // The connection holding the clusters is gone: so are they; their windows are loaded again when taken back.
    lock.onLost?.(() => this.windows.clear());
  }

  /** The clusters this replica leads now: per cluster where the lock can say, else all or none. */
  private async lead(): Promise<{ names: Set<string>; upkeep: boolean }> {
    const all = this.targets.map((t) => t.cluster.name);
    if (this.lock.claim) {
      const names = await this.lock.claim(all, this.options.intervalMs, async (name) => void this.windows.delete(name));
      const upkeep = (await this.lock.upkeep?.()) ?? names.size > 0;
      return { names, upkeep };
    }
    const leader = await this.lock.ensure();
    return { names: new Set(leader ? all : []), upkeep: leader };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.loop();
  }

  private async loop(): Promise<void> {
    const started = Date.now();
    await this.tick();
    if (this.stopped) return;
    // A tick that overran starts the next at once, never two at a time.
    this.timer = setTimeout(() => void this.loop(), Math.max(0, this.options.intervalMs - (Date.now() - started)));
    this.timer.unref?.();
  }

  /** One tick now, or the one already under way. */
  tick(): Promise<TickResult> {
    this.running ??= this.runTick().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runTick(): Promise<TickResult> {
    const started = performance.now();
    this.ticks++;
    const { names, upkeep } = await this.lead();
    for (const name of [...this.windows.keys()]) {
      if (names.has(name)) continue;
      this.windows.delete(name);
      this.options.log?.("info", "sampler handed a cluster over", { cluster: name });
    }
    const led = this.targets.filter((t) => names.has(t.cluster.name));
    const sweeps = await Promise.all(led.map((t) => this.sweep(t)));
    for (const s of sweeps) {
      if (s.error) this.options.log?.("warn", "sweep failed", { cluster: s.cluster, error: s.error });
      else if (!s.skipped) this.options.log?.("debug", "swept", { cluster: s.cluster, consumers: s.consumers, ms: s.ms });
    }
    if (upkeep) await this.maintain();
    return this.finish(started, { leader: led.length > 0 || upkeep, upkeep, sweeps });
  }

  private async sweep(t: { cluster: ClusterConfig; broker: Broker }): Promise<SweepResult> {
    const at = this.now();
    try {
      let windows = this.windows.get(t.cluster.name);
      if (!windows) {
        // Taking a cluster over: continue from what its previous leader stored.
        windows = new ConsumerWindows(keptWindowMs(this.options.windowMs, this.options.intervalMs), this.options.intervalMs);
        const clusterId = await ensureCluster(this.prisma, t.cluster.name, t.cluster.kind);
        await windows.load(this.prisma, at, clusterId);
        this.windows.set(t.cluster.name, windows);
        this.options.log?.("info", "sampler leads a cluster", { cluster: t.cluster.name });
        // Its previous leader swept it moments ago (a hand-over): the next tick sweeps it, not this one.
        const last = await this.prisma.cluster.findUnique({ where: { id: clusterId }, select: { lastSampledAt: true } });
        const age = last?.lastSampledAt ? at.getTime() - last.lastSampledAt.getTime() : Infinity;
        if (this.ticks > 1 && age >= 0 && age < this.options.intervalMs / 2) return { cluster: t.cluster.name, consumers: 0, ms: 0, error: null, skipped: true };
      }
      return await sweepCluster({ prisma: this.prisma, broker: t.broker, cluster: t.cluster, windows, intervalMs: this.options.intervalMs, now: this.now });
    } catch (e) {
      // What this leader remembers having written may not be in the store: the next sweep writes everything again.
      this.windows.delete(t.cluster.name);
      return { cluster: t.cluster.name, consumers: 0, ms: 0, error: `could not store the sweep: ${describeError(e)}` };
    }
  }

  private finish(started: number, result: TickResult): TickResult {
    const tick = { at: this.now(), ms: Math.round(performance.now() - started), result };
    this.lastTick = tick;
    try {
      this.options.afterTick?.(tick);
    } catch (e) {
      this.options.log?.("warn", "after-tick hook failed", { error: describeError(e) });
    }
    return result;
  }

  private packedTo: number | undefined;
  private packing: Promise<void> | undefined;

  private async pack(now: Date): Promise<void> {
    try {
      await packHours(this.prisma, now);
      await packDays(this.prisma, now);
    } catch (e) {
      this.packedTo = undefined;
      this.options.log?.("warn", "packing samples failed; retried next minute", { error: describeError(e) });
    }
  }

  /** Pack (and roll up) finished hours, pack finished days of rollups, and expire old data, checked about once a minute. */
  async maintain(force = false): Promise<void> {
    const now = this.now();
    if (!force && now.getTime() - this.lastMaintenance < MAINTENANCE_EVERY_MS) return;
    this.lastMaintenance = now.getTime();
    try {
      // Once an hour has something to pack (and again on a new leader, which may find hours left over).
      // Packing an hour of a large fleet takes a while: sweeps go on meanwhile (forced: awaited).
      const boundary = packBoundary(now).getTime();
      if (force || boundary !== this.packedTo) {
        this.packedTo = boundary;
        const run = (this.packing ??= this.pack(now).finally(() => {
          this.packing = undefined;
        }));
        if (force) await run;
      }
      await expireOldData(this.prisma, now, this.options.rawRetentionMs, this.options.rollupRetentionMs);
    } catch (e) {
      this.options.log?.("warn", "sample retention failed; retried next minute", { error: describeError(e) });
    }
    for (const task of this.options.upkeep ?? []) {
      try {
        await task.run(this.prisma, now);
      } catch (e) {
        this.options.log?.("warn", `${task.name} failed; retried next minute`, { error: describeError(e) });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.packing;
    await this.lock.release();
    this.windows.clear();
  }
}
