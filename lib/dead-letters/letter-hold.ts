import "server-only";

/**
 * A letter is held by the job whose letter row for it is not settled yet: pending or in flight.
 * The predicate is written exactly as the partial unique index redrive_job_letters_held_key has it
 * (prisma/migrations/20261206174000_job_letter_holds), so the planner uses that index and an
 * INSERT … ON CONFLICT names it: one job at a time holds a letter.
 */
export const ACTIVE_OUTCOMES = `('pending', 'in_flight')`;

/** SQL true when the letter `d` (an alias of dead_letters) is held by some job (other than the job `otherThan`, SQL for its id, when given). */
export function heldSql(d: string, otherThan?: string): string {
  // A scalar subquery, which the planner keeps as one probe of redrive_job_letters_held_key per
  // letter it visits. A bare EXISTS it may turn into an anti join, and with the job letters'
  // statistics taken while few letters were held (a job's own claims hold thousands more within
  // seconds), it picked a nested loop comparing every letter with every held one: 1.0-1.7 s a
  // claim of 5,000 in a 100,000-letter job, 19 s with 50,000 held by another job; 17 ms probing.
  return `(SELECT EXISTS (SELECT 1 FROM "redrive_job_letters" h WHERE h."letter_id" = ${d}."id" AND h."outcome" IN ${ACTIVE_OUTCOMES}${otherThan === undefined ? "" : ` AND h."job_id" <> ${otherThan}`}))`;
}

/** SQL for the id (text) of the job holding the letter `d`, or NULL. */
export function holderSql(d: string): string {
  return `(SELECT h."job_id"::text FROM "redrive_job_letters" h WHERE h."letter_id" = ${d}."id" AND h."outcome" IN ${ACTIVE_OUTCOMES})`;
}

/** The conflict target of an insert of job letters: a letter another job holds is left out, not doubled. */
export const ON_HELD_DO_NOTHING = `ON CONFLICT ("letter_id") WHERE "outcome" IN ${ACTIVE_OUTCOMES} DO NOTHING`;
