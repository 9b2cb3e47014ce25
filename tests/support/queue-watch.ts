import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { getConfig, type RabbitClusterConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { Sampler } from "@/lib/health/sampler/sampler";
import { DeliveryWorker } from "@/lib/notifications/delivery-worker";
import { Notifier } from "@/lib/notifications/notifier";
import { syncNotificationConfig } from "@/lib/notifications/sync-notification-config";
import type { NotificationMessage } from "@/lib/notifications/types";
import { createTestDatabase } from "./postgres";
import { startReceiver } from "./webhook-receiver";

// Redrive watching one RabbitMQ vhost the way the server does: the real sampler and RabbitMQ driver,
// a consumer-state rule for STOPPED sending to a local webhook, and the delivery worker. The sampler
// clock is the caller's, so a test can run it in real time or step it.

export type QueueWatch = {
  store: Store;
  sampler: Sampler;
  notifier: Notifier;
  /** Webhook messages received so far. */
  messages(): NotificationMessage[];
  /** The consumer row of a queue in the watched vhost. */
  consumer(name: string): ReturnType<Store["prisma"]["consumer"]["findFirstOrThrow"]>;
  close(): Promise<void>;
};

export async function watchRabbitQueues(o: { cluster: string; amqpUrl: string; managementUrl: string; vhost: string; intervalMs: number; now?: () => Date }): Promise<QueueWatch> {
  const db = await createTestDatabase();
  const receiver = await startReceiver();
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-watch-"));
  const configPath = path.join(dir, "redrive.config.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      clusters: [{ name: o.cluster, kind: "rabbitmq", amqpUrl: o.amqpUrl, managementUrl: o.managementUrl, vhosts: [o.vhost] }],
      publicUrl: "https://redrive.example.test",
      notifications: {
        // The receiver listens on loopback.
        allowPrivateTargets: true,
        channels: [{ name: "hook", type: "webhook", url: `${receiver.url}/hook` }],
        rules: [{ name: "stopped", kind: "consumer-state", states: ["STOPPED"], channels: ["hook"] }],
        delivery: { timeoutSeconds: 5, maxAttempts: 3, backoffSeconds: 0.2 },
      },
    }),
  );
  process.env.REDRIVE_CONFIG = configPath;
  process.env.DATABASE_URL = db.url;
  process.env.REDRIVE_LOG_LEVEL ??= "warn";
  const store = await getStore();
  const config = getConfig();
  await syncNotificationConfig(store.prisma, config.notifications);
  const worker = new DeliveryWorker(store.prisma, {
    ...config.notifications.delivery,
    allowPrivateTargets: config.notifications.allowPrivateTargets,
    pollMs: 100,
    channelUrl: (c) => config.notifications.channels.find((x) => x.name === c.name)?.url ?? null,
  });
  worker.start();
  const now = o.now ?? (() => new Date());
  const notifier = new Notifier(store.prisma, worker, { publicUrl: config.publicUrl, now });
  const cluster = config.clusters[0] as RabbitClusterConfig;
  const broker = new RabbitBroker(cluster, 5000);
  const sampler = new Sampler(store.prisma, [{ cluster, broker }], { ensure: async () => true, release: async () => {} }, {
    intervalMs: o.intervalMs,
    rawRetentionMs: 3_600_000,
    rollupRetentionMs: 86_400_000,
    windowMs: (cluster.health?.windowSeconds ?? 300) * 1000,
    now,
    afterTick: ({ result }) => {
      if (result.leader) notifier.afterSweep();
    },
  });
  return {
    store,
    sampler,
    notifier,
    messages: () => receiver.received.filter((r) => r.path === "/hook").map((r) => r.body as NotificationMessage),
    consumer: (name) => store.prisma.consumer.findFirstOrThrow({ where: { name, parent: o.vhost } }),
    async close() {
      await sampler.stop();
      await notifier.stop();
      await worker.stop();
      await broker.close();
      await receiver.close();
      await store.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
