import { randomBytes } from "node:crypto";
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { captureDurable } from "@/lib/brokers/nats/capture-durable";
import { DEFAULT_CAPTURE, type NatsClusterConfig, type RabbitClusterConfig } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { letterFromAmqp } from "@/lib/brokers/rabbitmq/letter-from-amqp";
import { COLLECTOR_LOCK, createLeaderLock } from "@/lib/db/leader-lock";
import { createTestDatabase, queryRows } from "../support/postgres";
import { createVhost, queueStats, until } from "../support/rabbit-admin";

const id = randomBytes(3).toString("hex");
const VHOST = `it-collect-${id}`;
const STREAM = `IT_COLLECT_${id.toUpperCase()}`;
const SUBJ = `it-collect-${id}`;
const CAPTURE_CONSUMER = `it-capture-${id}`;

type Published = { body: Buffer; messageId: string; contentType?: string };

describe("the dead-letter collector against real brokers", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  // This installation's durable on the capture stream: the configured name plus the store's installation id.
  const durable = async () => captureDurable({ ...DEFAULT_CAPTURE, consumer: CAPTURE_CONSUMER }, await getInstallationId(store.prisma));
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let collector: Collector;
  let rabbit: RabbitBroker;
  let nats: NatsBroker;
  const published: Published[] = [];
  const warnings: string[] = [];

  const rabbitCluster: RabbitClusterConfig = {
    name: `rmq-${id}`,
    kind: "rabbitmq",
    amqpUrl: "amqp://127.0.0.1:5672",
    managementUrl: "http://127.0.0.1:15672",
    user: "guest",
    password: "guest",
    vhosts: [VHOST],
    deadLetters: { adopt: ["*/work.dlq"], queues: [], prefetch: 50 },
  };
  const natsCluster: NatsClusterConfig = { name: `nats-${id}`, kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { ...DEFAULT_CAPTURE, consumer: CAPTURE_CONSUMER, startFrom: "new" } };

  const letters = (where: object = {}) => store.prisma.deadLetter.findMany({ where: { ...where }, orderBy: { capturedAt: "asc" } });

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openStore({ kind: "postgres", url: db.url });
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange("dlx", "direct", { durable: true });
    await ch.assertQueue("work.dlq", { durable: true });
    await ch.bindQueue("work.dlq", "dlx", "work");
    await ch.assertQueue("work", { durable: true, arguments: { "x-dead-letter-exchange": "dlx" } });
    await ch.assertQueue("broken", { durable: true, arguments: { "x-dead-letter-exchange": "no-such-exchange" } });
    await ch.assertQueue("nowhere", { durable: true, arguments: { "x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "unbound" } });

    const bodies: Published[] = [
      { body: Buffer.from(JSON.stringify({ orderId: 1001, amount: 12.5 })), messageId: "m-json", contentType: "application/json" },
      { body: Buffer.from("plain text that failed"), messageId: "m-text", contentType: "text/plain" },
      { body: Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x41, 0x80]), messageId: "m-binary", contentType: "application/octet-stream" },
      { body: Buffer.from("<script>alert('x')</script>"), messageId: "m-html", contentType: "text/html" },
      { body: randomBytes(10 * 1024 * 1024), messageId: "m-10mb" },
    ];
    for (const p of bodies) {
      ch.sendToQueue("work", p.body, { messageId: p.messageId, contentType: p.contentType, persistent: true, timestamp: 1_700_000_000, headers: { "x-tenant": "acme", "x-error": `timeout after ${p.body.length} ms` } });
      published.push(p);
    }
    await ch.waitForConfirms();
    // A worker that rejects everything: each message dies once into work.dlq.
    const worker = await conn.createChannel();
    await worker.consume("work", (m) => m && worker.nack(m, false, false));
    await until(() => queueStats(VHOST, "work.dlq"), (s) => s.messages_ready === bodies.length, 30_000);
    await worker.close();

    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJ}.>`], retention: RetentionPolicy.Workqueue });
    await jsm.consumers.add(STREAM, { durable_name: "worker", ack_policy: AckPolicy.Explicit, max_deliver: 2, ack_wait: 1_000_000_000 });

    rabbit = new RabbitBroker(rabbitCluster, 5000);
    nats = new NatsBroker(natsCluster, 5000);
    collector = new Collector(
      store.prisma,
      [
        { cluster: rabbitCluster, broker: rabbit },
        { cluster: natsCluster, broker: nats },
      ],
      createLeaderLock({ kind: "postgres", url: db.url }, () => undefined, COLLECTOR_LOCK),
      { intervalMs: 1000, discoveryMs: 0, timeoutMs: 5000, log: (_l, m) => warnings.push(m) },
    );
  });

  afterAll(async () => {
    await collector?.stop();
    await Promise.all([rabbit?.close(), nats?.close()]);
    await conn?.close().catch(() => undefined);
    await jsm?.consumers.delete(DEFAULT_CAPTURE.stream, await durable()).catch(() => undefined);
    await jsm?.streams.delete(STREAM).catch(() => undefined);
    await nc?.close();
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  it("finds the DLQ behind a dead-letter exchange, and the queues whose dead letters are dropped", async () => {
    await collector.tick();
    const dlqs = await store.prisma.dlq.findMany();
    expect(dlqs.map((d) => d.name)).toEqual([`${VHOST}/work.dlq`]);
    expect(dlqs[0]).toMatchObject({ sources: ["work"], adopted: true, adoptedBy: "configuration", foundBy: "dead-letter exchange of work" });
    const cluster = await store.prisma.cluster.findUniqueOrThrow({ where: { name: rabbitCluster.name } });
    const problems = cluster.deadLetterProblems as Array<{ source: string; problem: string }>;
    expect(problems.find((p) => p.source === `${VHOST}/broken`)?.problem).toMatch(/dead-letter exchange "no-such-exchange" does not exist/);
    expect(problems.find((p) => p.source === `${VHOST}/nowhere`)?.problem).toMatch(/routes key "unbound" to no queue/);
  });

  it("stores every dead letter byte for byte, with properties, headers and death history, before acking it", async () => {
    await until(async () => (await letters({ kind: "rabbitmq" })).length, (n) => n === published.length, 30_000, 500);
    await until(() => queueStats(VHOST, "work.dlq"), (s) => s.messages_ready === 0 && s.messages_unacknowledged === 0, 30_000);
    for (const p of published) {
      const l = await store.prisma.deadLetter.findFirstOrThrow({ where: { messageId: p.messageId } });
      expect(Buffer.compare(Buffer.from(l.payload!), p.body)).toBe(0);
      expect(l.payloadSize).toBe(p.body.length);
      expect(l).toMatchObject({ reason: "rejected", source: `${VHOST}/work`, destination: `${VHOST}/work`, collectedFrom: `${VHOST}/work.dlq`, state: "dead", deathCount: 1 });
      expect(l.headers).toMatchObject({ "x-tenant": "acme", "x-first-death-queue": "work", "x-first-death-reason": "rejected" });
      expect(l.properties).toMatchObject({ messageId: p.messageId, timestamp: new Date(1_700_000_000_000).toISOString() });
      expect(l.errorText).toBe(`timeout after ${p.body.length} ms`);
      const deaths = l.deaths as Array<{ reason: string; source: string; exchange: string; count: number; at: string }>;
      expect(deaths[0]).toMatchObject({ reason: "rejected", source: "work", exchange: "", count: 1 });
      expect(Date.parse(deaths[0]!.at)).toBeGreaterThan(Date.now() - 5 * 60_000);
    }
    const binary = await store.prisma.deadLetter.findFirstOrThrow({ where: { messageId: "m-binary" } });
    expect(binary.payloadShape).toBe("binary");
    expect(binary.payloadText).toContain("\uFFFD");
    const json = await store.prisma.deadLetter.findFirstOrThrow({ where: { messageId: "m-json" } });
    expect(json.payloadShape).toBe("json{amount,orderId}");
    // Same source, reason and error shape (numbers blurred), different payload shapes: different groups.
    const fingerprints = new Set((await letters({ kind: "rabbitmq" })).map((l) => l.fingerprint));
    expect(fingerprints.size).toBe(new Set((await letters({ kind: "rabbitmq" })).map((l) => l.payloadShape)).size);
  });

  it("recognises a letter captured twice (a crash between storing and acknowledging) and keeps one", async () => {
    const ch = await conn.createConfirmChannel();
    ch.sendToQueue("work.dlq", Buffer.from("crash-me"), { messageId: "m-crash", headers: { "x-death": [{ count: 1, reason: "expired", queue: "work", exchange: "", "routing-keys": ["work"], time: { "!": "timestamp", value: 1_700_000_100 } }] } });
    await ch.waitForConfirms();
    // Stand the collector down so this test owns the queue, then store without acking, and "crash".
    await collector.stop();
    const raw = await ch.get("work.dlq", { noAck: false });
    expect(raw).not.toBe(false);
    if (raw === false) return;
    const cluster = await store.prisma.cluster.findUniqueOrThrow({ where: { name: rabbitCluster.name } });
    const letter = letterFromAmqp({ content: raw.content, redelivered: raw.fields.redelivered, properties: raw.properties as unknown as Record<string, unknown> }, { clusterId: cluster.id, clusterName: cluster.name, vhost: VHOST, dlq: "work.dlq" });
    expect(await storeLetters(store.prisma, [letter])).toBe(1);
    await ch.close(); // unacked: RabbitMQ puts it back
    collector.start();
    await until(() => queueStats(VHOST, "work.dlq"), (s) => s.messages_ready === 0 && s.messages_unacknowledged === 0, 30_000);
    const copies = await letters({ messageId: "m-crash" });
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ reason: "expired", deathCount: 1 });
  });

  it("captures JetStream dead letters from advisories, with the original or the reason it is gone", async () => {
    const js = jetstream(nc);
    const h = natsHeaders();
    h.set("Nats-Msg-Id", `poison-${id}`);
    h.set("x-error", "cannot parse order 77");
    await js.publish(`${SUBJ}.poison`, JSON.stringify({ order: 77 }), { headers: h });
    await js.publish(`${SUBJ}.term`, "terminate me");
    const consumer = await js.consumers.get(STREAM, "worker");
    const deadline = Date.now() + 30_000;
    let terminated = false;
    while (Date.now() < deadline) {
      const batch = await consumer.fetch({ max_messages: 10, expires: 1000 });
      for await (const m of batch) {
        if (m.subject.endsWith(".term")) {
          m.term();
          terminated = true;
        } else m.nak();
      }
      const count = await store.prisma.deadLetter.count({ where: { kind: "nats", source: { startsWith: `${STREAM}/` } } });
      if (terminated && count >= 2) break;
    }
    const nl = await until(() => letters({ kind: "nats", source: `${STREAM}/worker` }), (l) => l.length === 2, 20_000, 500);
    const poison = nl.find((l) => l.reason === "max_deliveries")!;
    expect(Buffer.from(poison.payload!).toString()).toBe(JSON.stringify({ order: 77 }));
    expect(poison).toMatchObject({ destination: `${SUBJ}.poison`, messageId: `poison-${id}`, errorText: "cannot parse order 77", collectedFrom: DEFAULT_CAPTURE.stream, deathCount: 2, payloadMissing: null });
    const term = nl.find((l) => l.reason === "terminated")!;
    expect(term.payload).toBeNull();
    expect(term.payloadMissing).toMatch(/work-queue stream a terminated message is removed/);
    expect(term.properties).toMatchObject({ stream: STREAM, consumer: "worker", retention: "workqueue" });
  });

  it("captures the other JetStream dead letters when the store refuses one, and leaves that one's advisory unacknowledged", async () => {
    await queryRows(db.url, `CREATE FUNCTION refuse_nats() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.message_id = 'nats-refused-${id}' THEN RAISE EXCEPTION 'refused by the test for %', NEW.message_id; END IF; RETURN NEW; END $$`);
    await queryRows(db.url, `CREATE TRIGGER refuse_nats BEFORE INSERT ON dead_letters FOR EACH ROW EXECUTE FUNCTION refuse_nats()`);
    // The collector stands down while both die, so their advisories wait together for one fetch.
    await collector.stop();
    try {
      const js = jetstream(nc);
      for (const name of ["nats-ok", "nats-refused"]) {
        const h = natsHeaders();
        h.set("Nats-Msg-Id", `${name}-${id}`);
        await js.publish(`${SUBJ}.${name}`, name, { headers: h });
      }
      const worker = await js.consumers.get(STREAM, "worker");
      // Nak each until JetStream stops delivering it (max_deliver 2): its advisory is then in the capture stream.
      const deliveries = new Map<string, number>();
      await until(
        async () => {
          let ours = 0;
          const batch = await worker.fetch({ max_messages: 10, expires: 1000 });
          for await (const m of batch) {
            const name = m.subject.slice(SUBJ.length + 1);
            if (name === "nats-ok" || name === "nats-refused") {
              ours++;
              deliveries.set(name, (deliveries.get(name) ?? 0) + 1);
            }
            m.nak();
          }
          return ours === 0 && deliveries.get("nats-ok") === 2 && deliveries.get("nats-refused") === 2;
        },
        Boolean,
        30_000,
        0,
      );
      await new Promise((r) => setTimeout(r, 1000));
      collector.start();
      await until(() => letters({ messageId: `nats-ok-${id}` }), (l) => l.length === 1, 20_000, 200);
      await until(async () => warnings, (w) => w.some((x) => x.startsWith("1 NATS dead letter could not be stored and will be tried again when JetStream redelivers its advisory (the rest were collected): ") && x.includes(`refused by the test for nats-refused-${id}`)), 10_000, 200);
      expect(await letters({ messageId: `nats-refused-${id}` })).toHaveLength(0);
      const capture = await jsm.consumers.info(DEFAULT_CAPTURE.stream, await durable());
      expect(capture.num_ack_pending).toBeGreaterThanOrEqual(1);
    } finally {
      await queryRows(db.url, `DROP TRIGGER IF EXISTS refuse_nats ON dead_letters`);
      collector.start();
    }
  });

  it("collects the rest when the store refuses one letter, keeps that one on the queue, names it, and takes it once it can", async () => {
    await collector.stop();
    // A store that refuses one message id (as PostgreSQL refuses a value it cannot hold), by a trigger of the test's own.
    await queryRows(db.url, `CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.message_id = 'refused-1' THEN RAISE EXCEPTION 'refused by the test for %', NEW.message_id; END IF; RETURN NEW; END $$`);
    await queryRows(db.url, `CREATE TRIGGER refuse_one BEFORE INSERT ON dead_letters FOR EACH ROW EXECUTE FUNCTION refuse_one()`);
    const careful = new Collector(store.prisma, [{ cluster: rabbitCluster, broker: rabbit }], createLeaderLock({ kind: "postgres", url: db.url }, () => undefined, COLLECTOR_LOCK), {
      intervalMs: 1000,
      discoveryMs: 60_000,
      timeoutMs: 5000,
      retryHeldMs: 8000,
      log: (_l, m) => warnings.push(m),
    });
    const ch = await conn.createConfirmChannel();
    const ids = ["ok-0", "ok-1", "refused-1", "ok-2", "nul\u0000id", "ok-3"];
    try {
      for (const messageId of ids) ch.sendToQueue("work.dlq", Buffer.from(`body of ${messageId}`), { messageId });
      await ch.waitForConfirms();
      await careful.tick();
      const stored = () => store.prisma.deadLetter.findMany({ where: { collectedFrom: `${VHOST}/work.dlq`, payload: { not: null } }, select: { messageId: true, payload: true } });
      const storedIds = async () => (await stored()).map((l) => l.messageId).filter((m) => m !== null && (m.startsWith("ok-") || m.startsWith("nul") || m.startsWith("refused")));
      await until(storedIds, (l) => l.length === 5, 20_000, 200);
      expect((await storedIds()).sort()).toEqual(["nul\\u0000id", "ok-0", "ok-1", "ok-2", "ok-3"]);
      const nul = (await stored()).find((l) => l.messageId === "nul\\u0000id")!;
      expect(Buffer.from(nul.payload!).toString()).toBe("body of nul\u0000id");
      expect(warnings.some((w) => w.startsWith(`1 letter from ${VHOST}/work.dlq could not be stored and stay on the queue (the rest were collected): `) && w.includes("refused by the test for refused-1"))).toBe(true);
      await careful.tick();
      const dlq = await store.prisma.dlq.findFirstOrThrow({ where: { name: `${VHOST}/work.dlq` } });
      expect(dlq.problem).toMatch(/^1 letter cannot be stored and stays on the queue, tried again every 8 s: .*refused by the test for refused-1/);
      // The refused letter is still RabbitMQ's: unacknowledged by the collector (or back on the queue), not gone.
      await until(() => queueStats(VHOST, "work.dlq"), (q) => q.messages_unacknowledged + q.messages_ready === 1, 20_000);

      // Once the store takes it, the letter comes back from the queue and is collected.
      await queryRows(db.url, `DROP TRIGGER refuse_one ON dead_letters`);
      await until(async () => (await careful.tick(), storedIds()), (l) => l.includes("refused-1"), 30_000, 500);
      await until(() => queueStats(VHOST, "work.dlq"), (q) => q.messages_unacknowledged + q.messages_ready === 0, 20_000);
    } finally {
      await careful.stop();
      await ch.close();
      await queryRows(db.url, `DROP TRIGGER IF EXISTS refuse_one ON dead_letters`);
    }
  });

  it("stores a refused batch letter by letter, and says nothing more, when each letter alone goes in", async () => {
    // A store that refuses any statement inserting more than one letter (a batch), but takes each alone.
    await queryRows(db.url, `CREATE FUNCTION refuse_batches() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF (SELECT count(*) FROM new_rows) > 1 THEN RAISE EXCEPTION 'batches refused by the test'; END IF; RETURN NULL; END $$`);
    await queryRows(db.url, `CREATE TRIGGER refuse_batches AFTER INSERT ON dead_letters REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refuse_batches()`);
    const quiet = new Collector(store.prisma, [{ cluster: rabbitCluster, broker: rabbit }], createLeaderLock({ kind: "postgres", url: db.url }, () => undefined, COLLECTOR_LOCK), { intervalMs: 1000, discoveryMs: 60_000, timeoutMs: 5000, log: (_l, m) => warnings.push(m) });
    const ch = await conn.createConfirmChannel();
    const before = warnings.length;
    try {
      for (let i = 0; i < 4; i++) ch.sendToQueue("work.dlq", Buffer.from(`one by one ${i}`), { messageId: `one-by-one-${i}` });
      await ch.waitForConfirms();
      await quiet.tick();
      await until(() => letters({ messageId: { startsWith: "one-by-one-" } }), (l) => l.length === 4, 20_000, 200);
      await until(() => queueStats(VHOST, "work.dlq"), (q) => q.messages_unacknowledged + q.messages_ready === 0, 20_000);
      expect(warnings.slice(before).filter((w) => /could not be stored|could not store/.test(w))).toEqual([]);
    } finally {
      await quiet.stop();
      await ch.close();
      await queryRows(db.url, `DROP TRIGGER IF EXISTS refuse_batches ON dead_letters`);
    }
  });

  it("leaves dead letters on the broker when the store cannot take them", async () => {
    const ch = await conn.createConfirmChannel();
    await collector.stop();
    const lost = await createTestDatabase();
    const doomed = await openStore({ kind: "postgres", url: lost.url });
    const blind = new Collector(doomed.prisma, [{ cluster: rabbitCluster, broker: rabbit }], createLeaderLock({ kind: "embedded", dataDir: "" }, () => undefined), {
      intervalMs: 1000,
      discoveryMs: 0,
      timeoutMs: 5000,
      log: (_l, m) => warnings.push(m),
    });
    try {
      await blind.tick(); // discovers, adopts and starts consuming into the doomed store
      await lost.drop(); // the store goes away under a running consumer
      for (let i = 0; i < 3; i++) ch.sendToQueue("work.dlq", Buffer.from(`keep-${i}`), { messageId: `keep-${i}` });
      await ch.waitForConfirms();
      await until(async () => warnings.some((w) => /could not store letters from .*work\.dlq; they stay on the queue/.test(w)), Boolean, 15_000);
      // Every letter is back on the queue once nothing holds it unacknowledged: read the queue itself.
      await blind.stop();
      const found: string[] = [];
      for (;;) {
        const m = await ch.get("work.dlq", { noAck: true });
        if (m === false) break;
        found.push(String(m.properties.messageId));
      }
      expect(found.filter((x) => x.startsWith("keep-")).sort()).toEqual(["keep-0", "keep-1", "keep-2"]);
    } finally {
      await blind.stop();
      await doomed.close().catch(() => undefined);
      await ch.close();
    }
  });
});
