import "server-only";
import { withTimeout } from "@/lib/brokers/with-timeout";
import type { ClusterStatus } from "@/lib/clusters/cluster-status";
import { listClusterStatuses } from "@/lib/clusters/list-cluster-statuses";
import { getStore } from "@/lib/db/get-store";
import { describeError } from "@/lib/errors";

export type StoreHealth = { ok: boolean; kind: "postgres" | "embedded" | null; latencyMs: number | null; error: string | null };
export type SystemHealth = {
  status: "ok" | "degraded" | "down";
  checkedAt: string;
  store: StoreHealth;
  clusters: ClusterStatus[];
};

export async function checkStore(): Promise<StoreHealth> {
  const started = performance.now();
  try {
    const store = await withTimeout(getStore(), 5000, "The store");
    await withTimeout(store.prisma.$queryRaw`SELECT 1`, 5000, "The store");
    return { ok: true, kind: store.kind, latencyMs: Math.round(performance.now() - started), error: null };
  } catch (e) {
    return { ok: false, kind: null, latencyMs: null, error: describeError(e) };
  }
}

/** The store and every cluster: "down" when the store is, "degraded" when any cluster is not up. */
export async function getSystemHealth(): Promise<SystemHealth> {
  const [store, clusters] = await Promise.all([checkStore(), listClusterStatuses()]);
  const status = !store.ok ? "down" : clusters.every((c) => c.state === "up") ? "ok" : "degraded";
  return { status, checkedAt: new Date().toISOString(), store, clusters };
}
