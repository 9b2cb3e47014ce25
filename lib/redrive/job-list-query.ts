import { z } from "zod";
import { JOB_STATES } from "./types";
import { JOB_LIST_MAX } from "./job-list-params";

// The job list's query schema: GET /api/jobs parses it. The browser's half of the contract is
// ./job-list-params.ts, typed by it.

export const jobListQuery = z.object({
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter(Boolean) : []))
    .pipe(z.array(z.enum(JOB_STATES))),
  limit: z.coerce.number().int().min(1).max(JOB_LIST_MAX).default(50),
});

export type JobListQuery = z.infer<typeof jobListQuery>;
