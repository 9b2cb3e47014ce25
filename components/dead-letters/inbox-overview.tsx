"use client";

import Link from "next/link";
import { Card } from "@/components/ui/card";
import { useInboxTotals } from "@/lib/queries/use-inbox-totals";
import { LoadError } from "@/components/consumers/load-error";

const fmt = new Intl.NumberFormat("en-US");

/** The inbox at a glance on the Overview: what is dead, what arrived lately, and what is going unwatched. */
export function InboxOverview() {
  const { data, error } = useInboxTotals();
  return (
    <section aria-labelledby="inbox-heading" className="mt-10" data-testid="inbox-overview">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="inbox-heading" className="text-lg font-semibold">
          Dead letters
        </h2>
        <Link href="/dead-letters" className="text-xs text-zinc-500 underline">
          the inbox
        </Link>
      </div>
      {error ? <LoadError what="the dead-letter totals" error={error} hasData={Boolean(data)} testId="inbox-overview-error" /> : null}
      {data ? (
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          <Card>
            <p className="text-sm text-zinc-500 dark:text-zinc-400">Dead, awaiting action</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid="inbox-dead">
              <Link href="/dead-letters?state=dead">{fmt.format(data.byState.dead)}</Link>
            </p>
            <p className="mt-1 text-xs text-zinc-500">
              {fmt.format(data.lastHour)} captured in the last hour · {fmt.format(data.byState.requeued)} requeued · {fmt.format(data.byState.terminated)} terminated
            </p>
          </Card>
          {data.clusters.map((c) => (
            <Card key={c.cluster}>
              <p className="truncate text-sm text-zinc-500 dark:text-zinc-400">{c.cluster}</p>
              <p className="mt-1 text-2xl font-semibold tabular-nums">
                <Link href={`/dead-letters?cluster=${encodeURIComponent(c.cluster)}&state=dead`}>{fmt.format(c.dead)}</Link>
              </p>
              <p className="mt-1 text-xs text-zinc-500">dead letters</p>
            </Card>
          ))}
          {data.problems > 0 ? (
            <Card className="border-rose-300 dark:border-rose-800">
              <p className="text-sm font-medium text-rose-800 dark:text-rose-300">
                <Link href="/dead-letters">
                  {data.problems} queue{data.problems === 1 ? "" : "s"} dropping dead letters
                </Link>
              </p>
              <p className="mt-1 text-xs text-zinc-500">Their dead-letter exchange is missing or routes nowhere.</p>
            </Card>
          ) : null}
          {data.notAdopted.length > 0 ? (
            <Card>
              <p className="text-sm font-medium">
                <Link href="/dead-letters">
                  {data.notAdopted.length} DLQ{data.notAdopted.length === 1 ? "" : "s"} not collected
                </Link>
              </p>
              <p className="mt-1 text-xs text-zinc-500">
                {fmt.format(data.notAdopted.reduce((n, d) => n + (d.depth ?? 0), 0))} messages wait in them; adopt them to see and act on each.
              </p>
            </Card>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
