import { appendFileSync } from "node:fs";
import { expect } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";
import { chunkLetters } from "@/lib/audit/job-letter-rows";

// The closing count of every fault scenario: for the letters it started with, what the brokers hold
// (read back by the scenario) and what the store says, letter by letter.
//
// - lost: a letter neither on a broker nor kept in the inbox (dead or terminated);
// - doubled: a letter in circulation more than once (on the broker twice, or on the broker and still
//   dead in the inbox where a later requeue would send it again) — allowed only where the store holds
//   an "unknown" outcome for it, which tells the operator to check before retrying;
// - without audit: a letter the broker got, or a job outcome the store holds, with no intent row, or
//   a settled outcome with no outcome row; and every job's and control's intent and outcome;
// - and no letter held by two jobs at once (two pending or in-flight job-letter rows).
//
// Each result is printed, and appended as a JSON line to $REDRIVE_RELIABILITY_OUT when it is set
// (scripts/reliability runs the suites with it and writes docs/reliability.md from the lines).

export type Accounting = {
  kind: "fault";
  scenario: string;
  /** One sentence: what the scenario shows. */
  shows: string;
  letters: number;
  lost: number;
  doubled: number;
  /** Of `doubled`: letters whose outcome was logged as unknown (the operator is told to check). */
  doubledUnknown: number;
  withoutAudit: number;
  /** Letters a job still holds pending or in flight when the scenario ends. */
  unsettled: number;
  outcomes: Record<string, number>;
  states: Record<string, number>;
  /** Broker copies found of the scenario's letters. */
  onBroker: number;
  seconds: number;
  /** What broke a promise, letter by letter (empty when all is accounted for). */
  problems: string[];
  /** What the scenario observed on the way (the messages an operator saw, timings). */
  notes: string[];
};

export type HostileResult = { kind: "hostile"; input: string; shows: string; outcome: string; seconds: number };
/** A lifecycle scenario whose promise is not about letters (the embedded store's owner, its rows under SIGKILL). */
export type LifecycleResult = { kind: "lifecycle"; scenario: string; shows: string; outcome: string; seconds: number };

function record(line: Accounting | HostileResult | LifecycleResult): void {
  const out = process.env.REDRIVE_RELIABILITY_OUT;
  if (out) appendFileSync(out, JSON.stringify({ ...line, at: new Date().toISOString() }) + "\n");
}

export type AccountInput = {
  scenario: string;
  shows: string;
  prisma: PrismaClient;
  letterIds: string[];
  /** Broker copies of each letter, keyed as `keyOf` keys letters (default: the message id). */
  copies: Map<string, number>;
  keyOf?: (l: { id: string; messageId: string | null }) => string;
  startedAt: number;
  notes?: string[];
};

