import { z } from "zod";
import { HEALTH_STATES } from "./types";
import { CONSUMER_LIST_MAX, CONSUMER_ROLE_FILTERS, CONSUMER_SORT_KEYS, KIND_FILTERS } from "./consumer-list-params";

// The consumer list's query schema: GET /api/consumers parses it. The browser's half of the
// contract (vocabulary, filters, the query string) is ./consumer-list-params.ts, typed by it.

export const consumerListQuery = z.object({
  cluster: z.string().max(100).optional(),
  kind: z.enum(KIND_FILTERS).optional(),
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter(Boolean) : []))
    .pipe(z.array(z.enum(HEALTH_STATES))),
  q: z.string().max(200).optional(),
  role: z.enum(CONSUMER_ROLE_FILTERS).optional(),
  sort: z.enum(CONSUMER_SORT_KEYS).default("state"),
  dir: z.enum(["asc", "desc"]).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(CONSUMER_LIST_MAX).default(500),
});

export type ConsumerListQuery = z.infer<typeof consumerListQuery>;
