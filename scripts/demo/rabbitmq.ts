import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from "amqplib";
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
 * Rates are multiplied, and worker delays divided, by `rateScale`. A lost connection (a broker
 * restart) is not the end: the demo connects again every second, declares again and carries on;
 * what it could not publish meanwhile is counted as lost.
 */

export type RabbitDemoOptions = {
  cluster: RabbitClusterConfig;
  prefix: string;
  rateScale: number;
  connectTimeoutMs?: number;
  log?: Logger;
};

export type RabbitStats = {
  published: number;
  acked: number;
  rejected: number;
  requeued: number;
  /** Publishes not sent, or sent and not confirmed, because the connection was down. */
  lostPublishes: number;
  /** Times the demo connected again after losing its connection (a broker restart). */
  reconnects: number;
};

export type RabbitDemo = {
  /** e.g. `RabbitMQ "local-rabbitmq" at amqp://127.0.0.1:5672 (vhost "/")`, without credentials. */
  where: string;
  declared: string;
  names: RabbitNames;
  vhost: string;
  stats(): RabbitStats;
  /** Resolves with the error that broke the demo (a refused declaration or publish, a deleted queue...). */
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

/** Between attempts to connect again after the connection was lost. */
const RECONNECT_EVERY_MS = 1000;

/** A failure that ends one connection, not the demo: connect again. */
class ConnectionGone extends Error {}

/** One connection and what runs on it; a broker restart ends it and the demo opens the next. */
type Session = {
  conn: ChannelModel;
  pub: ConfirmChannel;
  ordersCh: Channel;
  paymentsCh: Channel;
  ordersTag: string;
  paymentsTag: string;
  ordersWorker: SerialWorker<ConsumeMessage>;
  paymentsWorker: SerialWorker<ConsumeMessage>;
  /** The connection closed (the broker went away); set before any channel's close is looked at. */
  lost: boolean;
};

export async function startRabbitDemo(opts: RabbitDemoOptions): Promise<RabbitDemo> {
  const { cluster, rateScale } = opts;
  const log = opts.log ?? ((line: string) => console.log(line));
  const vhost = cluster.vhosts[0] ?? "/";
  const names = rabbitNames(opts.prefix);
  const where = rabbitWhere(cluster, vhost);
  const timeoutMs = opts.connectTimeoutMs ?? 5000;

  const failure = new Failure();
  const fail = (e: unknown) => failure.fail(e);
  const stats: RabbitStats = { published: 0, acked: 0, rejected: 0, requeued: 0, lostPublishes: 0, reconnects: 0 };
  let stopping = false;
  let current: Session | undefined;
  let reconnecting: Promise<void> | undefined;
  let declared = "";

  /** Connects, declares the topology (idempotent) and starts the consumers. Throws ConnectionGone when the broker is away. */
  const openSession = async (): Promise<Session> => {
    let conn: ChannelModel;
    try {
      conn = await connectRabbit(cluster, vhost, timeoutMs);
    } catch (e) {
      throw new ConnectionGone(describeError(e), { cause: e });
    }
    const session = { conn, lost: false } as Session;
    let lastError: Error | undefined;
    conn.on("error", (e: Error) => {
      lastError = e;
    });
    conn.on("close", (e?: Error) => {
      session.lost = true;
      if (stopping || current !== session) return;
      current = undefined;
      const why = e ?? lastError;
      log(`rabbitmq: connection to ${where} lost${why ? ` (${why.message})` : ""}; connecting again every ${RECONNECT_EVERY_MS / 1000} s...`);
      reconnecting ??= reconnect().finally(() => {
        reconnecting = undefined;
      });
    });
    conn.on("blocked", (reason: string) => log(`rabbitmq: the broker blocked publishing: ${reason}`));
    conn.on("unblocked", () => log("rabbitmq: the broker unblocked publishing"));
    // A channel the broker closes on its own is the demo's failure; one closed with its connection is not.
    const watch = <C extends Channel>(ch: C, label: string): C => {
      ch.on("error", (e: Error) =>
        setImmediate(() => {
          if (!session.lost && !stopping) fail(new Error(`${where}: ${label} closed by the broker: ${e.message}`, { cause: e }));
        }),
      );
      ch.on("close", () =>
        setImmediate(() => {
          if (!session.lost && !stopping) fail(new Error(`${where}: ${label} closed unexpectedly`));
        }),
      );
      return ch;
    };
    // Unhandled deliveries are left unacked once stopping or disconnected: the broker delivers them again.
    const settle = (act: () => void) => {
      if (stopping || session.lost) return false;
      try {
        act();
        return true;
      } catch (e) {
        if (session.lost) return false;
        throw e;
      }
    };
    try {
      const declareCh = await conn.createChannel();
      // A refused declaration closes this channel; the declaring call rejects with the same error.
      declareCh.on("error", () => undefined);
      declared = await declareRabbitTopology(declareCh, names, vhost);
      await declareCh.close();
      session.pub = watch(await conn.createConfirmChannel(), "publisher channel");
      session.ordersCh = watch(await conn.createChannel(), `consumer channel of ${names.orders}`);
      session.paymentsCh = watch(await conn.createChannel(), `consumer channel of ${names.payments}`);
      await session.ordersCh.prefetch(10);
      await session.paymentsCh.prefetch(20);
      session.ordersWorker = new SerialWorker<ConsumeMessage>(async (msg) => {
        if (stopping || session.lost) return;
        await sleep(150 / rateScale);
        if (Math.random() < 0.1) {
          if (settle(() => session.ordersCh.nack(msg, false, false))) stats.rejected++;
        } else if (settle(() => session.ordersCh.ack(msg))) {
          stats.acked++;
        }
      }, fail);
      session.paymentsWorker = new SerialWorker<ConsumeMessage>(async (msg) => {
        if (stopping || session.lost) return;
        await sleep(60 / rateScale);
        const poison = fateOf(messageKey(msg)) < 0.1;
        if (poison || Math.random() < 0.2) {
          if (settle(() => session.paymentsCh.nack(msg, false, true))) stats.requeued++;
        } else if (settle(() => session.paymentsCh.ack(msg))) {
          stats.acked++;
        }
      }, fail);
      const cancelled = (queue: string) => {
        if (!stopping && !session.lost) fail(new Error(`${where}: the broker cancelled the consumer of queue "${queue}" (was the queue deleted?)`));
      };
      try {
        session.ordersTag = (await session.ordersCh.consume(names.orders, (m) => (m ? session.ordersWorker.push(m) : cancelled(names.orders)))).consumerTag;
        session.paymentsTag = (await session.paymentsCh.consume(names.payments, (m) => (m ? session.paymentsWorker.push(m) : cancelled(names.payments)))).consumerTag;
      } catch (e) {
        throw new Error(`${where}: cannot start the consumers: ${describeError(e)}`, { cause: e });
      }
    } catch (e) {
      // The broker went away while we set up: try again. Anything else (a refused declaration) ends the demo.
      if (session.lost) throw new ConnectionGone(describeError(e), { cause: e });
      await conn.close().catch((closeErr: unknown) => log(`rabbitmq: closing after a failed start also failed: ${describeError(closeErr)}`));
      throw e;
    }
    return session;
  };

  const reconnect = async (): Promise<void> => {
    for (let attempt = 1; !stopping; attempt++) {
      await sleep(RECONNECT_EVERY_MS);
      if (stopping) return;
      try {
        const session = await openSession();
        if (stopping) {
          await session.conn.close().catch(() => undefined);
          return;
        }
        current = session;
        stats.reconnects++;
        log(`rabbitmq: connected again to ${where} (attempt ${attempt})`);
        return;
      } catch (e) {
        if (!(e instanceof ConnectionGone)) return fail(e);
        if (attempt % 10 === 0) log(`rabbitmq: still connecting again to ${where}: ${e.message}`);
      }
    }
  };

  try {
    current = await openSession();
  } catch (e) {
    stopping = true;
    throw e instanceof ConnectionGone ? e.cause : e;
  }

  const send = (queue: string, kind: PayloadKind) => (seq: number) =>
    new Promise<void>((resolve, reject) => {
      const session = current;
      // The broker is away: this message is not produced (the status line counts it as lost).
      if (!session || session.lost) {
        stats.lostPublishes++;
        return resolve();
      }
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
      const unconfirmed = (err: unknown) =>
        // A confirm that never came because the connection dropped is a lost publish; any other refusal a failure.
        setImmediate(() => {
          if (session.lost || stopping) {
            stats.lostPublishes++;
            resolve();
          } else {
            reject(new Error(`${where}: the broker did not confirm a message for queue "${queue}"`, { cause: err }));
          }
        });
      try {
        session.pub.publish("", queue, p.body, options, (err: unknown) => {
          if (err) return unconfirmed(err);
          stats.published++;
          resolve();
        });
      } catch (e) {
        unconfirmed(e);
      }
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
    await reconnecting;
    const s = current;
    if (s && !s.lost) {
      await shutdown.step(`cancelling the consumer of ${names.orders}`, () => s.ordersCh.cancel(s.ordersTag));
      await shutdown.step(`cancelling the consumer of ${names.payments}`, () => s.paymentsCh.cancel(s.paymentsTag));
    }
    if (s) await Promise.all([s.ordersWorker.idle(), s.paymentsWorker.idle()]);
    if (s && !s.lost) await shutdown.step("closing the connection", () => s.conn.close());
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
