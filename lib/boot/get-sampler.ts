import "server-only";
import { brokerFor } from "@/lib/brokers/get-brokers";
import { DEFAULT_THRESHOLDS, getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { describeError } from "@/lib/errors";
import { onShutdown } from "@/lib/lifecycle/on-shutdown";
import { log } from "@/lib/log";
import { recordSamplerTick } from "@/lib/metrics/record-sampler-tick";
import { getNotifier } from "@/lib/notifications/get-notifier";
import { createLeaderLock } from "@/lib/db/leader-lock";
import { Sampler } from "@/lib/health/sampler/sampler";
import { expireGroupHours } from "@/lib/dead-letters/expire-group-hours";

// Composed here, at boot, not inside lib/health: the sampler feeds the notifier and the metrics,
// which in turn read health; the domain itself knows none of them.
const holder = globalThis as typeof globalThis & { __redriveSampler?: Promise<Sampler> };

/** The process's sampler, started on first use. */
export function getSampler(): Promise<Sampler> {
  holder.__redriveSampler ??= (async () => {
    const config = getConfig();
    const store = await getStore();
    const targets = config.clusters.map((cluster) => ({ cluster, broker: brokerFor(cluster.name) }));
    const windowMs = Math.max(...config.clusters.map((c) => (c.health ?? DEFAULT_THRESHOLDS).windowSeconds * 1000), DEFAULT_THRESHOLDS.windowSeconds * 1000);
    const sampler = new Sampler(store.prisma, targets, createLeaderLock(config.database, (m) => log.warn(m)), {
      intervalMs: config.sampler.intervalMs,
      rawRetentionMs: config.sampler.rawRetentionMs,
      rollupRetentionMs: config.sampler.rollupRetentionMs,
      windowMs,
      log: (level, message, context) => log[level](message, context),
      upkeep: [{ name: "expiring the cause groups' old arrival hours", run: (prisma) => expireGroupHours(prisma) }],
      afterTick: ({ ms, result }) => {
        recordSamplerTick({ ms, leader: result.leader, sweeps: result.sweeps });
        // One replica runs the rules (the one doing the upkeep), over every cluster's stored states,
        // beside the sampler, never holding it up.
        if (result.upkeep) getNotifier().then((n) => n.afterSweep(), (e: unknown) => log.warn("notifications unavailable", { error: describeError(e) }));
      },
    });
    sampler.start();
    onShutdown({ name: "sampler", run: () => sampler.stop() });
    return sampler;
  })().catch((e: unknown) => {
    holder.__redriveSampler = undefined;
    throw e;
  });
  return holder.__redriveSampler;
}
