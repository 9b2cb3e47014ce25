import { Badge } from "@/components/ui/badge";
import type { LetterState } from "@/lib/dead-letters/types";
import { LETTER_STATE_HINT, LETTER_STATE_LABEL, LETTER_STATE_TONE } from "./format";

export function LetterStateBadge({ state }: { state: LetterState }) {
  return (
    <Badge tone={LETTER_STATE_TONE[state]} data-testid="letter-state" data-state={state} title={LETTER_STATE_HINT[state]}>
      {LETTER_STATE_LABEL[state]}
    </Badge>
  );
}
