"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { control } from "@/components/ui/control";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import type { LetterDetail } from "@/lib/dead-letters/types";
import { ApiError } from "@/lib/queries/fetch-json";
import { usePlanJob, type PlanKey } from "@/lib/queries/use-plan-job";
import { useStartJob } from "@/lib/queries/use-start-job";
import type { JobAction, JobRequest, JobScope, JobSummary } from "@/lib/redrive/types";
import { HeaderFields, PayloadField } from "./edit-fields";
import {
  ACTION_HINT,
  ACTION_HINT_ONE,
  ACTION_LABEL,
  describeEdit,
  describeScope,
  diffHeaders,
  editablePayload,
  estimateDuration,
  filterConditions,
  headerRowsFrom,
  jobHref,
  jobName,
  jobStartedText,
  letterCount,
  parseHeldDetails,
  parseRate,
  utf8ToBase64,
  type HeaderRow,
} from "./format";
import { INITIAL_SAFETY, JobSafetyFields, safetyRequest, type SafetyState } from "./job-safety-fields";
import { PlanSummary } from "./plan-summary";

export const DEFAULT_RATE = 100;
/** The highest rate the configuration can allow; the server refuses what its own maximum does not. */
const RATE_CEILING = 1_000_000;
/** Typing a destination or an edit is planned again once the operator pauses. */
const REPLAN_AFTER_MS = 400;

/** An action the operator asked for, before its dry run. */
export type JobIntent = {
  action: JobAction;
  scope: JobScope;
  /** The dialog's title: "Requeue this letter?" */
  title: string;
  /** Requeue somewhere else: the destination is typed in the dialog, starting from `initial`. */
  destination?: { initial: string; placeholder: string };
  /** Edit and requeue this one letter. */
  edit?: LetterDetail;
  /** After the start, open the job's page (bulk actions); a single letter's page stays, with a link. */
  openJob: boolean;
};

/** Plans `intent` (a dry run), says exactly what would happen, and starts the job on confirmation. */
export function JobDialog({ intent, onClose, onStarted }: { intent: JobIntent | null; onClose: () => void; onStarted?: (job: JobSummary) => void }) {
  if (!intent) return null;
  // A fresh body (and so fresh rate, destination, edits and plan) for every action asked for.
  return <JobDialogBody key={JSON.stringify([intent.action, intent.scope, intent.title])} intent={intent} onClose={onClose} onStarted={onStarted} />;
}

