import "server-only";
import { getBrokers } from "@/lib/brokers/get-brokers";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { onShutdown } from "@/lib/lifecycle/on-shutdown";
import { log } from "@/lib/log";
import { withTimeout } from "@/lib/brokers/with-timeout";
import { ClusterMonitor } from "./cluster-monitor";
import { loadClusterPriors, recordClusterStatuses } from "./record-cluster-statuses";

const holder = globalThis as typeof globalThis & { __redriveMonitor?: Promise<ClusterMonitor> };

/** The process's cluster monitor, started on first use with the configured clusters. */
export function getClusterMonitor(): Promise<ClusterMonitor> {
  holder.__redriveMonitor ??= startMonitor();
  return holder.__redriveMonitor;
}

async function startMonitor(): Promise<ClusterMonitor> {
  const config = getConfig();
  const monitor = new ClusterMonitor(getBrokers(), {
    intervalMs: config.statusIntervalMs,
    onRound: async (statuses) => recordClusterStatuses((await getStore()).prisma, statuses),
    onError: (message, error) => log.warn(message, { error }),
  });
  try {
    const priors = await withTimeout(getStore().then((s) => loadClusterPriors(s.prisma)), 3000, "The store");
    for (const [name, prior] of priors) monitor.restore(name, prior);
  } catch (e) {
    log.warn("cluster history unavailable; states start fresh", { error: e });
  }
  monitor.start();
  // Its last round ends before the connections it probes are closed.
  onShutdown({ name: "monitor", run: () => monitor.stop() });
  return monitor;
}
