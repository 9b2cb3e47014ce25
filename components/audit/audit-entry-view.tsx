"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { formatAge } from "@/components/consumers/format";
import { LoadError } from "@/components/consumers/load-error";
import { formatFullLocalTime, formatLocalTime, neutraliseBidi } from "@/components/dead-letters/format";
import { JsonTree } from "@/components/dead-letters/json-tree";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { useNow } from "@/components/ui/use-now";
import { auditTarget } from "@/lib/audit/actions";
import type { AuditEntry } from "@/lib/audit/types";
import { ApiError } from "@/lib/queries/fetch-json";
import { useAuditEvent } from "@/lib/queries/use-audit-event";
import { PHASE_HINT, PHASE_LABEL, resultTone } from "./format";
import { auditEntryHref, auditHref, targetHref } from "./list-params";

const muted = "text-zinc-500 dark:text-zinc-400";

/** /audit/[id]: one entry for good — what was asked, how it went, its partner, and its place in the chain. */
export function AuditEntryView({ id }: { id: string }) {
  const q = useAuditEvent(id);
  const now = useNow(5000);
  const notFound = q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400);
  if (notFound) return <NotKnown id={id} />;
  const d = q.data;
  return (
    <div>
      {q.error ? <LoadError what="this audit entry" error={q.error} hasData={Boolean(d)} testId="audit-entry-error" /> : null}
      {!d ? (
        q.error ? null : <p className="py-6 text-sm text-zinc-500">Loading the audit entry…</p>
      ) : (
        <>
          <Header entry={d.entry} now={now} />
          <div className="mb-4 grid gap-4 lg:grid-cols-2">
            <Partners entry={d.entry} partners={d.partners} now={now} />
            <Chain entry={d.entry} />
          </div>
          <div className="grid gap-4 lg:grid-cols-2">
            <JsonCard title="Request" note="What was asked, as recorded." value={d.entry.request} testId="audit-request" />
            <JsonCard title="Detail" note="What the action reported." value={d.entry.detail} testId="audit-detail" />
          </div>
        </>
      )}
    </div>
  );
}

function Header({ entry: e, now }: { entry: AuditEntry; now: number | null }) {
  const href = targetHref(e.target);
  const trail = trailFor(e.target);
  const job = jobOf(e);
  return (
    <header className="mb-6" data-testid="audit-entry" data-audit-id={e.id} data-phase={e.phase}>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-500 dark:text-zinc-400">
        <Link href="/audit" className="hover:underline">
          Audit
        </Link>
        {" / "}#{e.id}
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere" data-testid="audit-entry-title">
          <span className="text-zinc-400 dark:text-zinc-500">#{e.id}</span> {e.action}
        </h1>
        <Badge tone="neutral" title={PHASE_HINT[e.phase]}>
          {PHASE_LABEL[e.phase]}
        </Badge>
        {e.result !== null ? (
          <Badge tone={resultTone(e.result)} data-testid="audit-entry-result">
            {e.result}
          </Badge>
        ) : null}
      </div>
      <p className={`mt-1 text-sm ${muted}`}>{PHASE_HINT[e.phase]}.</p>
      <Card className="mt-4">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-5">
          <Fact label="Recorded">
            <time dateTime={e.at} title={e.at}>
              {formatFullLocalTime(e.at)}
            </time>
            <span className={`block text-xs ${muted}`}>
              {e.at}
              {now !== null ? ` · ${formatAge(e.at, now)} ago` : ""}
            </span>
          </Fact>
          <Fact label="Actor">
            <span className="wrap-anywhere">{neutraliseBidi(e.actor)}</span>
            <span className={`block font-mono text-xs ${muted}`}>{e.address ?? "no address recorded"}</span>
          </Fact>
          <Fact label="Target" mono className="sm:col-span-2">
            {e.target === null ? (
              <span className={`font-sans ${muted}`}>none</span>
            ) : href ? (
              <Link href={href} className="underline" data-testid="audit-entry-target">
                {e.targetLabel ? <span className="font-sans font-medium">{neutraliseBidi(e.targetLabel)}</span> : e.target}
              </Link>
            ) : (
              neutraliseBidi(e.targetLabel ?? e.target)
            )}
            {e.targetLabel && e.target ? <span className={`block text-xs wrap-anywhere ${muted}`}>{neutraliseBidi(e.target)}</span> : null}
            {job && e.target !== auditTarget.job(job) ? (
              <span className="mt-1 block font-sans text-xs">
                as part of{" "}
                <Link href={`/jobs/${job}`} className="underline" data-testid="audit-entry-job">
                  job {job}
                </Link>
              </span>
            ) : null}
            {e.letters ? (
              <span className="mt-1 block font-sans text-xs" data-testid="audit-entry-chunk">
                {e.letters.count === 1 ? "1 letter" : `${e.letters.count.toLocaleString("en-US")} letters`} of this job, each named in the {e.phase === "intent" ? "request" : "detail"} below
              </span>
            ) : null}
            {trail ? (
              <Link href={trail.href} className="mt-1 block font-sans text-xs underline" data-testid="audit-entry-trail">
                {trail.label}
              </Link>
            ) : null}
          </Fact>
          <Fact label="Cluster">
            {e.cluster ?? (e.clusterId ? <span className="font-mono text-xs">{e.clusterId} <span className={`font-sans ${muted}`}>(no longer configured)</span></span> : <span className={muted}>none</span>)}
          </Fact>
        </dl>
      </Card>
    </header>
  );
}

