import { toSearchParams } from "@/lib/search-params";
import type { jobListQuery } from "./job-list-query";
import { JOB_STATES, type JobState } from "./types";

// The browser's half of the job list's contract: the state filter as the page's URL and the API
// carry it, typed by the route's schema (./job-list-query.ts). No zod at run time.

export const JOB_LIST_MAX = 500;

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
