import type { Tone } from "@/components/ui/badge";
import { AUDIT_ACTION_SUGGESTIONS } from "@/lib/audit/actions";
import type { AuditPhase } from "@/lib/audit/types";

export const PHASE_LABEL: Record<AuditPhase, string> = { intent: "intent", outcome: "outcome", event: "event" };

export const PHASE_HINT: Record<AuditPhase, string> = {
  intent: "Written before the action touched anything: no intent, no action",
  outcome: "Written after the action, with how it went; it names its intent",
  event: "Something that happened in one moment (a sign-in, a change of a user, an export)",
};

const GOOD = new Set(["ok", "done", "completed"]);
const BAD = new Set(["failed", "refused", "denied", "error"]);
const DOUBT = new Set(["unknown", "not_sent", "cancelled", "skipped"]);

/** How a result reads at a glance: done, failed, in doubt, or just a word. */
export function resultTone(result: string | null): Tone {
  if (result === null) return "neutral";
  if (GOOD.has(result)) return "ok";
  if (BAD.has(result)) return "bad";
  if (DOUBT.has(result)) return "warn";
  return "neutral";
}

/** Actions Redrive records, offered as suggestions in the filter (any other text works too). */
export const KNOWN_ACTIONS = AUDIT_ACTION_SUGGESTIONS;

/** A target split into its kind and the rest, for display: "letter" + "8a0c…". */
export function splitTarget(target: string | null): { kind: string | null; rest: string } {
  if (!target) return { kind: null, rest: "" };
  const i = target.indexOf(":");
  return i > 0 ? { kind: target.slice(0, i), rest: target.slice(i + 1) } : { kind: null, rest: target };
}
