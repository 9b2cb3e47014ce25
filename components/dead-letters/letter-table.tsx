"use client";

import Link from "next/link";
import { useCan } from "@/components/auth/session-provider";
import { useRowLink } from "@/components/ui/use-row-link";
import { memo, useEffect, useRef, type ReactNode } from "react";
import { formatAge, formatCount, KIND_LABEL } from "@/components/consumers/format";
import type { LetterSummary } from "@/lib/dead-letters/types";
import { formatBytes, formatExactBytes, formatFullLocalTime, formatLocalTime, payloadPreview, previewLine, REASON_HINT, sourceDisplayName } from "./format";
import { LetterStateBadge } from "./letter-state-badge";
import { letterHref } from "./list-params";
import { LoadMoreFooter, SpacerRow } from "@/components/ui/virtual-table";
import { useVirtualRows, type LoadMore } from "@/components/ui/use-virtual-rows";

// Fixed row height: the virtualiser places rows by arithmetic, so 100,000 rows cost what 30 do.
const ROW_HEIGHT = 52;
const HEADER_HEIGHT = 36;
/** Ask for the next page this many rows before the end, so scrolling rarely waits. */

type Column = {
  id: string;
  label: string;
  title?: string;
  /** 0: shares what the screen has beyond the others, at least `minWidth`. */
  width: number;
  minWidth?: number;
  numeric?: boolean;
  stickyLeft?: number;
  cell: (l: LetterSummary, now: number | null) => ReactNode;
};

const muted = "text-zinc-500 dark:text-zinc-400";

const COLUMNS: Column[] = [
  {
    id: "time",
    label: "Captured",
    title: "When Redrive captured it (the list's order, and what From/To filter on), and below, how long ago it last died; your local time",
    width: 124,
    stickyLeft: 0,
    cell: (l, now) => {
      const died = l.lastDeathAt ?? l.firstDeathAt;
      return (
        <div className="min-w-0" title={`Captured ${formatFullLocalTime(l.capturedAt)} · last death ${formatFullLocalTime(l.lastDeathAt)}`}>
          <p className="truncate tabular-nums">{now === null ? "\u00a0" : formatLocalTime(l.capturedAt, now)}</p>
          <p className={`truncate text-xs ${muted}`}>{now === null ? "\u00a0" : died ? `died ${formatAge(died, now)} ago` : "death time unknown"}</p>
        </div>
      );
    },
  },
  {
    id: "route",
    label: "Source → destination",
    title: "Where it died → where a requeue sends it (one name when they are the same); cluster and broker below",
    width: 236,
    cell: (l) => (
      <div className="min-w-0">
        <p className="truncate" title={`${l.source} → ${l.destination || "destination unknown"}`}>
          {/* No prefetch: scrolling through thousands of rows would fetch every letter it passes. */}
          <Link href={letterHref(l.id)} prefetch={false} className="font-medium hover:underline" data-testid="letter-link">
            {sourceDisplayName(l.source)}
          </Link>
          {/* RabbitMQ letters usually go back where they died: the name once is enough. */}
          {l.destination === l.source ? null : <span className={muted}> → {l.destination ? sourceDisplayName(l.destination) : "destination unknown"}</span>}
        </p>
        <p className={`truncate text-xs ${muted}`} title={`collected from ${sourceDisplayName(l.collectedFrom)}`}>
          {l.cluster} · {KIND_LABEL[l.kind]}
        </p>
      </div>
    ),
  },
  {
    id: "reason",
    label: "Reason",
    width: 168,
    cell: (l) => (
      <div className="min-w-0">
        <p className="truncate font-medium" title={REASON_HINT[l.reason] ?? l.reason}>
          {l.reason}
        </p>
        <p className={`truncate text-xs ${l.errorText ? "text-rose-700 dark:text-rose-300" : muted}`} title={l.errorText ?? undefined}>
          {l.errorText ? previewLine(l.errorText, 200) : "no error header"}
        </p>
      </div>
    ),
  },
  { id: "state", label: "State", width: 104, cell: (l) => <LetterStateBadge state={l.state} /> },
  {
    id: "deaths",
    label: "Deaths",
    title: "Deaths across its history (NATS: deliveries when it died)",
    width: 64,
    numeric: true,
    cell: (l) => formatCount(l.deathCount),
  },
  {
    id: "size",
    label: "Size",
    width: 76,
    numeric: true,
    cell: (l) =>
      l.payloadMissing ? <span className={muted}>—</span> : <span title={formatExactBytes(l.payloadSize)}>{formatBytes(l.payloadSize)}</span>,
  },
  {
    id: "messageId",
    label: "Message id",
    width: 136,
    cell: (l) =>
      l.messageId ? (
        <span className="block truncate font-mono text-xs" title={l.messageId}>
          {l.messageId}
        </span>
      ) : (
        <span className={`text-xs ${muted}`}>none</span>
      ),
  },
  {
    id: "preview",
    label: "Payload",
    width: 0,
    minWidth: 240,
    cell: (l) =>
      l.payloadMissing ? (
        <span
          data-testid="payload-missing"
          title={l.payloadMissing}
          className="inline-flex max-w-full items-center truncate rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-500/10 dark:text-amber-300"
        >
          payload missing
        </span>
      ) : l.payloadSize === 0 ? (
        <span className={`text-xs ${muted}`}>empty</span>
      ) : l.previewHidden ? (
        <span className={`text-xs ${muted}`} data-testid="letter-preview-hidden" title="Payloads are shown to operators and admins.">
          not shown to your role
        </span>
      ) : (
        // Text only: a payload is never markup here, whatever it contains.
        <span className="block truncate font-mono text-xs text-zinc-700 dark:text-zinc-300" data-testid="letter-preview">
          {payloadPreview(l.preview, l.previewHex, l.payloadSize)}
        </span>
      ),
  },
];

