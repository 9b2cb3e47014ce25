import "server-only";
import { auditTarget, isAuditAction, type AuditAction } from "./actions";
import type { AuditRowInput } from "./insert-audit-rows";

// The rows a running job writes for each chunk of letters: one intent naming the chunk's letters,
// written before any of them is touched, and one outcome naming that intent and each letter's
// result once the broker has answered (or the letters went back in line). Two chained rows per
// chunk rather than two per letter: the chain's lock and hash are paid per chunk. Each row is
// indexed by letter in audit_event_letters (./chunk-row-sql.ts), so a letter's trail stays one
// lookup. Pure: the SQL lives in ./chunk-row-sql.ts.

/** A job as the runner reads it from the store; its action was checked when the job started. */
export type AuditedJob = { id: string; action: string; createdBy: string };

/** "letter.<the job's action>"; a stored action outside the vocabulary is a bug, not something to record. */
export function letterAction(job: AuditedJob): AuditAction {
  const action = `letter.${job.action}`;
  if (!isAuditAction(action))
    throw new Error(`job ${job.id} has action "${job.action}", which has no "${action}" in the audit vocabulary (lib/audit/actions.ts)`);
  return action;
}

/** The intent of a chunk: request { job, letters: [ids in sending order] }, target the job. */
export function chunkIntentRow(job: AuditedJob, letterIds: string[]): AuditRowInput {
  return { actor: job.createdBy, action: letterAction(job), phase: "intent", target: auditTarget.job(job.id), request: { job: job.id, letters: letterIds } };
}

export type LetterOutcome = { letterId: string; result: string; detail: string | null };

/** What a chunk row says about one letter. */
export type ChunkLetter = { id: string; result?: string; detail?: string | null };

/** A chunk's result when its letters agree, else "mixed" (detail.counts says how many of each). */
export const MIXED_RESULT = "mixed";

/**
 * The outcome of (part of) a chunk, naming its intent: detail { job, counts: { <result>: n },
 * letters: [{ id, result, detail? }] } (detail left out where there is none).
 */
export function chunkOutcomeRow(job: AuditedJob, intentId: bigint | null, outcomes: LetterOutcome[]): AuditRowInput {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.result] = (counts[o.result] ?? 0) + 1;
  const results = Object.keys(counts);
  return {
    actor: job.createdBy,
    action: letterAction(job),
    phase: "outcome",
    intentId,
    target: auditTarget.job(job.id),
    result: results.length === 1 ? results[0]! : MIXED_RESULT,
    detail: { job: job.id, counts, letters: outcomes.map((o): ChunkLetter => (o.detail === null ? { id: o.letterId, result: o.result } : { id: o.letterId, result: o.result, detail: o.detail })) },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The letters a chunk row names, read back from its request (an intent) or detail (an outcome);
 * null for any other row. Entries that are not what a runner writes are skipped.
 */
export function chunkLetters(phase: string, request: unknown, detail: unknown): ChunkLetter[] | null {
  const from = phase === "intent" ? request : phase === "outcome" ? detail : null;
  if (!isRecord(from) || !Array.isArray(from.letters)) return null;
  const out: ChunkLetter[] = [];
  for (const l of from.letters) {
    if (typeof l === "string") out.push({ id: l });
    else if (isRecord(l) && typeof l.id === "string")
      out.push({ id: l.id, ...(typeof l.result === "string" ? { result: l.result } : {}), ...(typeof l.detail === "string" ? { detail: l.detail } : {}) });
  }
  return out;
}

/**
 * When each letter's first attempt in this job was recorded (its first intent: a chunk's, or a
 * per-letter one written before chunk rows), for letters whose earlier attempt may have landed; a
 * scalar subquery over `jl` (redrive_job_letters). LEAST ignores the side that found nothing.
 */
export const PREVIOUS_ATTEMPT_AT_SQL = `CASE WHEN jl."attempt_id" IS NOT NULL THEN LEAST(
           (SELECT min(a."at") FROM "audit_event_letters" al JOIN "audit_events" a ON a."id" = al."event_id"
             WHERE al."letter_id" = jl."letter_id" AND a."phase" = 'intent' AND a."request"->>'job' = jl."job_id"::text),
           (SELECT min(a."at") FROM "audit_events" a
             WHERE a."target" = 'letter:' || jl."letter_id"::text AND a."phase" = 'intent' AND a."request"->>'job' = jl."job_id"::text)) END`;
