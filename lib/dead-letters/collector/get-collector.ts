import "server-only";
import { brokerFor } from "@/lib/brokers/get-brokers";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { COLLECTOR_LOCK, createLeaderLock } from "@/lib/db/leader-lock";
import { onShutdown } from "@/lib/lifecycle/on-shutdown";
import { log } from "@/lib/log";
import { Collector, type CollectorTarget } from "./collector";

const holder = globalThis as typeof globalThis & { __redriveCollector?: Promise<Collector> };

export function getCollector(): Promise<Collector> {
  holder.__redriveCollector ??= (async () => {
    const config = getConfig();
    const store = await getStore();
    const targets = config.clusters.map((cluster): CollectorTarget => ({ cluster, broker: brokerFor(cluster.name) }));
    const collector = new Collector(store.prisma, targets, createLeaderLock(config.database, (m) => log.warn(m), COLLECTOR_LOCK), {
      intervalMs: 5000,
      discoveryMs: 30_000,
      timeoutMs: config.connectTimeoutMs,
      log: (level, message, context) => log[level](message, context),
    });
    collector.start();
    // Consumers are cancelled and their channels closed: letters not yet stored return to their DLQ.
    onShutdown({ name: "collector", run: () => collector.stop() });
    return collector;
  })().catch((e: unknown) => {
    holder.__redriveCollector = undefined;
    throw e;
  });
  return holder.__redriveCollector;
}
