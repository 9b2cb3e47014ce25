"use client";

import { useState } from "react";

import { useCan } from "@/components/auth/session-provider";
import { LETTER_STATES } from "@/lib/dead-letters/types";
import { isHeaderFilter, type LetterFilters } from "@/lib/queries/use-dead-letters";
import { ClearFilters, FilterChip, FilterSelect, TimeBound, ToggleGroup } from "@/components/ui/filters";
import { DebouncedInput } from "./debounced-input";
import { KNOWN_REASONS, LETTER_STATE_LABEL } from "./format";
import { EMPTY_FILTERS, hasLetterFilters } from "./list-params";

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
  // On a phone the finer filters fold behind a button, so the letters start on the first screen; any of them in use keeps them open.
  const [more, setMore] = useState(false);
  const finer = Boolean(filters.source || filters.reason || filters.header || filters.messageId || filters.from || filters.to || filters.fingerprint || filters.collectedFrom);
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
        <ToggleGroup label="States" testId="filter-states" attribute="state" values={LETTER_STATES} labels={LETTER_STATE_LABEL} selected={filters.states} onChange={(states) => set({ states })} />
        {hasLetterFilters(filters) ? <ClearFilters testId="filter-clear" onClick={() => onChange(EMPTY_FILTERS)} /> : null}
        {!finer ? (
          <button type="button" className="text-sm text-zinc-600 underline md:hidden dark:text-zinc-400" aria-expanded={more} data-testid="filter-more" onClick={() => setMore((m) => !m)}>
            {more ? "Fewer filters" : "More filters"}
          </button>
        ) : null}
      </div>
      <div className={`${more || finer ? "flex" : "hidden"} flex-wrap items-center gap-2 md:flex`} data-testid="filter-finer">
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
        <TimeBound label="From" id="letter-from" testId="filter-from" what="Captured" value={filters.from} onChange={(from) => set({ from })} />
        <TimeBound label="To" id="letter-to" testId="filter-to" what="Captured" value={filters.to} onChange={(to) => set({ to })} />
        {filters.fingerprint ? (
          <FilterChip label="Group" removes="group" value={filters.fingerprint} testId="filter-fingerprint" codeClass="max-w-40" onClear={() => set({ fingerprint: undefined })} />
        ) : null}
        {filters.bouncedFromJob ? (
          <FilterChip label="Came back dead from job" removes="job" value={filters.bouncedFromJob.slice(0, 8)} testId="filter-bounced-from-job" codeClass="max-w-60" onClear={() => set({ bouncedFromJob: undefined })} />
        ) : null}
        {filters.collectedFrom ? (
          <FilterChip label="Collected from" removes="DLQ" value={filters.collectedFrom} testId="filter-collected-from" codeClass="max-w-60" onClear={() => set({ collectedFrom: undefined })} />
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
