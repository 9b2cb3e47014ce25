import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { renderLoad, type LoadFigures } from "../load/report";
import type { Accounting, HostileResult, LifecycleResult } from "../../tests/support/accounting";
import { ms } from "../bench/stats";

// docs/reliability.md, written from a run: the accounting lines and hostile-input answers the fault
// project recorded (tests/support/accounting.ts), and the load run's figures.

// The lines are what the accounting writes, each stamped with when it was written.
type FaultRecord = Accounting & { at: string };
type HostileRecord = HostileResult & { at: string };
type LifecycleRecord = LifecycleResult & { at: string };

export type FaultRun = {
  date: string;
  command: string;
  wallMs: number;
  exitCode: number | null;
  passed: number;
  failed: number;
  files: Array<{ file: string; ms: number; tests: Array<{ title: string; status: string; ms: number }> }>;
  records: Array<FaultRecord | HostileRecord | LifecycleRecord>;
};

// Answers can quote hostile bytes (a config of binary garbage): control characters are written as \uXXXX so the page stays text.
const cell = (s: string) =>
  s
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ")
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const outcomes = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(", ") || "–";

const SECURITY_EDGES = path.resolve(import.meta.dirname, "../../docs/figures/security-edges.md");

/** The security edges the integration and e2e tiers assert, kept beside the run's figures (see that file's header). */
function securityEdges(): string[] {
  if (!existsSync(SECURITY_EDGES)) return [];
  const body = readFileSync(SECURITY_EDGES, "utf8").replace(/^<!--[\s\S]*?-->\n/, "").trimEnd();
  return ["### Security edges", "", body, ""];
}

