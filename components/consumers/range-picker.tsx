"use client";

import { useState, type FormEvent } from "react";
import { formatFullTime } from "@/components/charts/time-axis";
import { useIsClient } from "@/components/ui/use-is-client";
import { CONSUMER_REFRESH_MS } from "@/lib/queries/refresh";
import { fromLocalInputValue, RANGE_PRESETS, relativeRange, resolveRange, toLocalInputValue, type TimeRange } from "./time-range";

const button = "h-8 px-3 text-sm first:rounded-l-md last:rounded-r-md border-y border-r first:border-l";
const off = "border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800";
const on = "border-zinc-900 bg-zinc-900 text-white dark:border-zinc-100 dark:bg-zinc-100 dark:text-zinc-900";
const input =
  "h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:[color-scheme:dark]";

/** 15 min … 7 d moving with the clock, or a fixed from/to typed in local time. */
export function RangePicker({ range, onChange }: { range: TimeRange; onChange: (r: TimeRange) => void }) {
  const [customOpen, setCustomOpen] = useState(range.kind === "absolute");
  const showCustom = customOpen || range.kind === "absolute";
  // Local times differ between the server and the operator's browser: render them only in the browser.
  const isClient = useIsClient();
  return (
    <div className="flex flex-col gap-2" data-testid="range-picker">
      <div className="flex flex-wrap items-center gap-3">
        <div role="group" aria-label="Time range" className="inline-flex">
          {RANGE_PRESETS.map((p) => {
            const active = range.kind === "relative" && range.key === p.key;
            return (
              <button
                key={p.key}
                type="button"
                aria-pressed={active}
                data-range={p.key}
                className={`${button} ${active ? on : off}`}
                onClick={() => {
                  setCustomOpen(false);
                  onChange(relativeRange(p.key));
                }}
              >
                {p.label}
              </button>
            );
          })}
          <button
            type="button"
            aria-pressed={showCustom}
            aria-expanded={showCustom}
            data-range="custom"
            className={`${button} ${showCustom ? on : off}`}
            onClick={() => setCustomOpen(true)}
          >
            Custom
          </button>
        </div>
        {isClient ? <RangeDescription range={range} /> : null}
      </div>
      {showCustom && isClient ? <CustomRange key={range.kind === "absolute" ? `${range.from}|${range.to}` : "relative"} range={range} onApply={onChange} /> : null}
    </div>
  );
}

function RangeDescription({ range }: { range: TimeRange }) {
  if (range.kind === "relative") {
    const preset = RANGE_PRESETS.find((p) => p.key === range.key);
    return (
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Last {preset?.label ?? range.key}, refreshes every {CONSUMER_REFRESH_MS / 1000} s
      </p>
    );
  }
  return (
    <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="range-fixed">
      Fixed window {formatFullTime(range.from)} → {formatFullTime(range.to)} (your local time); does not move
    </p>
  );
}

function CustomRange({ range, onApply }: { range: TimeRange; onApply: (r: TimeRange) => void }) {
  const initial = resolveRange(range, Date.now());
  const [from, setFrom] = useState(() => toLocalInputValue(initial.from));
  const [to, setTo] = useState(() => toLocalInputValue(initial.to));
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fromIso = fromLocalInputValue(from);
    const toIso = fromLocalInputValue(to);
    if (!fromIso || !toIso) return setProblem("Enter both a start and an end.");
    if (Date.parse(fromIso) >= Date.parse(toIso)) return setProblem("The start must be before the end.");
    setProblem(null);
    onApply({ kind: "absolute", from: fromIso, to: toIso });
  };

  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2 text-sm" aria-label="Custom time range">
      <label className="flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400">
        From (local time)
        <input type="datetime-local" className={input} value={from} onChange={(e) => setFrom(e.target.value)} data-testid="range-from" required />
      </label>
      <label className="flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400">
        To (local time)
        <input type="datetime-local" className={input} value={to} onChange={(e) => setTo(e.target.value)} data-testid="range-to" required />
      </label>
      <button type="submit" className="h-8 rounded-md bg-zinc-900 px-3 text-sm text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300">
        Show this window
      </button>
      {problem ? (
        <p role="alert" className="basis-full text-xs text-rose-700 dark:text-rose-300">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
