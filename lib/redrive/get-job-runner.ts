import "server-only";
import { brokerFor } from "@/lib/brokers/get-brokers";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { onShutdown } from "@/lib/lifecycle/on-shutdown";
import { log } from "@/lib/log";
import { createJobGate } from "./job-gate";
import { JobRunner } from "./job-runner";

const holder = globalThis as typeof globalThis & { __redriveJobRunner?: Promise<JobRunner> };

export function getJobRunner(): Promise<JobRunner> {
  holder.__redriveJobRunner ??= (async () => {
    const config = getConfig();
    const store = await getStore();
    const runner = new JobRunner({
      prisma: store.prisma,
      maxInFlight: config.redrive.maxInFlight,
      log: (level, message, context) => log[level](message, context),
      gate: createJobGate({ prisma: store.prisma, redrive: config.redrive, log: (level, message, context) => log[level](message, context) }),
      publisherFor: async (clusterName) => {
        if (!config.clusters.some((c) => c.name === clusterName)) throw new AppError("NOT_FOUND", `Cluster ${clusterName} is no longer configured; its letters cannot be requeued.`);
        return brokerFor(clusterName).openPublisher({ confirmTimeoutMs: config.redrive.confirmTimeoutMs });
      },
    });
    runner.start();
    onShutdown({
      name: "jobs",
      run: async (deadline) => {
        const { jobs } = await runner.stop(Math.max(0, deadline - Date.now()));
        return jobs === 0 ? "no job was running" : `${jobs === 1 ? "1 job" : `${jobs} jobs`} handed back for another replica to resume, outcomes recorded`;
      },
    });
    return runner;
  })().catch((e: unknown) => {
    holder.__redriveJobRunner = undefined;
    throw e;
  });
  return holder.__redriveJobRunner;
}
