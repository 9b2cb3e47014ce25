"use client";

import { useState } from "react";
import { ExactNumber } from "./payload";
import { neutraliseBidi } from "./format";

/** Children shown per "page" of an open object or array; more on request. */
const CHILD_PAGE = 100;
/** Strings longer than this show their start, with the rest on request. */
const STRING_PREVIEW = 400;
/** Levels opened at first (small containers only, past the root); deeper ones wait for a click. */
const OPEN_DEPTH = 3;
const OPEN_MAX_CHILDREN = 25;
/** Past this depth the tree stops and points to the Text tab (a hostile document can nest 100,000 deep). */
const MAX_DEPTH = 64;

type Container = { kind: "object"; keys: string[] } | { kind: "array"; length: number };

function containerOf(v: unknown): Container | null {
  if (Array.isArray(v)) return { kind: "array", length: v.length };
  if (v !== null && typeof v === "object" && !(v instanceof ExactNumber)) return { kind: "object", keys: Object.keys(v) };
  return null;
}

function sizeOf(c: Container): number {
  return c.kind === "array" ? c.length : c.keys.length;
}

function childAt(value: unknown, c: Container, i: number): { name: string; value: unknown } {
  if (c.kind === "array") return { name: String(i), value: (value as unknown[])[i] };
  const key = c.keys[i] ?? "";
  return { name: key, value: (value as Record<string, unknown>)[key] };
}

/**
 * A collapsible JSON tree. Only what is open is rendered, children come a hundred at a time and
 * long strings are cut, so a document of megabytes costs what the operator looks at. Keys and
 * values are text nodes: nothing in the payload is ever read as markup.
 */
export function JsonTree({ value }: { value: unknown }) {
  return (
    <div role="tree" aria-label="Payload as JSON" className="overflow-x-auto font-mono text-xs leading-5" data-testid="json-tree">
      <JsonNode name={null} value={value} depth={0} />
    </div>
  );
}

function JsonNode({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const c = containerOf(value);
  const [open, setOpen] = useState(() => c !== null && (depth === 0 || (depth < OPEN_DEPTH && sizeOf(c) <= OPEN_MAX_CHILDREN)));
  const [shown, setShown] = useState(CHILD_PAGE);

  const label = name === null ? null : <Key name={name} />;
  if (!c) {
    return (
      <div role="treeitem" aria-selected={false} className="pl-4 wrap-anywhere whitespace-pre-wrap">
        {label}
        <Primitive value={value} />
      </div>
    );
  }

  const size = sizeOf(c);
  const [openBr, closeBr] = c.kind === "array" ? ["[", "]"] : ["{", "}"];
  const summary = c.kind === "array" ? `${size} item${size === 1 ? "" : "s"}` : `${size} key${size === 1 ? "" : "s"}`;
  if (size === 0) {
    return (
      <div role="treeitem" aria-selected={false} className="pl-4">
        {label}
        <span className="text-zinc-500">
          {openBr}
          {closeBr}
        </span>
      </div>
    );
  }
  if (depth >= MAX_DEPTH) {
    return (
      <div role="treeitem" aria-selected={false} className="pl-4">
        {label}
        <span className="text-zinc-500">
          {openBr}… {summary}
          {closeBr} nested deeper than {MAX_DEPTH} levels: the Text tab shows it
        </span>
      </div>
    );
  }

  const count = Math.min(size, shown);
  return (
    <div role="treeitem" aria-selected={false} aria-expanded={open}>
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-baseline gap-1 rounded text-left hover:bg-zinc-100 dark:hover:bg-zinc-800"
        data-testid="json-toggle"
      >
        <span aria-hidden className="inline-block w-3 shrink-0 text-zinc-400">
          {open ? "▾" : "▸"}
        </span>
        <span className="min-w-0 wrap-anywhere">
          {label}
          <span className="text-zinc-500">{open ? openBr : `${openBr}…${closeBr}`}</span>
          {open ? null : <span className="ml-2 text-zinc-400 dark:text-zinc-500">{summary}</span>}
        </span>
      </button>
      {open ? (
        <div role="group" className="ml-[0.3rem] border-l border-zinc-200 pl-2 dark:border-zinc-700">
          {Array.from({ length: count }, (_, i) => {
            const child = childAt(value, c, i);
            return <JsonNode key={i} name={child.name} value={child.value} depth={depth + 1} />;
          })}
          {size > count ? (
            <button
              type="button"
              onClick={() => setShown((n) => n + CHILD_PAGE)}
              className="ml-4 text-zinc-600 underline hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white"
            >
              Show {Math.min(CHILD_PAGE, size - count)} more ({size - count} not shown)
            </button>
          ) : null}
        </div>
      ) : null}
      {open ? <div className="pl-4 text-zinc-500">{closeBr}</div> : null}
    </div>
  );
}

function Key({ name }: { name: string }) {
  return (
    <>
      <span className="text-sky-800 dark:text-sky-300">{neutraliseBidi(name)}</span>
      <span className="text-zinc-500">: </span>
    </>
  );
}

function Primitive({ value }: { value: unknown }) {
  const [full, setFull] = useState(false);
  if (value instanceof ExactNumber) {
    return (
      <span className="text-amber-800 dark:text-amber-300" title="Exactly as written in the payload">
        {value.source}
      </span>
    );
  }
  if (typeof value === "string") {
    const cut = !full && value.length > STRING_PREVIEW;
    const text = JSON.stringify(cut ? value.slice(0, STRING_PREVIEW) : value);
    return (
      <>
        <span className="text-emerald-800 dark:text-emerald-300">{neutraliseBidi(cut ? `${text.slice(0, -1)}…` : text)}</span>
        {cut ? (
          <button type="button" onClick={() => setFull(true)} className="ml-2 text-zinc-500 underline hover:text-zinc-900 dark:hover:text-white">
            show all {value.length.toLocaleString("en-US")} characters
          </button>
        ) : null}
      </>
    );
  }
  if (typeof value === "number") return <span className="text-amber-800 dark:text-amber-300">{String(value)}</span>;
  if (typeof value === "boolean") return <span className="text-violet-800 dark:text-violet-300">{String(value)}</span>;
  if (value === null) return <span className="text-zinc-500">null</span>;
  return <span>{String(value)}</span>;
}
