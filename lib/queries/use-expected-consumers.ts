"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ExpectedConsumerList } from "@/lib/health/expected/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useExpectedConsumers() {
  return useQuery({
    queryKey: queryKeys.expected.all,
    queryFn: ({ signal }) => fetchJson<ExpectedConsumerList>("/api/expected-consumers", { signal }),
    refetchInterval: 10_000,
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
  });
}

export type ExpectedRequest = { method: "POST"; body: { cluster: string; key: string; minConsumers: number } } | { method: "DELETE"; id: string };

/** Adds or removes one; never retried behind the admin's back. The consumer lists change at the next sweep. */
export function useExpectedChange() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (r: ExpectedRequest) =>
      r.method === "POST"
        ? fetchJson<{ id: string }>("/api/expected-consumers", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(r.body) })
        : fetchJson<{ id: string }>(`/api/expected-consumers/${encodeURIComponent(r.id)}`, { method: "DELETE" }),
    retry: false,
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.expected.all });
      void client.invalidateQueries({ queryKey: queryKeys.consumers.all });
    },
  });
}
