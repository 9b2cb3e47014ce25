import "server-only";
import { jetstreamManager } from "@nats-io/jetstream";
import { getBrokers } from "@/lib/brokers/get-brokers";
import type { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import type { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { getConfig } from "@/lib/config";
import { splitQueueId } from "@/lib/dead-letters/rabbitmq/queue-id";
import { topicMatches } from "@/lib/dead-letters/rabbitmq/topic-match";
import { getStore } from "@/lib/db/get-store";
import { AppError, describeError, isAppError } from "@/lib/errors";
import { FROM_STATE, scopeSql, type JobRequestInput } from "./job-scope";
import { selection } from "./start-job";
import type { JobPlan } from "./types";

type Dest = { cluster: string; kind: "nats" | "rabbitmq"; destination: string; count: bigint | number };

/** NATS subjects use "*" and ">" where AMQP topics use "*" and "#". */
const natsMatches = (filter: string, subject: string) => filter === "" || topicMatches(filter.replace(/>$/, "#"), subject);

async function checkDestination(d: Dest): Promise<{ exists: boolean | null; problem: string | null; consumers: string[] }> {
  // By kind, not instanceof: the shared brokers may come from another bundle of the same class.
  const broker = getBrokers().find((b) => b.name === d.cluster);
  try {
    if (broker?.kind === "rabbitmq") {
      const rabbit = broker as RabbitBroker;
      const { vhost, queue } = splitQueueId(d.destination);
      try {
        await rabbit.management.get(`/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`);
        return { exists: true, problem: null, consumers: [] };
      } catch (e) {
        if (isAppError(e) && (e.details as { status?: number } | undefined)?.status === 404) {
          return { exists: false, problem: `no queue "${queue}" in vhost ${vhost}: these letters would stay dead (NO_ROUTE)`, consumers: [] };
        }
        throw e;
      }
    }
    if (broker?.kind === "nats") {
      const jsm = await jetstreamManager(await (broker as NatsBroker).natsConnection());
      const stream = await jsm.streams.find(d.destination).catch(() => null);
      if (!stream) return { exists: false, problem: `no stream captures subject ${d.destination}: these letters would fail`, consumers: [] };
      const info = await jsm.streams.info(stream);
      const consumers: string[] = [];
      if (info.config.retention !== "workqueue") {
        for await (const c of jsm.consumers.list(stream)) if (natsMatches(c.config.filter_subject ?? "", d.destination)) consumers.push(c.name);
      }
      return { exists: true, problem: null, consumers };
    }
    return { exists: null, problem: `cluster ${d.cluster} is no longer in the configuration`, consumers: [] };
  } catch (e) {
    return { exists: null, problem: `could not check: ${describeError(e)}`, consumers: [] };
  }
}

/** What a job would do, touching nothing: counts, destinations and whether they exist, what is left out and why. */
export async function planJob(input: JobRequestInput): Promise<JobPlan> {
  const config = getConfig();
  const { prisma } = await getStore();
  const scope = scopeSql(input, config.redrive.poisonAfter);
  const sel = selection(input, config.redrive.poisonAfter);
  const from = `FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id"`;
  const q = <T>(sql: string, ...extra: unknown[]) => prisma.$queryRawUnsafe<T[]>(sql, ...scope.params, ...extra);

  const [dests, held, counts] = await Promise.all([
    prisma.$queryRawUnsafe<Dest[]>(
      `SELECT c."name" AS cluster, d."kind"::text AS kind, d."destination", count(*) AS count ${from} WHERE ${sel.sql} AND d."job_id" IS NULL GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 100`,
      ...sel.params,
    ),
    prisma.$queryRawUnsafe<Array<{ job_id: string; number: bigint; n: bigint }>>(
      `SELECT d."job_id"::text AS job_id, j."number", count(*) AS n ${from} JOIN "redrive_jobs" j ON j."id" = d."job_id" WHERE ${sel.sql} GROUP BY 1, 2`,
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
  const checks = input.action === "requeue" ? await Promise.all(effective.map(checkDestination)) : effective.map(() => ({ exists: null, problem: null, consumers: [] as string[] }));
  const c = counts[0];
  return {
    action: input.action,
    total: effective.reduce((n, d) => n + Number(d.count), 0),
    destinations: effective.map((d, i) => ({ cluster: d.cluster, destination: d.destination, count: Number(d.count), exists: checks[i]!.exists, problem: checks[i]!.problem })),
    heldByOtherJobs: held.map((h) => ({ jobId: h.job_id, jobNumber: Number(h.number), count: Number(h.n) })),
    poison: scope.explicit || input.includePoison ? 0 : Number(c?.poison ?? 0),
    notApplicable: Number(c?.not_applicable ?? 0),
    payloadMissing: input.action === "requeue" ? Number(c?.missing ?? 0) : 0,
    otherConsumers: effective.flatMap((d, i) => (d.kind === "nats" && checks[i]!.consumers.length ? [{ cluster: d.cluster, subject: d.destination, consumers: checks[i]!.consumers }] : [])),
  };
}
