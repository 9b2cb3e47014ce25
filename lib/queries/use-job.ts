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

/** After a requeue ends, its letters may still come back dead: its page keeps counting them this long, more slowly. */
const BOUNCE_WATCH_MS = 10 * 60_000;
const BOUNCE_REFRESH_MS = 5000;

/** One job; polled every second while it runs, is paused or is cancelling, every few seconds for a while after a requeue ends, then not at all. */
export function useJob(id: string) {
  return useQuery({
    queryKey: queryKeys.jobs.detail(id),
    queryFn: ({ signal }) => fetchJson<JobSummary>(jobUrl(id), { signal }),
    refetchInterval: (query) => {
      const job = query.state.data;
      if (job && isActiveJob(job.state)) return JOB_ACTIVE_REFRESH_MS;
      if (job?.watch && job.finishedAt && Date.now() - Date.parse(job.finishedAt) < BOUNCE_WATCH_MS) return BOUNCE_REFRESH_MS;
      return false;
    },
    refetchIntervalInBackground: false,
    retry: retryUnlessRefused,
  });
}