/** The job a letter's row belongs to, as its request or detail names it. */
function jobOf(e: AuditEntry): string | null {
  for (const v of [e.request, e.detail]) {
    const j = v && typeof v === "object" ? (v as { job?: unknown }).job : undefined;
    if (typeof j === "string" && /^[0-9a-f-]{36}$/i.test(j)) return j;
  }
  return null;
}

function trailFor(target: string | null): { href: string; label: string } | null {
  if (!target) return null;
  const m = /^(letter|job):([0-9a-f-]{36})$/i.exec(target);
  if (m?.[1] === "letter") return { href: auditHref({ letter: m[2] }), label: "This letter's audit trail" };
  if (m?.[1] === "job") return { href: auditHref({ job: m[2] }), label: "This job's audit trail, its letters included" };
  return { href: auditHref({ target }), label: "Every entry for this target" };
}

function Partners({ entry: e, partners, now }: { entry: AuditEntry; partners: AuditEntry[]; now: number | null }) {
  const title = e.phase === "intent" ? "Outcome" : e.phase === "outcome" ? "Intent and outcomes" : "Related entries";
  return (
    <Card data-testid="audit-partners">
      <h2 className="text-sm font-semibold">{title}</h2>
      {e.phase === "event" ? (
        <p className={`mt-2 text-sm ${muted}`}>An event stands alone: nothing was recorded before or after it for the same action.</p>
      ) : partners.length === 0 ? (
        <p className={`mt-2 text-sm ${e.phase === "intent" ? "text-amber-800 dark:text-amber-300" : muted}`} data-testid="audit-no-partner">
          {e.phase === "intent"
            ? "No outcome recorded for this intent (yet). If the action is long over, Redrive stopped before it could record how it went: check the target."
            : "This outcome names no intent."}
        </p>
      ) : (
        <ol className="mt-2 space-y-2">
          {partners.map((p) => (
            <li key={p.id} className="text-sm" data-testid="audit-partner" data-audit-id={p.id} data-phase={p.phase}>
              <div className="flex flex-wrap items-center gap-2">
                <Link href={auditEntryHref(p.id)} className="font-medium underline-offset-2 hover:underline">
                  #{p.id} {p.action}
                </Link>
                <Badge tone="neutral" title={PHASE_HINT[p.phase]}>
                  {PHASE_LABEL[p.phase]}
                </Badge>
                {p.result !== null ? <Badge tone={resultTone(p.result)}>{p.result}</Badge> : null}
              </div>
              <p className={`mt-0.5 text-xs ${muted}`}>
                by <span className="wrap-anywhere">{neutraliseBidi(p.actor)}</span> ·{" "}
                <time dateTime={p.at} title={formatFullLocalTime(p.at)}>
                  {now === null ? "\u00a0" : `${formatLocalTime(p.at, now)} (${formatAge(p.at, now)} ago)`}
                </time>
              </p>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function Chain({ entry: e }: { entry: AuditEntry }) {
  return (
    <Card data-testid="audit-chain">
      <h2 className="text-sm font-semibold">Place in the chain</h2>
      <p className={`mt-1 text-xs ${muted}`}>
        This entry&apos;s hash covers its fields and the hash of the entry before it, so changing or removing any entry breaks every link after it.
        <code className="mx-1 font-mono">npm run audit:verify</code>recomputes them all.
      </p>
      <dl className="mt-3 space-y-2 text-sm">
        <Fact label="Hash of the entry before (prev_hash)" mono testId="audit-prev-hash">
          {e.prevHash}
        </Fact>
        <Fact label="This entry's hash" mono testId="audit-hash">
          {e.hash}
        </Fact>
      </dl>
    </Card>
  );
}

function JsonCard({ title, note, value, testId }: { title: string; note: string; value: unknown; testId: string }) {
  const empty = value === null || value === undefined || (typeof value === "object" && Object.keys(value as object).length === 0);
  return (
    <Card data-testid={testId}>
      <h2 className="text-sm font-semibold">{title}</h2>
      <p className={`text-xs ${muted}`}>{note}</p>
      <div className="mt-2 overflow-x-auto font-mono text-xs">{empty ? <span className={`font-sans text-sm ${muted}`}>{value === null || value === undefined ? "None." : "Empty."}</span> : <JsonTree value={value} />}</div>
    </Card>
  );
}

function Fact({ label, children, mono = false, testId, className = "" }: { label: string; children: ReactNode; mono?: boolean; testId?: string; className?: string }) {
  return (
    <div className={`min-w-0 ${className}`}>
      <dt className={`text-xs ${muted}`}>{label}</dt>
      <dd className={"mt-0.5 wrap-anywhere " + (mono ? "font-mono text-xs leading-5" : "")} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function NotKnown({ id }: { id: string }) {
  return (
    <div data-testid="audit-entry-not-found">
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">Audit entry not found</h1>
      <EmptyState title="The audit log has no such entry">
        There is no entry <code className="font-mono wrap-anywhere">{id}</code>. Entries are never removed, so the link is likely incomplete.{" "}
        <Link href="/audit" className="underline">
          See the whole log
        </Link>
        .
      </EmptyState>
    </div>
  );
}
