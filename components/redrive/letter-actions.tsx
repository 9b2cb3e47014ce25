"use client";

import { useCan } from "@/components/auth/session-provider";
import { useState } from "react";
import type { LetterDetail } from "@/lib/dead-letters/types";
import { actionsForState, scopeForLetters } from "./format";
import { JobDialog, type JobIntent } from "./job-dialog";
import { BROKER_LABELS } from "@/lib/brokers/contracts";

export const buttonBase = "h-9 rounded-md px-3 text-sm font-medium whitespace-nowrap disabled:opacity-50";
export const primaryButton = `${buttonBase} bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300`;
export const secondaryButton = `${buttonBase} border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800`;
export const dangerButton = `${buttonBase} border border-rose-300 bg-white text-rose-800 hover:bg-rose-50 dark:border-rose-500/50 dark:bg-zinc-900 dark:text-rose-300 dark:hover:bg-rose-500/10`;

/** What can be done with one letter, by its state: dead → requeue (as is, elsewhere, edited) or terminate; terminated → restore. */
function LetterActionsInner({ letter: l }: { letter: LetterDetail }) {
  const [intent, setIntent] = useState<JobIntent | null>(null);
  // Sending it elsewhere or edited is a permission of its own (admins by default); the server refuses it to the rest.
  const canRedirect = useCan("dead-letters:redirect");
  const actions = actionsForState(l.state);
  if (actions.length === 0) return null;
  const scope = scopeForLetters([l.id]);
  const placeholder = BROKER_LABELS[l.kind].destinationPlaceholder;
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Actions on this letter" data-testid="letter-actions">
      {actions.includes("requeue") ? (
        <>
          <button
            type="button"
            data-testid="action-requeue"
            className={primaryButton}
            disabled={Boolean(l.payloadMissing)}
            title={l.payloadMissing ? `Cannot be requeued: ${l.payloadMissing}` : `Publish it again to ${l.destination || "its destination"}`}
            onClick={() => setIntent({ action: "requeue", scope, title: "Requeue this letter?", openJob: false })}
          >
            Requeue
          </button>
          {canRedirect ? (
            <>
              <button
                type="button"
                data-testid="action-requeue-elsewhere"
                className={secondaryButton}
                disabled={Boolean(l.payloadMissing)}
                onClick={() =>
                  setIntent({ action: "requeue", scope, title: "Requeue this letter elsewhere?", destination: { initial: l.destination, placeholder }, openJob: false })
                }
              >
                Requeue elsewhere…
              </button>
              <button
                type="button"
                data-testid="action-edit-requeue"
                className={secondaryButton}
                disabled={Boolean(l.payloadMissing)}
                onClick={() => setIntent({ action: "requeue", scope, title: "Edit and requeue this letter?", edit: l, openJob: false })}
              >
                Edit and requeue…
              </button>
            </>
          ) : null}
        </>
      ) : null}
      {actions.includes("terminate") ? (
        <button
          type="button"
          data-testid="action-terminate"
          className={dangerButton}
          title="Close it out: nothing is published; Redrive keeps it for the retention period"
          onClick={() => setIntent({ action: "terminate", scope, title: "Terminate this letter?", openJob: false })}
        >
          Terminate
        </button>
      ) : null}
      {actions.includes("restore") ? (
        <button
          type="button"
          data-testid="action-restore"
          className={primaryButton}
          title="Bring it back to dead, so it can be requeued"
          onClick={() => setIntent({ action: "restore", scope, title: "Restore this letter?", openJob: false })}
        >
          Restore
        </button>
      ) : null}
      <JobDialog intent={intent} onClose={() => setIntent(null)} />
    </div>
  );
}

/** Shown only to roles that may act ("dead-letters:act"); the server refuses the others anyway. */
export function LetterActions(props: Parameters<typeof LetterActionsInner>[0]) {
  return useCan("dead-letters:act") ? <LetterActionsInner {...props} /> : null;
}
