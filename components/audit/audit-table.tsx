"use client";

import Link from "next/link";
import { memo, type ReactNode } from "react";
import { formatAge } from "@/components/consumers/format";
import { formatFullLocalTime, formatLocalTime, neutraliseBidi } from "@/components/dead-letters/format";
import { Badge } from "@/components/ui/badge";
import { useRowLink } from "@/components/ui/use-row-link";
import { LoadMoreFooter, SpacerRow } from "@/components/ui/virtual-table";
import { useVirtualRows, type LoadMore } from "@/components/ui/use-virtual-rows";
import type { AuditEntry } from "@/lib/audit/types";
import { PHASE_HINT, PHASE_LABEL, resultTone, splitTarget } from "./format";
import { auditEntryHref, targetHref } from "./list-params";

// Fixed row height: the virtualiser places rows by arithmetic, so a million rows cost what 30 do.
const ROW_HEIGHT = 52;
const HEADER_HEIGHT = 36;

const muted = "text-zinc-500 dark:text-zinc-400";

type Column = { id: string; label: string; title?: string; width: number; minWidth?: number; cell: (e: AuditEntry, now: number | null) => ReactNode };

const COLUMNS: Column[] = [
  {
    id: "time",
    label: "Time",
    title: "When the database recorded it, in your local time (the list is newest first, in the chain's order)",
    width: 132,
    cell: (e, now) => (
      <div className="min-w-0" title={`${formatFullLocalTime(e.at)} · ${e.at}`}>
        <p className="truncate tabular-nums">{now === null ? "\u00a0" : formatLocalTime(e.at, now)}</p>
        <p className={`truncate text-xs ${muted}`}>{now === null ? "\u00a0" : `${formatAge(e.at, now)} ago`}</p>
      </div>
    ),
  },
  {
    id: "actor",
    label: "Actor",
    title: "Who did it, and from which address",
    width: 168,
    cell: (e) => (
      <div className="min-w-0">
        <p className="truncate font-medium" title={e.actor}>
          {neutraliseBidi(e.actor)}
        </p>
        <p className={`truncate font-mono text-xs ${muted}`} title={e.address ?? "no address recorded"}>
          {e.address ?? "—"}
        </p>
      </div>
    ),
  },
  {
    id: "action",
    label: "Action",
    width: 200,
    cell: (e) => (
      <div className="min-w-0">
        <p className="truncate font-medium" title={e.action}>
          {/* The entry's own page is the row's real link. */}
          <Link href={auditEntryHref(e.id)} prefetch={false} className="hover:underline" data-testid="audit-link">
            {e.action}
          </Link>
        </p>
        <p className={`truncate text-xs ${muted}`} title={PHASE_HINT[e.phase]}>
          <span data-testid="audit-phase">{PHASE_LABEL[e.phase]}</span>
          {e.intentId ? ` of #${e.intentId}` : ""}
        </p>
      </div>
    ),
  },
  {
    id: "target",
    label: "Target",
    title: "What it was done to; letters and jobs link to their pages",
    width: 0,
    minWidth: 260,
    cell: (e) =>
      e.letters?.letter ? (
        <ChunkLetterCell letterId={e.letters.letter.id} target={e.target} label={e.targetLabel ?? null} count={e.letters.count} />
      ) : (
        <TargetCell target={e.target} label={e.targetLabel ?? null} cluster={e.cluster ?? e.clusterId} letters={e.letters?.count ?? null} />
      ),
  },
  {
    id: "result",
    label: "Result",
    width: 120,
    cell: (e) => {
      // A chunk row in a list narrowed to one letter: that letter's own result (the row's is the chunk's).
      const own = e.letters?.letter?.result;
      if (own)
        return (
          <Badge tone={resultTone(own)} title={`${own} — this letter's result (the chunk of ${e.letters!.count}: ${e.result ?? "—"})${e.letters!.letter!.detail ? `: ${e.letters!.letter!.detail}` : ""}`}>
            <span className="max-w-24 truncate" data-testid="audit-letter-result">
              {own}
            </span>
          </Badge>
        );
      return e.result === null ? (
        <span className={`text-xs ${muted}`} title={e.phase === "intent" ? "An intent has no result: its outcome has" : undefined}>
          —
        </span>
      ) : (
        <Badge tone={resultTone(e.result)} title={e.result}>
          <span className="max-w-24 truncate">{e.result}</span>
        </Badge>
      );
    },
  },
  {
    id: "id",
    label: "#",
    title: "The entry's number in the chain",
    width: 84,
    cell: (e) => <span className={`block truncate text-right font-mono text-xs tabular-nums ${muted}`}>{e.id}</span>,
  },
];

const TABLE_MIN_WIDTH = COLUMNS.reduce((sum, c) => sum + (c.width || c.minWidth || 160), 0);

