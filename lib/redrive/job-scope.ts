import "server-only";
import { z } from "zod";
import { letterFilters, whereClause } from "@/lib/dead-letters/letter-filters";
import { AppError } from "@/lib/errors";
import { JOB_ACTIONS, type JobAction } from "./types";

export const jobRequest = z.object({
  action: z.enum(JOB_ACTIONS),
  scope: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("letters"), ids: z.array(z.uuid()).min(1).max(10_000) }),
    z.object({ kind: z.literal("group"), fingerprint: z.string().regex(/^[0-9a-f]{16}$/) }),
    z.object({ kind: z.literal("filter"), filters: z.record(z.string(), z.string()) }),
  ]),
  rate: z.number().int().min(1).optional(),
  includePoison: z.boolean().default(false),
  destination: z.string().min(1).max(500).optional(),
  edit: z
    .object({ payloadBase64: z.string().max(15 * 1024 * 1024).optional(), headers: z.record(z.string(), z.string().nullable()).optional() })
    .optional(),
  /** Pause by itself when more than this share (percent) of the letters it sent come back dead; default redrive.bounceThresholdPercent. */
  bounceThresholdPercent: z.number().min(0).max(100).optional(),
  /** …once at least this many were sent (since its start or last resume); default redrive.bounceMinSent. */
  bounceMinSent: z.number().int().min(1).max(1_000_000).optional(),
  /** After pausing itself, resume once its destinations have been healthy (and nothing came back dead) this many minutes. */
  autoResumeMinutes: z.number().min(0.1).max(7 * 24 * 60).optional(),
  /** Send a canary first: true for the default size (max(redrive.canary.letters, percent of the job), at most max), or a number of letters. */
  canary: z.union([z.boolean(), z.number().int().min(1).max(100_000)]).optional(),
  /** The number of letters, typed by the operator: required for a requeue or terminate of a filter or group above redrive.confirmAbove letters. */
  confirmCount: z.number().int().min(0).optional(),
});

export type JobRequestInput = z.infer<typeof jobRequest>;

/** Which letter state each action starts from. */
export const FROM_STATE: Record<JobAction, string> = { requeue: "dead", terminate: "dead", restore: "terminated" };

/**
 * The SQL selecting a request's letters (`d` dead_letters, `c` clusters): the scope, the state the
 * action applies to, and for requeue a stored payload. Poison is left out of groups and filters
 * unless asked for; letters picked one by one are taken as asked.
 */
export function scopeSql(r: JobRequestInput, poisonAfter: number): { sql: string; params: unknown[]; explicit: boolean } {
  let base: { sql: string; params: unknown[] };
  if (r.scope.kind === "letters") base = { sql: `d."id" = ANY($1::uuid[])`, params: [r.scope.ids] };
  else if (r.scope.kind === "group") base = { sql: `d."fingerprint" = $1`, params: [r.scope.fingerprint] };
  else {
    const parsed = letterFilters.safeParse(r.scope.filters);
    if (!parsed.success) throw new AppError("INVALID_INPUT", `The job's filter is invalid — ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`);
    // A job never overrides the state filter: the action decides which state it starts from.
    base = whereClause({ ...parsed.data, state: [] });
  }
  const explicit = r.scope.kind === "letters";
  return { sql: base.sql, params: base.params, explicit };
}

export function describeScope(r: JobRequestInput, total: number, sample: { source: string; reason: string } | null): string {
  const n = total.toLocaleString("en-US");
  const what = r.scope.kind === "letters" ? (total === 1 ? "1 letter" : `${n} selected letters`) : r.scope.kind === "group" ? `${n} letters of group ${r.scope.fingerprint}` : `${n} letters matching a filter`;
  const where = sample ? ` (${sample.source} · ${sample.reason})` : "";
  const to = r.action === "requeue" ? (r.destination ? ` to ${r.destination}` : " to where they came from") : "";
  return `${r.action} ${what}${where}${to}`;
}
