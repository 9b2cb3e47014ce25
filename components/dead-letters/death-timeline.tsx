"use client";

import { formatAge, formatCount } from "@/components/consumers/format";
import { Card } from "@/components/ui/card";
import { useNow } from "@/components/ui/use-now";
import type { Death } from "@/lib/dead-letters/types";
import { formatFullLocalTime, REASON_HINT, sourceDisplayName } from "./format";

/** Deaths newest first; those without a time (older brokers) after the dated ones, in the broker's order. */
export function sortDeathsNewestFirst(deaths: readonly Death[]): Death[] {
  return deaths
    .map((d, i) => ({ d, i, t: d.at ? Date.parse(d.at) : Number.NaN }))
    .sort((a, b) => {
      const an = Number.isNaN(a.t);
      const bn = Number.isNaN(b.t);
      if (an !== bn) return an ? 1 : -1;
      if (!an && a.t !== b.t) return b.t - a.t;
      return a.i - b.i;
    })
    .map((x) => x.d);
}

/** The letter's death history as a vertical timeline, newest first. */
export function DeathTimeline({ deaths }: { deaths: Death[] }) {
  const now = useNow(5000);
  const sorted = sortDeathsNewestFirst(deaths);
  return (
    <Card className="min-w-0">
      <h2 className="text-sm font-semibold">Death history</h2>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">Newest first; each line is one kind of death in one place, with how many times.</p>
      {sorted.length === 0 ? (
        <p className="mt-3 text-sm text-zinc-500 dark:text-zinc-400" data-testid="death-timeline">
          The broker recorded no death history for it.
        </p>
      ) : (
        <ol className="mt-3 space-y-4 border-l border-zinc-200 pl-4 dark:border-zinc-700" data-testid="death-timeline">
          {sorted.map((d, i) => (
            <li key={i} className="relative" data-testid="death" data-reason={d.reason}>
              <span aria-hidden className="absolute top-1.5 -left-[1.3rem] h-2.5 w-2.5 rounded-full bg-rose-500 ring-4 ring-white dark:ring-zinc-900" />
              <p className="text-sm">
                <b className="font-semibold" title={REASON_HINT[d.reason]}>
                  {d.reason}
                </b>
                {d.count > 1 ? <span className="text-zinc-500 dark:text-zinc-400"> × {formatCount(d.count)}</span> : null}
                <span className="text-zinc-500 dark:text-zinc-400"> in </span>
                <span className="font-mono text-xs wrap-anywhere">{sourceDisplayName(d.source)}</span>
              </p>
              {d.exchange !== null || d.routingKeys.length > 0 ? (
                <p className="mt-0.5 text-xs wrap-anywhere text-zinc-600 dark:text-zinc-400">
                  {d.exchange !== null ? (
                    <>
                      exchange <span className="font-mono">{d.exchange === "" ? "(default)" : d.exchange}</span>
                    </>
                  ) : null}
                  {d.exchange !== null && d.routingKeys.length > 0 ? " · " : null}
                  {d.routingKeys.length > 0 ? (
                    <>
                      routing key{d.routingKeys.length === 1 ? "" : "s"} <span className="font-mono">{d.routingKeys.join(", ")}</span>
                    </>
                  ) : null}
                </p>
              ) : null}
              <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
                {d.at ? (
                  <time dateTime={d.at} title={d.at}>
                    {formatFullLocalTime(d.at)}
                    {now !== null ? ` (${formatAge(d.at, now)} ago)` : ""}
                  </time>
                ) : (
                  "time not recorded"
                )}
              </p>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
