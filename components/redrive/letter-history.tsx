"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { formatAge } from "@/components/consumers/format";
import { formatFullLocalTime, formatLocalTime, neutraliseBidi } from "@/components/dead-letters/format";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { useNow } from "@/components/ui/use-now";
import { queryKeys } from "@/lib/queries/keys";
import { isUnsettled, useLetterHistory } from "@/lib/queries/use-letter-history";
import { ACTION_LABEL, jobHref, jobName, OUTCOME_HINT, OUTCOME_LABEL, OUTCOME_TONE, UNKNOWN_EXPLANATION } from "./format";

const muted = "text-zinc-500 dark:text-zinc-400";

/** Every job that touched this letter, newest first: which job, what it did, how it ended, who and when. */
export function LetterHistory({ id }: { id: string }) {
  const history = useLetterHistory(id);
  const now = useNow(5000);
  const client = useQueryClient();
  const entries = history.data;

  // When a job finishes with this letter its state has changed: read the letter again now rather
  // than on its next 10 s refresh.
  const unsettled = entries?.some(isUnsettled) ?? false;
  const wasUnsettled = useRef(unsettled);
  useEffect(() => {
    if (wasUnsettled.current && !unsettled) void client.invalidateQueries({ queryKey: queryKeys.deadLetters.detail(id), exact: true });
    wasUnsettled.current = unsettled;
  }, [unsettled, client, id]);

  return (
    <Card data-testid="redrive-history">
      <h2 className="text-sm font-semibold">Redrive history</h2>
      {history.error ? (
        <p role="alert" className="mt-2 text-sm text-rose-800 dark:text-rose-200">
          Could not {entries ? "refresh" : "load"} the history: {history.error.message}
        </p>
      ) : null}
      {!entries ? (
        history.error ? null : <p className={`mt-2 text-sm ${muted}`}>Loading…</p>
      ) : entries.length === 0 ? (
        <p className={`mt-2 text-sm ${muted}`}>No actions yet.</p>
      ) : (
        <ol className="mt-2 space-y-3">
          {entries.map((e) => (
            <li key={`${e.jobId}|${e.at}`} data-testid="history-entry" data-job-id={e.jobId} data-outcome={e.outcome} className="text-sm">
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <Link href={jobHref(e.jobId)} className="font-medium underline-offset-2 hover:underline">
                  {jobName(e.jobNumber)}
                </Link>
                <span>{ACTION_LABEL[e.action]}</span>
                <Badge tone={OUTCOME_TONE[e.outcome]} title={OUTCOME_HINT[e.outcome]}>
                  {OUTCOME_LABEL[e.outcome]}
                </Badge>
              </div>
              {e.detail ? <p className="mt-0.5 font-mono text-xs break-all whitespace-pre-wrap">{neutraliseBidi(e.detail)}</p> : null}
              {e.outcome === "unknown" ? <p className="mt-0.5 text-xs text-amber-800 dark:text-amber-300">{UNKNOWN_EXPLANATION}</p> : null}
              <p className={`mt-0.5 text-xs ${muted}`}>
                by <span className="break-all">{e.by}</span> ·{" "}
                <time dateTime={e.at} title={formatFullLocalTime(e.at)}>
                  {now === null ? "\u00a0" : `${formatLocalTime(e.at, now)} (${formatAge(e.at, now)} ago)`}
                </time>
              </p>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
