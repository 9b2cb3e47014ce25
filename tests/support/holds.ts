/** The job letter outcomes that hold a letter (lib/dead-letters/letter-hold.ts): a Prisma filter on a letter's job rows. */
export const HELD_OUTCOMES = ["pending", "in_flight"];

/** A dead-letter `where` clause part: no job holds the letter. */
export const FREE = { jobLetters: { none: { outcome: { in: HELD_OUTCOMES } } } };

/** A dead-letter `where` clause part: some job holds the letter. */
export const HELD = { jobLetters: { some: { outcome: { in: HELD_OUTCOMES } } } };
