"use client";

import { fromLocalInputValue, toLocalInputValue } from "@/components/consumers/time-range";
import { DebouncedInput } from "@/components/dead-letters/debounced-input";
import { AUDIT_PHASES, type AuditPhase } from "@/lib/audit/types";
import type { AuditLogFilters } from "@/lib/queries/use-audit-events";
import { KNOWN_ACTIONS, PHASE_HINT, PHASE_LABEL } from "./format";
import { EMPTY_AUDIT_FILTERS, hasAuditFilters } from "./list-params";

const toggleOff = "border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800";
const toggleOn = "border-zinc-900 bg-zinc-900 text-white dark:border-zinc-100 dark:bg-zinc-100 dark:text-zinc-900";

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
        <PhaseToggles selected={filters.phases} onChange={(phases) => set({ phases })} />
        {hasAuditFilters(filters) ? (
          <button
            type="button"
            data-testid="audit-filter-clear"
            onClick={() => onChange(EMPTY_AUDIT_FILTERS)}
            className="h-9 rounded-md px-2.5 text-sm text-zinc-600 underline-offset-2 hover:text-zinc-900 hover:underline dark:text-zinc-400 dark:hover:text-white"
          >
            Clear filters
          </button>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <TimeBound label="From" id="audit-from" value={filters.from} onChange={(from) => set({ from })} />
        <TimeBound label="To" id="audit-to" value={filters.to} onChange={(to) => set({ to })} />
        <DebouncedInput
          id="audit-result"
          testId="audit-filter-result"
          label="Result, exactly (ok, failed, done, unknown, …)"
          placeholder="Result"
          value={filters.result ?? ""}
          onCommit={(v) => set({ result: v || undefined })}
          className="w-32"
        />
        {filters.letter ? <Chip label="Letter" value={filters.letter} testId="audit-filter-letter" onClear={() => set({ letter: undefined })} /> : null}
        {filters.job ? <Chip label="Job and its letters" value={filters.job} testId="audit-filter-job" onClear={() => set({ job: undefined })} /> : null}
      </div>
    </div>
  );
}

function Chip({ label, value, testId, onClear }: { label: string; value: string; testId: string; onClear: () => void }) {
  return (
    <span data-testid={testId} className="inline-flex h-9 items-center gap-1.5 rounded-md border border-zinc-300 bg-zinc-100 pr-1 pl-2.5 text-sm dark:border-zinc-700 dark:bg-zinc-800">
      <span className="text-zinc-500 dark:text-zinc-400">{label}</span>
      <code className="max-w-48 truncate font-mono text-xs" title={value}>
        {value}
      </code>
      <button
        type="button"
        aria-label={`Remove the ${label.toLowerCase()} filter`}
        title={`Remove the ${label.toLowerCase()} filter`}
        onClick={onClear}
        className="rounded px-1.5 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-white"
      >
        ×
      </button>
    </span>
  );
}

/** One end of the time window, typed in local time and held in the URL as absolute ISO. */
function TimeBound({ label, id, value, onChange }: { label: string; id: string; value: string | undefined; onChange: (iso: string | undefined) => void }) {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
      <span aria-hidden>{label}</span>
      <DebouncedInput
        id={id}
        testId={`audit-filter-${label.toLowerCase()}`}
        label={`Recorded ${label === "From" ? "at or after" : "before"} (your local time)`}
        type="datetime-local"
        value={value ? toLocalInputValue(value) : ""}
        onCommit={(v) => onChange(v ? (fromLocalInputValue(v) ?? undefined) : undefined)}
        className="w-48"
      />
    </span>
  );
}

function PhaseToggles({ selected, onChange }: { selected: AuditPhase[]; onChange: (phases: AuditPhase[]) => void }) {
  const toggle = (p: AuditPhase) => onChange(selected.includes(p) ? selected.filter((x) => x !== p) : [...selected, p]);
  return (
    <div role="group" aria-label="Phases" className="flex flex-wrap items-center gap-1" data-testid="audit-filter-phases">
      <span aria-hidden className="mr-0.5 text-xs text-zinc-600 dark:text-zinc-400">
        Phase
      </span>
      {AUDIT_PHASES.map((p) => {
        const on = selected.includes(p);
        return (
          <button key={p} type="button" aria-pressed={on} data-phase={p} title={PHASE_HINT[p]} onClick={() => toggle(p)} className={`h-9 rounded-md border px-2 text-sm ${on ? toggleOn : toggleOff}`}>
            {PHASE_LABEL[p]}
          </button>
        );
      })}
    </div>
  );
}