function JobDialogBody({ intent, onClose, onStarted }: { intent: JobIntent; onClose: () => void; onStarted?: (job: JobSummary) => void }) {
  const router = useRouter();
  const toast = useToast();
  const start = useStartJob();

  const single = intent.scope.kind === "letters" && intent.scope.ids.length === 1;
  const [rateText, setRateText] = useState(String(DEFAULT_RATE));
  const [includePoison, setIncludePoison] = useState(false);
  const [destination, setDestination] = useState(intent.destination?.initial ?? "");
  const original = useMemo(() => (intent.edit ? editablePayload(intent.edit) : null), [intent.edit]);
  const [payloadText, setPayloadText] = useState<string | null>(original && "text" in original ? original.text : null);
  const [rows, setRows] = useState<HeaderRow[]>(() => (intent.edit ? headerRowsFrom(intent.edit.headers) : []));
  const [safety, setSafety] = useState<SafetyState>(INITIAL_SAFETY);

  // The request as it stands, or why it cannot be planned yet.
  const built = useMemo((): { key: PlanKey; diff: string | null } | { problem: string } => {
    const key: PlanKey = { action: intent.action, scope: intent.scope, includePoison };
    if (intent.destination) {
      const d = destination.trim();
      if (!d) return { problem: "Type the destination to plan this requeue." };
      key.destination = d;
    }
    if (!intent.edit) return { key, diff: null };
    const headers = diffHeaders(intent.edit.headers, rows);
    if (!headers.ok) return { problem: headers.error };
    const before = original && "text" in original ? original.text : null;
    const payloadChanged = before !== null && payloadText !== null && payloadText !== before;
    const edit: NonNullable<PlanKey["edit"]> = {};
    if (payloadChanged) edit.payloadBase64 = utf8ToBase64(payloadText);
    if (Object.keys(headers.headers).length) edit.headers = headers.headers;
    if (edit.payloadBase64 !== undefined || edit.headers) key.edit = edit;
    const diff = describeEdit(before !== null && payloadText !== null ? { before, after: payloadText } : null, headers);
    return { key, diff };
  }, [intent, includePoison, destination, rows, payloadText, original]);

  const keyJson = "key" in built ? JSON.stringify(built.key) : null;
  const settledJson = useSettled(keyJson, REPLAN_AFTER_MS);
  const settledKey = useMemo(() => (settledJson ? (JSON.parse(settledJson) as PlanKey) : null), [settledJson]);
  const plan = usePlanJob(settledKey);
  // Only a plan of exactly this request, answered just now, may be confirmed.
  const fresh = keyJson !== null && settledJson === keyJson && plan.data !== undefined && !plan.isPlaceholderData && !plan.isFetching && !plan.error;
  const rate = parseRate(rateText, RATE_CEILING);

  // Once poison letters are included the plan counts them in and reports none left out; the
  // checkbox keeps the count it was offered with, so it can be unticked again.
  const [poisonSeen, setPoisonSeen] = useState(0);
  const planPoison = plan.data && !plan.isPlaceholderData && settledKey && !settledKey.includePoison ? plan.data.poison : null;
  useEffect(() => {
    if (planPoison !== null) setPoisonSeen(planPoison);
  }, [planPoison]);
  const poison = includePoison ? poisonSeen : (plan.data?.poison ?? 0);
  const total = plan.data?.total ?? 0;
  // Letters picked by hand that another job holds would be refused (409): say so before, not after.
  const blockedByHeld = intent.scope.kind === "letters" && (plan.data?.heldByOtherJobs.length ?? 0) > 0;
  // A plan that says the start would be refused (a destination no job may use, or one that does not exist) cannot be confirmed.
  const refused = Boolean(plan.data?.refusal);
  const safe = safetyRequest(safety, intent.action, intent.scope, fresh ? plan.data : undefined);
  const canConfirm = fresh && total > 0 && !blockedByHeld && !refused && rate !== null && safe.ok && !start.isPending;

  // A double click, or Enter pressed twice, must not start two jobs: the mutation's own pending
  // flag only shows after a render, so a ref closes the gap.
  const firing = useRef(false);
  const confirm = () => {
    if (!canConfirm || firing.current || !("key" in built) || rate === null || !safe.ok) return;
    firing.current = true;
    const request: JobRequest = { ...built.key, rate, ...safe.fields };
    start.mutate(request, {
      onSuccess: (job) => {
        toast({ tone: "ok", text: `${jobStartedText(job)}.`, href: jobHref(job.id), linkLabel: `Open ${jobName(job.number)}` });
        onStarted?.(job);
        if (intent.openJob) router.push(jobHref(job.id));
        onClose();
      },
      onSettled: () => {
        firing.current = false;
      },
    });
  };

  const estimate = rate !== null ? estimateDuration(total, rate) : null;

  return (
    <ConfirmDialog
      open
      wide
      testId="plan-dialog"
      confirmTestId="confirm-action"
      title={intent.title}
      danger={intent.action === "terminate"}
      confirmLabel={plan.data && fresh && total > 0 ? `${ACTION_LABEL[intent.action]} ${letterCount(total)}` : ACTION_LABEL[intent.action]}
      busyLabel="Starting…"
      busy={start.isPending}
      confirmDisabled={!canConfirm}
      error={start.error ? <StartError error={start.error} /> : null}
      onConfirm={confirm}
      onCancel={onClose}
    >
      <p>{single ? ACTION_HINT_ONE[intent.action] : ACTION_HINT[intent.action]}</p>
      {single ? null : <ScopeLine scope={intent.scope} />}

      {intent.destination ? (
        <div>
          <label htmlFor="job-destination" className="text-xs font-medium text-zinc-600 dark:text-zinc-300">
            Destination
          </label>
          <input
            id="job-destination"
            data-testid="job-destination"
            value={destination}
            onChange={(e) => setDestination(e.target.value)}
            placeholder={intent.destination.placeholder}
            spellCheck={false}
            autoComplete="off"
            className={`${control} mt-1 block w-full font-mono text-xs`}
          />
        </div>
      ) : null}

      {intent.edit ? (
        <div className="space-y-3">
          <PayloadField value={payloadText} onChange={setPayloadText} locked={original && "locked" in original ? original.locked : null} />
          <HeaderFields rows={rows} onChange={setRows} />
          {"diff" in built && built.diff ? (
            <p className="rounded-md bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-800" data-testid="edit-diff">
              <span className="text-zinc-500 dark:text-zinc-400">Changes: </span>
              {built.diff === "no changes" ? "none — it is requeued exactly as it is." : `${built.diff}. The original is kept with the job.`}
            </p>
          ) : null}
        </div>
      ) : null}

      <div aria-live="polite" aria-busy={!fresh} className={`border-t border-zinc-200 pt-3 dark:border-zinc-800 ${plan.isPlaceholderData || (plan.data && !fresh) ? "opacity-60" : ""}`}>
        {"problem" in built ? (
          <p className="text-amber-800 dark:text-amber-300" data-testid="plan-problem">
            {built.problem}
          </p>
        ) : plan.error ? (
          <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-rose-900 dark:bg-rose-500/10 dark:text-rose-200" data-testid="plan-error">
            Could not work out what this would do: {plan.error.message}{" "}
            <button type="button" className="underline" onClick={() => void plan.refetch()}>
              Try again
            </button>
          </p>
        ) : plan.data ? (
          <PlanSummary plan={plan.data} explicit={intent.scope.kind === "letters"} poison={poison} includePoison={includePoison} onIncludePoison={setIncludePoison} />
        ) : (
          <p className="text-zinc-500 dark:text-zinc-400">Working out exactly what this would do (a dry run: nothing is touched)…</p>
        )}
      </div>

      {!single ? <JobSafetyFields state={safety} onChange={setSafety} action={intent.action} scope={intent.scope} plan={plan.data} /> : null}

      {!single ? (
        <div className="flex flex-wrap items-center gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
          <label htmlFor="job-rate" className="text-sm">
            Rate
          </label>
          <input
            id="job-rate"
            data-testid="job-rate"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={rateText}
            onChange={(e) => setRateText(e.target.value)}
            aria-invalid={rate === null || undefined}
            aria-describedby="job-rate-note"
            className={`${control} w-28 tabular-nums ${rate === null ? "border-amber-500 dark:border-amber-500" : ""}`}
          />
          <span id="job-rate-note" className="text-sm text-zinc-500 dark:text-zinc-400">
            {rate === null
              ? "letters per second: a whole number from 1"
              : `letters per second${estimate && fresh && total > 0 ? ` · ${estimate} for ${letterCount(total)}` : ""}. You can pause or cancel it while it runs.`}
          </span>
        </div>
      ) : null}
    </ConfirmDialog>
  );
}

