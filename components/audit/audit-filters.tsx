"use client";

import { DebouncedInput } from "@/components/dead-letters/debounced-input";
import { ClearFilters, FilterChip, TimeBound, ToggleGroup } from "@/components/ui/filters";
import { AUDIT_PHASES } from "@/lib/audit/types";
import type { AuditLogFilters } from "@/lib/queries/use-audit-events";
import { KNOWN_ACTIONS, PHASE_HINT, PHASE_LABEL } from "./format";
import { EMPTY_AUDIT_FILTERS, hasAuditFilters } from "./list-params";

/** Every filter of the audit log; each change goes to the URL, which is the only place they live. */
export function AuditFilters({ filters, clusters, onChange }: { filters: AuditLogFilters; clusters: string[]; onChange: (next: AuditLogFilters) => void }) {
  const set = (patch: Partial<AuditLogFilters>) => onChange({ ...filters, ...patch });
  return (
    <div className="mb-4 space-y-2" role="search" aria-label="Filter the audit log">
      <div className="flex flex-wrap items-center gap-2">
        <DebouncedInput id="audit-actor" testId="audit-filter-actor" label="Who did it (exact)" placeholder="Actor" value={filters.actor ?? ""} onCommit={(v) => set({ actor: v || undefined })} className="w-40" />
        <DebouncedInput
          id="audit-action"
          testId="audit-filter-action"
          label='Action: exact (job.requeue), or a prefix ending in "." (job.)'
          placeholder="Action, or prefix like job."
          value={filters.action ?? ""}
          onCommit={(v) => set({ action: v || undefined })}
          list="audit-actions"
          className="w-52"
        />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <DebouncedInput
          id="audit-cluster"
          testId="audit-filter-cluster"
          label="Cluster name (or id, for a cluster that is gone)"
          placeholder="Cluster"
          value={filters.cluster ?? ""}
          onCommit={(v) => set({ cluster: v || undefined })}
          list="audit-clusters"
          className="w-40"
        />
        <datalist id="audit-clusters">
          {clusters.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <DebouncedInput
          id="audit-target"
          testId="audit-filter-target"
          label="Target, exactly: letter:<id>, job:<id>, dlq:<cluster>/<queue>, …"
          placeholder="Target (letter:…, job:…)"
          value={filters.target ?? ""}
          onCommit={(v) => set({ target: v || undefined })}
          className="w-64"
        />
        <ToggleGroup
          label="Phases"
          caption="Phase"
          testId="audit-filter-phases"
          attribute="phase"
          values={AUDIT_PHASES}
          labels={PHASE_LABEL}
          hints={PHASE_HINT}
          selected={filters.phases}
          onChange={(phases) => set({ phases })}
        />
        {hasAuditFilters(filters) ? <ClearFilters testId="audit-filter-clear" onClick={() => onChange(EMPTY_AUDIT_FILTERS)} /> : null}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <TimeBound label="From" id="audit-from" testId="audit-filter-from" what="Recorded" value={filters.from} onChange={(from) => set({ from })} />
        <TimeBound label="To" id="audit-to" testId="audit-filter-to" what="Recorded" value={filters.to} onChange={(to) => set({ to })} />
        <DebouncedInput
          id="audit-result"
          testId="audit-filter-result"
          label="Result, exactly (ok, failed, done, unknown, …)"
          placeholder="Result"
          value={filters.result ?? ""}
          onCommit={(v) => set({ result: v || undefined })}
          className="w-32"
        />
        {filters.letter ? <FilterChip label="Letter" removes="letter" value={filters.letter} testId="audit-filter-letter" onClear={() => set({ letter: undefined })} /> : null}
        {filters.job ? <FilterChip label="Job and its letters" removes="job and its letters" value={filters.job} testId="audit-filter-job" onClear={() => set({ job: undefined })} /> : null}
      </div>
    </div>
  );
}
