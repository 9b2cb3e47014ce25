"use client";

import { rateMatters } from "./rate-matters";
import Link from "next/link";
import { useRowLink } from "@/components/ui/use-row-link";
import { toggleClass } from "@/components/ui/filters";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { formatAge, formatCount, formatRate } from "@/components/consumers/format";
import { LoadError } from "@/components/consumers/load-error";
import { formatFullLocalTime, sourceDisplayName, withoutDefaultVhost } from "@/components/dead-letters/format";
import { ACTION_LABEL, formatProgress, isActiveState, JOB_STATE_LABEL, jobHref, jobName, jobProgress } from "@/components/redrive/format";
import { EmptyState } from "@/components/ui/empty-state";
import { useNow } from "@/components/ui/use-now";
import { parseJobStates, type JobListFilters } from "@/lib/redrive/job-list-params";
import { ACTIVE_JOB_STATES, JOB_LIST_LIMIT, useJobs } from "@/lib/queries/use-jobs";
import { JOB_STATES, type JobState, type JobSummary } from "@/lib/redrive/types";
import { JobProgress } from "./job-progress";
import { JobStateBadge } from "./job-state-badge";

const muted = "text-zinc-500 dark:text-zinc-400";
const th = "sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 px-2 py-2 text-left text-xs font-medium whitespace-nowrap text-zinc-600 first:pl-3 last:pr-3 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300";
const td = "border-b border-zinc-100 px-2 py-2 align-top first:pl-3 last:pr-3 dark:border-zinc-800/70";

export { parseJobStates };

