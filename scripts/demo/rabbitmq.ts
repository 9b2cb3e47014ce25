import type { Channel, ConfirmChannel, ConsumeMessage } from "amqplib";
import { connectRabbit, rabbitWhere } from "./connect";
import type { RabbitClusterConfig } from "../../lib/config";
import { rabbitNames, type RabbitNames } from "./names";
import { fateOf, makePayload, type PayloadKind } from "./payloads";
import { declareRabbitTopology } from "./rabbitmq-topology";
import { describeError, Failure, SerialWorker, Shutdown, sleep, startProducer, type Logger, type Producer } from "./util";

/**
 * RabbitMQ side of the demo: declares the topology, then runs
 * - producers (confirmed, persistent) for orders 5/s, payments 3/s, reminders 1/s, shipments 1/s;
 * - an `orders` worker: prefetch 10, ~150 ms a message, rejects ~10% without requeue (→ DLQ, "rejected");
 * - a `payments` worker: ~10% "poison" messages always nacked with requeue, plus ~20% transient
 *   nacks, so poison messages pass the quorum delivery limit (→ DLQ, "delivery_limit");
 * - nothing on `reminders` (messages expire → DLQ, "expired") or `shipments` (a stopped consumer).
 * Rates are multiplied, and worker delays divided, by `rateScale`.
 */

export type RabbitDemoOptions = {
  cluster: RabbitClusterConfig;
  prefix: string;
  rateScale: number;
  connectTimeoutMs?: number;
  log?: Logger;
};

export type RabbitStats = { published: number; acked: number; rejected: number; requeued: number };

export type RabbitDemo = {
  /** e.g. `RabbitMQ "local-rabbitmq" at amqp://127.0.0.1:5672 (vhost "/")`, without credentials. */
  where: string;
  declared: string;
  names: RabbitNames;
  vhost: string;
  stats(): RabbitStats;
  /** Resolves with the error that broke the demo (lost connection, refused publish...). */
  failed: Promise<Error>;
  /** Stops producers and consumers and closes the connection. Idempotent. */
  stop(): Promise<RabbitStats>;
};

export const RABBIT_RATES: Record<"orders" | "payments" | "reminders" | "shipments", number> = {
  orders: 5,
  payments: 3,
  reminders: 1,
  shipments: 1,
};

function messageKey(msg: ConsumeMessage): string {
  const id: unknown = msg.properties.messageId;
  return typeof id === "string" ? id : `${msg.fields.routingKey}:${msg.fields.deliveryTag}`;
}

