"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { formatAge, formatCount, KIND_LABEL } from "@/components/consumers/format";
import { AuditTrailLink } from "@/components/audit/audit-trail-link";
import { Card } from "@/components/ui/card";
import type { LetterDetail } from "@/lib/dead-letters/types";
import { formatBytes, formatExactBytes, formatFullLocalTime, LETTER_STATE_HINT, neutraliseBidi, REASON_HINT, sourceDisplayName } from "./format";
import { LetterStateBadge } from "./letter-state-badge";
import { deadLettersHref } from "./list-params";

/** Where it died and where it would go back to, why, what state it is in, and its ids and times. */
export function LetterHeader({ letter: l, now, actions }: { letter: LetterDetail; now: number | null; actions?: ReactNode }) {
  return (
    <header className="mb-6" data-testid="letter-header" data-letter-id={l.id} data-state={l.state}>
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
        <nav aria-label="Breadcrumb" className="text-zinc-500 dark:text-zinc-400">
          <Link href="/dead-letters" className="hover:underline">
            Dead letters
          </Link>
          {" / "}
          <Link href={deadLettersHref({ cluster: l.cluster })} className="hover:underline">
            {l.cluster}
          </Link>
          {" / "}
          <Link href={deadLettersHref({ cluster: l.cluster, source: l.source })} className="hover:underline">
            {sourceDisplayName(l.source)}
          </Link>
        </nav>
        <AuditTrailLink letter={l.id} testId="letter-audit-trail" title="Every recorded action on this letter" />
      </div>
      <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere" data-testid="letter-title">
        {sourceDisplayName(l.source)} <span className="text-zinc-400 dark:text-zinc-500">→</span> {l.destination ? sourceDisplayName(l.destination) : <span className="text-zinc-400 dark:text-zinc-500">destination unknown</span>}
      </h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Died in <span className="font-medium wrap-anywhere text-zinc-800 dark:text-zinc-200">{sourceDisplayName(l.source)}</span>;{" "}
        {l.destination ? (
          <>
            a requeue sends it to <span className="font-medium wrap-anywhere text-zinc-800 dark:text-zinc-200">{sourceDisplayName(l.destination)}</span>
          </>
        ) : (
          "where a requeue would send it is not known"
        )}{" "}
        · cluster{" "}
        <span className="font-medium text-zinc-800 dark:text-zinc-200">{l.cluster}</span> · {KIND_LABEL[l.kind]}
      </p>

      <div className="mt-4 flex flex-wrap items-center gap-x-3 gap-y-1">
        <LetterStateBadge state={l.state} />
        <p className="text-sm font-medium" data-testid="letter-reason" title={REASON_HINT[l.reason]}>
          {l.reason}
          {l.deathCount > 1 ? <span className="font-normal text-zinc-500 dark:text-zinc-400"> · died {formatCount(l.deathCount)} times</span> : null}
        </p>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">{LETTER_STATE_HINT[l.state]}.</p>
        {actions ? <div className="basis-full pt-2 sm:ml-auto sm:basis-auto sm:pt-0">{actions}</div> : null}
      </div>
      {l.errorText ? (
        <p className="mt-2 rounded-md bg-rose-50 px-3 py-2 font-mono text-xs wrap-anywhere whitespace-pre-wrap text-rose-900 dark:bg-rose-500/10 dark:text-rose-200" data-testid="letter-error-text">
          {/* As the producer wrote it (stack traces keep their lines), cut at a length a header can sensibly have. */}
          {neutraliseBidi(l.errorText.length > 4000 ? `${l.errorText.slice(0, 4000)}…` : l.errorText)}
        </p>
      ) : null}

      <Card className="mt-4">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <Fact label="Last death">{time(l.lastDeathAt, now)}</Fact>
          <Fact label="First death">{time(l.firstDeathAt, now)}</Fact>
          <Fact label="Captured by Redrive">{time(l.capturedAt, now)}</Fact>
          <Fact label="Collected from" mono>
            {sourceDisplayName(l.collectedFrom)}
          </Fact>
          <Fact label="Message id" mono testId="letter-message-id">
            {l.messageId ?? <span className="font-sans text-zinc-500 dark:text-zinc-400">none</span>}
          </Fact>
          <Fact label="Letter id" mono>
            {l.id}
          </Fact>
          <Fact label="Cause group" mono>
            <Link href={deadLettersHref({ fingerprint: l.fingerprint })} className="underline" title="Every letter with the same cause">
              {l.fingerprint}
            </Link>
          </Fact>
          <Fact label="Payload">
            {l.payloadMissing ? (
              <span className="text-zinc-500 dark:text-zinc-400">not stored</span>
            ) : (
              <span title={formatExactBytes(l.payloadSize)}>{formatBytes(l.payloadSize)}</span>
            )}
            {l.contentType ? <span className="text-zinc-500 dark:text-zinc-400"> · {l.contentType}</span> : null}
          </Fact>
        </dl>
      </Card>
    </header>
  );
}

function time(iso: string | null, now: number | null): ReactNode {
  if (!iso) return <span className="text-zinc-500 dark:text-zinc-400">not recorded</span>;
  return (
    <time dateTime={iso} title={iso}>
      {formatFullLocalTime(iso)}
      {now !== null ? <span className="block text-xs text-zinc-500 dark:text-zinc-400">{formatAge(iso, now)} ago</span> : null}
    </time>
  );
}

function Fact({ label, children, mono = false, testId }: { label: string; children: ReactNode; mono?: boolean; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className={"mt-0.5 wrap-anywhere " + (mono ? "font-mono text-xs leading-5" : "")} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
