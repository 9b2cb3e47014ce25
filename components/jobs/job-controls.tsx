"use client";

import { useCan } from "@/components/auth/session-provider";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { formatCount } from "@/components/consumers/format";
import { dangerButton, primaryButton, secondaryButton } from "@/components/redrive/letter-actions";
import {
  jobControlText,
  jobHref,
  jobName,
  jobProgress,
  jobStartedText,
  letterCount,
  retryableCount,
  retryLabel,
  UNKNOWN_EXPLANATION,
} from "@/components/redrive/format";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { useJobControl, type JobControl } from "@/lib/queries/use-job-control";
import type { JobSummary } from "@/lib/redrive/types";

/**
 * Pause, resume or cancel by state; retry the letters that failed or whose outcome is unknown once
 * the job is over. Cancel and retry ask first; one request at a time, never repeated by itself.
 */
function JobControlsInner({ job }: { job: JobSummary }) {
  const control = useJobControl(job.id);
  const toast = useToast();
  const router = useRouter();
  const [asking, setAsking] = useState<"cancel" | "retry" | null>(null);
  const firing = useRef(false);
  const retryable = retryableCount(job.counts);
  const over = job.state === "completed" || job.state === "cancelled" || job.state === "failed";

  const send = (c: JobControl) => {
    if (firing.current || control.isPending) return;
    firing.current = true;
    control.mutate(c, {
      onSuccess: (next) => {
        setAsking(null);
        if (c === "retry") {
          toast({ tone: "ok", text: `${jobStartedText(next)} (a retry of ${jobName(job.number)}).`, href: jobHref(next.id), linkLabel: `Open ${jobName(next.number)}` });
          router.push(jobHref(next.id));
        } else {
          toast({ tone: "ok", text: jobControlText(c, next) });
        }
      },
      onSettled: () => {
        firing.current = false;
      },
    });
  };

  const p = jobProgress(job.counts, job.total);
  const notSent = Math.max(0, job.total - p.processed - job.counts.in_flight);
  const failedVerb = control.variables === "retry" ? "retry" : control.variables;

  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Job controls">
      {job.state === "running" ? (
        <button type="button" data-testid="job-pause" className={secondaryButton} disabled={control.isPending} onClick={() => send("pause")}>
          {control.isPending && control.variables === "pause" ? "Pausing…" : "Pause"}
        </button>
      ) : null}
      {job.state === "paused" ? (
        <button type="button" data-testid="job-resume" className={primaryButton} disabled={control.isPending} onClick={() => send("resume")}>
          {control.isPending && control.variables === "resume" ? "Resuming…" : "Resume"}
        </button>
      ) : null}
      {job.state === "running" || job.state === "paused" ? (
        <button
          type="button"
          data-testid="job-cancel"
          className={dangerButton}
          disabled={control.isPending}
          onClick={() => {
            control.reset();
            setAsking("cancel");
          }}
        >
          Cancel…
        </button>
      ) : null}
      {over && retryable > 0 ? (
        <button
          type="button"
          data-testid="job-retry"
          className={primaryButton}
          disabled={control.isPending}
          onClick={() => {
            control.reset();
            setAsking("retry");
          }}
        >
          {retryLabel(job.counts)}…
        </button>
      ) : null}

      {control.error && asking === null ? (
        <p role="alert" className="basis-full rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:bg-rose-500/10 dark:text-rose-200" data-testid="job-control-error">
          Could not {failedVerb} {jobName(job.number)}: {control.error.message}
        </p>
      ) : null}

      <ConfirmDialog
        open={asking === "cancel"}
        testId="cancel-dialog"
        title={`Cancel ${jobName(job.number)}?`}
        confirmLabel="Cancel the job"
        cancelLabel="Keep it going"
        busyLabel="Cancelling…"
        danger
        busy={control.isPending}
        error={control.error ? `Could not cancel it: ${control.error.message}` : null}
        onConfirm={() => send("cancel")}
        onCancel={() => setAsking(null)}
      >
        <p>
          <b>Letters already moved stay moved</b>: {formatCount(job.counts.done)} {job.counts.done === 1 ? "is" : "are"} done and will not be
          undone.
        </p>
        <p>
          The {letterCount(notSent)} not sent yet {notSent === 1 ? "is" : "are"} left as {notSent === 1 ? "it is" : "they are"}
          {job.action === "restore" ? " (terminated)" : " (dead)"}.
          {job.counts.in_flight > 0
            ? ` The ${formatCount(job.counts.in_flight)} in flight finish first: the job says “cancelling” until the broker has answered for them.`
            : ""}
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={asking === "retry"}
        testId="retry-dialog"
        confirmTestId="confirm-retry"
        title={`${retryLabel(job.counts)} in a new job?`}
        confirmLabel={`Retry ${letterCount(retryable)}`}
        busyLabel="Starting…"
        busy={control.isPending}
        error={control.error ? `Could not start the retry: ${control.error.message}` : null}
        onConfirm={() => send("retry")}
        onCancel={() => setAsking(null)}
      >
        <p>
          A new job will {job.action} the {letterCount(retryable)} of {jobName(job.number)} that{" "}
          {job.counts.failed && job.counts.unknown ? "failed or whose outcome is unknown" : job.counts.failed ? "failed" : "have no known outcome"}, at{" "}
          {formatCount(job.rate)} letters per second.
        </p>
        {job.counts.unknown > 0 ? (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900 dark:bg-amber-500/10 dark:text-amber-200">
            <b>{letterCount(job.counts.unknown)} with an unknown outcome</b>: {UNKNOWN_EXPLANATION} A retry sends them again, so any that did
            arrive will arrive twice.
          </p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}

/** Shown only to roles that may act ("jobs:act"); the server refuses the others anyway. */
export function JobControls(props: Parameters<typeof JobControlsInner>[0]) {
  return useCan("jobs:act") ? <JobControlsInner {...props} /> : null;
}
