import { z } from "zod";
import { ALERT_STATES, type RuleParams } from "./types";

// A rule's kind and parameters, as stored (kind column + params JSON) and as the API accepts them.

export const ruleParams = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("consumer-state"), states: z.array(z.enum(ALERT_STATES)).min(1, "pick at least one state") }),
  z.object({ kind: z.literal("time-to-drain"), aboveSeconds: z.number().int().min(1).max(30 * 86_400), includeNotDraining: z.boolean().default(false) }),
  z.object({ kind: z.literal("oldest-message-age"), aboveSeconds: z.number().int().min(1).max(30 * 86_400), includeEstimates: z.boolean().default(false) }),
  z.object({ kind: z.literal("dead-letter-inflow"), perMinute: z.number().min(0).max(10_000_000) }),
  z.object({ kind: z.literal("dlx-routes-nowhere") }),
  z.object({ kind: z.literal("job-paused-itself") }),
]);

export function readRuleParams(kind: string, params: unknown): RuleParams | null {
  const r = ruleParams.safeParse({ ...(typeof params === "object" && params !== null ? params : {}), kind });
  return r.success ? r.data : null;
}

/** Params as stored: everything but the kind, which has its own column. */
export function storedParams(p: RuleParams): Record<string, unknown> {
  const { kind: _kind, ...rest } = p;
  return rest;
}

const fmtSeconds = (s: number) => (s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** The condition in words, for the settings page. */
export function describeRule(p: RuleParams): string {
  switch (p.kind) {
    case "consumer-state":
      return `a consumer is ${orList(p.states)}`;
    case "time-to-drain":
      return `a consumer's time to drain is above ${fmtSeconds(p.aboveSeconds)}${p.includeNotDraining ? " (or it has a backlog and is not draining)" : ""}`;
    case "oldest-message-age":
      return `a consumer's oldest waiting message is older than ${fmtSeconds(p.aboveSeconds)}${p.includeEstimates ? " (or estimated to be, where the broker does not tell)" : ""}`;
    case "dead-letter-inflow":
      return `more than ${p.perMinute} dead letters per minute arrive in a DLQ`;
    case "dlx-routes-nowhere":
      return "a queue's dead-letter exchange is missing or routes nowhere (its dead letters are dropped)";
    case "job-paused-itself":
      return "a requeue job pauses itself (its letters come back dead, its destination turns unhealthy, or its canary fails)";
  }
}
