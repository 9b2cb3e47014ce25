import type { HealthState } from "@/lib/health/types";
import { Badge, type Tone } from "@/components/ui/badge";
import { STATE_LABEL } from "./format";

export const STATE_TONE: Record<HealthState, Tone> = {
  OK: "ok",
  LAGGING: "warn",
  STALLED: "bad",
  STOPPED: "bad",
  FAILING: "bad",
  UNKNOWN: "neutral",
};

export function StateBadge({ state, children }: { state: HealthState; children?: React.ReactNode }) {
  return (
    <Badge tone={STATE_TONE[state]} data-testid="consumer-state" data-state={state}>
      {STATE_LABEL[state]}
      {children}
    </Badge>
  );
}
