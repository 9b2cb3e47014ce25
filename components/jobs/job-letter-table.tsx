"use client";

import Link from "next/link";
import { useRowLink } from "@/components/ui/use-row-link";
import { memo } from "react";
import { formatFullLocalTime, formatLocalTime, neutraliseBidi, previewLine, sourceDisplayName } from "@/components/dead-letters/format";
import { letterHref } from "@/components/dead-letters/list-params";
import { LoadMoreFooter, SpacerRow } from "@/components/ui/virtual-table";
import { useVirtualRows, type LoadMore } from "@/components/ui/use-virtual-rows";
import { OUTCOME_HINT, OUTCOME_LABEL, OUTCOME_TONE } from "@/components/redrive/format";
import { Badge } from "@/components/ui/badge";
import type { JobLetter } from "@/lib/redrive/types";

// Fixed row height, as in the inbox: the virtualiser places rows by arithmetic.
const ROW_HEIGHT = 48;
const HEADER_HEIGHT = 36;
const PREFETCH_ROWS = 20;
const muted = "text-zinc-500 dark:text-zinc-400";
const th =
  "sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 px-1.5 text-left text-xs font-medium whitespace-nowrap text-zinc-600 first:pl-3 last:pr-3 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300";
const td = "overflow-hidden border-b border-zinc-100 bg-white px-1.5 align-middle first:pl-3 last:pr-3 group-hover:bg-zinc-50 dark:border-zinc-800/70 dark:bg-zinc-900 dark:group-hover:bg-zinc-800";

/** Every letter of a job and what happened to it; each row opens the letter. */
export function JobLetterTable({ items, now, dimmed, more }: { items: JobLetter[]; now: number | null; dimmed: boolean; more: LoadMore }) {
  const { scrollRef, rows, padTop, padBottom } = useVirtualRows({ count: items.length, rowHeight: ROW_HEIGHT, headerHeight: HEADER_HEIGHT, getKey: (i) => items[i]?.letterId ?? i, more, prefetchRows: PREFETCH_ROWS });

  return (
    <div
      ref={scrollRef}
      data-testid="job-letter-table"
      className={
        "max-h-[calc(100vh-260px)] min-h-[240px] overflow-auto rounded-lg border border-zinc-200 bg-white shadow-sm transition-opacity dark:border-zinc-800 dark:bg-zinc-900 " +
        (dimmed ? "opacity-60" : "")
      }
    >
      <table className="w-full min-w-[900px] table-fixed border-separate border-spacing-0 text-sm" aria-rowcount={items.length + 1}>
        <colgroup>
          <col style={{ width: 260 }} />
          <col style={{ width: 220 }} />
          <col style={{ width: 136 }} />
          <col />
          <col style={{ width: 116 }} />
        </colgroup>
        <thead>
          <tr style={{ height: HEADER_HEIGHT }}>
            <th scope="col" className={th}>
              Letter (where it died)
            </th>
            <th scope="col" className={th}>
              Sent to
            </th>
            <th scope="col" className={th}>
              Outcome
            </th>
            <th scope="col" className={th}>
              Detail
            </th>
            <th scope="col" className={th}>
              Finished
            </th>
          </tr>
        </thead>
        <tbody>
          <SpacerRow height={padTop} colSpan={5} />
          {rows.map((row) => {
            const l = items[row.index];
            return l ? <Row key={row.key} letter={l} index={row.index} now={now} /> : null;
          })}
          <SpacerRow height={padBottom} colSpan={5} />
        </tbody>
      </table>
      <LoadMoreFooter count={items.length} more={more} noun={{ one: "letter", many: "letters" }} testId="job-letter" />
    </div>
  );
}

const Row = memo(function Row({ letter: l, index, now }: { letter: JobLetter; index: number; now: number | null }) {
  const href = letterHref(l.letterId);
  const open = useRowLink(href);
  return (
    <tr
      data-testid="job-letter-row"
      data-letter-id={l.letterId}
      data-outcome={l.outcome}
      aria-rowindex={index + 2}
      onClick={open}
      style={{ height: ROW_HEIGHT }}
      className="group cursor-pointer"
    >
      <td className={td}>
        <Link href={href} prefetch={false} className="block truncate font-medium hover:underline" title={l.source}>
          {sourceDisplayName(l.source)}
        </Link>
        <p className={`truncate font-mono text-xs ${muted}`} title={l.letterId}>
          {l.letterId}
        </p>
      </td>
      <td className={td}>
        <span className="block truncate font-mono text-xs" title={l.destination}>
          {l.destination ? sourceDisplayName(l.destination) : <span className={muted}>—</span>}
        </span>
      </td>
      <td className={td}>
        <Badge tone={OUTCOME_TONE[l.outcome]} title={OUTCOME_HINT[l.outcome]} data-testid="job-letter-outcome">
          {OUTCOME_LABEL[l.outcome]}
        </Badge>
      </td>
      <td className={td}>
        {l.detail ? (
          <span
            className={`block truncate text-xs ${l.outcome === "failed" ? "text-rose-700 dark:text-rose-300" : l.outcome === "unknown" ? "text-amber-800 dark:text-amber-300" : ""}`}
            title={neutraliseBidi(l.detail)}
          >
            {previewLine(l.detail, 300)}
          </span>
        ) : (
          <span className={`text-xs ${muted}`}>{OUTCOME_HINT[l.outcome]}</span>
        )}
      </td>
      <td className={`${td} whitespace-nowrap tabular-nums`} title={l.finishedAt ? formatFullLocalTime(l.finishedAt) : undefined}>
        {l.finishedAt && now !== null ? formatLocalTime(l.finishedAt, now) : <span className={muted}>—</span>}
      </td>
    </tr>
  );
});
