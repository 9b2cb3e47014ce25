import { JOB_STATE_HINT, JOB_STATE_LABEL, JOB_STATE_TONE, retryableCount } from "@/components/redrive/format";
import { Badge } from "@/components/ui/badge";
import type { JobCounts, JobState } from "@/lib/redrive/types";

/** The job's state; a job that completed with failed or unknown letters reads as a warning, not a success. */
export function JobStateBadge({ state, counts }: { state: JobState; counts?: JobCounts }) {
  const troubled = state === "completed" && counts !== undefined && retryableCount(counts) > 0;
  return (
    <Badge
      tone={troubled ? "warn" : JOB_STATE_TONE[state]}
      data-testid="job-state"
      data-state={state}
      title={troubled ? `${JOB_STATE_HINT[state]}: some failed or have no known outcome` : JOB_STATE_HINT[state]}
    >
      {state === "running" || state === "cancelling" ? <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-current" /> : null}
      {JOB_STATE_LABEL[state]}
    </Badge>
  );
}
