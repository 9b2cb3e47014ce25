import { z } from "zod";
import { JOB_STATES, type JobState } from "./types";
import { toSearchParams } from "@/lib/search-params";

// The job list's query, once: the route parses it (GET /api/jobs), the client hook builds it, and
// the page's URL carries the same state filter. Client-safe.

export const JOB_LIST_MAX = 500;

export const jobListQuery = z.object({
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter(Boolean) : []))
    .pipe(z.array(z.enum(JOB_STATES))),
  limit: z.coerce.number().int().min(1).max(JOB_LIST_MAX).default(50),
});

export type JobListQuery = z.infer<typeof jobListQuery>;

/** Empty `states` means every job. */
export type JobListFilters = { states: JobState[] };

/** The state filter from a URL (the page's, or the API's): unknown states drop, known ones keep their canonical order. */
export function parseJobStates(v: string | null): JobState[] {
  const wanted = new Set((v ?? "").split(",").map((s) => s.trim().toLowerCase()));
  return JOB_STATES.filter((s) => wanted.has(s));
}

export function jobListParams(f: JobListFilters, limit: number): URLSearchParams {
  return toSearchParams<typeof jobListQuery>({ state: f.states.length ? f.states.join(",") : undefined, limit: String(limit) });
}
