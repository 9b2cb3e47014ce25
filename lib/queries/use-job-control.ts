"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { JobSummary } from "@/lib/redrive/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export const JOB_CONTROLS = ["pause", "resume", "cancel", "retry"] as const;
export type JobControl = (typeof JOB_CONTROLS)[number];

export function jobControlUrl(id: string, control: JobControl): string {
  return `/api/jobs/${encodeURIComponent(id)}/${control}`;
}

/**
 * Pause, resume or cancel a job, or retry its unknown and failed letters (which starts a new job:
 * the answer is that new job). Never retried automatically; the caller disables its buttons while
 * one is under way so a double click cannot send two.
 */
export function useJobControl(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (control: JobControl) => fetchJson<JobSummary>(jobControlUrl(id, control), { method: "POST" }),
    retry: false,
    onSuccess: (job) => client.setQueryData(queryKeys.jobs.detail(job.id), job),
    onSettled: (_job, _error, control) => {
      void client.invalidateQueries({ queryKey: queryKeys.jobs.detail(id) });
      void client.invalidateQueries({ queryKey: queryKeys.jobs.lists() });
      if (control === "retry" || control === "cancel") void client.invalidateQueries({ queryKey: queryKeys.deadLetters.all });
    },
  });
}
