// The audit log as the API and the pages see it. Shared by server and browser: no server imports.

/**
 * - `intent`: written before an action touches anything (no intent, no action).
 * - `outcome`: written after it, with the result; `intentId` names its intent.
 * - `event`: one moment with nothing before or after it (a sign-in, a change of a user, an export).
 */
export const AUDIT_PHASES = ["intent", "outcome", "event"] as const;
export type AuditPhase = (typeof AUDIT_PHASES)[number];

export type AuditEntry = {
  id: string;
  /** When the database recorded it, ISO UTC with milliseconds (the text the hash covers). */
  at: string;
  actor: string;
  address: string | null;
  action: string;
  phase: AuditPhase;
  intentId: string | null;
  /** "letter:<id>", "job:<id>", "dlq:<cluster>/<queue>", … */
  target: string | null;
  /** The target as an operator names it ("Job 5", "Letter from orders"), where Redrive can tell; lists and pages only, not exports. */
  targetLabel?: string | null;
  clusterId: string | null;
  /** The cluster's name while Redrive still knows it (audit rows outlive clusters). */
  cluster: string | null;
  request: unknown;
  result: string | null;
  detail: unknown;
  prevHash: string;
  hash: string;
  /**
   * Set on a job's chunk row (one row naming many letters): how many it names, and — in a list
   * narrowed to one letter — what it says of that letter. Lists leave the letters themselves out of
   * request and detail (a page stays small); the entry's own page and the export keep them.
   */
  letters?: ChunkSummary | null;
};

export type ChunkSummary = { count: number; letter?: { id: string; result: string | null; detail: string | null } };

export type AuditPage = { items: AuditEntry[]; nextCursor: string | null };

/** One entry with the rows of the same action: its intent, and the outcome(s) recorded for it. */
export type AuditEntryDetail = { entry: AuditEntry; partners: AuditEntry[] };
