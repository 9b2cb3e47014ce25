"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { jobListParams, type JobListFilters } from "@/lib/redrive/job-list-params";
import type { JobState, JobSummary } from "@/lib/redrive/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { JOB_ACTIVE_REFRESH_MS, JOB_IDLE_REFRESH_MS } from "./refresh";
import { retryUnlessRefused } from "./use-dead-letters";

export type { JobListFilters } from "@/lib/redrive/job-list-params";

export const JOB_LIST_LIMIT = 100;

/** States in which a job still moves letters (or may again): worth watching closely. */
export const ACTIVE_JOB_STATES: readonly JobState[] = ["running", "paused", "cancelling"];

export function isActiveJob(state: JobState): boolean {
  return ACTIVE_JOB_STATES.includes(state);
}

export function jobListUrl(f: JobListFilters, limit = JOB_LIST_LIMIT): string {
  return `/api/jobs?${jobListParams(f, limit).toString()}`;
}

/** Newest first. Polls fast while any listed job is moving letters, slowly otherwise (a new job may start elsewhere). */
export function useJobs(filters: JobListFilters) {
  return useQuery({
    queryKey: queryKeys.jobs.list(filters),
    queryFn: ({ signal }) => fetchJson<{ items: JobSummary[] }>(jobListUrl(filters), { signal }),
    refetchInterval: (query) => (query.state.data?.items.some((j) => isActiveJob(j.state)) ? JOB_ACTIVE_REFRESH_MS : JOB_IDLE_REFRESH_MS),
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
    retry: retryUnlessRefused,
  });
}