/** /jobs: every requeue, terminate and restore job, newest first, with live progress; the state filter is in the URL. */
export function JobListView() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const states = useMemo(() => parseJobStates(searchParams.get("state")), [searchParams]);
  const filters = useMemo<JobListFilters>(() => ({ states }), [states]);
  const setStates = useCallback(
    (next: JobState[]) => {
      const qs = next.length ? `state=${JOB_STATES.filter((s) => next.includes(s)).join(",")}` : "";
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  const q = useJobs(filters);
  const now = useNow(1000);
  const items = q.data?.items;
  const active = items?.filter((j) => isActiveState(j.state)).length ?? 0;

  return (
    <div>
      <StateFilter states={states} onChange={setStates} />
      {q.error ? <LoadError what="the jobs" error={q.error} hasData={Boolean(q.data)} testId="job-error" /> : null}
      {items && items.length > 0 ? (
        <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
          <p className="font-medium text-zinc-700 dark:text-zinc-300" data-testid="job-count">
            {formatCount(items.length)} job{items.length === 1 ? "" : "s"}
            {items.length >= JOB_LIST_LIMIT ? ` (the newest ${formatCount(JOB_LIST_LIMIT)})` : ""}, newest first
            {active ? ` · ${formatCount(active)} active` : ""}
          </p>
          <p className="text-xs text-zinc-500" aria-live="polite">
            {active ? "Refreshes every second while a job is active" : "Refreshes every 10 s"}
            {q.isFetching ? " · refreshing…" : ""}
          </p>
        </div>
      ) : null}
      {!items ? (
        q.error ? null : <p className="py-12 text-center text-sm text-zinc-500">Loading jobs…</p>
      ) : items.length === 0 ? (
        states.length ? (
          <EmptyState title="No jobs in these states">
            <button type="button" className="underline" onClick={() => setStates([])}>
              Show every job
            </button>
            .
          </EmptyState>
        ) : (
          <EmptyState title="No jobs yet">
            A job is started from{" "}
            <Link href="/dead-letters" className="underline">
              Dead letters
            </Link>
            : requeue or terminate one letter, a selection, a cause group or everything a filter matches. Each one shows up here with its progress
            and the outcome of every letter.
          </EmptyState>
        )
      ) : (
        <JobTable jobs={items} now={now} dimmed={q.isPlaceholderData} />
      )}
    </div>
  );
}

function StateFilter({ states, onChange }: { states: JobState[]; onChange: (s: JobState[]) => void }) {
  const activeOnly = states.length === ACTIVE_JOB_STATES.length && ACTIVE_JOB_STATES.every((s) => states.includes(s));
  const btn = (on: boolean) => toggleClass(on, "px-2.5");
  return (
    <div role="group" aria-label="Job states" className="mb-4 flex flex-wrap items-center gap-1" data-testid="job-filter">
      <button type="button" aria-pressed={states.length === 0} className={btn(states.length === 0)} onClick={() => onChange([])}>
        All
      </button>
      <button type="button" aria-pressed={activeOnly} className={btn(activeOnly)} onClick={() => onChange([...ACTIVE_JOB_STATES])}>
        Active
      </button>
      <span aria-hidden className="mx-1 h-5 w-px bg-zinc-300 dark:bg-zinc-700" />
      {JOB_STATES.map((s) => {
        const on = states.includes(s) && !activeOnly;
        return (
          <button
            key={s}
            type="button"
            aria-pressed={on}
            data-state={s}
            className={btn(on)}
            onClick={() => onChange(on ? states.filter((x) => x !== s) : [...(activeOnly ? [] : states), s])}
          >
            {JOB_STATE_LABEL[s]}
          </button>
        );
      })}
    </div>
  );
}

function JobTable({ jobs, now, dimmed }: { jobs: JobSummary[]; now: number | null; dimmed: boolean }) {
  return (
    <div
      data-testid="job-table"
      className={
        "max-h-[calc(100vh-240px)] min-h-[200px] overflow-auto rounded-lg border border-zinc-200 bg-white shadow-sm transition-opacity dark:border-zinc-800 dark:bg-zinc-900 " +
        (dimmed ? "opacity-60" : "")
      }
    >
      <table className="w-full min-w-[1040px] border-separate border-spacing-0 text-sm">
        <thead>
          <tr>
            <th scope="col" className={th}>
              Job
            </th>
            <th scope="col" className={th}>
              What
            </th>
            <th scope="col" className={th}>
              State
            </th>
            <th scope="col" className={`${th} w-56`}>
              Progress
            </th>
            <th scope="col" className={`${th} text-right`} title="Letters per second over the last few seconds, and the rate it was set to">
              Rate
            </th>
            <th scope="col" className={th}>
              Started
            </th>
            <th scope="col" className={th}>
              Finished
            </th>
            <th scope="col" className={th}>
              By
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <JobRow key={j.id} job={j} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function JobRow({ job: j, now }: { job: JobSummary; now: number | null }) {
  const href = jobHref(j.id);
  const open = useRowLink(href);
  const p = jobProgress(j.counts, j.total);
  const active = isActiveState(j.state);
  return (
    <tr
      data-testid="job-row"
      data-job-id={j.id}
      data-state={j.state}
      className="group cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800"
      onClick={open}
    >
      <td className={`${td} whitespace-nowrap`}>
        <Link href={href} className="font-medium hover:underline" data-testid="job-link">
          {jobName(j.number)}
        </Link>
        <p className={`text-xs ${muted}`}>{ACTION_LABEL[j.action]}</p>
      </td>
      <td className={`${td} max-w-md`}>
        <p className="line-clamp-2 break-words" title={withoutDefaultVhost(j.description)}>
          {withoutDefaultVhost(j.description)}
        </p>
        {j.destination ? <p className={`truncate text-xs ${muted}`}>to {sourceDisplayName(j.destination)}</p> : null}
        {j.error ? <p className="truncate text-xs text-rose-700 dark:text-rose-300" title={j.error}>{j.error}</p> : null}
      </td>
      <td className={td}>
        <JobStateBadge state={j.state} counts={j.counts} />
      </td>
      <td className={td}>
        <JobProgress counts={j.counts} total={j.total} size="sm" label={`${jobName(j.number)} progress`} />
        <p className={`mt-1 text-xs tabular-nums ${muted}`}>
          {formatProgress(p)}
          {j.counts.failed ? <span className="text-rose-700 dark:text-rose-300"> · {formatCount(j.counts.failed)} failed</span> : null}
          {j.counts.unknown ? <span className="text-amber-700 dark:text-amber-300"> · {formatCount(j.counts.unknown)} unknown</span> : null}
        </p>
      </td>
      <td className={`${td} text-right whitespace-nowrap tabular-nums`}>
        {active && j.state === "running" && rateMatters(j) ? <p>{j.currentRate === null ? "—" : `${formatRate(j.currentRate)}/s`}</p> : <p className={muted}>—</p>}
        {rateMatters(j) ? (
          <p className={`text-xs ${muted}`} data-testid="job-rate-set">
            set {formatCount(j.rate)}/s
          </p>
        ) : null}
      </td>
      <td className={`${td} whitespace-nowrap`} title={formatFullLocalTime(j.startedAt ?? j.createdAt)}>
        {now === null ? null : j.startedAt ? `${formatAge(j.startedAt, now)} ago` : <span className={muted}>not yet</span>}
      </td>
      <td className={`${td} whitespace-nowrap`} title={j.finishedAt ? formatFullLocalTime(j.finishedAt) : undefined}>
        {now === null ? null : j.finishedAt ? (
          <>
            <p>{formatAge(j.finishedAt, now)} ago</p>
            {j.startedAt ? <p className={`text-xs ${muted}`}>took {formatAge(j.startedAt, Date.parse(j.finishedAt))}</p> : null}
          </>
        ) : (
          <span className={muted}>{active ? "still going" : "—"}</span>
        )}
      </td>
      <td className={`${td} max-w-40`}>
        <p className="truncate" title={j.createdBy}>
          {j.createdBy}
        </p>
      </td>
    </tr>
  );
}
