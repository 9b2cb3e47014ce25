"use client";

import { useQuery } from "@tanstack/react-query";
import type { ClusterStatus } from "@/lib/clusters/cluster-status";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useClusters(initial: ClusterStatus[], refreshMs: number) {
  return useQuery({
    queryKey: queryKeys.clusters.all,
    queryFn: () => fetchJson<ClusterStatus[]>("/api/clusters"),
    initialData: initial,
    refetchInterval: refreshMs,
    refetchIntervalInBackground: false,
  });
}
