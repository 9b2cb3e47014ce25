"use client";

import { useCan } from "@/components/auth/session-provider";
import { useState } from "react";
import { formatCount } from "@/components/consumers/format";
import type { LetterFilters } from "@/lib/queries/use-dead-letters";
import type { JobAction, JobScope, JobSummary } from "@/lib/redrive/types";
import { ACTION_LABEL, describeScope, filtersShowActionable, letterCount, scopeForFilters, scopeForGroup, scopeForLetters, SELECTION_MAX } from "./format";
import { JobDialog, type JobIntent } from "./job-dialog";
import { dangerButton, primaryButton } from "./letter-actions";

const small = "h-8 rounded-md px-2.5 text-sm font-medium whitespace-nowrap disabled:opacity-50";
const plain = `${small} border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800`;
const danger = `${small} border border-rose-300 bg-white text-rose-800 hover:bg-rose-50 dark:border-rose-500/50 dark:bg-zinc-900 dark:text-rose-300 dark:hover:bg-rose-500/10`;
const strong = `${small} bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300`;

const NO_DEAD = "The state filter shows no dead letters, and only dead letters can be requeued or terminated";

function intentFor(action: JobAction, scope: JobScope): JobIntent {
  return { action, scope, title: `${ACTION_LABEL[action]} ${describeScope(scope)}?`, openJob: true };
}

/**
 * The inbox's actions: on the letters ticked in the list, or on every letter the filters match.
 * Each opens the dry run first; nothing happens before the operator confirms it.
 */
function BulkActionBarInner({ filters, selected, onClearSelection }: { filters: LetterFilters; selected: string[]; onClearSelection: () => void }) {
  const [intent, setIntent] = useState<JobIntent | null>(null);
  const n = selected.length;
  const deadShown = filtersShowActionable(filters.states, "requeue");
  const tooMany = n > SELECTION_MAX;
  const selectionTitle = tooMany ? `At most ${formatCount(SELECTION_MAX)} letters can be acted on by selection; use "all matching" for more` : undefined;
  // Letters a job has taken are no longer a selection to act on again.
  const onStarted = (_job: JobSummary) => {
    if (intent?.scope.kind === "letters") onClearSelection();
  };
  return (
    <div
      role="toolbar"
      aria-label="Actions on dead letters"
      data-testid="bulk-actions"
      className="mb-2 flex flex-wrap items-center justify-between gap-2 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex flex-wrap items-center gap-2" aria-live="polite">
        {n === 0 ? (
          <span className="text-zinc-500 dark:text-zinc-400">Tick letters to act on them, or act on every letter the filters match.</span>
        ) : (
          <>
            <span className="font-medium" data-testid="selection-count">
              {letterCount(n)} selected
            </span>
            <button
              type="button"
              data-testid="requeue-selected"
              className={strong}
              disabled={tooMany}
              title={selectionTitle}
              onClick={() => setIntent(intentFor("requeue", scopeForLetters(selected)))}
            >
              Requeue selected
            </button>
            <button
              type="button"
              data-testid="terminate-selected"
              className={danger}
              disabled={tooMany}
              title={selectionTitle}
              onClick={() => setIntent(intentFor("terminate", scopeForLetters(selected)))}
            >
              Terminate selected
            </button>
            <button type="button" onClick={onClearSelection} className="px-1 text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400">
              Clear selection
            </button>
          </>
        )}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          data-testid="requeue-matching"
          className={plain}
          disabled={!deadShown}
          title={deadShown ? "Requeue every dead letter these filters match, not only those loaded" : NO_DEAD}
          onClick={() => setIntent(intentFor("requeue", scopeForFilters(filters)))}
        >
          Requeue all matching
        </button>
        <button
          type="button"
          data-testid="terminate-matching"
          className={danger}
          disabled={!deadShown}
          title={deadShown ? "Terminate every dead letter these filters match, not only those loaded" : NO_DEAD}
          onClick={() => setIntent(intentFor("terminate", scopeForFilters(filters)))}
        >
          Terminate all matching
        </button>
      </div>
      <JobDialog intent={intent} onClose={() => setIntent(null)} onStarted={onStarted} />
    </div>
  );
}

/** "Requeue group" / "Terminate group" for one cause, as its row or the group filter shows it. */
function GroupActionsInner({ fingerprint, filters, compact = false }: { fingerprint: string; filters: LetterFilters; compact?: boolean }) {
  const [intent, setIntent] = useState<JobIntent | null>(null);
  const scope = scopeForGroup(fingerprint, filters);
  const deadShown = filtersShowActionable(filters.states, "requeue");
  return (
    // Clicks inside (the dialog included) are not clicks on the row around it, which opens the group.
    <span className="inline-flex flex-wrap items-center gap-1.5" data-testid="group-actions" onClick={(e) => e.stopPropagation()}>
      <button
        type="button"
        data-testid="requeue-group"
        className={compact ? plain : primaryButton}
        disabled={!deadShown}
        title={deadShown ? undefined : NO_DEAD}
        onClick={() => setIntent(intentFor("requeue", scope))}>
        Requeue group
      </button>
      <button
        type="button"
        data-testid="terminate-group"
        className={compact ? danger : dangerButton}
        disabled={!deadShown}
        title={deadShown ? undefined : NO_DEAD}
        onClick={() => setIntent(intentFor("terminate", scope))}>
        Terminate group
      </button>
      <JobDialog intent={intent} onClose={() => setIntent(null)} />
    </span>
  );
}

/** Shown only to roles that may act ("dead-letters:act"); the server refuses the others anyway. */
export function BulkActionBar(props: Parameters<typeof BulkActionBarInner>[0]) {
  return useCan("dead-letters:act") ? <BulkActionBarInner {...props} /> : null;
}

/** Shown only to roles that may act ("dead-letters:act"); the server refuses the others anyway. */
export function GroupActions(props: Parameters<typeof GroupActionsInner>[0]) {
  return useCan("dead-letters:act") ? <GroupActionsInner {...props} /> : null;
}
