"use client";

import { useEffect, useRef, useState } from "react";
import { BROKER_KINDS, isBrokerKind } from "@/lib/brokers/contracts";
import type { ConsumerListFilters, ConsumerRoleFilter } from "@/lib/queries/use-consumers";
import { control } from "@/components/ui/control";
import { ClearFilters, FilterSelect, ToggleGroup } from "@/components/ui/filters";
import { KIND_LABEL, STATE_LABEL, STATES_WORST_FIRST } from "./format";

const SEARCH_DEBOUNCE_MS = 250;


export function ConsumerFilters({
  filters,
  clusters,
  onChange,
}: {
  filters: ConsumerListFilters;
  /** Cluster names to offer, with how many consumers each has when known. */
  clusters: Array<{ name: string; total: number | null }>;
  onChange: (next: ConsumerListFilters) => void;
}) {
  const hasFilters = Boolean(filters.cluster || filters.kind || filters.role || filters.states.length || filters.q);
  return (
    <div className="mb-3 flex flex-wrap items-center gap-2" role="search" aria-label="Filter consumers">
      <SearchBox value={filters.q} onSearch={(q) => onChange({ ...filters, q })} />

      <FilterSelect
        id="consumer-cluster"
        testId="filter-cluster"
        label="Cluster"
        value={filters.cluster ?? ""}
        options={[{ value: "", label: "All clusters" }, ...clusters.map((c) => ({ value: c.name, label: c.total === null ? c.name : `${c.name} (${c.total.toLocaleString("en-US")})` }))]}
        onChange={(v) => onChange({ ...filters, cluster: v || undefined })}
      />
      <FilterSelect
        id="consumer-kind"
        testId="filter-kind"
        label="Broker kind"
        value={filters.kind ?? ""}
        options={[
          { value: "", label: BROKER_KINDS.map((k) => KIND_LABEL[k]).join(" and ") },
          ...BROKER_KINDS.map((k) => ({ value: k, label: `${KIND_LABEL[k]} only` })),
        ]}
        onChange={(v) => onChange({ ...filters, kind: isBrokerKind(v) ? v : undefined })}
      />
      <FilterSelect
        id="consumer-role"
        testId="filter-role"
        label="Which consumers"
        value={filters.role ?? ""}
        options={[
          { value: "", label: "Consumers and DLQs" },
          { value: "app", label: "Applications' consumers" },
          { value: "dlq", label: "Dead-letter queues" },
          { value: "capture", label: "Redrive's capture" },
        ]}
        onChange={(v) => onChange({ ...filters, role: (v || undefined) as ConsumerRoleFilter | undefined })}
      />

      <ToggleGroup label="States" testId="filter-states" attribute="state" values={STATES_WORST_FIRST} labels={STATE_LABEL} selected={filters.states} onChange={(states) => onChange({ ...filters, states })} />

      {hasFilters ? <ClearFilters testId="filter-clear" onClick={() => onChange({ ...filters, cluster: undefined, kind: undefined, role: undefined, states: [], q: "" })} /> : null}
    </div>
  );
}

function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const inputRef = useRef<HTMLInputElement>(null);
  // The debounce timer must call the latest handler without restarting when the handler changes.
  const onSearchRef = useRef(onSearch);
  useEffect(() => {
    onSearchRef.current = onSearch;
  });

  // The URL changed under us (back button, "Clear filters"): show it, unless the operator is typing.
  useEffect(() => {
    if (document.activeElement !== inputRef.current) setText(value);
  }, [value]);

  useEffect(() => {
    if (text.trim() === value) return;
    const t = setTimeout(() => onSearchRef.current(text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, value]);

  return (
    <>
      <label className="sr-only" htmlFor="consumer-search">
        Name, stream or vhost contains
      </label>
      <input
        ref={inputRef}
        id="consumer-search"
        data-testid="filter-search"
        type="search"
        placeholder="Name, stream or vhost…"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        className={`${control} w-56`}
      />
    </>
  );
}
