"use client";

import { control } from "@/components/ui/control";
import type { JobAction, JobPlan, JobScope } from "@/lib/redrive/types";
import { letterCount } from "./format";

// The dialog's safety settings for a bulk job: a canary and auto-resume for a requeue, and the
// typed count above the configured size for a requeue or terminate of a whole filter or group.

export type SafetyState = { canary: boolean | null; autoResume: string; typed: string };

export const INITIAL_SAFETY: SafetyState = { canary: null, autoResume: "", typed: "" };

/** Whether this job needs the number of letters typed before it may start. */
export function needsTypedCount(action: JobAction, scope: JobScope, plan: JobPlan | undefined): boolean {
  return !!plan && scope.kind !== "letters" && action !== "restore" && plan.total > plan.confirmAbove;
}

/** The request's safety fields, or why the job may not start yet. */
export function safetyRequest(
  s: SafetyState,
  action: JobAction,
  scope: JobScope,
  plan: JobPlan | undefined,
): { ok: true; fields: { canary?: boolean; autoResumeMinutes?: number; confirmCount?: number } } | { ok: false; problem: string } {
  const fields: { canary?: boolean; autoResumeMinutes?: number; confirmCount?: number } = {};
  if (action === "requeue" && scope.kind !== "letters" && plan?.canary) {
    const on = s.canary ?? plan.canary.defaultOn;
    if (on) fields.canary = true;
    if (s.autoResume.trim()) {
      const m = Number(s.autoResume);
      if (!Number.isFinite(m) || m < 0.1) return { ok: false, problem: "Auto-resume takes a number of minutes (at least 0.1), or nothing." };
      fields.autoResumeMinutes = m;
    }
  }
  if (needsTypedCount(action, scope, plan)) {
    const n = Number(s.typed.replace(/[,\s]/g, ""));
    if (!s.typed.trim() || n !== plan!.total) return { ok: false, problem: `Type ${plan!.total} to confirm.` };
    fields.confirmCount = n;
  }
  return { ok: true, fields };
}

export function JobSafetyFields({
  state: s,
  onChange,
  action,
  scope,
  plan,
}: {
  state: SafetyState;
  onChange: (s: SafetyState) => void;
  action: JobAction;
  scope: JobScope;
  plan: JobPlan | undefined;
}) {
  if (!plan || scope.kind === "letters") return null;
  const canary = action === "requeue" ? plan.canary : null;
  const typed = needsTypedCount(action, scope, plan);
  if (!canary && !typed && action !== "requeue") return null;
  const canaryOn = s.canary ?? canary?.defaultOn ?? false;
  return (
    <div className="space-y-2 border-t border-zinc-200 pt-3 text-sm dark:border-zinc-800" data-testid="job-safety">
      {action === "requeue" ? (
        <p className="text-zinc-500 dark:text-zinc-400">
          The job watches what it sends: it pauses itself if too many letters come back dead or a destination&apos;s consumer turns STOPPED, STALLED or FAILING.
        </p>
      ) : null}
      {canary ? (
        <label className="flex items-start gap-2">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={canaryOn}
            onChange={(e) => onChange({ ...s, canary: e.target.checked })}
            data-testid="job-canary"
          />
          <span>
            Start with a canary of {letterCount(canary.size)}: send those, wait until the destination consumed them, and go on only if none came back dead.
          </span>
        </label>
      ) : null}
      {action === "requeue" ? (
        <label className="flex flex-wrap items-center gap-2">
          <span>If it pauses itself, resume when the destination has been healthy for</span>
          <input
            type="number"
            min={0.1}
            step="any"
            inputMode="decimal"
            value={s.autoResume}
            onChange={(e) => onChange({ ...s, autoResume: e.target.value })}
            placeholder="—"
            className={`${control} w-20 tabular-nums`}
            data-testid="job-auto-resume"
          />
          <span>minutes (empty: an operator resumes it).</span>
        </label>
      ) : null}
      {typed ? (
        <label className="flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-amber-900 dark:bg-amber-500/10 dark:text-amber-200">
          <span>
            This is more than {letterCount(plan.confirmAbove)}. Type <b className="tabular-nums">{plan.total}</b> to confirm:
          </span>
          <input
            value={s.typed}
            onChange={(e) => onChange({ ...s, typed: e.target.value })}
            inputMode="numeric"
            autoComplete="off"
            aria-label={`Type ${plan.total} to confirm`}
            className={`${control} w-28 tabular-nums`}
            data-testid="job-typed-count"
          />
        </label>
      ) : null}
    </div>
  );
}
