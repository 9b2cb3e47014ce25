// The audit page's filters as URL query parameters, both ways, so a link from a letter, a job, a
// runbook or a chat message shows exactly what was seen. Values from the URL are untrusted:
// unknown ones drop, times are normalised to ISO.

import { AUDIT_PHASES, type AuditPhase } from "@/lib/audit/types";
import { UUID_PATTERN, type AuditLogFilters } from "@/lib/audit/audit-list-params";

type ParamsLike = { get(name: string): string | null };

export const EMPTY_AUDIT_FILTERS: AuditLogFilters = { phases: [] };

function text(sp: ParamsLike, name: string): string | undefined {
  return sp.get(name)?.trim() || undefined;
}

function iso(v: string | null): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function uuid(v: string | undefined): string | undefined {
  return v && UUID_PATTERN.test(v) ? v.toLowerCase() : undefined;
}

export function parseAuditParams(sp: ParamsLike): AuditLogFilters {
  const wanted = new Set((sp.get("phase") ?? "").split(",").map((s) => s.trim().toLowerCase()));
  const phases: AuditPhase[] = AUDIT_PHASES.filter((p) => wanted.has(p));
  let from = iso(sp.get("from"));
  let to = iso(sp.get("to"));
  if (from && to && Date.parse(from) > Date.parse(to)) from = to = undefined;
  return {
    actor: text(sp, "actor"),
    action: text(sp, "action"),
    cluster: text(sp, "cluster"),
    target: text(sp, "target"),
    letter: uuid(text(sp, "letter")),
    job: uuid(text(sp, "job")),
    phases,
    result: text(sp, "result"),
    from,
    to,
  };
}

/** The query string for some filters, empty ones left out. No leading "?". */
export function auditParamsToQuery(f: AuditLogFilters): string {
  const p = new URLSearchParams();
  if (f.actor?.trim()) p.set("actor", f.actor.trim());
  if (f.action?.trim()) p.set("action", f.action.trim());
  if (f.cluster?.trim()) p.set("cluster", f.cluster.trim());
  if (f.target?.trim()) p.set("target", f.target.trim());
  if (f.letter) p.set("letter", f.letter);
  if (f.job) p.set("job", f.job);
  if (f.phases.length) p.set("phase", AUDIT_PHASES.filter((x) => f.phases.includes(x)).join(","));
  if (f.result?.trim()) p.set("result", f.result.trim());
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  return p.toString();
}

export function hasAuditFilters(f: AuditLogFilters): boolean {
  return Boolean(f.actor || f.action || f.cluster || f.target || f.letter || f.job || f.phases.length || f.result || f.from || f.to);
}

/** The audit log narrowed by some filters: /audit?letter=<id>, /audit?job=<id>, … */
export function auditHref(filters: Partial<AuditLogFilters> = {}): string {
  const qs = auditParamsToQuery({ ...EMPTY_AUDIT_FILTERS, ...filters });
  return qs ? `/audit?${qs}` : "/audit";
}

export function auditEntryHref(id: string): string {
  return `/audit/${encodeURIComponent(id)}`;
}

/** Where a target lives in Redrive, when it has a page: letter:<id> and job:<id>. */
export function targetHref(target: string | null): string | null {
  if (!target) return null;
  const m = /^(letter|job):([0-9a-f-]{36})$/i.exec(target);
  if (!m) return null;
  return m[1]!.toLowerCase() === "letter" ? `/dead-letters/${m[2]}` : `/jobs/${m[2]}`;
}
