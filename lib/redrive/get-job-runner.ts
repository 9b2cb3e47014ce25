import "server-only";
import { getBrokers } from "@/lib/brokers/get-brokers";
import type { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { DEFAULT_CAPTURE, getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { onShutdown } from "@/lib/lifecycle/on-shutdown";
import { log } from "@/lib/log";
import { JobRunner } from "./job-runner";
import { NatsPublisher } from "./publishers/nats-publisher";
import { RabbitPublisher } from "./publishers/rabbit-publisher";

const holder = globalThis as typeof globalThis & { __redriveJobRunner?: Promise<JobRunner> };

export function getJobRunner(): Promise<JobRunner> {
  holder.__redriveJobRunner ??= (async () => {
    const config = getConfig();
    const store = await getStore();
    const runner = new JobRunner({
      prisma: store.prisma,
      maxInFlight: config.redrive.maxInFlight,
      log: (level, message, context) => log[level](message, context),
      publisherFor: async (clusterName) => {
        const cluster = config.clusters.find((c) => c.name === clusterName);
        if (!cluster) throw new AppError("NOT_FOUND", `Cluster ${clusterName} is no longer configured; its letters cannot be requeued.`);
        switch (cluster.kind) {
          case "rabbitmq":
            return new RabbitPublisher(cluster, config.redrive.confirmTimeoutMs);
          case "nats": {
            const broker = getBrokers().find((b) => b.name === clusterName);
            if (broker?.kind !== "nats") throw new AppError("INTERNAL", `No NATS connection for ${clusterName}.`);
            const capture = new Set([cluster.capture?.stream ?? DEFAULT_CAPTURE.stream, DEFAULT_CAPTURE.stream]);
            return new NatsPublisher(await (broker as NatsBroker).natsConnection(), config.redrive.confirmTimeoutMs, capture);
          }
          default: {
            const never: never = cluster;
            return never;
          }
        }
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
