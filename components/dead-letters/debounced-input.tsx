"use client";

import { useEffect, useRef, useState } from "react";
import { control } from "@/components/ui/control";

const DEBOUNCE_MS = 400;


/**
 * A text filter held in the URL: typing updates the URL once the operator pauses (or at once on
 * Enter), and a URL change from elsewhere (back button, "Clear filters") shows unless they are typing.
 */
export function DebouncedInput({
  id,
  label,
  value,
  onCommit,
  placeholder,
  type = "search",
  className = "w-44",
  testId,
  list,
  invalid = false,
  describedBy,
}: {
  id: string;
  label: string;
  value: string;
  onCommit: (text: string) => void;
  placeholder?: string;
  type?: "search" | "text" | "datetime-local";
  className?: string;
  testId?: string;
  list?: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const [text, setText] = useState(value);
  const inputRef = useRef<HTMLInputElement>(null);
  // The timer must call the latest handler without restarting when the handler changes.
  const onCommitRef = useRef(onCommit);
  useEffect(() => {
    onCommitRef.current = onCommit;
  });

  useEffect(() => {
    if (document.activeElement !== inputRef.current) setText(value);
  }, [value]);

  useEffect(() => {
    if (text.trim() === value) return;
    const t = setTimeout(() => onCommitRef.current(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, value]);

  return (
    <>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <input
        ref={inputRef}
        id={id}
        data-testid={testId}
        type={type}
        placeholder={placeholder}
        title={label}
        autoComplete="off"
        spellCheck={false}
        list={list}
        value={text}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && text.trim() !== value) onCommitRef.current(text.trim());
        }}
        className={`${control} ${className} ${invalid ? "border-amber-500 dark:border-amber-500" : ""}`}
      />
    </>
  );
}
