"use client";

import Link from "next/link";
import { formatDuration } from "@/components/consumers/format";
import { formatFullLocalTime, formatLocalTime, neutraliseBidi } from "@/components/dead-letters/format";
import { Card } from "@/components/ui/card";
import type { LetterDetail } from "@/lib/dead-letters/types";

// Bounce lineage on the letter page: "Requeued by Job 5 at 10:19:34, died again 12 s later
// (rejected)", linked to the job and to the letter it was sent back for; and the letters this one
// came back as after its own requeues.

const muted = "text-zinc-500 dark:text-zinc-400";
const jobLabel = (n: number | null, id: string) => (n === null ? `job ${id.slice(0, 8)}` : `Job ${n}`);

export function LetterLineage({ letter: l, now }: { letter: LetterDetail; now: number | null }) {
  const f = l.bouncedFrom;
  if (!f && l.bouncedAs.length === 0) return null;
  const nowMs = now ?? Date.now();
  const after = f?.requeuedAt ? (Date.parse(f.diedAt) - Date.parse(f.requeuedAt)) / 1000 : null;
  return (
    <Card data-testid="letter-lineage">
      <h2 className="text-sm font-semibold">Bounce lineage</h2>
      {f ? (
        <p className="mt-2 text-sm" data-testid="letter-bounced-from" data-job-id={f.jobId} data-letter-id={f.letterId}>
          Requeued by{" "}
          <Link href={`/jobs/${f.jobId}`} className="underline">
            {jobLabel(f.jobNumber, f.jobId)}
          </Link>
          {f.requeuedAt ? (
            <>
              {" "}
              at{" "}
              <time dateTime={f.requeuedAt} title={formatFullLocalTime(f.requeuedAt)}>
                {formatLocalTime(f.requeuedAt, nowMs)}
              </time>
            </>
          ) : null}
          , died again {after !== null ? `${formatDuration(Math.max(0, after))} later` : `at ${formatLocalTime(f.diedAt, nowMs)}`} ({neutraliseBidi(f.reason)}).{" "}
          <Link href={`/dead-letters/${f.letterId}`} className="underline">
            The letter it was sent back for
          </Link>
          {" · "}
          <Link href={`/dead-letters?bouncedFromJob=${f.jobId}`} className="underline">
            every letter that came back from {jobLabel(f.jobNumber, f.jobId)}
          </Link>
        </p>
      ) : null}
      {l.bouncedAs.length ? (
        <div className="mt-2 text-sm" data-testid="letter-bounced-as">
          <p className={muted}>Sent back, it died again as:</p>
          <ul className="mt-1 space-y-1">
            {l.bouncedAs.map((b) => (
              <li key={b.letterId}>
                <Link href={`/dead-letters/${b.letterId}`} className="underline">
                  a new letter
                </Link>{" "}
                after{" "}
                <Link href={`/jobs/${b.jobId}`} className="underline">
                  {jobLabel(b.jobNumber, b.jobId)}
                </Link>
                ,{" "}
                <time dateTime={b.diedAt} title={formatFullLocalTime(b.diedAt)}>
                  {formatLocalTime(b.diedAt, nowMs)}
                </time>{" "}
                ({neutraliseBidi(b.reason)})
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  );
}
