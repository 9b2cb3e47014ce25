import "server-only";
import type { ErrorCode } from "@/lib/errors";
import type { DestinationCheck } from "./check-destination";

export type CheckedDestination = { cluster: string; destination: string; check: DestinationCheck };

/**
 * Why a requeue to these destinations is refused, the same sentence for its dry run and its start;
 * null when it may go ahead. A destination no job may use, or one that does not exist, refuses the
 * whole job. One the operator chose must also be confirmed to exist; a letter's own destination
 * that cannot be checked right now (the broker is away) is left to the job, which waits for it.
 */
export function destinationRefusal(checked: readonly CheckedDestination[], chosen: boolean): { code: ErrorCode; message: string } | null {
  const forbidden = checked.find((c) => c.check.forbidden);
  if (forbidden) return { code: "INVALID_INPUT", message: `Refused: Redrive never requeues there — ${forbidden.check.problem} (cluster ${forbidden.cluster}). Nothing was started; pick another destination.` };
  const missing = checked.find((c) => c.check.exists === false);
  if (missing) {
    const fix = chosen ? "pick a destination that exists" : "create it again first, or requeue these letters elsewhere";
    return { code: "CONFLICT", message: `Refused: ${missing.check.problem} on cluster ${missing.cluster}, so nothing could be requeued to ${missing.destination}. Nothing was started; ${fix}.` };
  }
  const unknown = chosen ? checked.find((c) => c.check.exists === null) : undefined;
  if (unknown) {
    return { code: "CONFLICT", message: `Refused: Redrive could not confirm that ${unknown.destination} exists on cluster ${unknown.cluster} (${unknown.check.problem}). Nothing was started; try again once the broker answers.` };
  }
  return null;
}
