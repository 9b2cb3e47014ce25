import type { ConsumerRole, HealthState } from "@/lib/health/types";
import { Badge, type Tone } from "@/components/ui/badge";
import { STATE_LABEL } from "./format";

export const STATE_TONE: Record<HealthState, Tone> = {
  OK: "ok",
  LAGGING: "warn",
  STALLED: "bad",
  STOPPED: "bad",
  FAILING: "bad",
  UNKNOWN: "neutral",
  MISSING: "bad",
};

export function StateBadge({ state, children }: { state: HealthState; children?: React.ReactNode }) {
  return (
    <Badge tone={STATE_TONE[state]} data-testid="consumer-state" data-state={state}>
      {STATE_LABEL[state]}
      {children}
    </Badge>
  );
}

const ROLE_LABEL = { dlq: "DLQ", capture: "Redrive" } as const;
const ROLE_TITLE = {
  dlq: "A dead-letter queue: nothing is meant to consume it, so it is never called stopped or lagging.",
  capture: "A Redrive durable on the capture stream of JetStream dead-letter advisories (each installation has its own).",
} as const;

/** Marks a dead-letter queue or Redrive's capture consumer among applications' consumers. */
export function RoleBadge({ role }: { role: ConsumerRole | null }) {
  if (!role) return null;
  return (
    <Badge tone="neutral" data-testid="consumer-role" data-role={role} title={ROLE_TITLE[role]}>
      {ROLE_LABEL[role]}
    </Badge>
  );
}