/** `before`: a load run made before the inbox summaries became shared reads (docs/figures/load-before-shared-reads.json). */
export function renderReliability(run: FaultRun, load: LoadFigures | null, before: LoadFigures | null = null): string {
  const faults = run.records.filter((r): r is FaultRecord => r.kind === "fault");
  const hostile = run.records.filter((r): r is HostileRecord => r.kind === "hostile");
  const lifecycle = run.records.filter((r): r is LifecycleRecord => r.kind === "lifecycle");
  const totals = faults.reduce((a, f) => ({ letters: a.letters + f.letters, lost: a.lost + f.lost, doubled: a.doubled + f.doubled, unknown: a.unknown + f.doubledUnknown, unaudited: a.unaudited + f.withoutAudit }), { letters: 0, lost: 0, doubled: 0, unknown: 0, unaudited: 0 });
  const failedTests = run.files.flatMap((f) => f.tests.filter((t) => t.status !== "passed").map((t) => `${f.file}: ${t.title} (${t.status})`));
  const out: string[] = [
    "# Reliability",
    "",
    "Operators trust Redrive with production messages only if it keeps them under failure. This page shows it does, with figures from real runs against",
    "the local RabbitMQ 3.10, NATS 2.9 (JetStream) and PostgreSQL 15: the fault scenarios and hostile inputs of the `fault` test project",
    "(`tests/fault/`, part of `npm test` and so of CI), and the load run (`npm run load`). Nothing below is typed by hand but one section: `npm run reliability`",
    "runs the suites and writes this page from what they recorded; `npm run reliability -- --no-run` re-renders it from the last results",
    "(`docs/figures/fault-results.json`) and load figures (`docs/figures/load.json`). The one exception is \"Security edges\", the answers the",
    "integration and e2e tiers assert, kept in `docs/figures/security-edges.md` beside the tests that require them.",
    "",
    `- **Fault and hostile-input run:** ${run.date}, \`${run.command}\`: ${run.passed} tests passed, ${run.failed} failed, in ${ms(run.wallMs)}`,
    load ? `- **Load run:** ${load.date}, \`${load.command}\`` : "- **Load run:** not run yet (`npm run load`)",
    `- **All fault scenarios together:** ${totals.letters.toLocaleString("en-US")} letters, **${totals.lost} lost**, **${totals.doubled - totals.unknown} doubled without an unknown outcome** (${totals.unknown} in circulation twice, every one logged as outcome unknown), **${totals.unaudited} actions without audit rows**`,
    ...(failedTests.length ? ["", "**Failed in this run:**", "", ...failedTests.map((t) => `- ${t}`)] : []),
    "",
    "## The accounting",
    "",
    "Every fault scenario ends with the same count (`tests/support/accounting.ts`), letter by letter, over the letters it started with. The scenario",
    "reads its destination queues or streams back, and the store is read as it is:",
    "",
    "- **lost** — a letter neither on the broker nor kept in the inbox (dead, or terminated with its copy kept): must be 0;",
    "- **doubled** — a letter in circulation twice: two copies on the broker, or a copy on the broker while it is still dead in the inbox (a retry would",
    "  send it again). Allowed only where the store holds an *unknown* outcome for it — the job page then tells the operator to check the",
    "  destination before retrying; any other double fails the scenario;",
    "- **without audit** — a letter on the broker with no audit intent; a done, failed or unknown outcome without its intent or outcome row; a job",
    "  without the intent and outcome of its start and of its end; a pause, resume or cancel without both rows: must be 0;",
    "- and no letter may be left pending or in flight when the scenario ends.",
    "",
    "## Fault scenarios",
    "",
    "| scenario | letters | lost | doubled (all logged unknown?) | without audit | outcomes | on the broker | time |",
    "| --- | ---: | ---: | --- | ---: | --- | ---: | ---: |",
    ...faults.map(
      (f) =>
        `| ${cell(f.scenario)} | ${f.letters} | ${f.lost} | ${f.doubled}${f.doubled ? (f.doubled === f.doubledUnknown ? " (yes)" : ` (**${f.doubled - f.doubledUnknown} not**)`) : ""} | ${f.withoutAudit} | ${outcomes(f.outcomes)} | ${f.onBroker} | ${f.seconds} s |`,
    ),
    "",
    "“On the broker” counts the copies found on the destinations; in *a letter that keeps dying* it counts the deaths that came back into the inbox.",
    "",
  ];
  for (const f of faults) {
    out.push(`### ${f.scenario}`, "", f.shows, "");
    out.push(`${f.letters} letters: ${f.lost} lost, ${f.doubled} doubled${f.doubled ? ` (${f.doubledUnknown} logged unknown)` : ""}, ${f.withoutAudit} without audit; outcomes ${outcomes(f.outcomes)}; inbox states ${outcomes(f.states)}; ${f.seconds} s.`);
    const notes = [...f.notes, ...f.problems.map((p) => `**problem:** ${p}`)];
    if (notes.length) out.push("", ...notes.map((n) => `- ${n}`));
    out.push("");
  }
  out.push(
    "## Hostile input",
    "",
    "Each input, what Redrive is meant to do with it, and what it answered in this run (`tests/fault/hostile-input.test.ts` against the brokers and",
    "the lib, `tests/fault/hostile-http.test.ts` against the built app and Chromium, `tests/fault/hostile-edges.test.ts` against the built app as",
    "`npm start` serves it: bodies, sign-in limits, refused requests, origins). The payload inputs are also requeued and accounted for above.",
    "",
    "| input | what Redrive does | what it answered |",
    "| --- | --- | --- |",
    ...hostile.map((h) => `| ${cell(h.input)} | ${cell(h.shows)} | ${cell(h.outcome)} |`),
    "",
    ...securityEdges(),
  );
  if (lifecycle.length)
    out.push(
      "## Lifecycle of the embedded store",
      "",
      `Real processes and real signals on the embedded store (\`tests/fault/lifecycle-embedded-store.test.ts\`), recorded ${lifecycle[0]!.at}.`,
      "",
      "| scenario | what it shows | what happened | time |",
      "| --- | --- | --- | ---: |",
      ...lifecycle.map((l) => `| ${cell(l.scenario)} | ${cell(l.shows)} | ${cell(l.outcome)} | ${l.seconds} s |`),
      "",
    );
  out.push(
    "## Load",
    "",
  );
  if (load)
    out.push(
      ...renderLoad(load),
      "",
      "The inbox totals (`/api/overview/dead-letters`) and cause groups (`/api/dead-letters/groups`) each scan the whole inbox; callers asking at once",
      "share one query and its answer serves them for 5 s (`lib/db/shared-read.ts`), so most of those requests are answered from the last result and",
      "their p95 is the query itself.",
      ...(before
        ? [
            "",
            `Before that change, the same load run (${before.date}, same sizes) ended with ${before.totals.load.errors.toLocaleString("en-US")} of ${before.totals.load.n.toLocaleString("en-US")} requests failing`,
            `(${((100 * before.totals.load.errors) / Math.max(1, before.totals.load.n)).toFixed(1)} %: HTTP 500, the store's connection pool giving no connection within 5 s) at ${before.totals.load.perSecond.toFixed(1)} requests/s, p50 ${ms(before.totals.load.all.p50)};`,
            "a store that cannot answer in time now also gets HTTP 503 with a sentence instead of a 500.",
          ]
        : []),
    );
  else out.push("Not run yet: `npm run load` (about 8 minutes on 2 cores; `--quick` for a small run) writes `docs/figures/load.json`.");
  out.push(
    "",
    "## The suites",
    "",
    "In `npm test` the `fault` project runs in a group of its own (vitest `sequence.groupOrder`: after the unit tier, before the one-at-a-time",
    "integration and e2e files), one file at a time, because its scenarios are timing-sensitive (a 5-minute real-time idle-queue run, broker",
    "restarts, cut proxies). RabbitMQ restarts and memory alarms run on a private RabbitMQ node the file starts (own node name, ports, data",
    "folder and cookie; `tests/support/rabbitmq-node.ts`), NATS restarts on a private `nats-server`: the suite never stops or alarms a broker",
    "someone is using. `npm run test:fault` runs it alone.",
    "",
    "| file | tests | time |",
    "| --- | ---: | ---: |",
    ...run.files.map((f) => `| \`${f.file}\` | ${f.tests.length} | ${ms(f.ms)} |`),
    `| **all** (wall clock, with start-up) | ${run.files.reduce((a, f) => a + f.tests.length, 0)} | ${ms(run.wallMs)} |`,
    "",
    "## What these suites found",
    "",
    "Each was fixed in `lib/` and is held by the scenario named:",
    "",
    "- A RabbitMQ publish still unconfirmed when its channel closed was marked **failed** (amqplib calls back with “channel closed”), so it was",
    "  offered for retry although it may have landed — now outcome unknown (*RabbitMQ restarted*, *connection cut before the confirm*).",
    "- Letters that recovery marked unknown after a runner died had an audit intent and **no outcome row** (*Redrive killed mid-job*).",
    "- With the store away after the broker confirmed, the runner gave up on the chunk and its letters became **unknown on recovery**; it now keeps",
    "  the outcomes and records them when the store is back (*PostgreSQL down after the broker confirmed*).",
    "- Under a RabbitMQ memory alarm every publish timed out into **unknown** although RabbitMQ was only holding it; the job now waits while the",
    "  connection is blocked, sends nothing new and says why (*RabbitMQ memory alarm*).",
    "- On JetStream a publish without a PubAck was **unknown** (timeout) or re-sent with no regard to the duplicate window (dropped connection, or a",
    "  dead runner's letters): it now goes again under the same `Nats-Msg-Id` only while the stream's duplicate window since the first attempt lasts,",
    "  and is unknown past it (*NATS restarted*, *retried inside / outside the duplicate window*, *connection cut before the PubAck*).",
    "- A RabbitMQ header string holding a NUL could not be stored (jsonb), which failed its whole batch and **stopped collection of that DLQ for",
    "  good**; it is now kept as base64 and written back exactly (*hostile payloads and headers*).",
    "- The job runner's lease is now renewed while a chunk awaits slow confirms, so a slow broker does not look like a dead runner to other replicas.",
    "- A JetStream death at a sequence already seen — the stream or its durable made again under the old name — was taken for a duplicate and its",
    "  advisory acked: **1 letter stored of 3** deaths. Letters are now keyed by the advisory's own id (*NATS stream and durable made again*,",
    "  *NATS durable made again*, *NATS advisories delivered again*, *NATS upgrade with an advisory in flight*).",
    "- Two installations on one NATS pulled the same capture durable and **split the dead letters** (25 of 50 each); each installation now has its",
    "  own durable, named from an id kept in its store, and another puller on it is shown (*NATS two installations*).",
    "- Identical RabbitMQ messages dying in the same second were **stored once** (1 of 5); a first delivery is now always kept, and only a",
    "  redelivery is compared by content (*RabbitMQ identical messages dying together*, *RabbitMQ crash between storing and acknowledging*).",
    "",
  );
  return out.join("\n");
}
