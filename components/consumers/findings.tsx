"use client";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import type { Finding, FindingCode } from "@/lib/health/types";
import { formatAge } from "./format";

export const FINDING_LABEL: Record<FindingCode, string> = {
  "ack-pending-pinned": "Pinned at ack limit",
  "redelivery-loop": "Redelivery loop",
  "pulls-unserved": "Pulls unserved",
  "push-unbound": "Push unbound",
  "prefetch-unbounded": "Prefetch 0",
  "single-active-stuck": "Active consumer stuck",
  "max-deliver-uncaptured": "Dead letters untracked",
};

/** The list's compact form: one badge per finding with how long it has held; its text and how to confirm on hover. */
export function FindingBadges({ findings, now }: { findings: Finding[]; now: number | null }) {
  if (!findings.length) return null;
  return (
    <span className="ml-2 inline-flex gap-1 align-middle" data-testid="consumer-findings">
      {findings.map((f) => (
        <Badge key={f.code} tone="warn" data-finding={f.code} title={`${f.text} (since ${new Date(f.since).toLocaleString()}). Confirm: ${f.remediation}`}>
          {FINDING_LABEL[f.code]}
          {now !== null ? <span className="font-normal opacity-75">{formatAge(f.since, now)}</span> : null}
        </Badge>
      ))}
    </span>
  );
}

/** The consumer page's form: each finding, since when, and the broker command that confirms it. */
export function FindingsPanel({ findings }: { findings: Finding[] }) {
  if (!findings.length) return null;
  return (
    <Card className="mb-6" data-testid="consumer-findings-panel">
      <h2 className="text-sm font-semibold">Findings</h2>
      <ul className="mt-2 space-y-3 text-sm">
        {findings.map((f) => (
          <li key={f.code} data-finding={f.code}>
            <Badge tone="warn">{FINDING_LABEL[f.code]}</Badge> <span className="font-medium">{f.text}</span>{" "}
            <span className="text-zinc-500 dark:text-zinc-400">
              since <RelativeTime iso={f.since} />
            </span>
            <p className="mt-1 font-mono text-xs break-words text-zinc-700 dark:text-zinc-300">{f.remediation}</p>
          </li>
        ))}
      </ul>
    </Card>
  );
}
