import type { AuditLogFilters } from "./use-audit-events";
import type { ConsumerListFilters } from "./use-consumers";
import type { SeriesRangeKey } from "./use-consumer-series";
import type { LetterFilters } from "./use-dead-letters";
import type { JobLetterOutcomeFilter } from "./use-job-letters";
import type { JobListFilters } from "./use-jobs";
import type { PlanKey } from "./use-plan-job";

// One factory for every TanStack Query key, so invalidation can target a resource or all of it.
export const queryKeys = {
  clusters: { all: ["clusters"] as const },
  accounts: { users: ["accounts", "users"] as const, tokens: ["accounts", "tokens"] as const },
  health: { all: ["health"] as const },
  consumers: {
    all: ["consumers"] as const,
    lists: () => ["consumers", "list"] as const,
    list: (filters: ConsumerListFilters) => ["consumers", "list", filters] as const,
    detail: (id: string) => ["consumers", "detail", id] as const,
    series: (id: string, range: SeriesRangeKey) => ["consumers", "detail", id, "series", range] as const,
    overview: () => ["consumers", "overview"] as const,
  },
  deadLetters: {
    all: ["dead-letters"] as const,
    lists: () => ["dead-letters", "list"] as const,
    list: (filters: LetterFilters) => ["dead-letters", "list", filters] as const,
    allGroups: () => ["dead-letters", "groups"] as const,
    groups: (filters: LetterFilters) => ["dead-letters", "groups", filters] as const,
    detail: (id: string) => ["dead-letters", "detail", id] as const,
    history: (id: string) => ["dead-letters", "detail", id, "history"] as const,
    dlqs: () => ["dead-letters", "dlqs"] as const,
    dlq: (id: string) => ["dead-letters", "dlqs", id] as const,
    totals: () => ["dead-letters", "totals"] as const,
  },
  notifications: { all: ["notifications"] as const },
  expected: { all: ["expected-consumers"] as const },
  jobs: {
    all: ["jobs"] as const,
    lists: () => ["jobs", "list"] as const,
    list: (filters: JobListFilters) => ["jobs", "list", filters] as const,
    detail: (id: string) => ["jobs", "detail", id] as const,
    letters: (id: string, outcome: JobLetterOutcomeFilter) => ["jobs", "detail", id, "letters", outcome] as const,
    plan: (key: PlanKey) => ["jobs", "plan", key] as const,
  },
  audit: {
    all: ["audit"] as const,
    list: (filters: AuditLogFilters) => ["audit", "list", filters] as const,
    detail: (id: string) => ["audit", "detail", id] as const,
  },
};
