import "server-only";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { describeError } from "@/lib/errors";
import { onShutdown } from "@/lib/lifecycle/on-shutdown";
import { log } from "@/lib/log";
import { getProcessMetrics } from "@/lib/metrics/process-metrics";
import { DeliveryWorker } from "./delivery-worker";
import { Notifier } from "./notifier";
import { syncNotificationConfig } from "./sync-notification-config";
import { vetWebhookTarget } from "./webhook-target";

const holder = globalThis as typeof globalThis & { __redriveNotifier?: Promise<Notifier> };

/** The process's notifier and its delivery worker, started on first use (after the config's channels and rules are in the store). */
export function getNotifier(): Promise<Notifier> {
  holder.__redriveNotifier ??= (async () => {
    const config = getConfig();
    const { prisma } = await getStore();
    await syncNotificationConfig(prisma, config.notifications, (m) => log.warn(m)).catch((e: unknown) =>
      log.warn("notification settings from the configuration could not be stored; retried at the next start", { error: describeError(e) }),
    );
    // Config channels are not checked when the file is read (no lookups there): say so at start,
    // rather than only in each refused delivery.
    if (!config.notifications.allowPrivateTargets) {
      for (const c of config.notifications.channels) {
        void vetWebhookTarget(c.url, { allowPrivateTargets: false }).then((v) => {
          if ("refused" in v) log.warn(`notifications: deliveries to the configured channel "${c.name}" will be refused`, { reason: v.refused });
        });
      }
    }
    const d = config.notifications.delivery;
    const worker = new DeliveryWorker(prisma, {
      ...d,
      allowPrivateTargets: config.notifications.allowPrivateTargets,
      channelUrl: (c) => (c.source === "config" ? (config.notifications.channels.find((x) => x.name === c.name)?.url ?? null) : c.url),
      log: (level, message, context) => log[level](message, context),
      onAttempt: (channel, ok) => getProcessMetrics().notificationAttempts.inc({ channel, result: ok ? "ok" : "error" }),
    });
    worker.start();
    const notifier = new Notifier(prisma, worker, { publicUrl: config.publicUrl, retentionMs: d.retentionMs, groupAbove: d.groupAbove, log: (level, message, context) => log[level](message, context) });
    onShutdown({ name: "notifier", run: async () => (await notifier.stop(), await worker.stop()) });
    return notifier;
  })().catch((e: unknown) => {
    holder.__redriveNotifier = undefined;
    throw e;
  });
  return holder.__redriveNotifier;
}
