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
  return `EXISTS (SELECT 1 FROM "redrive_job_letters" h WHERE h."letter_id" = ${d}."id" AND h."outcome" IN ${ACTIVE_OUTCOMES}${otherThan === undefined ? "" : ` AND h."job_id" <> ${otherThan}`})`;
}

/** SQL for the id (text) of the job holding the letter `d`, or NULL. */
export function holderSql(d: string): string {
  return `(SELECT h."job_id"::text FROM "redrive_job_letters" h WHERE h."letter_id" = ${d}."id" AND h."outcome" IN ${ACTIVE_OUTCOMES})`;
}

/** The conflict target of an insert of job letters: a letter another job holds is left out, not doubled. */
export const ON_HELD_DO_NOTHING = `ON CONFLICT ("letter_id") WHERE "outcome" IN ${ACTIVE_OUTCOMES} DO NOTHING`;