export async function startRabbitDemo(opts: RabbitDemoOptions): Promise<RabbitDemo> {
  const { cluster, rateScale } = opts;
  const log = opts.log ?? ((line: string) => console.log(line));
  const vhost = cluster.vhosts[0] ?? "/";
  const names = rabbitNames(opts.prefix);
  const where = rabbitWhere(cluster, vhost);
  const conn = await connectRabbit(cluster, vhost, opts.connectTimeoutMs ?? 5000);

  const failure = new Failure();
  const fail = (e: unknown) => failure.fail(e);
  const stats: RabbitStats = { published: 0, acked: 0, rejected: 0, requeued: 0 };
  let stopping = false;
  let connectionClosed = false;
  conn.on("error", (e: Error) => fail(new Error(`${where}: connection error: ${e.message}`, { cause: e })));
  conn.on("close", (e?: Error) => {
    connectionClosed = true;
    if (!stopping) fail(new Error(`${where}: connection lost${e ? `: ${e.message}` : ""}`, { cause: e }));
  });
  conn.on("blocked", (reason: string) => log(`rabbitmq: the broker blocked publishing: ${reason}`));
  conn.on("unblocked", () => log("rabbitmq: the broker unblocked publishing"));
  const watch = <C extends Channel>(ch: C, label: string): C => {
    ch.on("error", (e: Error) => fail(new Error(`${where}: ${label} closed by the broker: ${e.message}`, { cause: e })));
    // When the whole connection goes, its channels close first: let the connection's error win.
    ch.on("close", () =>
      setImmediate(() => {
        if (!stopping) fail(new Error(`${where}: ${label} closed unexpectedly`));
      }),
    );
    return ch;
  };

  let declared: string;
  let pub: ConfirmChannel;
  let ordersCh: Channel;
  let paymentsCh: Channel;
  const closeAfterFailedStart = () =>
    conn.close().catch((closeErr: unknown) => log(`rabbitmq: closing after a failed start also failed: ${describeError(closeErr)}`));
  try {
    const declareCh = await conn.createChannel();
    // A refused declaration closes this channel; the declaring call rejects with the same error.
    declareCh.on("error", () => undefined);
    declared = await declareRabbitTopology(declareCh, names, vhost);
    await declareCh.close();
    pub = watch(await conn.createConfirmChannel(), "publisher channel");
    ordersCh = watch(await conn.createChannel(), `consumer channel of ${names.orders}`);
    paymentsCh = watch(await conn.createChannel(), `consumer channel of ${names.payments}`);
    await ordersCh.prefetch(10);
    await paymentsCh.prefetch(20);
  } catch (e) {
    stopping = true;
    await closeAfterFailedStart();
    throw e;
  }

  // Unhandled deliveries are left unacked once stopping: they return to the queue when the channel closes.
  const ordersWorker = new SerialWorker<ConsumeMessage>(async (msg) => {
    if (stopping) return;
    await sleep(150 / rateScale);
    if (stopping) return;
    if (Math.random() < 0.1) {
      ordersCh.nack(msg, false, false);
      stats.rejected++;
    } else {
      ordersCh.ack(msg);
      stats.acked++;
    }
  }, fail);
  const paymentsWorker = new SerialWorker<ConsumeMessage>(async (msg) => {
    if (stopping) return;
    await sleep(60 / rateScale);
    if (stopping) return;
    const poison = fateOf(messageKey(msg)) < 0.1;
    if (poison || Math.random() < 0.2) {
      paymentsCh.nack(msg, false, true);
      stats.requeued++;
    } else {
      paymentsCh.ack(msg);
      stats.acked++;
    }
  }, fail);
  const cancelled = (queue: string) => {
    if (!stopping) fail(new Error(`${where}: the broker cancelled the consumer of queue "${queue}" (was the queue deleted?)`));
  };
  let ordersTag: string;
  let paymentsTag: string;
  try {
    ordersTag = (await ordersCh.consume(names.orders, (m) => (m ? ordersWorker.push(m) : cancelled(names.orders)))).consumerTag;
    paymentsTag = (await paymentsCh.consume(names.payments, (m) => (m ? paymentsWorker.push(m) : cancelled(names.payments)))).consumerTag;
  } catch (e) {
    stopping = true;
    await closeAfterFailedStart();
    throw new Error(`${where}: cannot start the consumers: ${describeError(e)}`, { cause: e });
  }

  const send = (queue: string, kind: PayloadKind) => (seq: number) =>
    new Promise<void>((resolve, reject) => {
      const p = makePayload(kind, seq);
      const options = {
        persistent: true,
        messageId: p.messageId,
        timestamp: Math.floor(Date.now() / 1000),
        contentType: p.contentType,
        headers: p.headers,
        appId: "redrive-demo",
        type: `${kind}.${p.topic}`,
      };
      pub.publish("", queue, p.body, options, (err: unknown) => {
        if (err) {
          reject(new Error(`${where}: the broker did not confirm a message for queue "${queue}"`, { cause: err }));
        } else {
          stats.published++;
          resolve();
        }
      });
    });
  const producers: Producer[] = [
    startProducer(RABBIT_RATES.orders * rateScale, send(names.orders, "order"), fail),
    startProducer(RABBIT_RATES.payments * rateScale, send(names.payments, "payment"), fail),
    startProducer(RABBIT_RATES.reminders * rateScale, send(names.reminders, "reminder"), fail),
    startProducer(RABBIT_RATES.shipments * rateScale, send(names.shipments, "shipment"), fail),
  ];

  let stopped: Promise<RabbitStats> | undefined;
  const stop = async (): Promise<RabbitStats> => {
    const shutdown = new Shutdown(failure);
    stopping = true;
    await shutdown.step("stopping producers", () => Promise.all(producers.map((p) => p.stop())));
    if (!connectionClosed) {
      await shutdown.step(`cancelling the consumer of ${names.orders}`, () => ordersCh.cancel(ordersTag));
      await shutdown.step(`cancelling the consumer of ${names.payments}`, () => paymentsCh.cancel(paymentsTag));
    }
    await Promise.all([ordersWorker.idle(), paymentsWorker.idle()]);
    if (!connectionClosed) await shutdown.step("closing the connection", () => conn.close());
    shutdown.finish(where, log, "rabbitmq");
    return { ...stats };
  };

  return {
    where,
    declared,
    names,
    vhost,
    stats: () => ({ ...stats }),
    failed: failure.promise,
    stop: () => (stopped ??= stop()),
  };
}
