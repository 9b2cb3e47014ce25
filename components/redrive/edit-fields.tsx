"use client";

import { control } from "@/components/ui/control";
import type { HeaderRow } from "./format";

const muted = "text-zinc-500 dark:text-zinc-400";

/** The payload as text, when it can be edited as text; otherwise why it goes as it is. */
export function PayloadField({ value, onChange, locked }: { value: string | null; onChange: (v: string) => void; locked: string | null }) {
  return (
    <div>
      <label htmlFor="edit-payload" className="text-xs font-medium text-zinc-600 dark:text-zinc-300">
        Payload
      </label>
      {value === null ? (
        <p className={`mt-1 rounded-md bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-800 ${muted}`} data-testid="edit-payload-locked">
          {locked}
        </p>
      ) : (
        <textarea
          id="edit-payload"
          data-testid="edit-payload"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          rows={8}
          className={`${control} mt-1 block h-auto min-h-32 w-full resize-y py-2 font-mono text-xs`}
        />
      )}
    </div>
  );
}

/** Headers as rows of name and value; a removed row removes the header, an added one adds it. */
export function HeaderFields({ rows, onChange }: { rows: HeaderRow[]; onChange: (rows: HeaderRow[]) => void }) {
  const set = (i: number, patch: Partial<HeaderRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset>
      <legend className="text-xs font-medium text-zinc-600 dark:text-zinc-300">Headers</legend>
      {rows.length === 0 ? <p className={`mt-1 text-sm ${muted}`}>No headers.</p> : null}
      <ul className="mt-1 max-h-48 space-y-1.5 overflow-auto" data-testid="edit-headers">
        {rows.map((r, i) => (
          <li key={i} className="flex items-center gap-1.5">
            <input
              aria-label={`Header ${i + 1} name`}
              value={r.key}
              onChange={(e) => set(i, { key: e.target.value })}
              spellCheck={false}
              autoComplete="off"
              placeholder="name"
              className={`${control} h-8 w-40 shrink-0 font-mono text-xs`}
            />
            <input
              aria-label={`Header ${i + 1} value`}
              value={r.value}
              onChange={(e) => set(i, { value: e.target.value })}
              spellCheck={false}
              autoComplete="off"
              placeholder="value"
              className={`${control} h-8 min-w-0 flex-1 font-mono text-xs`}
            />
            <button
              type="button"
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
              aria-label={`Remove header ${r.key || i + 1}`}
              title="Remove this header"
              className="h-8 shrink-0 rounded-md px-2 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-white"
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => onChange([...rows, { key: "", value: "" }])} className="mt-1.5 text-sm underline-offset-2 hover:underline">
        Add a header
      </button>
    </fieldset>
  );
}
