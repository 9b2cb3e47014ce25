import { z } from "zod";

// A row number as text (audit ids, cursors): digits that fit PostgreSQL's bigint. Larger numbers
// would reach the database and come back as its own error text instead of a 400.
const BIGINT_MAX = 9223372036854775807n;

export function bigintId(message: string) {
  // Zod runs the refinement after a failed regex too: text that is not digits is the regex's to refuse.
  return z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, message)
    .refine((v) => !/^[0-9]+$/.test(v) || BigInt(v) <= BIGINT_MAX, message);
}
