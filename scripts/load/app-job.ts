import amqp from "amqplib";
import type { Store } from "@/lib/db/open-store";
import type { AppServer } from "../bench/app-server";
import { messageCount, storedTemplateLetter, until } from "../bench/bulk-paths";
import { cloneLetter } from "../bench/dead-letters";
import { AMQP_URL } from "../bench/local";
import { processTreeUsage } from "./app-usage";
import type { AppJobFigures } from "./report";

// A requeue job run by the app itself, as an operator starts one from the console: the request to
// /api/jobs, the app's own runner, the app's publishers. What it measures is the app process's
// memory through the job (the letters sit in the same inbox as the load run's million), sampled
// more often than the phases' once a second, so a job of a few seconds still shows its peak.

const MiB = 2 ** 20;
const QUEUE = "load-job-orders";
const DLQ = `${QUEUE}.dlq`;
/** redrive.maxRate's default (lib/config.ts): the fastest an operator may ask of an app left at its defaults, as the load run's is. */
const JOB_RATE = 5000;

export async function runAppJob(opts: {
  app: AppServer;
  store: Store;
  clusterId: string;
  clusterName: string;
  vhost: string;
  n: number;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<AppJobFigures> {
  const { app, store, n, signal } = opts;
  const conn = await amqp.connect(`${AMQP_URL}/${encodeURIComponent(opts.vhost)}`);
  try {
    const ch = await conn.createChannel();
    const template = await storedTemplateLetter(conn, ch, store, { clusterId: opts.clusterId, clusterName: opts.clusterName, vhost: opts.vhost, queue: QUEUE, dlq: DLQ }, signal);
    await cloneLetter(store, template.id, n, "loadjob");
    opts.log(`  ${n.toLocaleString("en-US")} letters of ${template.source} in the inbox; starting the job through the app`);

    let peak = 0;
    const sample = () => {
      const u = processTreeUsage(app.pid);
      if (u) peak = Math.max(peak, u.rssBytes);
      return u;
    };
    const before = sample();
    if (!before) throw new Error(`the app (pid ${app.pid}) is not running (${app.ended() ?? "gone"}); its last output:\n${app.output()}`);
    const sampler = setInterval(sample, 100);
    try {
      const t = performance.now();
      const res = await fetch(`${app.url}/api/jobs`, {
        method: "POST",
        headers: { ...app.headers, "content-type": "application/json", origin: app.url },
        // The count typed to confirm, as an operator must above redrive.confirmAbove letters; the
        // highest rate the default configuration allows (redrive.maxRate).
        body: JSON.stringify({ action: "requeue", scope: { kind: "filter", filters: { source: template.source } }, rate: JOB_RATE, confirmCount: n }),
        signal,
      });
      const started = (await res.json()) as { data?: { id: string }; error?: { message: string } };
      if (res.status !== 201 || !started.data) throw new Error(`POST /api/jobs: HTTP ${res.status} ${started.error?.message ?? ""}`);
      const id = started.data.id;
      const job = await until(
        `the app's requeue job of ${n} letters`,
        () => store.prisma.redriveJob.findUniqueOrThrow({ where: { id }, select: { state: true, total: true, error: true } }),
        (j) => !["running", "paused", "cancelling"].includes(j.state),
        Math.max(300_000, n * 20),
        signal,
        100,
      );
      const ms = performance.now() - t;
      const after = sample();
      if (job.state !== "completed") throw new Error(`the app's requeue job ended ${job.state}: ${job.error ?? ""}`);
      if (job.total !== n) throw new Error(`the app's requeue job took ${job.total} letters, not ${n}`);
      const onQueue = await until(`${n} requeued messages on ${QUEUE}`, () => messageCount(ch, QUEUE), (x) => x >= n, 10_000, signal, 100).catch(() => messageCount(ch, QUEUE));
      const requeued = await store.prisma.deadLetter.count({ where: { source: template.source, state: "requeued" } });
      return { letters: n, rate: JOB_RATE, ms, rssBeforeMiB: before.rssBytes / MiB, peakRssMiB: peak / MiB, cpuMs: after ? after.cpuMs - before.cpuMs : Number.NaN, onQueue, requeued };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await conn.close().catch(() => undefined);
  }
}
