import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { AuditEntry } from "./types";

const ID = /^(job|letter):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * Readable names for the targets of a page of entries: "Job 5" for job:<uuid>, "Letter from orders · 8a0c1f2e"
 * for letter:<uuid>, "DLQ orders.dlq on c" for dlq:c///orders.dlq (cluster c, vhost "/"). Two lookups per page, whatever its size;
 * a target whose job or letter is gone keeps its raw form.
 */
export async function labelTargets(prisma: PrismaClient, entries: AuditEntry[]): Promise<AuditEntry[]> {
  const jobIds = new Set<string>();
  const letterIds = new Set<string>();
  for (const e of entries) {
    const m = e.target ? ID.exec(e.target) : null;
    if (m) (m[1]!.toLowerCase() === "job" ? jobIds : letterIds).add(m[2]!.toLowerCase());
  }
  const [jobs, letters] = await Promise.all([
    jobIds.size ? prisma.redriveJob.findMany({ where: { id: { in: [...jobIds] } }, select: { id: true, number: true, action: true } }) : [],
    letterIds.size ? prisma.deadLetter.findMany({ where: { id: { in: [...letterIds] } }, select: { id: true, source: true } }) : [],
  ]);
  const jobLabel = new Map(jobs.map((j) => [j.id, `Job ${j.number}`]));
  // The default vhost "/" makes "//orders": read as "orders". The id's start tells letters of one queue apart.
  const letterLabel = new Map(letters.map((l) => [l.id, `Letter from ${l.source.startsWith("//") ? l.source.slice(2) : l.source} · ${l.id.slice(0, 8)}`]));
  return entries.map((e) => ({ ...e, targetLabel: labelOf(e.target, jobLabel, letterLabel) }));
}

function labelOf(target: string | null, jobs: Map<string, string>, letters: Map<string, string>): string | null {
  if (!target) return null;
  const m = ID.exec(target);
  if (m) return (m[1]!.toLowerCase() === "job" ? jobs : letters).get(m[2]!.toLowerCase()) ?? null;
  // dlq:<cluster>/<vhost>/<queue>: the default vhost "/" would read "cluster//orders.dlq".
  const dlq = /^dlq:([^/]+)\/(.+)$/.exec(target);
  if (dlq) return `DLQ ${dlq[2]!.startsWith("//") ? dlq[2]!.slice(2) : dlq[2]} on ${dlq[1]}`;
  return null;
}