export async function account(input: AccountInput): Promise<Accounting> {
  const p = input.prisma;
  const keyOf = input.keyOf ?? ((l) => l.messageId ?? l.id);
  const letters = await p.deadLetter.findMany({ where: { id: { in: input.letterIds } }, select: { id: true, messageId: true, state: true } });
  const jobLetters = await p.redriveJobLetter.findMany({ where: { letterId: { in: input.letterIds } }, select: { jobId: true, letterId: true, outcome: true, detail: true } });
  const jobIds = [...new Set(jobLetters.map((j) => j.jobId))];
  const jobs = await p.redriveJob.findMany({ where: { id: { in: jobIds } }, select: { id: true, action: true, state: true } });
  const letterAudit = await letterAuditRows(p, input.letterIds);
  const jobAudit = await p.auditEvent.findMany({ where: { target: { in: jobIds.map((id) => `job:${id}`) } }, select: { target: true, phase: true, result: true, action: true } });

  const unknownLetters = new Set(jobLetters.filter((j) => j.outcome === "unknown").map((j) => j.letterId));
  const intents = new Set<string>();
  const outcomes = new Set<string>();
  for (const a of letterAudit) {
    if (a.phase === "intent") intents.add(`${a.job}:${a.letterId}`);
    else outcomes.add(`${a.job}:${a.letterId}:${a.result}`);
  }
  const intentFor = (id: string) => [...intents].some((k) => k.endsWith(`:${id}`));

  let lost = 0;
  let doubled = 0;
  let doubledUnknown = 0;
  let withoutAudit = 0;
  let onBroker = 0;
  const states: Record<string, number> = {};
  const notes = [...(input.notes ?? [])];
  const problems: string[] = [];
  const found = new Set(letters.map((l) => l.id));
  for (const id of input.letterIds) if (!found.has(id)) (lost++, problems.push(`letter ${id} is gone from the store`));
  for (const l of letters) {
    states[l.state] = (states[l.state] ?? 0) + 1;
    const copies = input.copies.get(keyOf(l)) ?? 0;
    onBroker += copies;
    const kept = l.state === "dead" || l.state === "terminated" ? 1 : 0;
    // A terminated letter is closed out on purpose; only a dead one would be sent again.
    const circulating = copies + (l.state === "dead" ? 1 : 0);
    if (copies + kept === 0) (lost++, problems.push(`${keyOf(l)}: ${l.state} in the store, not on the broker`));
    if (circulating > 1) {
      doubled++;
      if (unknownLetters.has(l.id)) doubledUnknown++;
      else problems.push(`${keyOf(l)}: ${copies} on the broker, ${l.state} in the store, no unknown outcome`);
    }
    if (copies > 0 && !intentFor(l.id)) (withoutAudit++, problems.push(`${keyOf(l)}: on the broker with no audit intent`));
  }
  const outcomeCounts: Record<string, number> = {};
  let unsettled = 0;
  // What the operator reads for each outcome that is not plain "done" (one example per outcome).
  const seen = new Set<string>();
  for (const j of jobLetters) {
    if (!["done", "pending", "in_flight"].includes(j.outcome) && !seen.has(j.outcome)) {
      seen.add(j.outcome);
      notes.push(`${j.outcome}: ${j.detail ?? "(no detail)"}`);
    }
    outcomeCounts[j.outcome] = (outcomeCounts[j.outcome] ?? 0) + 1;
    if (j.outcome === "pending" || j.outcome === "in_flight") unsettled++;
    if (["done", "failed", "unknown"].includes(j.outcome)) {
      if (!intents.has(`${j.jobId}:${j.letterId}`)) (withoutAudit++, problems.push(`job ${j.jobId} letter ${j.letterId}: ${j.outcome} with no intent row`));
      if (!outcomes.has(`${j.jobId}:${j.letterId}:${j.outcome}`)) (withoutAudit++, problems.push(`job ${j.jobId} letter ${j.letterId}: ${j.outcome} with no outcome row`));
    }
  }
  // A letter is held by the job whose row for it is pending or in flight: never by two at once.
  const holders = new Map<string, string[]>();
  for (const j of jobLetters) if (j.outcome === "pending" || j.outcome === "in_flight") holders.set(j.letterId, [...(holders.get(j.letterId) ?? []), j.jobId]);
  for (const [letterId, by] of holders) if (by.length > 1) problems.push(`letter ${letterId}: held by ${by.length} jobs at once (${by.join(", ")})`);
  for (const job of jobs) {
    const rows = jobAudit.filter((a) => a.target === `job:${job.id}` && a.action === `job.${job.action}`);
    if (!rows.some((a) => a.phase === "intent")) (withoutAudit++, problems.push(`job ${job.id}: no intent row`));
    if (!rows.some((a) => a.phase === "outcome" && a.result === "ok")) (withoutAudit++, problems.push(`job ${job.id}: no outcome row for its start`));
    if (["completed", "cancelled"].includes(job.state) && !rows.some((a) => a.phase === "outcome" && a.result === job.state)) (withoutAudit++, problems.push(`job ${job.id}: ${job.state} with no outcome row`));
    // Every control (pause, resume, cancel) has its intent and outcome too. (The job's chunk rows,
    // letter.<action> on target job:<id>, were counted letter by letter above.)
    const controls = jobAudit.filter((a) => a.target === `job:${job.id}` && a.action.startsWith("job.") && a.action !== `job.${job.action}`);
    const byAction = new Map<string, { intent: number; outcome: number }>();
    for (const c of controls) {
      const e = byAction.get(c.action) ?? { intent: 0, outcome: 0 };
      e[c.phase === "intent" ? "intent" : "outcome"]++;
      byAction.set(c.action, e);
    }
    for (const [action, e] of byAction) if (e.intent !== e.outcome) (withoutAudit++, problems.push(`job ${job.id}: ${action} has ${e.intent} intents and ${e.outcome} outcomes`));
  }

  const result: Accounting = {
    kind: "fault",
    scenario: input.scenario,
    shows: input.shows,
    letters: input.letterIds.length,
    lost,
    doubled,
    doubledUnknown,
    withoutAudit,
    unsettled,
    outcomes: outcomeCounts,
    states,
    onBroker,
    seconds: Math.round((Date.now() - input.startedAt) / 100) / 10,
    problems,
    notes,
  };
  console.log(formatAccounting(result));
  record(result);
  return result;
}

/** One letter's intent or outcome as the audit log records it, whichever form the row takes. */
export type LetterAuditRow = { letterId: string; job: string | undefined; phase: string; result: string | null; action: string };

