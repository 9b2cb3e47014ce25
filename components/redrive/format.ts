// Pure words and numbers for redrive jobs: labels, tones, progress, the sentences of toasts and
// dialogs, the scope of an action, and the diff of an edited letter. No React, no fetching.

import { formatCount } from "@/components/consumers/format";
import type { Tone } from "@/components/ui/badge";
import { decodeBase64, decodeText } from "@/components/dead-letters/payload";
import type { LetterDetail, LetterState } from "@/lib/dead-letters/types";
import { letterFilterParams, type LetterFilters } from "@/lib/queries/use-dead-letters";
import type { HeldDetails, JobAction, JobCounts, JobScope, JobState, JobSummary, LetterOutcome } from "@/lib/redrive/types";
import { LETTER_OUTCOMES } from "@/lib/redrive/types";

export const ACTION_LABEL: Record<JobAction, string> = { requeue: "Requeue", terminate: "Terminate", restore: "Restore" };
/** What the action does, for sentences: "requeue 4,212 letters". */
export const ACTION_VERB: Record<JobAction, string> = { requeue: "requeue", terminate: "terminate", restore: "restore" };
export const ACTION_HINT: Record<JobAction, string> = {
  requeue: "Publish each letter again to its destination; it is marked requeued only once the broker confirmed it.",
  terminate: "Close each letter out: nothing is published, and Redrive keeps its copy for the retention period, so it can be restored.",
  restore: "Bring terminated letters back to dead, so they can be requeued.",
};

/** The same, for one letter. */
export const ACTION_HINT_ONE: Record<JobAction, string> = {
  requeue: "Publish it again to its destination; it is marked requeued only once the broker confirmed it.",
  terminate: "Close it out: nothing is published, and Redrive keeps its copy for the retention period, so it can be restored.",
  restore: "Bring it back to dead, so it can be requeued.",
};

export const JOB_STATE_LABEL: Record<JobState, string> = {
  running: "Running",
  paused: "Paused",
  cancelling: "Cancelling",
  cancelled: "Cancelled",
  completed: "Completed",
  failed: "Failed",
};
export const JOB_STATE_TONE: Record<JobState, Tone> = {
  running: "ok",
  paused: "warn",
  cancelling: "warn",
  cancelled: "neutral",
  completed: "ok",
  failed: "bad",
};
export const JOB_STATE_HINT: Record<JobState, string> = {
  running: "Moving letters at the job's rate",
  paused: "Stopped for now: no letter is being sent; resume to go on",
  cancelling: "Finishing the letters already sent to the broker; no new ones are sent",
  cancelled: "Stopped for good: letters already moved stay moved, the rest were left as they were",
  completed: "Every letter was handled; the counts say how",
  failed: "The job itself stopped on an error; the counts say which letters were handled",
};

export const OUTCOME_LABEL: Record<LetterOutcome, string> = {
  pending: "Pending",
  in_flight: "In flight",
  done: "Done",
  failed: "Failed",
  unknown: "Outcome unknown",
  skipped: "Skipped",
  cancelled: "Cancelled",
};
export const OUTCOME_TONE: Record<LetterOutcome, Tone> = {
  pending: "neutral",
  in_flight: "neutral",
  done: "ok",
  failed: "bad",
  unknown: "warn",
  skipped: "neutral",
  cancelled: "neutral",
};
export const OUTCOME_HINT: Record<LetterOutcome, string> = {
  pending: "Not sent yet",
  in_flight: "Sent; waiting for the broker to confirm",
  done: "Done, and the broker confirmed it",
  failed: "The broker refused it; the letter stays dead",
  unknown: "The broker never confirmed: it may or may not have arrived. Redrive did not retry it, so nothing is doubled",
  skipped: "Left alone: its state had changed, or it was held elsewhere",
  cancelled: "Not sent: the job was cancelled first",
};

/** The outcomes that mean a letter has been handled, one way or the other: the progress bar's numerator. */
export const PROCESSED_OUTCOMES = ["done", "failed", "unknown", "skipped"] as const satisfies readonly LetterOutcome[];

/** The operator's word "outcome unknown", at length, where such letters are shown. */
export const UNKNOWN_EXPLANATION =
  "The broker never confirmed these letters. Redrive did not retry them, so nothing is doubled — but some may have arrived. Check the destination, then retry.";

