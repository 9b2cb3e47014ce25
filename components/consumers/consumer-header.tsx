"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ConsumerDetail } from "@/lib/health/types";
import { consumerEta, formatAge, formatOldestAge, formatCount, formatDuration, formatInFlight, formatRate, isStale, KIND_LABEL, PARENT_LABEL } from "./format";
import { consumersHref } from "./list-params";
import { RoleBadge, StateBadge } from "./state-badge";

/** Who the consumer is, its state now and why, and its current numbers. */
export function ConsumerHeader({ consumer: c, now }: { consumer: ConsumerDetail; now: number | null }) {
  const stale = now !== null && isStale(c.lastSampledAt, now);
  return (
    <header className="mb-6" data-testid="consumer-header" data-consumer-id={c.id} data-state={c.state}>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-500 dark:text-zinc-400">
        <Link href="/consumers" className="hover:underline">
          Consumers
        </Link>
        {" / "}
        <Link href={consumersHref({ cluster: c.cluster })} className="hover:underline">
          {c.cluster}
        </Link>
      </nav>
      <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere" data-testid="consumer-title">
        {c.name}
        {c.role ? (
          <span className="ml-3 align-middle text-base">
            <RoleBadge role={c.role} />
          </span>
        ) : null}
      </h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        {PARENT_LABEL[c.kind]} <span className="font-medium wrap-anywhere text-zinc-800 dark:text-zinc-200">{c.parent}</span> · cluster{" "}
        <span className="font-medium text-zinc-800 dark:text-zinc-200">{c.cluster}</span> · {KIND_LABEL[c.kind]}
      </p>

      <div className="mt-4 flex flex-wrap items-center gap-x-3 gap-y-1">
        <StateBadge state={c.state} />
        <p className="text-sm font-medium break-words" data-testid="consumer-reason">
          {c.reason}
        </p>
        <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="consumer-since">
          since <RelativeTime iso={c.stateSince} />
        </p>
      </div>

      {c.expectedMin !== null ? (
        <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400" data-testid="consumer-expected-note">
          Expected by the configuration (<code>expectedConsumers</code>): at least {formatCount(c.expectedMin)} consumer{c.expectedMin === 1 ? "" : "s"} attached.
          {c.synthetic ? " Redrive has never found it on the broker: this page stands in for it until it appears." : ""}
        </p>
      ) : null}
      {c.role === "dlq" ? (
        <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400" data-testid="consumer-dlq-note">
          This queue holds dead letters: its health is not judged by consumption.{" "}
          {c.dlqId ? (
            <Link href={`/dlqs/${encodeURIComponent(c.dlqId)}`} className="font-medium text-zinc-900 underline-offset-2 hover:underline dark:text-zinc-100" data-testid="consumer-dlq-link">
              Open it as a DLQ
            </Link>
          ) : null}
        </p>
      ) : null}
      {c.deadLetterProblem ? (
        <p role="alert" data-testid="consumer-dead-letter-problem" className="mt-3 rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-500/40 dark:bg-rose-500/10 dark:text-rose-200">
          Its dead letters are being dropped: {c.deadLetterProblem}
        </p>
      ) : null}
      {c.goneAt ? (
        <p role="status" className="mt-3 rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">
          This consumer is no longer on the broker (gone <RelativeTime iso={c.goneAt} />). Its history stays here until it expires.
        </p>
      ) : null}
      {stale && !c.goneAt ? (
        <p role="status" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-500/10 dark:text-amber-200">
          {c.lastSampledAt ? `The last sample is ${formatAge(c.lastSampledAt, now)} old: ` : "Never sampled: "}
          the numbers below may no longer be true. The Overview shows whether the cluster is reachable.
        </p>
      ) : null}

      <Card className="mt-4">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-4 xl:grid-cols-9" data-testid="consumer-stats">
          <Stat label="Backlog" testId="stat-backlog">{formatCount(c.backlog)}</Stat>
          <Stat label="Time to drain" testId="stat-eta">{consumerEta(c)}</Stat>
          <Stat label={c.oldestAgeEstimated ? "Oldest waiting (estimate)" : "Oldest waiting"} testId="stat-oldest">
            {formatOldestAge(c)}
          </Stat>
          <Stat label="In flight / limit">{formatInFlight(c.inFlight, c.inFlightLimit)}</Stat>
          <Stat label="Consumers">{formatCount(c.consumerCount)}</Stat>
          <Stat label="Inflow">{rate(c.inflowRate)}</Stat>
          <Stat label="Delivered">{rate(c.deliverRate)}</Stat>
          <Stat label="Acknowledged">{rate(c.ackRate)}</Stat>
          <Stat label="Redelivered">{rate(c.redeliverRate)}</Stat>
        </dl>
        <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
          {c.rateWindowSeconds !== null ? `Rates per second over the last ${formatDuration(c.rateWindowSeconds)}. ` : "No rates yet: they need two samples. "}
          Pending (not yet delivered) {formatCount(c.pending)}
          {c.redeliveredNow !== null ? ` · redelivered and not yet acknowledged ${formatCount(c.redeliveredNow)}` : ""}
          {c.oldestAgeNote ? ` · oldest message's age: ${c.oldestAgeEstimated ? "estimated from backlog ÷ ack rate, as " : ""}${c.oldestAgeNote}` : ""}
          {" · last activity "}
          {c.lastActivityAt ? <RelativeTime iso={c.lastActivityAt} /> : "none seen"}
          {" · last sampled "}
          {c.lastSampledAt ? <RelativeTime iso={c.lastSampledAt} /> : "never"}
          {" · first seen "}
          <RelativeTime iso={c.firstSeenAt} />
        </p>
      </Card>
    </header>
  );
}

function rate(v: number | null): string {
  return v === null ? "—" : `${formatRate(v)}/s`;
}

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 text-lg leading-tight break-words font-semibold tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