/** Which letters, exactly: the filter's conditions, the group, or how many were picked. */
function ScopeLine({ scope }: { scope: JobScope }) {
  const label = <span className="text-zinc-500 dark:text-zinc-400">Letters: </span>;
  if (scope.kind !== "filter") {
    return (
      <p data-testid="plan-scope">
        {label}
        {describeScope(scope)}
        {scope.kind === "group" ? (
          <>
            {" "}
            (<code className="font-mono text-xs">{scope.fingerprint}</code>)
          </>
        ) : null}
      </p>
    );
  }
  const conditions = filterConditions(scope.filters);
  return (
    <p data-testid="plan-scope" className="flex flex-wrap items-center gap-1.5">
      {label}
      {conditions.length === 0 ? (
        "every letter in the inbox, in every cluster"
      ) : (
        conditions.map((c) => (
          <span key={c.label} className="inline-flex max-w-full items-baseline gap-1 rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800">
            <span className="text-zinc-500 dark:text-zinc-400">{c.label}</span>
            <span className="font-mono break-all">{c.value}</span>
          </span>
        ))
      )}
    </p>
  );
}

/** Why the start failed; when another job holds the letters, which one, with a link to it. */
function StartError({ error }: { error: Error }): ReactNode {
  const held = error instanceof ApiError && error.status === 409 ? parseHeldDetails(error.details) : null;
  if (held) {
    return (
      <p data-testid="start-held">
        <b>{jobName(held.jobNumber)} already has these letters</b>
        {held.letters > 0 ? ` (${letterCount(held.letters)})` : ""}. Nothing was started.{" "}
        <Link href={held.href} className="font-medium underline">
          Open {jobName(held.jobNumber)}
        </Link>{" "}
        to watch it, or cancel it before trying again.
      </p>
    );
  }
  // Redrive refused it (a permission, a destination): its own sentence says what and that nothing was started.
  if (error instanceof ApiError && (error.details as { refused?: unknown } | undefined)?.refused === true) return <p data-testid="start-refused">{error.message}</p>;
  const refused = error instanceof ApiError && error.status >= 400 && error.status < 500;
  return (
    <p>
      Could not start the job: {error.message}{" "}
      {refused ? (
        "Nothing was started."
      ) : (
        <>
          It may have started before the answer was lost: check{" "}
          <Link href="/jobs" className="underline">
            Jobs
          </Link>{" "}
          before trying again.
        </>
      )}
    </p>
  );
}

/** `value`, once it has stopped changing for `ms`; the first value at once. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(settled, value)) return;
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, settled, ms]);
  return settled;
}
