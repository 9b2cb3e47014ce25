import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { insertChunkRow } from "./chunk-row-sql";
import { chunkOutcomeRow, type AuditedJob } from "./job-letter-rows";

/**
 * Outcome rows for letters a dead process left in flight, so none is left hanging in the audit
 * log: one per intent they answer (the latest intent of each letter in this job, a chunk's or a
 * per-letter one written before chunk rows), naming the letters, in letter order.
 */
export async function recordRecoveredOutcomes(prisma: PrismaClient, job: AuditedJob, letterIds: string[], result: string, detail: string): Promise<void> {
  if (letterIds.length === 0) return;
  const rows = await prisma.$queryRawUnsafe<Array<{ letter_id: string; intent_id: string | null }>>(
    `SELECT l."letter_id"::text AS letter_id, GREATEST(
       (SELECT max(al."event_id") FROM "audit_event_letters" al JOIN "audit_events" a ON a."id" = al."event_id"
         WHERE al."letter_id" = l."letter_id" AND a."phase" = 'intent' AND a."request" ->> 'job' = $1::text),
       (SELECT max(a."id") FROM "audit_events" a
         WHERE a."target" = 'letter:' || l."letter_id"::text AND a."phase" = 'intent' AND a."request" ->> 'job' = $1::text))::text AS intent_id
     FROM unnest($2::uuid[]) WITH ORDINALITY AS l("letter_id", n) ORDER BY l.n`,
    job.id,
    letterIds,
  );
  const byIntent = new Map<string | null, string[]>();
  for (const r of rows) {
    const ids = byIntent.get(r.intent_id);
    if (ids) ids.push(r.letter_id);
    else byIntent.set(r.intent_id, [r.letter_id]);
  }
  for (const [intent, ids] of byIntent) {
    const row = chunkOutcomeRow(job, intent === null ? null : BigInt(intent), ids.map((letterId) => ({ letterId, result, detail })));
    await insertChunkRow(prisma, row, ids);
  }
}
