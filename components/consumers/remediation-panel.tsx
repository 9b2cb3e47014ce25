"use client";

import { Card } from "@/components/ui/card";
import { remediationFor } from "@/lib/health/remediation";
import type { ConsumerDetail } from "@/lib/health/types";

/** What the state means and what to check, in the broker's own commands. Untrusted names render as text. */
export function RemediationPanel({ consumer: c }: { consumer: ConsumerDetail }) {
  if (c.role) return null;
  const r = remediationFor(c);
  if (!r.steps.length) return null;
  return (
    <Card className="mb-6" data-testid="consumer-remediation">
      <h2 className="text-sm font-semibold">What to check</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{r.summary}</p>
      <ol className="mt-2 list-decimal space-y-2 pl-5 text-sm">
        {r.steps.map((s, i) => (
          <li key={i}>
            {s.text}
            {s.command ? (
              <pre className="mt-1 overflow-x-auto rounded bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-800" data-testid="remediation-command">
                {s.command}
              </pre>
            ) : null}
          </li>
        ))}
      </ol>
    </Card>
  );
}
