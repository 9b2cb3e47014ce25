import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * Outcome rows for letters a dead process left in flight, each naming the latest intent of that
 * letter in this job, so none is left hanging in the audit log. One statement, in letter order;
 * the action ("letter.<the job's action>") and the actor are the job's own.
 */
export async function recordRecoveredOutcomes(prisma: PrismaClient, jobId: string, letterIds: string[], result: string, detail: string): Promise<void> {
  if (letterIds.length === 0) return;
  await prisma.$executeRawUnsafe(
    `INSERT INTO "audit_events" ("actor", "action", "phase", "intent_id", "target", "request", "result", "detail")
     SELECT j."created_by", 'letter.' || j."action", 'outcome', i."id", 'letter:' || l."letter_id", '{}', $3, jsonb_build_object('job', j."id"::text, 'detail', $4::text)
     FROM unnest($2::uuid[]) WITH ORDINALITY AS l("letter_id", n) JOIN "redrive_jobs" j ON j."id" = $1::uuid
     LEFT JOIN LATERAL (SELECT a."id" FROM "audit_events" a WHERE a."target" = 'letter:' || l."letter_id" AND a."phase" = 'intent' AND a."request" ->> 'job' = $5::text ORDER BY a."id" DESC LIMIT 1) i ON TRUE
     ORDER BY l.n`,
    jobId,
    letterIds,
    result,
    detail,
    jobId,
  );
}
