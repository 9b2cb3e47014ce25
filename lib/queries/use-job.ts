"use client";

import { useQuery } from "@tanstack/react-query";
import type { JobSummary } from "@/lib/redrive/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { JOB_ACTIVE_REFRESH_MS } from "./refresh";
import { retryUnlessRefused } from "./use-dead-letters";
import { isActiveJob } from "./use-jobs";

export function jobUrl(id: string): string {
  return `/api/jobs/${encodeURIComponent(id)}`;
}

/** One job; polled every second while it runs, is paused or is cancelling, and not at all once it is over. */
export function useJob(id: string) {
  return useQuery({
    queryKey: queryKeys.jobs.detail(id),
    queryFn: ({ signal }) => fetchJson<JobSummary>(jobUrl(id), { signal }),
    refetchInterval: (query) => {
      const job = query.state.data;
      return job && isActiveJob(job.state) ? JOB_ACTIVE_REFRESH_MS : false;
    },
    refetchIntervalInBackground: false,
    retry: retryUnlessRefused,
  });
}
