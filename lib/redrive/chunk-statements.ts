import "server-only";
import { chunkRowCtes, paramOf } from "@/lib/audit/chunk-row-sql";
import { chunkIntentRow, chunkOutcomeRow, type AuditedJob, type LetterOutcome } from "@/lib/audit/job-letter-rows";

// The statements a job runner writes for each chunk of letters (job-runner.ts): its intent and
// in-flight marks before the broker is touched; its outcome, the letters' outcomes and their inbox
// states after; or, for letters that never reached the broker, their return to the line. Each is
// one statement with the chunk's chained audit row, so what it records commits together.

export type Statement = { sql: string; params: unknown[] };

/** The inbox state a letter of a job with this action ends in once done. */
export const OUTCOME_STATE: Record<string, string> = { requeue: "requeued", terminate: "terminated", restore: "dead" };

/**
 * SQL over `jl` (redrive_job_letters) for the job's rows of a chunk's letters (`ids`, a uuid[]
 * parameter). The rows are found by letter id alone (its index: a few rows a letter), the job is a
 * filter the planner cannot make an index condition of, and the statements take each letter's
 * values from their arrays by position rather than joining them in. A new job's id is in none of
 * the table's statistics, so the planner takes it for a job of one letter: written as job_id = …
 * it read every letter of the job for each chunk (76 ms a chunk at 100,000 letters, against 8 ms),
 * and with the values joined in, it compared every letter of the job with every letter of the
 * chunk (1.4 s a chunk at 20,000). tests/integration/chunk-statement-plans.test.ts holds it to that.
 */
function chunkLettersSql(jl: string, jobParam: string, idsParam: string): string {
  return `${jl}."job_id" IS NOT DISTINCT FROM ${jobParam}::uuid AND ${jl}."letter_id" = ANY(${idsParam}::uuid[])`;
}

/** The chunk's intent (one chained row naming its letters) and their in-flight marks; returns the row's id and how many were marked. */
export function chunkIntentsSql(job: AuditedJob, letterIds: string[]): Statement {
  const params: unknown[] = [];
  const p = paramOf(params);
  const ctes = chunkRowCtes(chunkIntentRow(job, letterIds), letterIds, params);
  return {
    sql: `WITH ${ctes},
         fl AS (UPDATE "redrive_job_letters" jl SET "outcome" = 'in_flight', "attempt_id" = 'redrive:' || "job_id"::text || ':' || "letter_id"::text
                WHERE ${chunkLettersSql("jl", p(job.id), p(letterIds))} RETURNING 1)
       SELECT ev."id"::text AS id, (SELECT count(*) FROM fl)::int AS marked FROM ev`,
    params,
  };
}

/**
 * Letters that never reached the broker go back in line, with the chunk's outcome row for them
 * ("not_sent"). An attempt that may have landed keeps its id, so the next one is checked against
 * the dedupe window. `error` (the broker is away) is shown on the job.
 */
export function chunkNotSentSql(
  job: AuditedJob,
  intentId: bigint,
  letters: Array<{ letterId: string; detail: string | null; mayHaveLanded: boolean }>,
  error: string | null,
): Statement {
  const ids = letters.map((l) => l.letterId);
  const params: unknown[] = [];
  const p = paramOf(params);
  const ctes = chunkRowCtes(chunkOutcomeRow(job, intentId, letters.map((l) => ({ letterId: l.letterId, result: "not_sent", detail: l.detail }))), ids, params);
  const jobId = p(job.id);
  const idList = p(ids);
  const keep = `(${p(letters.map((l) => l.mayHaveLanded))}::bool[])[array_position(${idList}::uuid[], jl."letter_id")]`;
  return {
    sql: `WITH ${ctes},
         back AS (UPDATE "redrive_job_letters" jl SET "outcome" = 'pending', "attempt_id" = CASE WHEN ${keep} THEN jl."attempt_id" END
                  WHERE ${chunkLettersSql("jl", jobId, idList)} RETURNING 1)
       UPDATE "redrive_jobs" SET "error" = ${p(error)} WHERE "id" = ${jobId}::uuid AND ${p(error)}::text IS NOT NULL`,
    params,
  };
}

/**
 * What the broker did with a chunk's letters: each letter's outcome (settled, so the job no longer
 * holds it), the inbox's state of those done (the others leave the job still dead, their inbox
 * rows untouched), and the chunk's outcome row.
 */
export function chunkOutcomesSql(job: AuditedJob, intentId: bigint, outcomes: LetterOutcome[], now: Date): Statement {
  const ids = outcomes.map((o) => o.letterId);
  const params: unknown[] = [];
  const p = paramOf(params);
  const ctes = chunkRowCtes(chunkOutcomeRow(job, intentId, outcomes), ids, params);
  const jobId = p(job.id);
  const at = p(now.toISOString());
  const idList = p(ids);
  const results = p(outcomes.map((o) => o.result));
  const details = p(outcomes.map((o) => o.detail));
  const k = `array_position(${idList}::uuid[], jl."letter_id")`;
  return {
    sql: `WITH ${ctes},
         u AS (SELECT * FROM unnest(${idList}::uuid[], ${results}::text[], ${details}::text[]) AS u(letter_id, outcome, detail)),
         jl AS (UPDATE "redrive_job_letters" jl SET "outcome" = (${results}::text[])[${k}], "detail" = (${details}::text[])[${k}], "finished_at" = ${at}::timestamptz
                WHERE ${chunkLettersSql("jl", jobId, idList)} RETURNING 1)
       UPDATE "dead_letters" d SET "state" = ${p(OUTCOME_STATE[job.action]!)}, "state_changed_at" = ${at}::timestamptz
         FROM u WHERE d."id" = u.letter_id AND u.outcome = 'done'`,
    params,
  };
}
