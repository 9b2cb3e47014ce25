"use client";

import { useQuery } from "@tanstack/react-query";
import type { ClusterStatus } from "@/lib/clusters/cluster-status";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/** The configured clusters' names, for pickers; refreshed rarely (the list comes from the config). */
export function useClusterNames() {
  return useQuery({
    queryKey: queryKeys.clusters.all,
    queryFn: ({ signal }) => fetchJson<ClusterStatus[]>("/api/clusters", { signal }),
    select: (clusters) => clusters.map((c) => c.name).sort((a, b) => a.localeCompare(b)),
    staleTime: 60_000,
  });
}
