import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeError } from "@/lib/errors";
import { retryDelayMs } from "./backoff";
import { sendWebhook, type SendResult } from "./send-webhook";
import type { WebhookTargetOptions } from "./webhook-target";

export type DeliveryWorkerOptions = {
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** The URL of a channel: from the config for config channels, from the store for the others. */
  channelUrl: (channel: { name: string; source: string; url: string | null }) => string | null;
  /** How often to look for due deliveries when nothing woke the worker. */
  pollMs?: number;
  /** Deliveries sent at once; a receiver that hangs holds one slot until its timeout. */
  concurrency?: number;
  log?: (level: "info" | "warn", message: string, context?: Record<string, unknown>) => void;
  onAttempt?: (channel: string, ok: boolean) => void;
  send?: (url: string, body: unknown, timeoutMs: number, target: WebhookTargetOptions) => Promise<SendResult>;
  /** `notifications.allowPrivateTargets`: without it, webhooks to private, loopback and link-local addresses are refused. */
  allowPrivateTargets: boolean;
};

type Claimed = { id: string; channel_id: string | null; channel_name: string; body: unknown; attempts: number };

/**
 * Sends queued notification deliveries, each on its own, apart from sampling and rule evaluation:
 * a slow or broken webhook delays nothing but its own messages. Every attempt is logged; a failure
 * is retried with exponential backoff up to maxAttempts. Replicas share the queue: a delivery is
 * claimed (FOR UPDATE SKIP LOCKED, with a lease) before it is sent.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private draining: Promise<void> | undefined;
  private again = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: DeliveryWorkerOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Look for due deliveries now (new ones were just queued). */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), ms);
    this.timer.unref?.();
  }

  private drain(): Promise<void> {
    this.draining ??= this.claimAndSend()
      .catch((e: unknown) => this.options.log?.("warn", "notification deliveries could not be read", { error: describeError(e) }))
      .finally(() => {
        this.draining = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        } else {
          this.schedule(this.options.pollMs ?? 2000);
        }
      });
    return this.draining;
  }

  private async claimAndSend(): Promise<void> {
    const free = (this.options.concurrency ?? 4) - this.inFlight.size;
    if (free <= 0) return;
    const leaseSeconds = Math.ceil(this.options.timeoutMs / 1000) + 30;
    const claimed = await this.prisma.$queryRawUnsafe<Claimed[]>(
      `UPDATE "notification_deliveries" SET "status" = 'sending', "locked_until" = now() + make_interval(secs => $2)
       WHERE "id" IN (
         SELECT "id" FROM "notification_deliveries"
         WHERE ("status" = 'pending' AND "next_attempt_at" <= now()) OR ("status" = 'sending' AND "locked_until" < now())
         ORDER BY "next_attempt_at" LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING "id"::text AS id, "channel_id"::text AS channel_id, "channel_name", "body", "attempts"`,
      free,
      leaseSeconds,
    );
    for (const d of claimed) {
      const p: Promise<void> = this.deliver(d)
        .catch((e: unknown) => this.options.log?.("warn", "notification delivery failed unexpectedly", { channel: d.channel_name, error: describeError(e) }))
        .finally(() => {
          this.inFlight.delete(p);
          this.wake();
        });
      this.inFlight.add(p);
    }
  }

  private async deliver(d: Claimed): Promise<void> {
    const channel = d.channel_id ? await this.prisma.notificationChannel.findUnique({ where: { id: d.channel_id } }) : null;
    const attempt = d.attempts + 1;
    let result: SendResult;
    const url = channel ? this.options.channelUrl(channel) : null;
    if (!channel) result = { ok: false, httpStatus: null, error: "the channel was deleted", durationMs: 0 };
    else if (!channel.enabled) result = { ok: false, httpStatus: null, error: "the channel is disabled", durationMs: 0 };
    else if (!url) result = { ok: false, httpStatus: null, error: "the channel has no URL (is it still in the configuration?)", durationMs: 0 };
    else result = await (this.options.send ?? sendWebhook)(url, d.body, this.options.timeoutMs, { allowPrivateTargets: this.options.allowPrivateTargets });

    this.options.onAttempt?.(d.channel_name, result.ok);
    await this.prisma.notificationAttempt.create({ data: { deliveryId: d.id, durationMs: result.durationMs, httpStatus: result.httpStatus, ok: result.ok, error: result.error } });
    const final = result.ok || attempt >= this.options.maxAttempts || !channel || !channel.enabled;
    if (result.ok) {
      await this.prisma.$executeRawUnsafe(
        `UPDATE "notification_deliveries" SET "status" = 'sent', "attempts" = $2, "sent_at" = now(), "locked_until" = NULL, "last_error" = NULL WHERE "id" = $1::uuid`,
        d.id,
        attempt,
      );
      return;
    }
    const delayMs = retryDelayMs(attempt, this.options.backoffMs, this.options.maxBackoffMs);
    await this.prisma.$executeRawUnsafe(
      `UPDATE "notification_deliveries" SET "status" = $3, "attempts" = $2, "last_error" = $4, "locked_until" = NULL,
         "next_attempt_at" = now() + make_interval(secs => $5) WHERE "id" = $1::uuid`,
      d.id,
      attempt,
      final ? "failed" : "pending",
      result.error,
      delayMs / 1000,
    );
    this.options.log?.("warn", final ? "notification delivery gave up" : "notification delivery failed; will retry", {
      channel: d.channel_name,
      attempt,
      error: result.error,
      ...(final ? {} : { retryInSeconds: delayMs / 1000 }),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.draining;
    await Promise.allSettled([...this.inFlight]);
  }
}
