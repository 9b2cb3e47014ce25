// Redrive jobs (requeue, terminate, restore) as the API serves them. Client-safe: no server imports.

import type { LetterState } from "@/lib/dead-letters/types";

export const JOB_ACTIONS = ["requeue", "terminate", "restore"] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

export const JOB_STATES = ["running", "paused", "cancelling", "cancelled", "completed", "failed"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Which letters a job acts on. Filters are the inbox filters (see lib/dead-letters/letter-filters.ts). */
export type JobScope =
  | { kind: "letters"; ids: string[] }
  | { kind: "group"; fingerprint: string }
  | { kind: "filter"; filters: Record<string, string> };

export type JobRequest = {
  action: JobAction;
  scope: JobScope;
  /** Letters per second; default 100, at most the configured maximum. */
  rate?: number;
  /** Poison letters (redriven too often) are left out of a job unless this is true. */
  includePoison?: boolean;
  /** Requeue somewhere else: "vhost/queue" (RabbitMQ) or a subject (NATS). Default: where it came from. Needs "dead-letters:redirect". */
  destination?: string;
  /** Single-letter requeue with an edited payload (base64) and/or headers; the diff is kept. Needs "dead-letters:redirect". */
  edit?: { payloadBase64?: string; headers?: Record<string, string | null> };
  /** Requeue: pause by itself when more than this percent of the letters it sent come back dead (default redrive.bounceThresholdPercent)… */
  bounceThresholdPercent?: number;
  /** …once at least this many went out since its start or last resume (default redrive.bounceMinSent). */
  bounceMinSent?: number;
  /** Requeue: after pausing itself, resume once its destinations have been healthy this many minutes. */
  autoResumeMinutes?: number;
  /** Requeue: send a canary first — true for the default size, or a number of letters. */
  canary?: boolean | number;
  /** The number of letters, typed: required for a requeue or terminate of a filter or group above redrive.confirmAbove. */
  confirmCount?: number;
};

export const LETTER_OUTCOMES = ["pending", "in_flight", "done", "failed", "unknown", "skipped", "cancelled"] as const;
export type LetterOutcome = (typeof LETTER_OUTCOMES)[number];

export type JobCounts = Record<LetterOutcome, number>;

export type JobSummary = {
  id: string;
  /** Human number: "Job 12". */
  number: number;
  action: JobAction;
  state: JobState;
  /** What the operator asked, in words: "requeue 4,212 letters in group 3f2a… (orders · rejected)". */
  description: string;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  rate: number;
  total: number;
  counts: JobCounts;
  /** Letters per second over the last few seconds while running. */
  currentRate: number | null;
  destination: string | null;
  error: string | null;
  /** Why it is paused, in one sentence, and who paused it: "operator", "gate" (its health gate) or "canary". */
  pausedReason: string | null;
  pausedBy: "operator" | "gate" | "canary" | null;
  /** Requeue only: what it watches while it runs, and what came back. */
  watch: JobWatch | null;
};

/** A requeue's self-check: bounce lineage, health gate and canary. */
export type JobWatch = {
  /** Letters it sent (broker confirmed) and how many of those came back dead since. */
  sent: number;
  bounced: number;
  /** The inbox filtered to the letters that came back dead from this job. */
  bouncedHref: string;
  /** Pauses itself above this share (0..1) once at least minSent letters went out (since its start or last resume). */
  bounceThreshold: number;
  bounceMinSent: number;
  /** Resumes itself after its destinations have been healthy this long; null: an operator resumes. */
  autoResumeMinutes: number | null;
  canary: { size: number; state: "sending" | "waiting" | "passed" | "failed"; detail: string | null } | null;
};

export type JobLetter = {
  letterId: string;
  source: string;
  destination: string;
  outcome: LetterOutcome;
  /** The broker's words for a failure ("NO_ROUTE: no queue orders"), or what happened. */
  detail: string | null;
  finishedAt: string | null;
};

/** GET /api/jobs/{id}/letters?outcome=&cursor= */
export type JobLetterPage = { items: JobLetter[]; nextCursor: string | null };

/** POST /api/jobs/plan: what a job would do, touching nothing. */
export type JobPlan = {
  action: JobAction;
  total: number;
  /** Per destination: how many letters, and whether it exists and routes. */
  destinations: Array<{ cluster: string; destination: string; count: number; exists: boolean | null; problem: string | null }>;
  /** Letters in the scope but held by another running job. */
  heldByOtherJobs: Array<{ jobId: string; jobNumber: number; count: number }>;
  /** Poison letters in the scope: left out unless includePoison. */
  poison: number;
  /** Letters not in a state this action applies to (e.g. terminate of an already-requeued letter). */
  notApplicable: number;
  /** Letters whose payload is missing (cannot be requeued). */
  payloadMissing: number;
  /** Why starting this job would be refused (a destination no job may use, or one that does not exist); null when it would start. */
  refusal: string | null;
  /** NATS: other consumers that will see a requeued message again (limits/interest streams). */
  otherConsumers: Array<{ cluster: string; subject: string; consumers: string[] }>;
  /** Above this many letters, a requeue or terminate of a filter or group needs the count typed (confirmCount). */
  confirmAbove: number;
  /** The canary the dialog offers (requeue): its default size for this many letters, and whether it is on by default. */
  canary: { size: number; defaultOn: boolean } | null;
};

/** 409 body details when letters are held by another job. */
export type HeldDetails = { jobId: string; jobNumber: number; href: string; letters: number };

export type { LetterState };

/** GET /api/dead-letters/{id}/history: every job that touched a letter, newest first. */
export type LetterHistoryEntry = { jobId: string; jobNumber: number; action: JobAction; outcome: LetterOutcome; detail: string | null; by: string; at: string };
