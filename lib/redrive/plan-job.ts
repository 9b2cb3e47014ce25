import "server-only";
import type { Principal } from "@/lib/auth/permissions";
import { getConfig, type RedriveConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { canarySize } from "./canary-size";
import { checkDestination, type DestinationCheck } from "./check-destination";
import { destinationRefusal } from "./destination-refusal";
import { FROM_STATE, scopeSql, type JobRequestInput } from "./job-scope";
import { ACTIVE_OUTCOMES, heldSql } from "@/lib/dead-letters/letter-hold";
import { requireRedirect } from "./require-redirect";
import { selection } from "./start-job";
import type { JobPlan } from "./types";
import { BROKER_CAPABILITIES, type BrokerKind } from "@/lib/brokers/contracts";

type Dest = { cluster: string; kind: BrokerKind; destination: string; count: bigint | number };

/** The canary a requeue of `total` letters would get by default: max(letters, percent), at most max; on by default above defaultAbove. */
function canaryOffer(total: number, c: RedriveConfig["redrive"]["canary"]): JobPlan["canary"] {
  const size = canarySize(total, c);
  return { size, defaultOn: total > c.defaultAbove && size < total };
}

/** What a job would do, touching nothing: counts, destinations and whether they exist, what is left out and why. */
export async function planJob(input: JobRequestInput, actor: Principal): Promise<JobPlan> {
  const redirect = requireRedirect(input, actor);
  if (redirect) throw redirect;
  const config = getConfig();
  const { prisma } = await getStore();
  const scope = scopeSql(input, config.redrive.poisonAfter);
  const sel = selection(input, config.redrive.poisonAfter);
  const from = `FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"`;
  const q = <T>(sql: string, ...extra: unknown[]) => prisma.$queryRawUnsafe<T[]>(sql, ...scope.params, ...extra);

  const [dests, held, counts] = await Promise.all([
    prisma.$queryRawUnsafe<Dest[]>(
      `SELECT c."name" AS cluster, d."kind"::text AS kind, d."destination", count(*) AS count ${from} WHERE ${sel.sql} AND NOT ${heldSql("d")} GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 100`,
      ...sel.params,
    ),
    prisma.$queryRawUnsafe<Array<{ job_id: string; number: bigint; n: bigint }>>(
      `SELECT h."job_id"::text AS job_id, j."number", count(*) AS n ${from}
       JOIN "redrive_job_letters" h ON h."letter_id" = d."id" AND h."outcome" IN ${ACTIVE_OUTCOMES} JOIN "redrive_jobs" j ON j."id" = h."job_id"
       WHERE ${sel.sql} GROUP BY 1, 2`,
      ...sel.params,
    ),
    q<{ poison: bigint; not_applicable: bigint; missing: bigint }>(
      `SELECT count(*) FILTER (WHERE d."redrive_count" >= ${Math.trunc(config.redrive.poisonAfter)} AND d."state" = '${FROM_STATE[input.action]}') AS poison,
              count(*) FILTER (WHERE d."state" <> '${FROM_STATE[input.action]}') AS not_applicable,
              count(*) FILTER (WHERE d."payload" IS NULL AND d."state" = '${FROM_STATE[input.action]}') AS missing
       ${from} WHERE ${scope.sql}`,
    ),
  ]);
  const effective = dests.map((d) => ({ ...d, destination: input.action === "requeue" && input.destination ? input.destination : d.destination }));
  const none: DestinationCheck = { exists: null, problem: null, forbidden: false, consumers: [] };
  const checks = input.action === "requeue" ? await Promise.all(effective.map((d) => checkDestination(d, { consumers: BROKER_CAPABILITIES[d.kind].destinationFanOut }))) : effective.map(() => none);
  const refusal = input.action === "requeue" ? destinationRefusal(effective.map((d, i) => ({ cluster: d.cluster, destination: d.destination, check: checks[i]! })), input.destination !== undefined) : null;
  const c = counts[0];
  return {
    action: input.action,
    total: effective.reduce((n, d) => n + Number(d.count), 0),
    destinations: effective.map((d, i) => ({ cluster: d.cluster, destination: d.destination, count: Number(d.count), exists: checks[i]!.exists, problem: checks[i]!.problem })),
    heldByOtherJobs: held.map((h) => ({ jobId: h.job_id, jobNumber: Number(h.number), count: Number(h.n) })),
    poison: scope.explicit || input.includePoison ? 0 : Number(c?.poison ?? 0),
    notApplicable: Number(c?.not_applicable ?? 0),
    payloadMissing: input.action === "requeue" ? Number(c?.missing ?? 0) : 0,
    refusal: refusal?.message ?? null,
    confirmAbove: config.redrive.confirmAbove,
    canary: input.action === "requeue" ? canaryOffer(effective.reduce((n, d) => n + Number(d.count), 0), config.redrive.canary) : null,
    otherConsumers: effective.flatMap((d, i) => (BROKER_CAPABILITIES[d.kind].destinationFanOut && checks[i]!.consumers.length ? [{ cluster: d.cluster, subject: d.destination, consumers: checks[i]!.consumers }] : [])),
  };
}
