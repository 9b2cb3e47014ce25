"use client";

import { fromLocalInputValue, toLocalInputValue } from "@/components/consumers/time-range";
import { DebouncedInput } from "@/components/dead-letters/debounced-input";
import { control } from "./control";

// The pieces of the list pages' filter bars (consumers, dead letters, audit log, jobs): each filter
// lives in the URL, and these only show it and report a change.

const toggleOn = "border-zinc-900 bg-zinc-900 text-white dark:border-zinc-100 dark:bg-zinc-100 dark:text-zinc-900";
const toggleOff = "border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800";

/** The look of a pressed or unpressed toggle button in a filter bar. */
export function toggleClass(on: boolean, padding = "px-2"): string {
  return `h-9 rounded-md border ${padding} text-sm ${on ? toggleOn : toggleOff}`;
}

export type FilterOption = { value: string; label: string };

/** A labelled select; "" is the option that filters nothing. */
export function FilterSelect({ id, testId, label, value, options, onChange }: { id: string; testId: string; label: string; value: string; options: FilterOption[]; onChange: (value: string) => void }) {
  return (
    <>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <select id={id} data-testid={testId} className={control} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}

/**
 * Toggle buttons for a set of values (states, phases): none pressed filters nothing. Each button
 * carries `data-<attribute>` with its value.
 */
export function ToggleGroup<T extends string>({
  label,
  caption,
  testId,
  attribute,
  values,
  labels,
  hints,
  selected,
  onChange,
}: {
  label: string;
  caption?: string;
  testId: string;
  attribute: "state" | "phase";
  values: readonly T[];
  labels: Record<T, string>;
  hints?: Record<T, string>;
  selected: T[];
  onChange: (selected: T[]) => void;
}) {
  const toggle = (v: T) => onChange(selected.includes(v) ? selected.filter((x) => x !== v) : [...selected, v]);
  return (
    <div role="group" aria-label={label} className="flex flex-wrap items-center gap-1" data-testid={testId}>
      {caption ? (
        <span aria-hidden className="mr-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          {caption}
        </span>
      ) : null}
      {values.map((v) => {
        const on = selected.includes(v);
        return (
          <button key={v} type="button" aria-pressed={on} {...{ [`data-${attribute}`]: v }} title={hints?.[v]} onClick={() => toggle(v)} className={toggleClass(on)}>
            {labels[v]}
          </button>
        );
      })}
    </div>
  );
}

/** One end of a time window, typed in local time and held in the URL as absolute ISO. */
export function TimeBound({ label, id, testId, what, value, onChange }: { label: "From" | "To"; id: string; testId: string; what: string; value: string | undefined; onChange: (iso: string | undefined) => void }) {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
      <span aria-hidden>{label}</span>
      <DebouncedInput
        id={id}
        testId={testId}
        label={`${what} ${label === "From" ? "at or after" : "before"} (your local time)`}
        type="datetime-local"
        value={value ? toLocalInputValue(value) : ""}
        onCommit={(v) => onChange(v ? (fromLocalInputValue(v) ?? undefined) : undefined)}
        className="w-48"
      />
    </span>
  );
}

/** A filter set from elsewhere (a link, a group, a letter), shown with its value and a × to remove it. */
export function FilterChip({ label, value, testId, removes, codeClass = "max-w-48", onClear }: { label: string; value: string; testId: string; removes: string; codeClass?: string; onClear: () => void }) {
  return (
    <span data-testid={testId} className="inline-flex h-9 items-center gap-1.5 rounded-md border border-zinc-300 bg-zinc-100 pr-1 pl-2.5 text-sm dark:border-zinc-700 dark:bg-zinc-800">
      <span className="text-zinc-500 dark:text-zinc-400">{label}</span>
      <code className={`${codeClass} truncate font-mono text-xs`} title={value}>
        {value}
      </code>
      <button
        type="button"
        aria-label={`Remove the ${removes} filter`}
        title={`Remove the ${removes} filter`}
        onClick={onClear}
        className="rounded px-1.5 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-white"
      >
        ×
      </button>
    </span>
  );
}

export function ClearFilters({ testId, onClick }: { testId: string; onClick: () => void }) {
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={onClick}
      className="h-9 rounded-md px-2.5 text-sm text-zinc-600 underline-offset-2 hover:text-zinc-900 hover:underline dark:text-zinc-400 dark:hover:text-white"
    >
      Clear filters
    </button>
  );
}
