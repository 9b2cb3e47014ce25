import { z } from "zod";

// A row number as text (audit ids, cursors): digits that fit PostgreSQL's bigint. Larger numbers
// would reach the database and come back as its own error text instead of a 400.
const BIGINT_MAX = 9223372036854775807n;

export function bigintId(message: string) {
  return z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, message)
    .refine((v) => BigInt(v) <= BIGINT_MAX, message);
}
