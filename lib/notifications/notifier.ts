import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import type { DeliveryWorker } from "./delivery-worker";
import { evaluateRules, type EvaluateResult } from "./evaluate-rules";
import { pruneNotifications } from "./prune-notifications";

const PRUNE_EVERY_MS = 3_600_000;

export type NotifierOptions = {
  publicUrl: string;
  /** Resolved incidents and finished deliveries older than this are deleted (about hourly). */
  retentionMs?: number;
  /** More firing (or resolved) incidents than this from one rule at once are announced in one summary per channel. */
  groupAbove?: number;
  now?: () => Date;
  log?: (level: "info" | "warn", message: string, context?: Record<string, unknown>) => void;
};

/**
 * Evaluates the notification rules after each of the sampling leader's sweeps. `afterSweep` returns
 * at once; evaluations never overlap (a sweep that ends during one asks for one more run after it).
 */
export class Notifier {
  private running: Promise<EvaluateResult | null> | undefined;
  private rerun = false;
  private prunedAt = 0;
  lastResult: EvaluateResult | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly worker: DeliveryWorker,
    private readonly options: NotifierOptions,
  ) {}

  afterSweep(): void {
    if (this.running) {
      this.rerun = true;
      return;
    }
    void this.evaluate();
  }

  /** One evaluation now, or the one under way. */
  evaluate(): Promise<EvaluateResult | null> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
      if (this.rerun) {
        this.rerun = false;
        void this.evaluate();
      }
    });
    return this.running;
  }

  private async run(): Promise<EvaluateResult | null> {
    try {
      const r = await evaluateRules({
        prisma: this.prisma,
        publicUrl: this.options.publicUrl,
        groupAbove: this.options.groupAbove,
        now: (this.options.now ?? (() => new Date()))(),
        log: (message, context) => this.options.log?.("warn", message, context),
      });
      this.lastResult = r;
      await this.prune();
      if (r.deliveries > 0) this.worker.wake();
      if (r.fired || r.resolved) this.options.log?.("info", "notification incidents changed", { fired: r.fired, resolved: r.resolved, deliveries: r.deliveries });
      return r;
    } catch (e) {
      this.options.log?.("warn", "notification rules could not be evaluated; trying again after the next sweep", { error: describeError(e) });
      return null;
    }
  }

  private async prune(): Promise<void> {
    if (!this.options.retentionMs || Date.now() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = Date.now();
    try {
      await pruneNotifications(this.prisma, (this.options.now ?? (() => new Date()))(), this.options.retentionMs);
    } catch (e) {
      this.options.log?.("warn", "old notification records could not be deleted; retried in an hour", { error: describeError(e) });
    }
  }

  async stop(): Promise<void> {
    this.rerun = false;
    await this.running;
  }
}
