"use client";

import { useQuery } from "@tanstack/react-query";
import type { JobPlan, JobRequest } from "@/lib/redrive/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { retryUnlessRefused } from "./use-dead-letters";

/** What a plan depends on: the request less its rate (a dry run's answer does not depend on speed). */
export type PlanKey = Omit<JobRequest, "rate">;

export function planRequestBody(key: PlanKey): string {
  return JSON.stringify(key);
}

/**
 * The dry run of a job: what it would do, touching nothing. A query rather than a mutation because
 * it changes nothing and is asked again whenever the operator changes the request (include poison
 * letters, another destination). Never kept once the dialog is closed: a plan is only true now.
 */
export function usePlanJob(key: PlanKey | null) {
  return useQuery({
    queryKey: queryKeys.jobs.plan(key ?? ({} as PlanKey)),
    queryFn: ({ signal }) =>
      fetchJson<JobPlan>("/api/jobs/plan", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: planRequestBody(key as PlanKey),
        signal,
      }),
    enabled: key !== null,
    staleTime: 0,
    gcTime: 0,
    refetchOnWindowFocus: false,
    // While a changed request is planned again, keep the last plan of the same action and letters on screen.
    placeholderData: (previous, previousQuery) => {
      const prev = previousQuery?.queryKey[2] as PlanKey | undefined;
      return prev && key && prev.action === key.action && JSON.stringify(prev.scope) === JSON.stringify(key.scope) ? previous : undefined;
    },
    retry: retryUnlessRefused,
  });
}
