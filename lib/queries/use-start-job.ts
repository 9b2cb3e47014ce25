"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { JobRequest, JobSummary } from "@/lib/redrive/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/**
 * Start a requeue, terminate or restore job. It moves messages on a broker, so it is never retried:
 * a failure is shown, and the operator decides. A 409 carries the job already holding the letters.
 */
export function useStartJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: JobRequest) =>
      fetchJson<JobSummary>("/api/jobs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
      }),
    retry: false,
    onSuccess: (job) => client.setQueryData(queryKeys.jobs.detail(job.id), job),
    // Settled, not only succeeded: a failed request may still have started something.
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.jobs.lists() });
      void client.invalidateQueries({ queryKey: queryKeys.deadLetters.all });
    },
  });
}
