import { z } from "zod";
import { LETTER_STATES } from "./types";

// The inbox's query schemas: GET /api/dead-letters, /groups and a job's "filters" scope parse them.
// The browser's half of the contract is ./letter-list-params.ts, typed by them.

export const letterFiltersQuery = z.object({
  cluster: z.string().max(100).optional(),
  source: z.string().max(500).optional(),
  reason: z.string().max(100).optional(),
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter(Boolean) : []))
    .pipe(z.array(z.enum(LETTER_STATES))),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  header: z
    .string()
    .max(500)
    .regex(/^[^:]+:.*$/, 'must be "key:value"')
    .optional(),
  messageId: z.string().max(500).optional(),
  q: z.string().min(1).max(500).optional(),
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{16}$/, "must be a fingerprint from a group")
    .optional(),
  /** The DLQ ("vhost/queue") or NATS capture stream the letters were collected from. */
  collectedFrom: z.string().max(500).optional(),
  /** Letters that came back dead after this job requeued them (bounce lineage). */
  bouncedFromJob: z.uuid("must be a job's id").optional(),
});

export type LetterFiltersQuery = z.infer<typeof letterFiltersQuery>;

export const LETTER_PAGE_MAX = 200;

export const letterListQuery = letterFiltersQuery.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(LETTER_PAGE_MAX).default(50),
});

export type LetterListQuery = z.infer<typeof letterListQuery>;