export function isActiveState(state: JobState): boolean {
  return state === "running" || state === "paused" || state === "cancelling";
}

export function jobHref(id: string): string {
  return `/jobs/${encodeURIComponent(id)}`;
}

/** "Job 14". */
export function jobName(n: number): string {
  return `Job ${n}`;
}

/** "1 letter", "4,212 letters". */
export function letterCount(n: number): string {
  return `${formatCount(n)} letter${n === 1 ? "" : "s"}`;
}

export type Progress = {
  processed: number;
  total: number;
  /** 0…1; 0 for an empty job. */
  ratio: number;
  /** Each processed outcome's share of the total, for a segmented bar. */
  segments: Array<{ outcome: (typeof PROCESSED_OUTCOMES)[number]; count: number; ratio: number }>;
};

export function jobProgress(counts: JobCounts, total: number): Progress {
  const segments = PROCESSED_OUTCOMES.map((outcome) => ({ outcome, count: counts[outcome] ?? 0, ratio: 0 }));
  const processed = segments.reduce((n, s) => n + s.count, 0);
  // A total that lags the counts (read between two writes) must not draw past 100 %.
  const denom = Math.max(total, processed);
  for (const s of segments) s.ratio = denom > 0 ? s.count / denom : 0;
  return { processed, total, ratio: denom > 0 ? processed / denom : 0, segments };
}

/** "1,200 of 4,212 (28 %)". */
export function formatProgress(p: Progress): string {
  const pct = p.total > 0 ? Math.floor(p.ratio * 100) : 100;
  return `${formatCount(p.processed)} of ${formatCount(p.total)} (${pct} %)`;
}

/** Letters a retry would take again: those that failed, and those whose outcome is unknown. */
export function retryableCount(counts: JobCounts): number {
  return (counts.failed ?? 0) + (counts.unknown ?? 0);
}

/** "Retry 3 unknown/failed letters", naming only the kinds there are. */
export function retryLabel(counts: JobCounts): string {
  const kinds = [counts.unknown > 0 ? "unknown" : null, counts.failed > 0 ? "failed" : null].filter(Boolean).join("/");
  return `Retry ${formatCount(retryableCount(counts))} ${kinds} letter${retryableCount(counts) === 1 ? "" : "s"}`;
}

/** The toast after a start: "Job 14 started: requeue 4,212 letters". */
export function jobStartedText(job: Pick<JobSummary, "number" | "action" | "total">): string {
  return `${jobName(job.number)} started: ${ACTION_VERB[job.action]} ${letterCount(job.total)}`;
}

/** The toast after pause/resume/cancel. */
export function jobControlText(control: "pause" | "resume" | "cancel", job: Pick<JobSummary, "number" | "counts" | "total">): string {
  const name = jobName(job.number);
  const p = jobProgress(job.counts, job.total);
  if (control === "pause") return `${name} paused after ${formatCount(p.processed)} of ${letterCount(job.total)}.`;
  if (control === "resume") return `${name} resumed.`;
  return `${name} is cancelling: letters already moved stay moved, the rest stay as they are.`;
}

/** Counts of every outcome that has any, in the order a reader wants them. */
export function nonZeroOutcomes(counts: JobCounts): Array<{ outcome: LetterOutcome; count: number }> {
  return LETTER_OUTCOMES.map((outcome) => ({ outcome, count: counts[outcome] ?? 0 })).filter((x) => x.count > 0);
}

/** Which actions a letter in this state offers: dead → requeue or terminate; terminated → restore; requeued → none. */
export function actionsForState(state: LetterState): JobAction[] {
  if (state === "dead") return ["requeue", "terminate"];
  if (state === "terminated") return ["restore"];
  return [];
}

// ---- scopes ---------------------------------------------------------------------------------

/** The inbox filters as the job API's `filter` scope wants them: the same names and values as the list's URL. */
export function filterRecord(filters: LetterFilters): Record<string, string> {
  return Object.fromEntries(letterFilterParams(filters));
}

/** The filters a job scope takes: all but the state, which the action decides (requeue and terminate take dead letters). */
function scopeFilters(filters: LetterFilters): Record<string, string> {
  return filterRecord({ ...filters, states: [] });
}

export function scopeForLetters(ids: readonly string[]): JobScope {
  return { kind: "letters", ids: [...ids] };
}

