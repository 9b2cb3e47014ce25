"use client";

import { rateMatters } from "./rate-matters";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, type ReactNode } from "react";
import { formatAge, formatCount, formatDuration, formatRate } from "@/components/consumers/format";
import { AuditTrailLink } from "@/components/audit/audit-trail-link";
import { LoadError } from "@/components/consumers/load-error";
import { formatFullLocalTime, neutraliseBidi, withoutDefaultVhost } from "@/components/dead-letters/format";
import {
  ACTION_HINT,
  ACTION_LABEL,
  formatProgress,
  isActiveState,
  jobName,
  jobProgress,
  OUTCOME_HINT,
  OUTCOME_LABEL,
  UNKNOWN_EXPLANATION,
} from "@/components/redrive/format";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { useNow } from "@/components/ui/use-now";
import { ApiError } from "@/lib/queries/fetch-json";
import { queryKeys } from "@/lib/queries/keys";
import { useJob } from "@/lib/queries/use-job";
import { useJobLetters, type JobLetterOutcomeFilter } from "@/lib/queries/use-job-letters";
import { LETTER_OUTCOMES, type JobSummary, type LetterOutcome } from "@/lib/redrive/types";
import { JobControls } from "./job-controls";
import { JobLetterTable } from "./job-letter-table";
import { JobProgress } from "./job-progress";
import { JobStateBadge } from "./job-state-badge";
import { JobWatchCard } from "./job-watch-card";

const muted = "text-zinc-500 dark:text-zinc-400";

export function parseOutcomeFilter(v: string | null): JobLetterOutcomeFilter {
  return (LETTER_OUTCOMES as readonly string[]).includes(v ?? "") ? (v as LetterOutcome) : "all";
}

/** /jobs/[id]: a job's live progress, its controls, its counts per outcome and every letter's outcome (filter in the URL). */
export function JobDetailView({ id }: { id: string }) {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const outcome = parseOutcomeFilter(searchParams.get("outcome"));
  const setOutcome = useCallback(
    (o: JobLetterOutcomeFilter) => router.replace(o === "all" ? pathname : `${pathname}?outcome=${o}`, { scroll: false }),
    [router, pathname],
  );

  const job = useJob(id);
  const now = useNow(1000);
  const client = useQueryClient();
  const j = job.data;
  const active = j ? isActiveState(j.state) : false;

  // Once the job is over, the letters it moved have new states: reload what shows them.
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active) {
      void client.invalidateQueries({ queryKey: queryKeys.deadLetters.all });
      void client.invalidateQueries({ queryKey: queryKeys.jobs.lists() });
      void client.invalidateQueries({ queryKey: queryKeys.jobs.letters(id, outcome) });
    }
    wasActive.current = active;
  }, [active, client, id, outcome]);

  // An id that is not even well-formed (400) names no job either.
  const notFound = job.error instanceof ApiError && (job.error.status === 404 || job.error.status === 400);
  if (notFound) return <NotKnown id={id} />;

  return (
    <div>
      {j ? <JobHeader job={j} now={now} /> : job.error ? null : <p className="py-6 text-sm text-zinc-500">Loading the job…</p>}
      {job.error ? <LoadError what="this job" error={job.error} hasData={Boolean(j)} testId="job-error" /> : null}
      {j ? (
        <>
          <JobWatchCard job={j} />
          <ProgressCard job={j} now={now} />
          <Letters id={id} job={j} outcome={outcome} onOutcome={setOutcome} now={now} />
        </>
      ) : null}
    </div>
  );
}

