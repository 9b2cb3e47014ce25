import "server-only";
import { lastSampled } from "@/lib/health/last-sampled";
import { Counter, Gauge, Registry } from "prom-client";
import { getStore } from "@/lib/db/get-store";
import { lastCaptures } from "@/lib/dead-letters/last-captures";
import { listDlqFlows } from "@/lib/dead-letters/list-dlq-flows";
import { LETTER_STATES } from "@/lib/dead-letters/types";
import { HEALTH_STATES } from "@/lib/health/types";
import { countsOf } from "@/lib/redrive/get-job";
import { JOB_STATES, LETTER_OUTCOMES } from "@/lib/redrive/types";
import { getProcessMetrics } from "./process-metrics";
import { BROKER_CAPABILITIES } from "@/lib/brokers/contracts";

// /api/metrics: the figures the pages show, read from the same store rows at scrape time, in a
// registry made afresh for each scrape (so a deleted consumer or a finished job simply disappears),
// merged with this process's own counters. Labels are names and ids Redrive already shows — cluster,
// vhost or stream, queue or consumer, state — never anything taken from a message.

const ACTIVE_JOB_STATES = ["running", "paused", "cancelling"];
const seconds = (d: Date) => d.getTime() / 1000;

const holder = globalThis as typeof globalThis & { __redriveMetricsRender?: Promise<{ contentType: string; text: string }> };

/** The metrics text. Scrapes that arrive while one is being rendered (an HA pair of Prometheus servers) share it. */
export function renderMetrics(): Promise<{ contentType: string; text: string }> {
  holder.__redriveMetricsRender ??= buildMetrics(new Date()).finally(() => {
    holder.__redriveMetricsRender = undefined;
  });
  return holder.__redriveMetricsRender;
}