/**
 * Every audit row about these letters, one entry per letter it names: rows whose target is the
 * letter (single actions, and per-letter job rows), and a job's chunk rows (target job:<id>) that
 * audit_event_letters points the letter to — counted only where the row itself names the letter,
 * with that letter's own result.
 */
export async function letterAuditRows(p: PrismaClient, letterIds: string[]): Promise<LetterAuditRow[]> {
  const wanted = new Set(letterIds);
  const out: LetterAuditRow[] = [];
  const jobOf = (phase: string, request: unknown, detail: unknown) => (phase === "intent" ? (request as { job?: string }).job : (detail as { job?: string } | null)?.job);
  const own = await p.auditEvent.findMany({
    where: { target: { in: letterIds.map((id) => `letter:${id}`) } },
    select: { target: true, phase: true, result: true, request: true, detail: true, action: true },
  });
  for (const a of own) out.push({ letterId: a.target!.slice("letter:".length), job: jobOf(a.phase, a.request, a.detail), phase: a.phase, result: a.result, action: a.action });
  const links = await p.auditEventLetter.findMany({ where: { letterId: { in: letterIds } }, select: { eventId: true } });
  const chunks = await p.auditEvent.findMany({ where: { id: { in: [...new Set(links.map((l) => l.eventId))] } }, select: { phase: true, result: true, request: true, detail: true, action: true } });
  for (const a of chunks) {
    for (const l of chunkLetters(a.phase, a.request, a.detail) ?? []) {
      if (!wanted.has(l.id)) continue;
      out.push({ letterId: l.id, job: jobOf(a.phase, a.request, a.detail), phase: a.phase, result: a.phase === "outcome" ? (l.result ?? null) : null, action: a.action });
    }
  }
  return out;
}

/** How many letter intents of `action` the audit log holds for these letters (a letter with two intents counts twice). */
export async function countLetterIntents(p: PrismaClient, letterIds: string[], action: string): Promise<number> {
  return (await letterAuditRows(p, letterIds)).filter((a) => a.phase === "intent" && a.action === action).length;
}

export function formatAccounting(a: Accounting): string {
  const outcomes = Object.entries(a.outcomes).map(([k, v]) => `${k} ${v}`).join(", ");
  return (
    `accounting: ${a.scenario}: ${a.letters} letters — ${a.lost} lost, ${a.doubled} doubled` +
    (a.doubled ? ` (${a.doubledUnknown} logged unknown)` : "") +
    `, ${a.withoutAudit} without audit; outcomes: ${outcomes || "none"}; on the broker: ${a.onBroker}; ${a.seconds} s` +
    [...a.problems.map((x) => `\n  problem: ${x}`), ...a.notes.map((x) => `\n  note: ${x}`)].join("")
  );
}

/** The promise every scenario ends with: nothing lost, nothing doubled that is not logged unknown, everything audited and settled. */
export function expectAccountedFor(a: Accounting): void {
  expect({ lost: a.lost, doubledNotLoggedUnknown: a.doubled - a.doubledUnknown, withoutAudit: a.withoutAudit, unsettled: a.unsettled, problems: a.problems }).toEqual({
    lost: 0,
    doubledNotLoggedUnknown: 0,
    withoutAudit: 0,
    unsettled: 0,
    problems: [],
  });
}

/** Records one hostile input and the message (or result) it got. */
export function recordHostile(input: string, shows: string, outcome: string, startedAt: number): void {
  const line: HostileResult = { kind: "hostile", input, shows, outcome, seconds: Math.round((Date.now() - startedAt) / 100) / 10 };
  console.log(`hostile: ${input}: ${outcome}`);
  record(line);
}

/** Records a lifecycle scenario that moves no letters (its own assertions are the point), as a row of the fault table. */
export function recordObservation(scenario: string, shows: string, notes: string[], startedAt: number): void {
  const line: Accounting = { kind: "fault", scenario, shows, letters: 0, lost: 0, doubled: 0, doubledUnknown: 0, withoutAudit: 0, unsettled: 0, outcomes: {}, states: {}, onBroker: 0, seconds: Math.round((Date.now() - startedAt) / 100) / 10, problems: [], notes };
  console.log(`observation: ${scenario}${notes.map((n) => `\n  note: ${n}`).join("")}`);
  record(line);
}

/** Records one lifecycle scenario and what it observed. */
export function recordLifecycle(r: Omit<LifecycleResult, "kind">): void {
  console.log(`lifecycle: ${r.scenario}: ${r.outcome}`);
  record({ kind: "lifecycle", ...r });
}
