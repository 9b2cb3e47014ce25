import "server-only";
import { chunkLetters } from "./job-letter-rows";
import type { AuditEntry } from "./types";

const withoutLetters = (v: unknown): unknown => {
  if (typeof v !== "object" || v === null || Array.isArray(v) || !("letters" in v)) return v;
  const { letters: _omitted, ...rest } = v as Record<string, unknown>;
  return rest;
};

/**
 * A chunk row as lists show it: `letters` says how many letters it names (and, for `letterId`,
 * that letter's own result), and with `compact` the letter arrays are left out of request and
 * detail. Other rows pass through unchanged.
 */
export function summariseChunk(e: AuditEntry, opts: { letterId?: string; compact?: boolean } = {}): AuditEntry {
  const letters = chunkLetters(e.phase, e.request, e.detail);
  if (!letters) return e;
  const wanted = opts.letterId?.toLowerCase();
  const own = wanted ? letters.find((l) => l.id === wanted) : undefined;
  return {
    ...e,
    ...(opts.compact ? { request: withoutLetters(e.request), detail: withoutLetters(e.detail) } : {}),
    letters: { count: letters.length, ...(own ? { letter: { id: own.id, result: own.result ?? null, detail: own.detail ?? null } } : {}) },
  };
}
