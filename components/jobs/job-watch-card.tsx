"use client";

import Link from "next/link";
import { formatCount } from "@/components/consumers/format";
import { neutraliseBidi } from "@/components/dead-letters/format";
import { Card } from "@/components/ui/card";
import type { JobSummary, JobWatch } from "@/lib/redrive/types";

// Whether a requeue worked, on the job page alone: why it paused (itself or by an operator), the
// canary's verdict, and how many of the letters it sent came back dead, linked to them in the inbox.

const muted = "text-zinc-500 dark:text-zinc-400";
const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

const CANARY_TEXT: Record<NonNullable<JobWatch["canary"]>["state"], string> = {
  sending: "sending",
  waiting: "waiting for the verdict",
  passed: "passed",
  failed: "failed",
};

const CANARY_COLOR: Record<NonNullable<JobWatch["canary"]>["state"], string> = {
  sending: "bg-sky-50 text-sky-900 dark:bg-sky-500/10 dark:text-sky-200",
  waiting: "bg-sky-50 text-sky-900 dark:bg-sky-500/10 dark:text-sky-200",
  passed: "bg-emerald-50 text-emerald-900 dark:bg-emerald-500/10 dark:text-emerald-200",
  failed: "bg-rose-50 text-rose-900 dark:bg-rose-500/10 dark:text-rose-200",
};

export function JobWatchCard({ job: j }: { job: JobSummary }) {
  const w = j.watch;
  if (!w && !j.pausedReason) return null;
  return (
    <Card className="mb-6" data-testid="job-watch">
      {j.pausedReason ? (
        <p
          role="status"
          className={`mb-3 rounded-md px-3 py-2 text-sm break-words ${j.pausedBy === "operator" ? "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200" : "bg-amber-50 text-amber-900 dark:bg-amber-500/10 dark:text-amber-200"}`}
          data-testid="job-paused-reason"
          data-paused-by={j.pausedBy ?? ""}
        >
          {neutraliseBidi(j.pausedReason)} {j.pausedBy === "operator" ? null : "Resume once the cause is fixed, or cancel the rest."}
        </p>
      ) : null}
      {w ? (
        <div className="flex flex-wrap items-baseline gap-x-8 gap-y-2 text-sm">
          <p data-testid="job-bounces" data-bounced={w.bounced} data-sent={w.sent}>
            <span className={muted}>Came back dead: </span>
            <b className={`tabular-nums ${w.bounced > 0 ? "text-rose-700 dark:text-rose-300" : ""}`}>
              {formatCount(w.bounced)} of {formatCount(w.sent)}
            </b>
            {w.sent > 0 ? <span className={`ml-1 ${muted}`}>({pct(w.bounced / w.sent)})</span> : null}
            {w.bounced > 0 ? (
              <Link href={w.bouncedHref} className="ml-2 underline" data-testid="job-bounces-link">
                see them
              </Link>
            ) : null}
          </p>
          <p className={muted} data-testid="job-gate">
            Pauses itself above {pct(w.bounceThreshold)} once {formatCount(w.bounceMinSent)} went out, or when a destination&apos;s consumer turns STOPPED,
            STALLED or FAILING
            {w.autoResumeMinutes !== null ? `; resumes itself after ${formatCount(w.autoResumeMinutes)} min healthy` : ""}.
          </p>
          {w.canary ? (
            <p className={`rounded-md px-2 py-1 ${CANARY_COLOR[w.canary.state]}`} data-testid="job-canary" data-canary={w.canary.state}>
              <b>
                Canary of {formatCount(w.canary.size)}: {CANARY_TEXT[w.canary.state]}
              </b>
              {w.canary.detail ? ` — ${neutraliseBidi(w.canary.detail)}` : ""}
            </p>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
