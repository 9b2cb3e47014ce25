import "server-only";
import { auditTarget, isAuditAction, type AuditAction } from "./actions";
import type { AuditRowInput } from "./insert-audit-rows";

// The rows a running job writes for each letter: an intent before the letter is touched, and an
// outcome naming that intent once the broker has answered (or the letter went back in line).

/** A job as the runner reads it from the store; its action was checked when the job started. */
export type AuditedJob = { id: string; action: string; createdBy: string };

/** "letter.<the job's action>"; a stored action outside the vocabulary is a bug, not something to record. */
export function letterAction(job: AuditedJob): AuditAction {
  const action = `letter.${job.action}`;
  if (!isAuditAction(action))
    throw new Error(`job ${job.id} has action "${job.action}", which has no "${action}" in the audit vocabulary (lib/audit/actions.ts)`);
  return action;
}

/** Written (in the same transaction that marks the letters in flight) before any is sent. */
export function letterIntentRows(job: AuditedJob, letterIds: string[]): AuditRowInput[] {
  const action = letterAction(job);
  return letterIds.map((id) => ({ actor: job.createdBy, action, phase: "intent", target: auditTarget.letter(id), request: { job: job.id } }));
}

export type LetterOutcome = { letterId: string; intentId: bigint | null; result: string; detail: string | null };

export function letterOutcomeRows(job: AuditedJob, outcomes: LetterOutcome[]): AuditRowInput[] {
  const action = letterAction(job);
  return outcomes.map((o) => ({
    actor: job.createdBy,
    action,
    phase: "outcome",
    intentId: o.intentId,
    target: auditTarget.letter(o.letterId),
    result: o.result,
    detail: { job: job.id, detail: o.detail },
  }));
}

/**
 * When each letter's first attempt in this job was recorded (its first intent row), for letters
 * whose earlier attempt may have landed; a scalar subquery over `jl` (redrive_job_letters).
 */
export const PREVIOUS_ATTEMPT_AT_SQL = `CASE WHEN jl."attempt_id" IS NOT NULL THEN (SELECT min(a."at") FROM "audit_events" a
           WHERE a."target" = 'letter:' || jl."letter_id"::text AND a."phase" = 'intent' AND a."request"->>'job' = jl."job_id"::text) END`;
