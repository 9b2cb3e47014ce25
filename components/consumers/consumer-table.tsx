"use client";

import Link from "next/link";
import { useRowLink } from "@/components/ui/use-row-link";
import { memo, type ReactNode } from "react";
import { Sparkline } from "@/components/charts/sparkline";
import type { ConsumerSummary } from "@/lib/health/types";
import type { ConsumerSortKey, SortDir } from "@/lib/queries/use-consumers";
import { FindingBadges } from "./findings";
import { consumerEta, formatAge, formatOldestAge, formatCount, formatDuration, formatInFlight, formatRate, isStale, KIND_LABEL, PARENT_LABEL } from "./format";
import { consumerHref } from "./list-params";
import { RoleBadge, StateBadge } from "./state-badge";
import { SpacerRow } from "@/components/ui/virtual-table";
import { useVirtualRows } from "@/components/ui/use-virtual-rows";

// Fixed row height: the virtualiser places rows by arithmetic, so 10,000 rows cost what 30 do.
const ROW_HEIGHT = 64;
const HEADER_HEIGHT = 36;

type Column = {
  id: string;
  label: string;
  /** Spelled out for screen readers and on hover where the label is abbreviated. */
  title?: string;
  width: number;
  numeric?: boolean;
  sort?: ConsumerSortKey;
  /** Stays in view when the table scrolls sideways (narrow screens), at this offset. */
  stickyLeft?: number;
  cell: (c: ConsumerSummary, now: number | null) => ReactNode;
};

const muted = "text-zinc-500 dark:text-zinc-400";

