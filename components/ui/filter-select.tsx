"use client";

import { control } from "./control";

export type FilterOption = { value: string; label: string };

/** A labelled select for a list's filter bar; "" is the option that filters nothing. */
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