function JobHeader({ job: j, now }: { job: JobSummary; now: number | null }) {
  return (
    <header className="mb-6" data-testid="job-header" data-job-id={j.id} data-state={j.state}>
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
        <nav aria-label="Breadcrumb" className="text-zinc-500 dark:text-zinc-400">
          <Link href="/jobs" className="hover:underline">
            Jobs
          </Link>
          {" / "}
          {jobName(j.number)}
        </nav>
        <AuditTrailLink job={j.id} testId="job-audit-trail" title="Every recorded action on this job and its letters" />
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight" data-testid="job-title">
            {jobName(j.number)} <span className="text-zinc-400 dark:text-zinc-500">·</span> {ACTION_LABEL[j.action]}
          </h1>
          <JobStateBadge state={j.state} counts={j.counts} />
        </div>
        <JobControls job={j} />
      </div>
      <p className="mt-1 max-w-4xl text-sm break-words text-zinc-700 dark:text-zinc-300" data-testid="job-description">
        {withoutDefaultVhost(j.description)}
      </p>
      <p className={`mt-1 text-sm ${muted}`}>{ACTION_HINT[j.action]}</p>
      {j.error ? (
        <p role="alert" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm break-words text-rose-900 dark:bg-rose-500/10 dark:text-rose-200" data-testid="job-failure">
          The job stopped: {neutraliseBidi(j.error)}
        </p>
      ) : null}
      <dl className="mt-3 flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <Fact label="Started by">{j.createdBy}</Fact>
        <Fact label="Created">{time(j.createdAt, now)}</Fact>
        <Fact label="Started">{j.startedAt ? time(j.startedAt, now) : "not yet"}</Fact>
        <Fact label="Finished">{j.finishedAt ? time(j.finishedAt, now) : isActiveState(j.state) ? "still going" : "—"}</Fact>
        {j.destination ? (
          <Fact label="Destination">
            <span className="font-mono text-xs">{j.destination}</span>
          </Fact>
        ) : null}
      </dl>
    </header>
  );
}

function ProgressCard({ job: j, now }: { job: JobSummary; now: number | null }) {
  const p = jobProgress(j.counts, j.total);
  const remaining = Math.max(0, j.total - p.processed);
  const eta = j.state === "running" && j.currentRate && j.currentRate > 0 && remaining > 0 ? remaining / j.currentRate : null;
  const elapsed = j.startedAt && now !== null ? ((j.finishedAt ? Date.parse(j.finishedAt) : now) - Date.parse(j.startedAt)) / 1000 : null;
  return (
    <Card className="mb-6" data-testid="job-progress-card">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <p className="text-lg font-semibold tabular-nums" data-testid="job-progress-text">
          {formatProgress(p)} <span className="text-sm font-normal text-zinc-500 dark:text-zinc-400">handled</span>
        </p>
        <p className="text-sm tabular-nums text-zinc-600 dark:text-zinc-400" data-testid="job-rate">
          {j.state === "running" ? (
            <>
              <b className="font-semibold text-zinc-900 dark:text-zinc-100">{j.currentRate === null ? "—" : formatRate(j.currentRate)}</b> letters/s now
              {rateMatters(j) ? ` · set to ${formatCount(j.rate)}/s` : ""}
              {eta !== null ? ` · about ${formatDuration(Math.ceil(eta))} to go` : ""}
            </>
          ) : (
            <>
              {j.state === "paused" ? "paused · " : j.state === "cancelling" ? "cancelling · " : ""}
              {rateMatters(j) ? `rate set to ${formatCount(j.rate)}/s` : `${formatCount(j.total)} letter${j.total === 1 ? "" : "s"}`}
              {elapsed !== null && j.finishedAt ? ` · took ${formatDuration(elapsed)}` : ""}
            </>
          )}
        </p>
      </div>
      <JobProgress counts={j.counts} total={j.total} label={`${jobName(j.number)}: letters handled`} />
      <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7" data-testid="job-counts">
        {LETTER_OUTCOMES.map((o) => (
          <Count key={o} outcome={o} value={j.counts[o] ?? 0} />
        ))}
      </dl>
      {j.counts.unknown > 0 ? (
        <p className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-500/10 dark:text-amber-200" data-testid="job-unknown-note">
          <b>{formatCount(j.counts.unknown)} letter{j.counts.unknown === 1 ? "" : "s"} with outcome unknown.</b> {UNKNOWN_EXPLANATION}
        </p>
      ) : null}
    </Card>
  );
}

const COUNT_COLOR: Partial<Record<LetterOutcome, string>> = {
  done: "text-emerald-700 dark:text-emerald-300",
  failed: "text-rose-700 dark:text-rose-300",
  unknown: "text-amber-700 dark:text-amber-300",
};

function Count({ outcome, value }: { outcome: LetterOutcome; value: number }) {
  return (
    <div className="min-w-0" title={OUTCOME_HINT[outcome]}>
      <dt className={`text-xs ${muted}`}>{OUTCOME_LABEL[outcome]}</dt>
      <dd
        className={`text-xl font-semibold tabular-nums ${value > 0 ? (COUNT_COLOR[outcome] ?? "") : "text-zinc-400 dark:text-zinc-600"}`}
        data-testid={`job-count-${outcome.replace("_", "-")}`}
        data-count={value}
      >
        {formatCount(value)}
      </dd>
    </div>
  );
}

