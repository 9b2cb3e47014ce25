"use client";

import type { ReactNode } from "react";
import { Sparkline } from "@/components/charts/sparkline";
import { formatAge, formatCount, KIND_LABEL } from "@/components/consumers/format";
import type { LetterGroup } from "@/lib/dead-letters/types";
import { formatFullLocalTime, formatLocalTime, payloadShapeLabel, previewLine, REASON_HINT, sourceDisplayName } from "./format";

/** More cause groups than this is a sign the filters are too wide; the rest wait for narrower ones. */
export const GROUPS_SHOWN_MAX = 500;

const muted = "text-zinc-500 dark:text-zinc-400";
const th = "sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 px-2 py-2 text-left text-xs font-medium whitespace-nowrap text-zinc-600 first:pl-3 last:pr-3 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300";
const td = "border-b border-zinc-100 px-2 py-2 align-top first:pl-3 last:pr-3 dark:border-zinc-800/70";

/** One row per cause (source, reason, error, payload shape); a click opens that cause's letters. */
export function GroupTable({
  groups,
  now,
  dimmed = false,
  onOpen,
  actions,
}: {
  groups: LetterGroup[];
  now: number | null;
  dimmed?: boolean;
  onOpen: (g: LetterGroup) => void;
  /** What can be done with a whole cause (requeue, terminate), at the end of its row. */
  actions?: (g: LetterGroup) => ReactNode;
}) {
  const shown = groups.slice(0, GROUPS_SHOWN_MAX);
  return (
    <div
      data-testid="group-table"
      className={
        "max-h-[calc(100vh-300px)] min-h-[200px] overflow-auto rounded-lg border border-zinc-200 bg-white shadow-sm transition-opacity dark:border-zinc-800 dark:bg-zinc-900 " +
        (dimmed ? "opacity-60" : "")
      }
    >
      <table className="w-full min-w-[960px] border-separate border-spacing-0 text-sm">
        <thead>
          <tr>
            <th scope="col" className={th}>
              Source
            </th>
            <th scope="col" className={th}>
              Reason and error
            </th>
            <th scope="col" className={th}>
              Payload shape
            </th>
            <th scope="col" className={`${th} text-right`}>
              Letters
            </th>
            <th scope="col" className={th} title="Arrivals per hour over the last 24 hours">
              Last 24 h
            </th>
            <th scope="col" className={th}>
              First seen
            </th>
            <th scope="col" className={th}>
              Last seen
            </th>
            {actions ? (
              <th scope="col" className={th}>
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {shown.map((g) => (
            <GroupRow key={g.fingerprint} group={g} now={now} onOpen={onOpen} actions={actions} />
          ))}
        </tbody>
      </table>
      {groups.length > shown.length ? (
        <p className={`sticky left-0 px-3 py-3 text-center text-xs ${muted}`}>
          The {formatCount(shown.length)} largest of {formatCount(groups.length)} causes are shown. Narrow the filters to see the rest.
        </p>
      ) : null}
    </div>
  );
}

function GroupRow({
  group: g,
  now,
  onOpen,
  actions,
}: {
  group: LetterGroup;
  now: number | null;
  onOpen: (g: LetterGroup) => void;
  actions?: (g: LetterGroup) => ReactNode;
}) {
  const arrivals = g.arrivals.reduce((a, b) => a + b, 0);
  return (
    <tr
      data-testid="group-row"
      data-fingerprint={g.fingerprint}
      className="group cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800"
      onClick={(e) => {
        if ((e.target as Element).closest("a, button")) return;
        if (window.getSelection()?.toString()) return;
        onOpen(g);
      }}
    >
      <td className={`${td} max-w-72`}>
        {/* The button is the keyboard's way in; the whole row answers to the mouse. */}
        <button type="button" onClick={() => onOpen(g)} className="max-w-full truncate text-left font-medium hover:underline" title={`Show the ${formatCount(g.count)} letters of this cause`}>
          {sourceDisplayName(g.source)}
        </button>
        <p className={`truncate text-xs ${muted}`}>
          {g.cluster} · {KIND_LABEL[g.kind]}
        </p>
      </td>
      <td className={`${td} max-w-96`}>
        <p className="font-medium" title={REASON_HINT[g.reason] ?? g.reason}>
          {g.reason}
        </p>
        <p className={`line-clamp-2 text-xs wrap-anywhere ${g.errorText ? "text-rose-700 dark:text-rose-300" : muted}`} title={g.errorText ?? undefined}>
          {g.errorText ? previewLine(g.errorText, 400) : "no error header"}
        </p>
      </td>
      <td className={`${td} max-w-64`}>
        {g.payloadShapeHidden ? (
          // The shape names the payload's JSON keys: it is payload, shown like the preview.
          <span className={`text-xs ${muted}`} data-testid="group-shape-hidden" title="Payloads, and their shape, are shown to operators and admins.">
            not shown to your role
          </span>
        ) : (
          <span className="line-clamp-2 font-mono text-xs wrap-anywhere" title={g.payloadShape} data-testid="group-shape">
            {payloadShapeLabel(g.payloadShape)}
          </span>
        )}
      </td>
      <td className={`${td} text-right text-base font-semibold tabular-nums`}>
        {formatCount(g.count)}
        {g.bounced > 0 ? (
          <span className="block text-xs font-normal text-rose-700 dark:text-rose-300" data-testid="group-bounced" title="Letters a Redrive job requeued that died again">
            {formatCount(g.bounced)} came back
          </span>
        ) : null}
      </td>
      <td className={td}>
        <Sparkline
          values={g.arrivals}
          width={96}
          height={22}
          className="text-rose-600 dark:text-rose-400"
          label={`${formatCount(arrivals)} arrivals in the last 24 hours, per hour`}
        />
      </td>
      <td className={`${td} whitespace-nowrap`} title={formatFullLocalTime(g.firstSeen)}>
        {now === null ? null : (
          <>
            <p className="tabular-nums">{formatLocalTime(g.firstSeen, now)}</p>
            <p className={`text-xs ${muted}`}>{formatAge(g.firstSeen, now)} ago</p>
          </>
        )}
      </td>
      <td className={`${td} whitespace-nowrap`} title={formatFullLocalTime(g.lastSeen)}>
        {now === null ? null : (
          <>
            <p className="tabular-nums">{formatLocalTime(g.lastSeen, now)}</p>
            <p className={`text-xs ${muted}`}>{formatAge(g.lastSeen, now)} ago</p>
          </>
        )}
      </td>
      {actions ? <td className={`${td} text-right whitespace-nowrap`}>{actions(g)}</td> : null}
    </tr>
  );
}
