import "server-only";
import type { Broker } from "@/lib/brokers/types";
import type { ClusterConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import { ConsumerWindows } from "./consumer-windows";
import type { LeaderLock } from "@/lib/db/leader-lock";
import { expireOldData, rollUpMinutes } from "./maintain-retention";
import { sweepCluster, type SweepResult } from "./sweep-cluster";

export type SamplerOptions = {
  intervalMs: number;
  rawRetentionMs: number;
  rollupRetentionMs: number;
  /** How much history the health rules look back on (the largest window of any cluster). */
  windowMs: number;
  now?: () => Date;
  log?: (level: "info" | "warn", message: string, context?: Record<string, unknown>) => void;
  /**
   * Called after every tick, leader or not, with what it did. Must return at once: whatever it starts
   * (metrics, notification rules) runs beside the sampler, never in its way.
   */
  afterTick?: (tick: { at: Date; ms: number; result: TickResult }) => void;
};

export type TickResult = { leader: boolean; sweeps: SweepResult[] };

const MAINTENANCE_EVERY_MS = 60_000;

/** Every interval: if this replica holds the leader lock, sweep every cluster; ticks never stack. */
export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickResult> | undefined;
  private stopped = true;
  private leading = false;
  private windows: ConsumerWindows;
  private lastMaintenance = 0;
  private rolledUpTo: Date | undefined;
  private readonly now: () => Date;
  lastTick: { at: Date; ms: number; result: TickResult } | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly targets: Array<{ cluster: ClusterConfig; broker: Broker }>,
    private readonly lock: LeaderLock,
    private readonly options: SamplerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.windows = new ConsumerWindows(options.windowMs + 2 * options.intervalMs);
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
    const leader = await this.lock.ensure();
    if (!leader) {
      if (this.leading) this.options.log?.("warn", "sampler lost the leader lock; another replica samples");
      this.leading = false;
      return this.finish(started, { leader: false, sweeps: [] });
    }
    if (!this.leading) {
      // Taking over: continue from what the previous leader stored.
      this.windows = new ConsumerWindows(this.options.windowMs + 2 * this.options.intervalMs);
      await this.windows.load(this.prisma, this.now());
      this.leading = true;
      this.options.log?.("info", "sampler is the leader");
    }
    const sweeps = await Promise.all(
      this.targets.map((t) =>
        sweepCluster({ prisma: this.prisma, broker: t.broker, cluster: t.cluster, windows: this.windows, intervalMs: this.options.intervalMs, now: this.now }).catch(
          (e: unknown): SweepResult => ({ cluster: t.cluster.name, consumers: 0, ms: 0, error: `could not store the sweep: ${describeError(e)}` }),
        ),
      ),
    );
    for (const s of sweeps) if (s.error) this.options.log?.("warn", "sweep failed", { cluster: s.cluster, error: s.error });
    await this.maintain();
    return this.finish(started, { leader: true, sweeps });
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

  /** Roll up finished minutes and expire old data, about once a minute. */
  async maintain(force = false): Promise<void> {
    const now = this.now();
    if (!force && now.getTime() - this.lastMaintenance < MAINTENANCE_EVERY_MS) return;
    this.lastMaintenance = now.getTime();
    try {
      const from = this.rolledUpTo ?? new Date(now.getTime() - this.options.rawRetentionMs);
      await rollUpMinutes(this.prisma, from, now);
      // The current minute is still filling; it is rolled up again next time.
      this.rolledUpTo = new Date(Math.floor(now.getTime() / 60_000) * 60_000 - 60_000);
      await expireOldData(this.prisma, now, this.options.rawRetentionMs, this.options.rollupRetentionMs);
    } catch (e) {
      this.options.log?.("warn", "sample retention failed; retried next minute", { error: describeError(e) });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.lock.release();
    this.leading = false;
  }
}