function Letters({
  id,
  job,
  outcome,
  onOutcome,
  now,
}: {
  id: string;
  job: JobSummary;
  outcome: JobLetterOutcomeFilter;
  onOutcome: (o: JobLetterOutcomeFilter) => void;
  now: number | null;
}) {
  const active = isActiveState(job.state);
  const q = useJobLetters(id, outcome, active);
  const items = useMemo(() => {
    const seen = new Set<string>();
    return (q.data?.pages.flatMap((p) => p.items) ?? []).filter((l) => (seen.has(l.letterId) ? false : (seen.add(l.letterId), true)));
  }, [q.data]);
  const { fetchNextPage: fetchNext } = q;
  const fetchNextPage = useCallback(() => void fetchNext(), [fetchNext]);
  const refreshError = q.isFetchNextPageError ? null : q.error;
  const tab = (o: JobLetterOutcomeFilter, label: string, count: number | null) => (
    <button
      key={o}
      type="button"
      aria-pressed={outcome === o}
      data-outcome={o}
      onClick={() => onOutcome(o)}
      className={
        "-mb-px border-b-2 px-3 py-2 text-sm whitespace-nowrap " +
        (outcome === o
          ? "border-zinc-900 font-medium text-zinc-900 dark:border-zinc-100 dark:text-white"
          : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white")
      }
    >
      {label}
      {count !== null ? <span className="ml-1 text-xs tabular-nums text-zinc-500">{formatCount(count)}</span> : null}
    </button>
  );
  return (
    <section aria-labelledby="job-letters-heading">
      <h2 id="job-letters-heading" className="mb-2 text-lg font-semibold">
        Letters
      </h2>
      <div role="group" aria-label="Outcome" className="mb-3 flex gap-1 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800" data-testid="outcome-filter">
        {tab("all", "All", job.total)}
        {LETTER_OUTCOMES.filter((o) => (job.counts[o] ?? 0) > 0 || o === outcome).map((o) => tab(o, OUTCOME_LABEL[o], job.counts[o] ?? 0))}
      </div>
      {outcome === "unknown" ? <p className="mb-2 text-sm text-amber-800 dark:text-amber-300">{UNKNOWN_EXPLANATION}</p> : null}
      {refreshError ? <LoadError what="the job's letters" error={refreshError} hasData={Boolean(q.data)} testId="job-letters-error" /> : null}
      {q.isPending && !q.data ? (
        q.error ? null : <p className="py-12 text-center text-sm text-zinc-500">Loading the letters…</p>
      ) : !q.data ? null : items.length === 0 ? (
        <EmptyState title={outcome === "all" ? "No letters in this job" : `No letters ${OUTCOME_LABEL[outcome].toLowerCase()}`}>
          {outcome === "all" ? null : (
            <button type="button" className="underline" onClick={() => onOutcome("all")}>
              Show every letter of the job
            </button>
          )}
        </EmptyState>
      ) : (
        <JobLetterTable
          items={items}
          now={now}
          dimmed={q.isPlaceholderData}
          more={{ hasNextPage: q.hasNextPage, isFetchingNextPage: q.isFetchingNextPage, nextPageError: q.isFetchNextPageError ? q.error : null, fetchNextPage }}
        />
      )}
    </section>
  );
}

function time(iso: string, now: number | null): ReactNode {
  return (
    <time dateTime={iso} title={formatFullLocalTime(iso)}>
      {now === null ? "\u00a0" : `${formatAge(iso, now)} ago`}
    </time>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 gap-1.5">
      <dt className={muted}>{label}</dt>
      <dd className="min-w-0 wrap-anywhere">{children}</dd>
    </div>
  );
}

function NotKnown({ id }: { id: string }) {
  return (
    <div data-testid="job-not-found">
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">Job not found</h1>
      <EmptyState title="This job is not known">
        Redrive has no job with the id <code className="font-mono wrap-anywhere">{id}</code>. The link may be incomplete.{" "}
        <Link href="/jobs" className="underline">
          See every job
        </Link>
        .
      </EmptyState>
    </div>
  );
}