/**
 * One cause group, as its row shows it: the whole group when nothing else narrows the view, else
 * the group's letters under the same filters (so the count acted on is the count on the row).
 */
export function scopeForGroup(fingerprint: string, filters: LetterFilters): JobScope {
  const rest = scopeFilters({ ...filters, fingerprint: undefined });
  if (Object.keys(rest).length === 0) return { kind: "group", fingerprint };
  return { kind: "filter", filters: { ...rest, fingerprint } };
}

export function scopeForFilters(filters: LetterFilters): JobScope {
  return { kind: "filter", filters: scopeFilters(filters) };
}

/** The scope in words, for a dialog's first line. */
export function describeScope(scope: JobScope): string {
  if (scope.kind === "letters") return scope.ids.length === 1 ? "this letter" : `the ${letterCount(scope.ids.length)} selected`;
  if (scope.kind === "group") return "every letter of this cause";
  const keys = Object.keys(scope.filters);
  if (keys.length === 0) return "every letter in the inbox";
  if (keys.length === 1 && keys[0] === "fingerprint") return "every letter of this cause";
  if (keys.includes("fingerprint")) return "every letter of this cause that matches the current filters";
  return "every letter matching the current filters";
}

const FILTER_LABEL: Record<string, string> = {
  cluster: "cluster",
  source: "source",
  reason: "reason",
  from: "captured from",
  to: "captured before",
  header: "header",
  messageId: "message id",
  q: "payload contains",
  fingerprint: "cause group",
};

/**
 * A filter scope's conditions as label and value, for the dialog to show exactly which letters it
 * takes. The state filter is left out: a job always starts from the state its action applies to.
 */
export function filterConditions(filters: Record<string, string>): Array<{ label: string; value: string }> {
  return Object.entries(filters)
    .filter(([k]) => k !== "state")
    .map(([k, v]) => ({ label: FILTER_LABEL[k] ?? k, value: v }));
}

/** Whether letters in the state an action starts from can be among those the filters show. */
export function filtersShowActionable(states: readonly LetterState[], action: JobAction): boolean {
  if (states.length === 0) return true;
  return states.includes(action === "restore" ? "terminated" : "dead");
}

/** The 409 details of a start refused because another job holds the letters; null when they are not that. */
export function parseHeldDetails(details: unknown): HeldDetails | null {
  if (!details || typeof details !== "object") return null;
  const d = details as Record<string, unknown>;
  if (typeof d.jobId !== "string" || typeof d.jobNumber !== "number") return null;
  return {
    jobId: d.jobId,
    jobNumber: d.jobNumber,
    href: typeof d.href === "string" && d.href.startsWith("/") ? d.href : jobHref(d.jobId),
    letters: typeof d.letters === "number" ? d.letters : 0,
  };
}

/** Letters per second: a whole number from 1 to `max`; null when the text is not one. */
export function parseRate(text: string, max = 10_000): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= max ? n : null;
}

/** How long a job of `count` letters takes at `rate` per second, roughly: "about 42 s", "about 12 min". */
export function estimateDuration(count: number, rate: number): string | null {
  if (count <= 0 || rate <= 0) return null;
  const s = Math.ceil(count / rate);
  if (s < 2) return "under 2 s";
  if (s < 60) return `about ${s} s`;
  const m = Math.ceil(s / 60);
  if (m < 120) return `about ${m} min`;
  return `about ${Math.round(m / 60)} h`;
}

// ---- edit and requeue -----------------------------------------------------------------------

export type HeaderRow = { key: string; value: string };

/**
 * The payload as text to edit, or why it cannot be: only a stored, complete, UTF-8 payload can be
 * edited as text. Anything else is sent as the exact bytes Redrive holds (headers can still change).
 */
export function editablePayload(l: Pick<LetterDetail, "payloadMissing" | "payloadIsUtf8" | "payloadTruncated" | "payloadBase64">): { text: string } | { locked: string } {
  if (l.payloadMissing) return { locked: `The payload is not stored (${l.payloadMissing}), so this letter cannot be requeued.` };
  if (!l.payloadIsUtf8) return { locked: "The payload is binary: it is sent as the exact bytes Redrive holds. Only the headers can be edited here." };
  if (l.payloadTruncated || l.payloadBase64 === null)
    return { locked: "The payload is larger than what this page holds: it is sent as the exact bytes Redrive holds. Only the headers can be edited here." };
  const bytes = decodeBase64(l.payloadBase64);
  if (!bytes) return { locked: "The payload could not be read here: it is sent as the exact bytes Redrive holds." };
  return { text: decodeText(bytes) };
}