const COLUMNS: Column[] = [
  {
    id: "state",
    label: "State",
    width: 100,
    stickyLeft: 0,
    sort: "state",
    cell: (c, now) => (
      <div className="min-w-0">
        <StateBadge state={c.state} />
        <p className={`mt-0.5 truncate text-xs ${muted}`}>{now !== null ? `for ${formatAge(c.stateSince, now)}` : "\u00a0"}</p>
      </div>
    ),
  },
  {
    id: "name",
    label: "Consumer",
    // No width: this column takes whatever the screen has beyond the others' minimum.
    width: 0,
    stickyLeft: 100,
    sort: "name",
    cell: (c, now) => (
      <div className="min-w-0">
        <p className="truncate" title={`${c.name} (${PARENT_LABEL[c.kind]} ${c.parent})`}>
          {/* No prefetch: scrolling through 10,000 rows would fetch every page it passes. */}
          <Link href={consumerHref(c.id)} prefetch={false} className="font-medium hover:underline" data-testid="consumer-name">
            {c.name}
          </Link>
          {c.role ? (
            <span className="ml-2 align-middle">
              <RoleBadge role={c.role} />
            </span>
          ) : null}
          <FindingBadges findings={c.findings} now={now} />
          {c.expectedMin !== null ? (
            <span className={`ml-2 text-xs ${muted}`} title={`Expected by the configuration: at least ${c.expectedMin} attached${c.synthetic ? "; never found on the broker" : ""}`} data-testid="consumer-expected">
              expected
            </span>
          ) : null}
          <span className={`ml-2 text-xs ${muted}`}>
            {PARENT_LABEL[c.kind]} {c.parent}
          </span>
        </p>
        {/* Two lines hold the whole sentence of nearly every reason; a longer one ends in "…" and shows whole on hover and on the consumer's page. */}
        <p className={`line-clamp-2 text-xs break-words ${muted}`} title={c.reason} data-testid="consumer-reason">
          {c.reason}
        </p>
      </div>
    ),
  },
  {
    id: "cluster",
    label: "Cluster",
    width: 112,
    cell: (c) => (
      <div className="min-w-0">
        <p className="truncate" title={c.cluster}>
          {c.cluster}
        </p>
        <p className={`truncate text-xs ${muted}`} data-testid="consumer-kind">
          {KIND_LABEL[c.kind]}
        </p>
      </div>
    ),
  },
  {
    id: "backlog",
    label: "Backlog",
    width: 108,
    numeric: true,
    sort: "backlog",
    cell: (c) => (
      <span className="flex items-center justify-end gap-1.5">
        <Sparkline values={c.recentBacklog} width={48} className="text-zinc-400 dark:text-zinc-500" />
        <span className="tabular-nums">{formatCount(c.backlog)}</span>
      </span>
    ),
  },
  {
    id: "inFlight",
    label: "In flight",
    title: "In flight (delivered, not yet acknowledged) / the broker's limit",
    width: 88,
    numeric: true,
    sort: "inFlight",
    cell: (c) => {
      const full = c.inFlightLimit !== null && c.inFlightLimit > 0 && c.inFlight >= c.inFlightLimit;
      return (
        <span className={full ? "font-medium text-amber-700 dark:text-amber-300" : undefined} title={full ? "At its in-flight limit" : undefined}>
          {formatInFlight(c.inFlight, c.inFlightLimit)}
        </span>
      );
    },
  },
  { id: "consumers", label: "Consumers", title: "Connected consumers (subscribers)", width: 80, numeric: true, cell: (c) => formatCount(c.consumerCount) },
  { id: "ack", label: "Ack/s", title: "Acknowledged per second", width: 60, numeric: true, sort: "ackRate", cell: (c) => rateCell(c, c.ackRate) },
  { id: "deliver", label: "Deliver/s", title: "Delivered per second", width: 76, numeric: true, sort: "deliverRate", cell: (c) => rateCell(c, c.deliverRate) },
  { id: "inflow", label: "Inflow/s", title: "Published into it per second", width: 70, numeric: true, sort: "inflowRate", cell: (c) => rateCell(c, c.inflowRate) },
  { id: "redeliver", label: "Redeliver/s", title: "Redelivered per second", width: 88, numeric: true, sort: "redeliverRate", cell: (c) => rateCell(c, c.redeliverRate) },
  {
    id: "eta",
    label: "ETA",
    title: "Time to drain the backlog at the current net drain rate",
    width: 96,
    numeric: true,
    sort: "eta",
    cell: (c) => <span className={c.etaSeconds === null && c.backlog > 0 && !c.role ? "text-amber-700 dark:text-amber-300" : undefined}>{consumerEta(c)}</span>,
  },
  {
    id: "oldest",
    label: "Oldest",
    title: "Age of the oldest waiting message (time lag); ~ marks an estimate from backlog ÷ ack rate",
    width: 84,
    numeric: true,
    sort: "oldest",
    cell: (c) => <span title={c.oldestAgeNote ?? undefined} data-testid="consumer-oldest">{formatOldestAge(c)}</span>,
  },
  {
    id: "sampled",
    label: "Sampled",
    title: "Age of the last sample",
    width: 80,
    numeric: true,
    cell: (c, now) =>
      now === null ? null : (
        <span
          className={isStale(c.lastSampledAt, now) ? "font-medium text-amber-700 dark:text-amber-300" : muted}
          title={c.lastSampledAt ? `Last sampled ${new Date(c.lastSampledAt).toLocaleString()}` : "Never sampled"}
        >
          {c.lastSampledAt ? `${formatAge(c.lastSampledAt, now)} ago` : "never"}
        </span>
      ),
  },
];

/** The rate, with the window it was measured over on hover. */
function rateCell(c: ConsumerSummary, v: number | null) {
  return <span title={c.rateWindowSeconds !== null ? `per second, over the last ${formatDuration(c.rateWindowSeconds)}` : undefined}>{formatRate(v)}</span>;
}

/** The name column's least width; it grows with the screen. */
const NAME_MIN_WIDTH = 184;
const TABLE_WIDTH = COLUMNS.reduce((sum, c) => sum + (c.width || NAME_MIN_WIDTH), 0);

