import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import type { NatsClusterConfig, RabbitClusterConfig } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import { createTestDatabase } from "./postgres";
import { createVhost } from "./rabbit-admin";

/**
 * What a sampler test on both real brokers needs: its own database and store, a vhost with an AMQP
 * connection into it, a JetStream stream capturing `<subject>.>`, and a broker per cluster. `close`
 * takes it all down again.
 */
export async function openSweepFixture(o: { vhost: string; stream: string; subject: string; nats: NatsClusterConfig; rabbit: RabbitClusterConfig }) {
  const db = await createTestDatabase();
  const store: Store = await openStore({ kind: "postgres", url: db.url });
  const vhost = await createVhost(o.vhost);
  const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(o.vhost)}`);
  const nc: NatsConnection = await natsConnect({ servers: "nats://127.0.0.1:4222" });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  await jsm.streams.add({ name: o.stream, subjects: [`${o.subject}.>`] });
  const nats = new NatsBroker(o.nats, 5000);
  const rabbit = new RabbitBroker(o.rabbit, 5000);
  return {
    store,
    conn,
    nc,
    jsm,
    nats,
    rabbit,
    async close(): Promise<void> {
      await Promise.all([rabbit.close(), nats.close()]);
      await conn.close().catch(() => undefined);
      await jsm.streams.delete(o.stream).catch(() => undefined);
      await nc.close();
      await vhost.drop();
      await store.close();
      await db.drop();
    },
  };
}