const TABLE_MIN_WIDTH = COLUMNS.reduce((sum, c) => sum + (c.width || c.minWidth || 160), 0);
/**
 * The checkbox column, when letters can be selected and the signed-in role may act on them
 * ("dead-letters:act"); the sticky time column moves right by as much.
 */
const SELECT_WIDTH = 36;

/** Letters picked for an action, by id. `onToggle(id, range)`: range is a shift-click from the last one toggled. */
export type LetterSelection = {
  selected: ReadonlySet<string>;
  onToggle: (id: string, range: boolean) => void;
  /** Select every loaded letter, or none when they all are. */
  onToggleAll: () => void;
};

export type { LoadMore };

export function LetterTable({
  items,
  now,
  dimmed = false,
  more,
  selection: offered,
  footer,
}: {
  items: LetterSummary[];
  now: number | null;
  dimmed?: boolean;
  more: LoadMore;
  selection?: LetterSelection;
  /** In place of the paging footer, for a table showing a fixed excerpt of a longer list. */
  footer?: ReactNode;
}) {
  // A selection is only for acting on: a role that cannot act sees no boxes it could not use.
  const canAct = useCan("dead-letters:act");
  const selection = canAct ? offered : undefined;
  const selectable = selection !== undefined;
  const colCount = COLUMNS.length + (selectable ? 1 : 0);
  const { scrollRef, rows, padTop, padBottom } = useVirtualRows({ count: items.length, rowHeight: ROW_HEIGHT, headerHeight: HEADER_HEIGHT, getKey: (i) => items[i]?.id ?? i, more });

  return (
    <div
      ref={scrollRef}
      data-testid="letter-table"
      className={
        "max-h-[calc(100vh-300px)] min-h-[280px] overflow-auto rounded-lg border border-zinc-200 bg-white shadow-sm transition-opacity dark:border-zinc-800 dark:bg-zinc-900 " +
        (dimmed ? "opacity-60" : "")
      }
    >
      <table
        className="w-full table-fixed border-separate border-spacing-0 text-sm"
        style={{ minWidth: TABLE_MIN_WIDTH + (selectable ? SELECT_WIDTH : 0) }}
        aria-rowcount={items.length + 1}
      >
        <colgroup>
          {selectable ? <col style={{ width: SELECT_WIDTH }} /> : null}
          {COLUMNS.map((c) => (
            <col key={c.id} style={c.width ? { width: c.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr style={{ height: HEADER_HEIGHT }}>
            {selection ? <SelectAllHeader items={items} selection={selection} /> : null}
            {COLUMNS.map((c) => (
              <th
                key={c.id}
                scope="col"
                title={c.title}
                style={c.stickyLeft !== undefined ? { left: c.stickyLeft + (selectable ? SELECT_WIDTH : 0) } : undefined}
                className={
                  `sticky top-0 ${c.stickyLeft !== undefined ? "z-20" : "z-10"} border-b border-zinc-200 bg-zinc-50 px-1.5 text-xs font-medium whitespace-nowrap text-zinc-600 first:pl-3 last:pr-3 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300 ` +
                  (c.numeric ? "text-right" : "text-left")
                }
              >
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <SpacerRow height={padTop} colSpan={colCount} />
          {rows.map((row) => {
            const l = items[row.index];
            return l ? (
              <Row
                key={row.key}
                letter={l}
                index={row.index}
                now={now}
                selected={selection ? selection.selected.has(l.id) : null}
                onToggle={selection?.onToggle}
              />
            ) : null;
          })}
          <SpacerRow height={padBottom} colSpan={colCount} />
        </tbody>
      </table>
      {footer ?? <LoadMoreFooter count={items.length} more={more} noun={{ one: "letter", many: "letters" }} testId="letter" />}
    </div>
  );
}

function SelectAllHeader({ items, selection }: { items: LetterSummary[]; selection: LetterSelection }) {
  const ref = useRef<HTMLInputElement>(null);
  const count = items.reduce((n, l) => n + (selection.selected.has(l.id) ? 1 : 0), 0);
  const all = items.length > 0 && count === items.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = count > 0 && !all;
  }, [count, all]);
  return (
    <th
      scope="col"
      style={{ left: 0 }}
      className="sticky top-0 z-20 border-b border-zinc-200 bg-zinc-50 pl-3 text-left dark:border-zinc-800 dark:bg-zinc-900"
    >
      <input
        ref={ref}
        type="checkbox"
        data-testid="letter-select-all"
        aria-label={all ? "Clear the selection" : `Select all ${formatCount(items.length)} loaded letters`}
        title={all ? "Clear the selection" : `Select all ${formatCount(items.length)} loaded letters`}
        checked={all}
        onChange={() => selection.onToggleAll()}
        className="h-4 w-4 cursor-pointer align-middle accent-zinc-900 dark:accent-zinc-100"
      />
    </th>
  );
}

const Row = memo(function Row({
  letter: l,
  index,
  now,
  selected,
  onToggle,
}: {
  letter: LetterSummary;
  index: number;
  now: number | null;
  /** null: the table has no selection column. */
  selected: boolean | null;
  onToggle: LetterSelection["onToggle"] | undefined;
}) {
  const href = letterHref(l.id);
  // The whole row opens the letter; the source is the real link.
  const open = useRowLink(href);
  return (
    <tr
      data-testid="letter-row"
      data-letter-id={l.id}
      data-state={l.state}
      data-selected={selected ?? undefined}
      aria-rowindex={index + 2}
      aria-selected={selected ?? undefined}
      onClick={open}
      style={{ height: ROW_HEIGHT }}
      className="group cursor-pointer"
    >
      {selected !== null ? (
        <td
          style={{ left: 0 }}
          className={
            "sticky z-[1] border-b border-zinc-100 p-0 align-middle dark:border-zinc-800/70 " +
            (selected ? "bg-sky-50 dark:bg-sky-950" : "bg-white group-hover:bg-zinc-50 dark:bg-zinc-900 dark:group-hover:bg-zinc-800")
          }
        >
          {/* The whole cell toggles, so the small box is easy to hit; shift-click selects a range. */}
          <label className="flex h-full w-full cursor-pointer items-center pl-3" onClick={(e) => e.stopPropagation()}>
            <input
              type="checkbox"
              data-testid="letter-select"
              aria-label={`Select the letter from ${l.source}`}
              checked={selected}
              onClick={(e) => onToggle?.(l.id, e.shiftKey)}
              onChange={() => {}}
              className="h-4 w-4 cursor-pointer accent-zinc-900 dark:accent-zinc-100"
            />
          </label>
        </td>
      ) : null}
      {COLUMNS.map((col) => (
        <td
          key={col.id}
          style={col.stickyLeft !== undefined ? { left: col.stickyLeft + (selected !== null ? SELECT_WIDTH : 0) } : undefined}
          className={
            "overflow-hidden border-b border-zinc-100 px-1.5 align-middle first:pl-3 last:pr-3 dark:border-zinc-800/70 " +
            (selected ? "bg-sky-50 dark:bg-sky-950 " : "bg-white group-hover:bg-zinc-50 dark:bg-zinc-900 dark:group-hover:bg-zinc-800 ") +
            (col.numeric ? "text-right tabular-nums " : "") +
            (col.stickyLeft !== undefined ? "sticky z-[1]" : "")
          }
        >
          {col.cell(l, now)}
        </td>
      ))}
    </tr>
  );
});