export function ConsumerTable({
  items,
  sort,
  dir,
  onSort,
  now,
  dimmed = false,
}: {
  items: ConsumerSummary[];
  sort: ConsumerSortKey;
  dir: SortDir;
  onSort: (key: ConsumerSortKey) => void;
  now: number | null;
  dimmed?: boolean;
}) {
  const { scrollRef, rows, padTop, padBottom } = useVirtualRows({ count: items.length, rowHeight: ROW_HEIGHT, headerHeight: HEADER_HEIGHT, getKey: (i) => items[i]?.id ?? i });

  return (
    <div
      ref={scrollRef}
      data-testid="consumer-table"
      className={
        "max-h-[calc(100vh-260px)] min-h-[240px] overflow-auto rounded-lg border border-zinc-200 bg-white shadow-sm transition-opacity dark:border-zinc-800 dark:bg-zinc-900 " +
        (dimmed ? "opacity-60" : "")
      }
    >
      <table className="w-full table-fixed border-separate border-spacing-0 text-sm" style={{ minWidth: TABLE_WIDTH }} aria-rowcount={items.length + 1}>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.id} style={c.width ? { width: c.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr style={{ height: HEADER_HEIGHT }}>
            {COLUMNS.map((c) => (
              <HeaderCell key={c.id} column={c} active={c.sort !== undefined && c.sort === sort} dir={dir} onSort={onSort} />
            ))}
          </tr>
        </thead>
        <tbody>
          <SpacerRow height={padTop} colSpan={COLUMNS.length} />
          {rows.map((row) => {
            const c = items[row.index];
            return c ? <Row key={row.key} consumer={c} index={row.index} now={now} /> : null;
          })}
          <SpacerRow height={padBottom} colSpan={COLUMNS.length} />
        </tbody>
      </table>
    </div>
  );
}

function HeaderCell({ column, active, dir, onSort }: { column: Column; active: boolean; dir: SortDir; onSort: (key: ConsumerSortKey) => void }) {
  const align = column.numeric ? "text-right" : "text-left";
  const pinned = column.stickyLeft !== undefined;
  const base = `sticky top-0 ${pinned ? "z-20" : "z-10"} border-b border-zinc-200 bg-zinc-50 px-1.5 text-xs font-medium first:pl-3 last:pr-3 whitespace-nowrap text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300 ${align}`;
  const style = pinned ? { left: column.stickyLeft } : undefined;
  const sortKey = column.sort;
  if (!sortKey) {
    return (
      <th scope="col" className={base} style={style} title={column.title}>
        {column.label}
      </th>
    );
  }
  return (
    <th scope="col" className={base} style={style} aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}>
      <button
        type="button"
        onClick={() => onSort(sortKey)}
        title={column.title ? `${column.title} — sort` : `Sort by ${column.label.toLowerCase()}`}
        data-testid={`sort-${sortKey}`}
        className={
          "inline-flex items-center gap-1 rounded px-1 py-0.5 hover:bg-zinc-200/70 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-white " +
          (active ? "text-zinc-900 dark:text-white" : "")
        }
      >
        {column.label}
        {active ? <span aria-hidden>{dir === "asc" ? "▲" : "▼"}</span> : null}
      </button>
    </th>
  );
}

// Memoised: a refetch keeps unchanged rows as the same objects (structural sharing), so they skip.
const Row = memo(function Row({ consumer: c, index, now }: { consumer: ConsumerSummary; index: number; now: number | null }) {
  const href = consumerHref(c.id);
  // The whole row opens the consumer; the name is the real link.
  const open = useRowLink(href);
  return (
    <tr
      data-testid="consumer-row"
      data-consumer-id={c.id}
      data-state={c.state}
      aria-rowindex={index + 2}
      onClick={open}
      style={{ height: ROW_HEIGHT }}
      className="group cursor-pointer"
    >
      {COLUMNS.map((col) => (
        <td
          key={col.id}
          style={col.stickyLeft !== undefined ? { left: col.stickyLeft } : undefined}
          className={
            // Opaque backgrounds on every cell: pinned cells must hide what scrolls beneath them.
            "overflow-hidden border-b border-zinc-100 bg-white px-1.5 align-middle first:pl-3 last:pr-3 group-hover:bg-zinc-50 dark:border-zinc-800/70 dark:bg-zinc-900 dark:group-hover:bg-zinc-800 " +
            (col.numeric ? "text-right tabular-nums " : "") +
            (col.stickyLeft !== undefined ? "sticky z-[1]" : "")
          }
        >
          {col.cell(c, now)}
        </td>
      ))}
    </tr>
  );
});
