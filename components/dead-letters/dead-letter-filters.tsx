"use client";

import { useCan } from "@/components/auth/session-provider";
import { fromLocalInputValue, toLocalInputValue } from "@/components/consumers/time-range";
import { LETTER_STATES, type LetterState } from "@/lib/dead-letters/types";
import { isHeaderFilter, type LetterFilters } from "@/lib/queries/use-dead-letters";
import { control } from "@/components/ui/control";
import { FilterSelect } from "@/components/ui/filter-select";
import { DebouncedInput } from "./debounced-input";
import { KNOWN_REASONS, LETTER_STATE_LABEL } from "./format";
import { EMPTY_FILTERS, hasLetterFilters } from "./list-params";

const toggleOff = "border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800";
const toggleOn = "border-zinc-900 bg-zinc-900 text-white dark:border-zinc-100 dark:bg-zinc-100 dark:text-zinc-900";

/** Every filter of the inbox; each change goes to the URL, which is the only place they live. */
export function DeadLetterFilters({
  filters,
  clusters,
  onChange,
}: {
  filters: LetterFilters;
  clusters: string[];
  onChange: (next: LetterFilters) => void;
}) {
  const set = (patch: Partial<LetterFilters>) => onChange({ ...filters, ...patch });
  const headerInvalid = Boolean(filters.header) && !isHeaderFilter(filters.header);
  const canSearchPayloads = useCan("dead-letters:payload");
  return (
    <div className="mb-4 space-y-2" role="search" aria-label="Filter dead letters">
      <div className="flex flex-wrap items-center gap-2">
        {canSearchPayloads && (
        <DebouncedInput
          id="letter-q"
          testId="filter-q"
          label="Text in the payload"
          placeholder="Text in the payload…"
          value={filters.q}
          onCommit={(q) => set({ q })}
          className="w-64"
        />
        )}
        <FilterSelect
          id="letter-cluster"
          testId="filter-cluster"
          label="Cluster"
          value={filters.cluster ?? ""}
          options={[{ value: "", label: "All clusters" }, ...clusters.map((c) => ({ value: c, label: c }))]}
          onChange={(v) => set({ cluster: v || undefined })}
        />
        <StateToggles selected={filters.states} onChange={(states) => set({ states })} />
        {hasLetterFilters(filters) ? (
          <button
            type="button"
            data-testid="filter-clear"
            onClick={() => onChange(EMPTY_FILTERS)}
            className="h-9 rounded-md px-2.5 text-sm text-zinc-600 underline-offset-2 hover:text-zinc-900 hover:underline dark:text-zinc-400 dark:hover:text-white"
          >
            Clear filters
          </button>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <DebouncedInput
          id="letter-source"
          testId="filter-source"
          label="Source: the queue (vhost/queue) or stream/consumer it died in"
          placeholder="Source (vhost/queue)"
          value={filters.source ?? ""}
          onCommit={(v) => set({ source: v || undefined })}
        />
        <DebouncedInput
          id="letter-reason"
          testId="filter-reason"
          label="Reason it died (rejected, expired, max_deliveries…)"
          placeholder="Reason"
          value={filters.reason ?? ""}
          onCommit={(v) => set({ reason: v || undefined })}
          list="letter-reasons"
          className="w-36"
        />
        <datalist id="letter-reasons">
          {KNOWN_REASONS.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <DebouncedInput
          id="letter-header"
          testId="filter-header"
          label="Header, as key:value"
          placeholder="Header key:value"
          value={filters.header ?? ""}
          onCommit={(v) => set({ header: v || undefined })}
          invalid={headerInvalid}
          describedBy={headerInvalid ? "letter-header-hint" : undefined}
        />
        <DebouncedInput
          id="letter-message-id"
          testId="filter-message-id"
          label="Message id"
          placeholder="Message id"
          value={filters.messageId ?? ""}
          onCommit={(v) => set({ messageId: v || undefined })}
        />
        <TimeBound label="From" id="letter-from" value={filters.from} onChange={(from) => set({ from })} />
        <TimeBound label="To" id="letter-to" value={filters.to} onChange={(to) => set({ to })} />
        {filters.fingerprint ? (
          <span
            data-testid="filter-fingerprint"
            className="inline-flex h-9 items-center gap-1.5 rounded-md border border-zinc-300 bg-zinc-100 pr-1 pl-2.5 text-sm dark:border-zinc-700 dark:bg-zinc-800"
          >
            <span className="text-zinc-500 dark:text-zinc-400">Group</span>
            <code className="max-w-40 truncate font-mono text-xs" title={filters.fingerprint}>
              {filters.fingerprint}
            </code>
            <button
              type="button"
              aria-label="Remove the group filter"
              title="Remove the group filter"
              onClick={() => set({ fingerprint: undefined })}
              className="rounded px-1.5 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-white"
            >
              ×
            </button>
          </span>
        ) : null}
        {filters.collectedFrom ? (
          <span
            data-testid="filter-collected-from"
            className="inline-flex h-9 items-center gap-1.5 rounded-md border border-zinc-300 bg-zinc-100 pr-1 pl-2.5 text-sm dark:border-zinc-700 dark:bg-zinc-800"
          >
            <span className="text-zinc-500 dark:text-zinc-400">Collected from</span>
            <code className="max-w-60 truncate font-mono text-xs" title={filters.collectedFrom}>
              {filters.collectedFrom}
            </code>
            <button
              type="button"
              aria-label="Remove the DLQ filter"
              title="Remove the DLQ filter"
              onClick={() => set({ collectedFrom: undefined })}
              className="rounded px-1.5 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-white"
            >
              ×
            </button>
          </span>
        ) : null}
      </div>
      {headerInvalid ? (
        <p id="letter-header-hint" className="text-xs text-amber-700 dark:text-amber-300">
          The header filter is not applied: write it as key:value, e.g. x-error:timeout.
        </p>
      ) : null}
    </div>
  );
}

/** One end of the time window, typed in local time and held in the URL as absolute ISO. */
function TimeBound({ label, id, value, onChange }: { label: string; id: string; value: string | undefined; onChange: (iso: string | undefined) => void }) {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
      <span aria-hidden>{label}</span>
      <DebouncedInput
        id={id}
        testId={`filter-${label.toLowerCase()}`}
        label={`Captured ${label === "From" ? "at or after" : "before"} (your local time)`}
        type="datetime-local"
        value={value ? toLocalInputValue(value) : ""}
        onCommit={(v) => onChange(v ? (fromLocalInputValue(v) ?? undefined) : undefined)}
        className="w-48"
      />
    </span>
  );
}

function StateToggles({ selected, onChange }: { selected: LetterState[]; onChange: (states: LetterState[]) => void }) {
  const toggle = (s: LetterState) => onChange(selected.includes(s) ? selected.filter((x) => x !== s) : [...selected, s]);
  return (
    <div role="group" aria-label="States" className="flex flex-wrap items-center gap-1" data-testid="filter-states">
      {LETTER_STATES.map((s) => {
        const on = selected.includes(s);
        return (
          <button
            key={s}
            type="button"
            aria-pressed={on}
            data-state={s}
            onClick={() => toggle(s)}
            className={`h-9 rounded-md border px-2 text-sm ${on ? toggleOn : toggleOff}`}
          >
            {LETTER_STATE_LABEL[s]}
          </button>
        );
      })}
    </div>
  );
}
