"use client";

import type { ClusterStatus } from "@/lib/clusters/cluster-status";
import { useClusters } from "@/lib/queries/use-clusters";
import { ClusterCard } from "./cluster-card";

export function ClusterList({ initial, refreshMs }: { initial: ClusterStatus[]; refreshMs: number }) {
  const { data, error, isFetching } = useClusters(initial, refreshMs);
  return (
    <div>
      {error ? (
        <p role="alert" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-500/10 dark:text-amber-200">
          Could not refresh cluster status: {error.message} Showing the last known values.
        </p>
      ) : null}
      <ClusterSummary clusters={data} />
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {data.map((c) => (
          <ClusterCard key={c.name} cluster={c} />
        ))}
      </div>
      <p className="mt-3 text-xs text-zinc-500" aria-live="polite">
        Refreshes every {Math.round(refreshMs / 1000)} s{isFetching ? " · refreshing…" : ""}
      </p>
    </div>
  );
}

function ClusterSummary({ clusters }: { clusters: ClusterStatus[] }) {
  const count = (state: ClusterStatus["state"]) => clusters.filter((c) => c.state === state).length;
  const parts = [
    `${clusters.length} cluster${clusters.length === 1 ? "" : "s"}`,
    `${count("up")} reachable`,
    count("degraded") ? `${count("degraded")} degraded` : null,
    count("down") ? `${count("down")} unreachable` : null,
  ].filter(Boolean);
  return (
    <p data-testid="cluster-summary" className="mb-4 text-sm font-medium text-zinc-700 dark:text-zinc-300">
      {parts.join(" · ")}
    </p>
  );
}
