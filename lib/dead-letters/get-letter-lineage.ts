import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { LetterBounce, LetterDetail } from "./types";

/**
 * When the bounce died. RabbitMQ keeps one x-death entry per queue and reason and only counts a
 * repeat, so its time can be the first death, before the requeue: then the capture is the closer
 * bound. The entry's time is whole seconds, so one within a second before the requeue is this death.
 */
const DIED_AT = `CASE WHEN d."last_death_at" IS NOT NULL AND (jl."finished_at" IS NULL OR d."last_death_at" >= jl."finished_at" - interval '1 second')
  THEN d."last_death_at" ELSE d."captured_at" END`;

type Row = { letter_id: string; job_id: string; job_number: bigint | null; requeued_at: Date | null; died_at: Date; reason: string };

/**
 * Bounce lineage of one letter: the requeue it is the message of, dying again (which job, when
 * the broker took it back, how soon it died), and the letters it came back as after its own requeues.
 */
export async function getLetterLineage(prisma: PrismaClient, id: string): Promise<Pick<LetterDetail, "bouncedFrom" | "bouncedAs">> {
  const [from, as] = await Promise.all([
    prisma.$queryRawUnsafe<Row[]>(
      `SELECT d."bounced_from_letter_id"::text AS letter_id, d."bounced_from_job_id"::text AS job_id, j."number" AS job_number, jl."finished_at" AS requeued_at,
         ${DIED_AT} AS died_at, d."reason"
       FROM "dead_letters" d
       LEFT JOIN "redrive_jobs" j ON j."id" = d."bounced_from_job_id"
       LEFT JOIN "redrive_job_letters" jl ON jl."job_id" = d."bounced_from_job_id" AND jl."letter_id" = d."bounced_from_letter_id"
       WHERE d."id" = $1::uuid AND d."bounced_from_job_id" IS NOT NULL`,
      id,
    ),
    prisma.$queryRawUnsafe<Row[]>(
      `SELECT d."id"::text AS letter_id, d."bounced_from_job_id"::text AS job_id, j."number" AS job_number, NULL::timestamptz AS requeued_at,
         ${DIED_AT} AS died_at, d."reason"
       FROM "dead_letters" d LEFT JOIN "redrive_jobs" j ON j."id" = d."bounced_from_job_id"
       LEFT JOIN "redrive_job_letters" jl ON jl."job_id" = d."bounced_from_job_id" AND jl."letter_id" = d."bounced_from_letter_id"
       WHERE d."bounced_from_letter_id" = $1::uuid ORDER BY d."captured_at" DESC LIMIT 50`,
      id,
    ),
  ]);
  const f = from[0];
  const bouncedFrom: LetterBounce | null = f
    ? {
        jobId: f.job_id,
        jobNumber: f.job_number === null ? null : Number(f.job_number),
        letterId: f.letter_id,
        requeuedAt: f.requeued_at ? new Date(f.requeued_at).toISOString() : null,
        diedAt: new Date(f.died_at).toISOString(),
        reason: f.reason,
      }
    : null;
  return {
    bouncedFrom,
    bouncedAs: as.map((r) => ({
      letterId: r.letter_id,
      jobId: r.job_id,
      jobNumber: r.job_number === null ? null : Number(r.job_number),
      diedAt: new Date(r.died_at).toISOString(),
      reason: r.reason,
    })),
  };
}
