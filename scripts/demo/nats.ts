import { jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import { headers, type Subscription } from "@nats-io/transport-node";
import { connectNats, natsWhere } from "./connect";
import type { NatsClusterConfig } from "../../lib/config";
import { natsNames, type NatsNames, type StreamNames } from "./names";
import { ensureNatsTopology } from "./nats-topology";
import { fateOf, makePayload, type PayloadKind } from "./payloads";
import { describeError, Failure, Shutdown, sleep, startProducer, type Logger, type Producer } from "./util";

/**
 * NATS side of the demo: ensures the streams/consumers, then runs
 * - producers: `<P>orders.<topic>` 5/s, `<P>events.<topic>` 10/s;
 * - `fulfilment` (ORDERS): acks most, naks ~10% "poison" messages on every delivery (so they reach
 *   max_deliver 3 → MAX_DELIVERIES advisory), terms ~5% (→ MSG_TERMINATED advisory);
 * - `analytics` (EVENTS) keeps up; `archiver` (EVENTS) handles 40% of the publish rate, so it lags;
 * - core subscriptions counting the two advisories for the demo's own streams.
 * Rates are multiplied, and worker delays divided, by `rateScale`.
 */

export type NatsDemoOptions = {
  cluster: NatsClusterConfig;
  prefix: string;
  rateScale: number;
  connectTimeoutMs?: number;
  log?: Logger;
};

export type NatsStats = {
  published: number;
  /** Publishes that failed because the connection dropped while they were in flight. */
  lostPublishes: number;
  acked: number;
  naked: number;
  terminated: number;
  advisories: { maxDeliveries: number; msgTerminated: number };
};

export type NatsDemo = {
  where: string;
  declared: string;
  names: NatsNames;
  stats(): NatsStats;
  failed: Promise<Error>;
  stop(): Promise<NatsStats>;
};

export const NATS_RATES = { orders: 5, events: 10 };
const PUBLISH_TIMEOUT_MS = 5000;
/** How long publishes may keep failing (a server restarting) before the demo gives up. */
const PUBLISH_GIVE_UP_MS = 30_000;
export const ADVISORY_MAX_DELIVERIES = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES";
export const ADVISORY_MSG_TERMINATED = "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED";

type Worker = { messages: ConsumerMessages; done: Promise<void> };

export async function startNatsDemo(opts: NatsDemoOptions): Promise<NatsDemo> {
  const { cluster, rateScale } = opts;
  const log = opts.log ?? ((line: string) => console.log(line));
  const names = natsNames(opts.prefix);
  const where = natsWhere(cluster);
  const nc = await connectNats(cluster, opts.connectTimeoutMs ?? 5000);

  const failure = new Failure();
  const fail = (e: unknown) => failure.fail(e);
  const stats: NatsStats = { published: 0, lostPublishes: 0, acked: 0, naked: 0, terminated: 0, advisories: { maxDeliveries: 0, msgTerminated: 0 } };
  let stopping = false;
  let disconnected = false;
  let lastDisruption = 0;
  void nc.closed().then((err) => {
    if (!stopping) fail(new Error(`${where}: connection lost${err ? `: ${err.message}` : ""}`, { cause: err }));
  });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") {
        disconnected = true;
        lastDisruption = Date.now();
        if (!stopping) log(`nats: disconnected from ${s.server}, reconnecting...`);
      } else if (s.type === "reconnect") {
        disconnected = false;
        lastDisruption = Date.now();
        log(`nats: reconnected to ${s.server}`);
      } else if (s.type === "error") {
        log(`nats: server error: ${s.error.message}`);
      }
    }
  })().catch(fail);

  let declared: string;
  let js: JetStreamClient;
  try {
    const jsm = await jetstreamManager(nc).catch((e: unknown) => {
      throw new Error(`${where}: JetStream is not available: ${describeError(e)}`, { cause: e });
    });
    declared = await ensureNatsTopology(jsm, names);
    js = jsm.jetstream();
  } catch (e) {
    stopping = true;
    await nc.close().catch((closeErr: unknown) => log(`nats: closing after a failed start also failed: ${describeError(closeErr)}`));
    throw e;
  }

  const ownStreams = new Set(names.streams);
  const advisory = (subject: string, key: keyof NatsStats["advisories"]): Subscription =>
    nc.subscribe(`${subject}.>`, {
      callback: (err, msg) => {
        if (err) return fail(new Error(`${where}: subscription to ${subject}.> failed: ${err.message}`, { cause: err }));
        // $JS.EVENT.ADVISORY.CONSUMER.<KIND>.<stream>.<consumer>
        const stream = msg.subject.split(".")[5];
        if (stream !== undefined && ownStreams.has(stream)) stats.advisories[key]++;
      },
    });
  const subs = [advisory(ADVISORY_MAX_DELIVERIES, "maxDeliveries"), advisory(ADVISORY_MSG_TERMINATED, "msgTerminated")];
  const workers: Worker[] = [];

  const work = async (stream: string, consumer: string, maxMessages: number, handle: (m: JsMsg) => Promise<void>): Promise<Worker> => {
    const c = await js.consumers.get(stream, consumer);
    const messages = await c.consume({ max_messages: maxMessages, abort_on_missing_resource: true });
    void messages.closed().then((err) => {
      if (err && !stopping) fail(new Error(`${where}: consumer "${consumer}" on stream "${stream}" stopped: ${err.message}`, { cause: err }));
    });
    const done = (async () => {
      for await (const m of messages) {
        if (stopping) break; // unacked: redelivered after ack_wait
        await handle(m);
      }
    })().catch((e: unknown) => fail(new Error(`${where}: worker of consumer "${consumer}" failed: ${describeError(e)}`, { cause: e })));
    return { messages, done };
  };

  const fulfil = async (m: JsMsg) => {
    await sleep(50 / rateScale);
    const fate = fateOf(m.headers?.get("Nats-Msg-Id") || `${m.info.stream}:${m.seq}`);
    if (fate < 0.1) {
      m.nak();
      stats.naked++;
    } else if (fate < 0.15) {
      m.term();
      stats.terminated++;
    } else {
      m.ack();
      stats.acked++;
    }
  };
  const analyse = async (m: JsMsg) => {
    m.ack();
    stats.acked++;
  };
  const archive = async (m: JsMsg) => {
    await sleep(1000 / (NATS_RATES.events * rateScale * 0.4));
    m.ack();
    stats.acked++;
  };
  try {
    workers.push(await work(names.orders.stream, names.consumers.fulfilment, 20, fulfil));
    workers.push(await work(names.events.stream, names.consumers.analytics, 100, analyse));
    workers.push(await work(names.events.stream, names.consumers.archiver, 5, archive));
  } catch (e) {
    stopping = true;
    await nc.close().catch((closeErr: unknown) => log(`nats: closing after a failed start also failed: ${describeError(closeErr)}`));
    throw new Error(`${where}: cannot start the consumers: ${describeError(e)}`, { cause: e });
  }

  // A publish that fails while the server restarts is counted as lost, not fatal: its reply lost in
  // the reconnect, or "no responders" while JetStream shuts down before the connection drops and
  // starts up after it is back. Only publishes failing for PUBLISH_GIVE_UP_MS on end stop the demo.
  let lastPublished = Date.now();
  let failing = false;
  const send = (s: StreamNames, kind: PayloadKind) => async (seq: number) => {
    try {
      await publish(s, kind, seq);
      lastPublished = Date.now();
      if (failing) log("nats: publishing again");
      failing = false;
    } catch (e) {
      if (!disconnected && Date.now() - Math.max(lastPublished, lastDisruption) > PUBLISH_GIVE_UP_MS) throw e;
      if (!failing && !stopping) log(`nats: publishes failing (${describeError(e)}); counting them as lost while the server comes back...`);
      failing = true;
      stats.lostPublishes++;
    }
  };
  const publish = async (s: StreamNames, kind: PayloadKind, seq: number) => {
    const p = makePayload(kind, seq);
    const h = headers();
    for (const [k, v] of Object.entries(p.headers)) h.set(k, v);
    h.set("Content-Type", p.contentType);
    await js.publish(`${s.subjectRoot}.${p.topic}`, p.body, { msgID: p.messageId, headers: h, timeout: PUBLISH_TIMEOUT_MS });
    stats.published++;
  };
  const onPublishError = (e: Error) => fail(new Error(`${where}: publish failed: ${e.message}`, { cause: e }));
  const producers: Producer[] = [
    startProducer(NATS_RATES.orders * rateScale, send(names.orders, "order"), onPublishError),
    startProducer(NATS_RATES.events * rateScale, send(names.events, "event"), onPublishError),
  ];

  let stopped: Promise<NatsStats> | undefined;
  const stop = async (): Promise<NatsStats> => {
    const shutdown = new Shutdown(failure);
    stopping = true;
    await shutdown.step("stopping producers", () => Promise.all(producers.map((p) => p.stop())));
    const closeConsumer = async (w: Worker) => {
      const err = await w.messages.close();
      if (err) throw err;
    };
    await shutdown.step("closing consumers", () => Promise.all(workers.map(closeConsumer)));
    await Promise.all(workers.map((w) => w.done));
    if (!nc.isClosed()) {
      await shutdown.step("unsubscribing from advisories", () => Promise.all(subs.map((s) => s.drain())));
      await shutdown.step("draining the connection", () => nc.drain());
    }
    shutdown.finish(where, log, "nats");
    return { ...stats, advisories: { ...stats.advisories } };
  };

  return {
    where,
    declared,
    names,
    stats: () => ({ ...stats, advisories: { ...stats.advisories } }),
    failed: failure.promise,
    stop: () => (stopped ??= stop()),
  };
}
