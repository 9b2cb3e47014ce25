import "server-only";
import { withTimeout } from "@/lib/brokers/with-timeout";
import { getConfig } from "@/lib/config";
import type { ClusterStatus } from "./cluster-status";
import { getClusterMonitor } from "./get-cluster-monitor";

/** Every configured cluster's latest status. Waits (bounded) for the first round after boot. */
export async function listClusterStatuses(): Promise<ClusterStatus[]> {
  const monitor = await getClusterMonitor();
  await withTimeout(monitor.ready(), getConfig().connectTimeoutMs + 1000, "The first broker check").catch(() => undefined);
  return monitor.statuses();
}