/** A header as text in an input: strings as they are, anything else as JSON. */
export function headerValueText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function headerRowsFrom(headers: Record<string, unknown>): HeaderRow[] {
  return Object.entries(headers).map(([key, value]) => ({ key, value: headerValueText(value) }));
}

export type HeaderEdit =
  | { ok: true; headers: Record<string, string | null>; added: string[]; changed: string[]; removed: string[] }
  | { ok: false; error: string };

/**
 * What the operator changed in the header rows, as the API wants it: new or changed keys with
 * their text, removed keys as null. Unchanged headers are left out (they go as they were).
 */
export function diffHeaders(original: Record<string, unknown>, rows: readonly HeaderRow[]): HeaderEdit {
  const next = new Map<string, string>();
  for (const r of rows) {
    const key = r.key.trim();
    if (key === "") {
      if (r.value.trim() === "") continue;
      return { ok: false, error: "A header has a value but no name." };
    }
    if (next.has(key)) return { ok: false, error: `The header "${key}" is there twice.` };
    next.set(key, r.value);
  }
  const headers: Record<string, string | null> = {};
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [key, value] of next) {
    if (!Object.hasOwn(original, key)) {
      added.push(key);
      headers[key] = value;
    } else if (headerValueText(original[key]) !== value) {
      changed.push(key);
      headers[key] = value;
    }
  }
  for (const key of Object.keys(original)) {
    if (!next.has(key)) {
      removed.push(key);
      headers[key] = null;
    }
  }
  return { ok: true, headers, added, changed, removed };
}

/** Text as UTF-8 bytes in base64, as the API takes an edited payload. */
export function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** "payload 120 B → 134 B; headers: 1 added (x-fixed), 1 removed (x-error)"; "no changes" when there are none. */
export function describeEdit(
  payload: { before: string; after: string } | null,
  headers: { added: string[]; changed: string[]; removed: string[] } | null,
): string {
  const parts: string[] = [];
  if (payload && payload.before !== payload.after) {
    const a = utf8Length(payload.before);
    const b = utf8Length(payload.after);
    const lines = changedLineCount(payload.before, payload.after);
    parts.push(`payload changed (${formatCount(lines)} line${lines === 1 ? "" : "s"}, ${formatCount(a)} → ${formatCount(b)} bytes)`);
  }
  if (headers) {
    const h: string[] = [];
    if (headers.added.length) h.push(`${headers.added.length} added (${headers.added.join(", ")})`);
    if (headers.changed.length) h.push(`${headers.changed.length} changed (${headers.changed.join(", ")})`);
    if (headers.removed.length) h.push(`${headers.removed.length} removed (${headers.removed.join(", ")})`);
    if (h.length) parts.push(`headers: ${h.join(", ")}`);
  }
  return parts.length ? parts.join("; ") : "no changes";
}

/** Lines that differ between two texts, position by position after the common head and tail. */
export function changedLineCount(before: string, after: string): number {
  const a = before.split("\n");
  const b = after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return Math.max(a.length - head - tail, b.length - head - tail);
}

// ---- selection --------------------------------------------------------------------------------

/** At most this many letters by id in one job (the API's limit); beyond it, act on the filter instead. */
export const SELECTION_MAX = 10_000;

/** Toggle one id; with `range`, every id between the last toggled and this one takes this one's new state. */
export function toggleSelection(selected: ReadonlySet<string>, order: readonly string[], id: string, anchor: string | null, range: boolean): Set<string> {
  const next = new Set(selected);
  const on = !selected.has(id);
  const to = order.indexOf(id);
  const from = range && anchor !== null ? order.indexOf(anchor) : -1;
  if (from < 0 || to < 0) {
    if (on) next.add(id);
    else next.delete(id);
    return next;
  }
  const [lo, hi] = from < to ? [from, to] : [to, from];
  for (let i = lo; i <= hi; i++) {
    const x = order[i];
    if (x === undefined) continue;
    if (on) next.add(x);
    else next.delete(x);
  }
  return next;
}