function TargetCell({ target, label, cluster, letters }: { target: string | null; label: string | null; cluster: string | null; letters: number | null }) {
  const href = targetHref(target);
  const { kind, rest } = splitTarget(target);
  return (
    <div className="min-w-0">
      <p className={`truncate text-xs ${label ? "" : "font-mono"}`} title={target ?? undefined}>
        {target === null ? (
          <span className={`font-sans ${muted}`}>—</span>
        ) : href ? (
          <Link href={href} prefetch={false} className="underline-offset-2 hover:underline" data-testid="audit-target-link">
            {label ? (
              <span className="font-medium">{neutraliseBidi(label)}</span>
            ) : (
              <>
                <span className={muted}>{kind}:</span>
                {rest}
              </>
            )}
          </Link>
        ) : (
          neutraliseBidi(label ?? target)
        )}
      </p>
      <p className={`truncate text-xs ${muted}`} title={cluster ?? undefined}>
        {letters !== null ? (
          <span data-testid="audit-chunk-letters" title="One row for a chunk of the job's letters, naming each of them">
            {letters === 1 ? "1 letter" : `${letters.toLocaleString("en-US")} letters`}
            {cluster ? ` · cluster ${cluster}` : ""}
          </span>
        ) : cluster ? (
          `cluster ${cluster}`
        ) : (
          "\u00a0"
        )}
      </p>
    </div>
  );
}

/** A job's chunk row in a list narrowed to one letter: the row is about that letter, as part of its job's chunk. */
function ChunkLetterCell({ letterId, target, label, count }: { letterId: string; target: string | null; label: string | null; count: number }) {
  const job = targetHref(target);
  return (
    <div className="min-w-0">
      <p className="truncate font-mono text-xs" title={`letter:${letterId}`}>
        <Link href={`/dead-letters/${letterId}`} prefetch={false} className="underline-offset-2 hover:underline" data-testid="audit-target-link">
          <span className={muted}>letter:</span>
          {letterId}
        </Link>
      </p>
      <p className={`truncate text-xs ${muted}`} title={target ?? undefined} data-testid="audit-chunk-letters">
        in{" "}
        {job ? (
          <Link href={job} prefetch={false} className="underline-offset-2 hover:underline" data-testid="audit-chunk-job-link">
            {label ?? target}
          </Link>
        ) : (
          (label ?? target)
        )}
        {`, one chunk of ${count === 1 ? "1 letter" : `${count.toLocaleString("en-US")} letters`}`}
      </p>
    </div>
  );
}

export function AuditTable({ items, now, dimmed = false, more }: { items: AuditEntry[]; now: number | null; dimmed?: boolean; more: LoadMore }) {
  const { scrollRef, rows, padTop, padBottom } = useVirtualRows({ count: items.length, rowHeight: ROW_HEIGHT, headerHeight: HEADER_HEIGHT, getKey: (i) => items[i]?.id ?? i, more });
  return (
    <div
      ref={scrollRef}
      data-testid="audit-table"
      className={
        "max-h-[calc(100vh-300px)] min-h-[280px] overflow-auto rounded-lg border border-zinc-200 bg-white shadow-sm transition-opacity dark:border-zinc-800 dark:bg-zinc-900 " +
        (dimmed ? "opacity-60" : "")
      }
    >
      <table className="w-full table-fixed border-separate border-spacing-0 text-sm" style={{ minWidth: TABLE_MIN_WIDTH }} aria-rowcount={items.length + 1}>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.id} style={c.width ? { width: c.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr style={{ height: HEADER_HEIGHT }}>
            {COLUMNS.map((c) => (
              <th
                key={c.id}
                scope="col"
                title={c.title}
                className={
                  "sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 px-1.5 text-xs font-medium whitespace-nowrap text-zinc-600 first:pl-3 last:pr-3 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300 " +
                  (c.id === "id" ? "text-right" : "text-left")
                }
              >
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <SpacerRow height={padTop} colSpan={COLUMNS.length} />
          {rows.map((row) => {
            const e = items[row.index];
            return e ? <Row key={row.key} entry={e} index={row.index} now={now} /> : null;
          })}
          <SpacerRow height={padBottom} colSpan={COLUMNS.length} />
        </tbody>
      </table>
      <LoadMoreFooter count={items.length} more={more} noun={{ one: "entry", many: "entries" }} testId="audit" />
    </div>
  );
}

const Row = memo(function Row({ entry: e, index, now }: { entry: AuditEntry; index: number; now: number | null }) {
  const open = useRowLink(auditEntryHref(e.id));
  return (
    <tr data-testid="audit-row" data-audit-id={e.id} data-action={e.action} data-phase={e.phase} aria-rowindex={index + 2} onClick={open} style={{ height: ROW_HEIGHT }} className="group cursor-pointer">
      {COLUMNS.map((col) => (
        <td
          key={col.id}
          className="overflow-hidden border-b border-zinc-100 bg-white px-1.5 align-middle group-hover:bg-zinc-50 first:pl-3 last:pr-3 dark:border-zinc-800/70 dark:bg-zinc-900 dark:group-hover:bg-zinc-800"
        >
          {col.cell(e, now)}
        </td>
      ))}
    </tr>
  );
});