async function buildMetrics(now: Date): Promise<{ contentType: string; text: string }> {
  const { prisma } = await getStore();
  const r = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers: [r] });

  const [consumers, clusters, letters, lastHour, lastCapture, flows, jobs, activeJobs, incidents, deliveries] = await Promise.all([
    prisma.consumer.findMany({
      where: { goneAt: null },
      // Only what is served: a consumer's config and sparkline are large and not metrics.
      select: {
        id: true, kind: true, parent: true, name: true, state: true, stateSince: true, backlog: true, pending: true, inFlight: true, inFlightLimit: true,
        consumerCount: true, ackRate: true, deliverRate: true, inflowRate: true, redeliverRate: true, etaSeconds: true, lastSampledAt: true, goneAt: true, cluster: { select: { name: true, lastSampledAt: true } },
        oldestAgeSeconds: true, oldestAgeEstimated: true, findings: true,
      },
      orderBy: [{ clusterId: "asc" }, { key: "asc" }],
    }),
    prisma.cluster.findMany({ orderBy: { name: "asc" } }),
    prisma.$queryRawUnsafe<Array<{ cluster: string; state: string; n: bigint }>>(
      // From the cause groups' counts (kept exact by triggers), not a count of every letter.
      `SELECT c."name" AS cluster, g."state", sum(g."letters")::bigint AS n FROM "dead_letter_group_counts" g JOIN "clusters" c ON c."id" = g."cluster_id" GROUP BY 1, 2`,
    ),
    prisma.deadLetter.count({ where: { capturedAt: { gte: new Date(now.getTime() - 3_600_000) } } }),
    lastCaptures(prisma),
    listDlqFlows(now),
    prisma.redriveJob.groupBy({ by: ["state"], _count: { _all: true } }),
    prisma.redriveJob.findMany({ where: { state: { in: ACTIVE_JOB_STATES } }, orderBy: { number: "asc" } }),
    prisma.notificationIncident.groupBy({ by: ["ruleName"], where: { status: "firing" }, _count: { _all: true } }),
    prisma.notificationDelivery.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);

  // Clusters and the sampler, as last stored.
  const up = gauge("redrive_cluster_up", "1 when the broker answered the last reachability check.", ["cluster", "kind"]);
  const sweptAt = gauge("redrive_sampler_last_sweep_timestamp_seconds", "When the sampler last read every consumer of the cluster.", ["cluster"]);
  const sweepMs = gauge("redrive_sampler_last_sweep_duration_seconds", "How long the cluster's last sweep took.", ["cluster"]);
  const sweepOk = gauge("redrive_sampler_last_sweep_ok", "1 when the cluster's last sweep succeeded, 0 when it failed.", ["cluster"]);
  const sweepLag = gauge("redrive_sampler_lag_seconds", "Seconds since the cluster was last swept successfully.", ["cluster"]);
  for (const c of clusters) {
    up.set({ cluster: c.name, kind: c.kind }, c.reachable ? 1 : 0);
    if (c.lastSampledAt) {
      sweptAt.set({ cluster: c.name }, seconds(c.lastSampledAt));
      sweepLag.set({ cluster: c.name }, Math.max(0, (now.getTime() - c.lastSampledAt.getTime()) / 1000));
    }
    if (c.lastSampleMs !== null) sweepMs.set({ cluster: c.name }, c.lastSampleMs / 1000);
    if (c.lastSampledAt || c.lastSampleError) sweepOk.set({ cluster: c.name }, c.lastSampleError ? 0 : 1);
  }

  // Consumers: the numbers of the Consumers page, from the same rows.
  const L = ["cluster", "kind", "parent", "name", "consumer_id"] as const;
  const backlog = gauge("redrive_consumer_backlog", "Messages not yet delivered plus delivered and unacknowledged.", L);
  const pending = gauge("redrive_consumer_pending", "Messages not yet delivered.", L);
  const inFlight = gauge("redrive_consumer_in_flight", "Messages delivered and not yet acknowledged.", L);
  const inFlightLimit = gauge("redrive_consumer_in_flight_limit", "The most that may be in flight (max_ack_pending, or the consumers' prefetch).", L);
  const count = gauge("redrive_consumer_consumers", "Consumers attached (RabbitMQ) or waiting pulls / bound push consumer (NATS).", L);
  const ackRate = gauge("redrive_consumer_acks_per_second", "Acknowledged messages per second over the last sampling interval.", L);
  const deliverRate = gauge("redrive_consumer_deliveries_per_second", "Deliveries per second over the last sampling interval.", L);
  const inflowRate = gauge("redrive_consumer_inflow_per_second", "Arrivals per second over the last sampling interval.", L);
  const redeliverRate = gauge("redrive_consumer_redeliveries_per_second", "Redeliveries per second over the last sampling interval.", L);
  const eta = gauge("redrive_consumer_time_to_drain_seconds", "Backlog divided by the net drain rate; absent when not draining.", L);
  const oldest = gauge("redrive_consumer_oldest_message_age_seconds", "Age of the oldest waiting message, as the broker tells it (time lag); absent when none waits or the broker does not tell it.", L);
  const oldestEstimate = gauge(
    "redrive_consumer_oldest_message_age_estimate_seconds",
    "Estimated age of the oldest waiting message (backlog divided by ack rate), where the broker does not tell it.",
    L,
  );
  const findings = gauge("redrive_consumer_findings", "Silent-stuck findings holding now (pinned at the ack limit, redelivery loop, unserved pulls, unbound push, prefetch 0, stuck active consumer).", L);
  const state = gauge("redrive_consumer_state", `1, labelled with the consumer's current health state (${HEALTH_STATES.join(", ")}).`, [...L, "state"]);
  const since = gauge("redrive_consumer_state_since_timestamp_seconds", "When the consumer entered its current state.", L);
  const sampled = gauge("redrive_consumer_last_sample_timestamp_seconds", "When the consumer was last sampled.", L);
  for (const c of consumers) {
    const l = { cluster: c.cluster.name, kind: c.kind, parent: c.parent, name: c.name, consumer_id: c.id };
    backlog.set(l, Number(c.backlog));
    pending.set(l, Number(c.pending));
    inFlight.set(l, Number(c.inFlight));
    if (c.inFlightLimit !== null) inFlightLimit.set(l, c.inFlightLimit);
    count.set(l, c.consumerCount);
    if (c.ackRate !== null) ackRate.set(l, c.ackRate);
    if (c.deliverRate !== null) deliverRate.set(l, c.deliverRate);
    if (c.inflowRate !== null) inflowRate.set(l, c.inflowRate);
    if (c.redeliverRate !== null) redeliverRate.set(l, c.redeliverRate);
    if (c.etaSeconds !== null) eta.set(l, c.etaSeconds);
    if (c.oldestAgeSeconds !== null) (c.oldestAgeEstimated ? oldestEstimate : oldest).set(l, c.oldestAgeSeconds);
    findings.set(l, Array.isArray(c.findings) ? c.findings.length : 0);
    state.set({ ...l, state: c.state }, 1);
    since.set(l, seconds(c.stateSince));
    const at = lastSampled(c, c.cluster.lastSampledAt);
    if (at) sampled.set(l, seconds(at));
  }

  // DLQs, their inflow, and how far collection is behind.
  const D = ["cluster", "kind", "dlq", "dlq_id"] as const;
  const depth = gauge("redrive_dlq_depth", "Messages in the DLQ on the broker, as last discovered.", D);
  const inflow = gauge("redrive_dlq_inflow_per_minute", "Dead letters arriving per minute.", D);
  const adopted = gauge("redrive_dlq_adopted", "1 when Redrive collects from this DLQ.", D);
  const problem = gauge("redrive_dlq_problem", "1 when the DLQ has a problem (gone, cannot be consumed, capture disabled).", D);
  const lag = gauge("redrive_collector_lag_messages", "Dead letters waiting on the broker to be collected into the inbox.", D);
  const collected = new Counter({ name: "redrive_dlq_collected_total", help: "Letters Redrive has collected from this DLQ.", labelNames: D, registers: [r] });
  for (const f of flows) {
    const l = { cluster: f.cluster, kind: f.kind, dlq: f.name, dlq_id: f.id };
    if (f.depth !== null) depth.set(l, f.depth);
    if (f.inflowPerMinute !== null) inflow.set(l, f.inflowPerMinute);
    adopted.set(l, f.adopted ? 1 : 0);
    problem.set(l, f.problem ? 1 : 0);
    if (f.collectorLag !== null) lag.set(l, f.collectorLag);
    collected.inc(l, f.collected);
  }
  const dropping = gauge("redrive_dead_letters_dropped_source", "1 for each queue whose dead-letter exchange is missing or routes nowhere: its dead letters are dropped.", ["cluster", "source"]);
  for (const c of clusters) {
    const problems = Array.isArray(c.deadLetterProblems) ? (c.deadLetterProblems as Array<{ source: string }>) : [];
    // Dropped sources are found by discovery, on kinds whose dead-letter sources are adoptable (RabbitMQ DLX routing).
    if (BROKER_CAPABILITIES[c.kind].adoptableDeadLetterSources) for (const p of problems) dropping.set({ cluster: c.name, source: p.source }, 1);
  }

  // The inbox: the Overview's and the Dead letters page's counts.
  const inbox = gauge("redrive_inbox_letters", "Letters in Redrive's inbox, by cluster and state (dead, requeued, terminated).", ["cluster", "state"]);
  for (const c of clusters) for (const s of LETTER_STATES) inbox.set({ cluster: c.name, state: s }, 0);
  for (const row of letters) inbox.set({ cluster: row.cluster, state: row.state }, Number(row.n));
  gauge("redrive_inbox_letters_last_hour", "Letters captured in the last hour.", []).set(lastHour);
  const captured = gauge("redrive_collector_last_capture_timestamp_seconds", "When the cluster's last dead letter was stored in the inbox.", ["cluster"]);
  for (const c of clusters) {
    const at = lastCapture.get(c.id);
    if (at) captured.set({ cluster: c.name }, seconds(at));
  }

  // Redrive jobs: how many in each state; progress of the unfinished ones.
  const jobStates = gauge("redrive_jobs", "Redrive jobs by state.", ["state"]);
  for (const s of JOB_STATES) jobStates.set({ state: s }, jobs.find((j) => j.state === s)?._count._all ?? 0);
  const J = ["job_id", "job_number", "action", "state"] as const;
  const jobTotal = gauge("redrive_job_letters_total", "Letters in an unfinished job.", J);
  const jobLetters = gauge("redrive_job_letters", "Letters of an unfinished job by outcome so far.", [...J, "outcome"]);
  const counts = await countsOf(activeJobs);
  for (const j of activeJobs) {
    const l = { job_id: j.id, job_number: String(j.number), action: j.action, state: j.state };
    jobTotal.set(l, j.total);
    const c = counts.get(j.id);
    for (const o of LETTER_OUTCOMES) jobLetters.set({ ...l, outcome: o }, c?.[o] ?? 0);
  }

  // Notifications.
  const firing = gauge("redrive_notification_incidents_firing", "Incidents firing now, by rule.", ["rule"]);
  for (const i of incidents) firing.set({ rule: i.ruleName }, i._count._all);
  const queued = gauge("redrive_notification_deliveries", "Notification deliveries by status (pending, sending, sent, failed).", ["status"]);
  for (const s of ["pending", "sending", "sent", "failed"]) queued.set({ status: s }, deliveries.find((d) => d.status === s)?._count._all ?? 0);

  const merged = Registry.merge([r, getProcessMetrics().registry]);
  return { contentType: r.contentType, text: await merged.metrics() };
}
