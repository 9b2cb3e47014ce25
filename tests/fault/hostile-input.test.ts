import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import { ConfigError, loadConfig, type RabbitClusterConfig } from "@/lib/config";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { getLetter } from "@/lib/dead-letters/get-letter";
import { letterListQuery, listLetters } from "@/lib/dead-letters/list-letters";
import { COLLECTOR_LOCK, createLeaderLock } from "@/lib/db/leader-lock";
import { controlJob } from "@/lib/redrive/control-job";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { NatsPublisher } from "@/lib/brokers/nats/nats-publisher";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import { startJob } from "@/lib/redrive/start-job";
import { account, expectAccountedFor, recordHostile } from "../support/accounting";
import { garbageServer, httpServer, silentServer } from "../support/bad-servers";
import { drainQueue, natsLetters, rabbitDeadLetters, streamCopies } from "../support/letters";
import { startNatsServer } from "../support/nats-server";
import { TEST_OPERATOR } from "../support/principals";
import { createVhost, until } from "../support/rabbit-admin";
import { createRedriveEnv, uniqueId, type RedriveEnv } from "../support/redrive-env";

// What a broken or hostile producer, operator or network can hand Redrive: each input gets a clear
// message or is kept exactly, and breaks nothing else.

const id = uniqueId();
const VHOST = `fault-hostile-ユニコード-${id}`;
const CLUSTER = `fault-hostile-${id}`;
const SOURCE = `källa «work» ✉ ${id}`;
const DLQ = `död 💀 <b>dlq</b> "q" ${id}`;
const NATS_CLUSTER = `fault-hostile-nats-${id}`;
const STREAM = `FAULT_HOSTILE_${id.toUpperCase()}`;
const SUBJECT = `hostile.ünïcødé.✉.${id}`;

const HTML = Buffer.from(`<script>alert(document.cookie)</script><img src=x onerror="alert(1)">`);
const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x00, 0x80, 0xf0, 0x28, 0x8c, 0xbc]);
const TEN_MB = randomBytes(10 * 1024 * 1024);
const ODD_HEADERS: Record<string, unknown> = {
  ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`h-${i}`, `v-${i}`])),
  "x-big": "x".repeat(60_000),
  "ünïcødé ✉ <b>": "värde <script>alert(1)</script>",
  "x-nul": "before\u0000after",
  "x-nested": { a: { b: [1, "two", { c: true }] } },
  "x-bytes": Buffer.from([0, 1, 2, 255]),
  "x-float": 3.25,
  "x-negative": -7,
  "x-bool": false,
};

describe("hostile input", () => {
  let env: RedriveEnv;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const rabbitCluster: RabbitClusterConfig = { name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST], deadLetters: { adopt: ["*"], queues: [], prefetch: 50 } };

  beforeAll(async () => {
    env = await createRedriveEnv({
      clusters: [
        { name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] },
        { name: NATS_CLUSTER, kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { enabled: false } },
      ],
      redrive: { maxRate: 10_000, confirmTimeoutSeconds: 10 },
    }, id);
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createChannel();
    await ch.assertQueue(DLQ, { durable: true });
    await ch.assertQueue(SOURCE, { durable: true, arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": DLQ } });
    await ch.close();
    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await jsm?.streams.delete(STREAM).catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await conn?.close().catch(() => undefined);
    await vhost?.drop().catch(() => undefined);
    await env?.close();
  });

  it("payloads with HTML/JS, invalid UTF-8 and 10 MB, and huge, odd headers, from unicode-named queues: collected exactly, listed as data, requeued byte for byte", async () => {
    const t0 = Date.now();
    const bodies: Array<{ key: string; body: Buffer; headers?: Record<string, unknown> }> = [
      { key: "html", body: HTML },
      { key: "invalid-utf8", body: INVALID_UTF8 },
      { key: "ten-mb", body: TEN_MB },
      { key: "empty", body: Buffer.alloc(0) },
      { key: "odd-headers", body: Buffer.from("{}"), headers: ODD_HEADERS },
    ];
    const pub = await conn.createConfirmChannel();
    for (const b of bodies) pub.sendToQueue(SOURCE, b.body, { messageId: `${b.key}-${id}`, persistent: true, headers: { "x-kind": b.key, ...b.headers } });
    await pub.waitForConfirms();
    await pub.close();
    const rejecter = await conn.createChannel();
    const { consumerTag } = await rejecter.consume(SOURCE, (m) => m && rejecter.nack(m, false, false));

    const warnings: string[] = [];
    const broker = new RabbitBroker(rabbitCluster, 5000);
    const collector = new Collector(env.store.prisma, [{ cluster: rabbitCluster, broker }], createLeaderLock({ kind: "postgres", url: env.directUrl }, () => undefined, COLLECTOR_LOCK), { intervalMs: 500, discoveryMs: 0, timeoutMs: 5000, log: (level, m) => void (level === "warn" && warnings.push(m)) });
    collector.start();
    try {
      const stored = await until(() => env.store.prisma.deadLetter.findMany({ where: { source: `${VHOST}/${SOURCE}` } }), (l) => l.length === bodies.length || warnings.length > 0, 60_000, 250).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}; collector said: ${warnings.join(" | ")}`);
      });
      expect(warnings).toEqual([]);
      expect(stored).toHaveLength(bodies.length);
      await rejecter.cancel(consumerTag);
      await rejecter.close();
      for (const b of bodies) {
        const l = stored.find((x) => x.messageId === `${b.key}-${id}`)!;
        expect(Buffer.compare(Buffer.from(l.payload!), b.body), b.key).toBe(0);
        expect(l.collectedFrom).toBe(`${VHOST}/${DLQ}`);
      }
      recordHostile("unicode vhost, source and DLQ names (`…ユニコード…`, `död 💀 <b>dlq</b> \"q\"`)", "discovered through the management API, adopted by pattern, collected", `collected ${stored.length} letters from ${VHOST}/${DLQ}`, t0);

      // Browsing shows them as data: text is text (the viewer escapes it), bytes are base64.
      const html = await getLetter(stored.find((x) => x.messageId === `html-${id}`)!.id);
      expect(Buffer.from(html.payloadBase64!, "base64").toString()).toBe(HTML.toString());
      expect(html.payloadIsUtf8).toBe(true);
      const bad = await getLetter(stored.find((x) => x.messageId === `invalid-utf8-${id}`)!.id);
      expect(bad.payloadIsUtf8).toBe(false);
      expect(Buffer.compare(Buffer.from(bad.payloadBase64!, "base64"), INVALID_UTF8)).toBe(0);
      const big = await getLetter(stored.find((x) => x.messageId === `ten-mb-${id}`)!.id);
      expect(big.payloadTruncated).toBe(true);
      expect(big.payloadSize).toBe(TEN_MB.length);
      const odd = await getLetter(stored.find((x) => x.messageId === `odd-headers-${id}`)!.id);
      expect(odd.headers["ünïcødé ✉ <b>"]).toBe("värde <script>alert(1)</script>");
      expect(Object.keys(odd.headers).length).toBeGreaterThan(300);
      const search = await listLetters(letterListQuery.parse({ q: "<script>alert(document.cookie)" }));
      expect(search.items.map((i) => i.messageId)).toEqual([`html-${id}`]);
      recordHostile("payload `<script>alert(document.cookie)</script><img onerror>`", "stored and served as data; the inbox search finds it as text", "kept byte for byte; served in JSON as base64 with payloadIsUtf8 true", t0);
      recordHostile("payload of invalid UTF-8 (with a NUL)", "stored exactly; searchable text has replacement characters", "kept byte for byte; payloadIsUtf8 false, so the viewer shows hex", t0);
      recordHostile("10 MB payload", "stored exactly; the detail shows the first 256 KiB, the download the rest", `payloadSize ${big.payloadSize}, inline head truncated`, t0);
      recordHostile("300 headers, a 60 KB header, a header named `ünïcødé ✉ <b>`, a NUL inside a header value, nested tables, bytes", "kept for display and for a faithful requeue", `stored with ${Object.keys(odd.headers).length} headers`, t0);

      // Requeued to the unicode-named source queue, exactly as they were.
      const ids = stored.map((l) => l.id);
      const runner = new JobRunner({ prisma: env.store.prisma, maxInFlight: 10, publisherFor: async () => new RabbitPublisher(rabbitCluster, 10_000) });
      const job = await startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
      await runner.claim();
      await runner.idle();
      await runner.stop();
      expect((await getJob(job.id)).counts.done).toBe(bodies.length);
      const back = await conn.createChannel();
      const copies = new Map<string, number>();
      for (;;) {
        const m = await back.get(SOURCE, { noAck: true });
        if (m === false) break;
        const key = String(m.properties.messageId);
        copies.set(key, (copies.get(key) ?? 0) + 1);
        const sent = bodies.find((b) => `${b.key}-${id}` === key)!;
        expect(Buffer.compare(m.content, sent.body), key).toBe(0);
        if (sent.headers) {
          const h = m.properties.headers as Record<string, unknown>;
          expect(h["x-nul"]).toBe("before\u0000after");
          expect(h["x-big"]).toBe(ODD_HEADERS["x-big"]);
          expect(h["ünïcødé ✉ <b>"]).toBe("värde <script>alert(1)</script>");
          expect(Buffer.compare(h["x-bytes"] as Buffer, Buffer.from([0, 1, 2, 255]))).toBe(0);
          expect(h["x-nested"]).toEqual({ a: { b: [1, "two", { c: true }] } });
          expect(h["h-299"]).toBe("v-299");
        }
      }
      await back.close();
      const acc = await account({ scenario: "hostile payloads and headers, collected and requeued", shows: "HTML/JS, invalid UTF-8, 10 MB and empty payloads, and 300 odd headers (60 KB, unicode names, a NUL, nested tables, bytes), dead-lettered from unicode-named queues, collected, then requeued: every byte and header arrives as it was, once.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0 });
      expectAccountedFor(acc);
      expect(acc.onBroker).toBe(bodies.length);
    } finally {
      await collector.stop();
      await broker.close();
    }
  });

  it("a unicode JetStream subject: requeued once", async () => {
    const t0 = Date.now();
    await jsm.streams.add({ name: STREAM, subjects: [SUBJECT] });
    const ids = await natsLetters(env.store.prisma, { cluster: NATS_CLUSTER, stream: STREAM, subject: SUBJECT, n: 5, tag: `uni-${id}` });
    const runner = new JobRunner({ prisma: env.store.prisma, maxInFlight: 10, publisherFor: async () => new NatsPublisher(nc, 5000) });
    const job = await startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 1000 }, TEST_OPERATOR, null);
    await runner.claim();
    await runner.idle();
    await runner.stop();
    expect((await getJob(job.id)).counts.done).toBe(5);
    const acc = await account({ scenario: "unicode JetStream subject", shows: `Letters from subject \`${SUBJECT}\` requeued to it: stored once each.`, prisma: env.store.prisma, letterIds: ids, copies: await streamCopies(jsm, STREAM), startedAt: t0 });
    expectAccountedFor(acc);
    recordHostile(`unicode JetStream subject \`${SUBJECT}\``, "requeued like any other", "5 of 5 done, each stored once", t0);
  });

  it("malformed configuration: refused with the file and the field", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-hostile-config-"));
    const cases: Array<{ input: string; file: string; text: string | Buffer; expect: RegExp; env?: Record<string, string> }> = [
      { input: "config that is not JSON", file: "a.json", text: "{ clusters: [", expect: /is not valid JSON/ },
      { input: "config of binary garbage", file: "b.json", text: randomBytes(2048), expect: /is not valid JSON/ },
      { input: "YAML alias bomb (billion laughs)", file: "c.yaml", text: `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nclusters: *f\n`, expect: /is not valid YAML|clusters/ },
      { input: "clusters that is a number", file: "d.json", text: JSON.stringify({ clusters: 7 }), expect: /clusters: /},
      { input: "a cluster name with HTML", file: "e.json", text: JSON.stringify({ clusters: [{ name: "<script>x</script>", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] }), expect: /clusters\[0\]\.name: may hold only letters, digits/ },
      { input: "an unknown field", file: "f.json", text: JSON.stringify({ clusters: [{ name: "a", kind: "nats", servers: ["nats://127.0.0.1:4222"], pasword: "x" }] }), expect: /Unrecognized key.*pasword|pasword/ },
      { input: "an http:// URL for NATS", file: "g.json", text: JSON.stringify({ clusters: [{ name: "a", kind: "nats", servers: ["http://127.0.0.1:4222"] }] }), expect: /clusters\[0\]\.servers\[0\]: must be a URL starting with nats:\/\/ or tls:\/\// },
      { input: "a password variable that is not set", file: "h.json", text: JSON.stringify({ clusters: [{ name: "a", kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1", managementUrl: "http://127.0.0.1:15672", passwordEnv: "REDRIVE_HOSTILE_UNSET" }] }), expect: /clusters\[0\]\.passwordEnv names the environment variable REDRIVE_HOSTILE_UNSET, which is not set/ },
      { input: "two clusters with one name", file: "i.json", text: JSON.stringify({ clusters: [{ name: "a", kind: "nats", servers: ["nats://x:4222"] }, { name: "a", kind: "nats", servers: ["nats://y:4222"] }] }), expect: /"a" is used by two clusters/ },
      { input: "a config path that is a folder", file: "folder.json", text: "", expect: /Cannot read the configuration file/ },
      { input: "DATABASE_URL that is not PostgreSQL", file: "j.json", text: JSON.stringify({ clusters: [{ name: "a", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] }), expect: /DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//, env: { DATABASE_URL: "mysql://root@127.0.0.1/x" } },
    ];
    try {
      for (const c of cases) {
        const t0 = Date.now();
        const file = path.join(dir, c.file);
        if (c.file === "folder.json") mkdirSync(file);
        else writeFileSync(file, c.text);
        let message = "(accepted)";
        try {
          loadConfig({ REDRIVE_CONFIG: file, ...c.env }, dir);
        } catch (e) {
          expect(e, c.input).toBeInstanceOf(ConfigError);
          message = (e as Error).message;
        }
        expect(message, c.input).toMatch(c.expect);
        recordHostile(c.input, "Redrive refuses to start and says which file and field", message.replace(dir, "<dir>").replace(/\s*\n\s*/g, " "), t0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("wrong credentials: RabbitMQ, its management API and NATS say so; a job waits, says why, and can be cancelled", async () => {
    let t0 = Date.now();
    const wrong: RabbitClusterConfig = { ...rabbitCluster, password: "not-the-password" };
    const rabbit = new RabbitBroker(wrong, 3000);
    const probe = await rabbit.probe();
    await rabbit.close();
    expect(probe.reachable).toBe(false);
    expect(probe.error).toMatch(/refused the credentials of user "guest"/);
    expect(probe.management?.error).toMatch(/management API refused the credentials of user "guest" \(401\)/);
    recordHostile("wrong RabbitMQ password", "the cluster shows as unreachable with the reason", probe.error!, t0);
    recordHostile("wrong RabbitMQ management password", "shown beside the cluster", probe.management!.error!, t0);

    t0 = Date.now();
    const server = await startNatsServer(["--user", "redrive", "--pass", "right"]);
    try {
      const nats = new NatsBroker({ name: "hostile-auth", kind: "nats", servers: [server.url], user: "redrive", password: "wrong" }, 3000);
      const p = await nats.probe();
      await nats.close();
      expect(p.reachable).toBe(false);
      expect(p.error).toMatch(/refused Redrive's credentials/);
      recordHostile("wrong NATS password", "the cluster shows as unreachable with the reason", p.error!, t0);
    } finally {
      await server.stop();
    }

    // A requeue job whose publisher has the wrong password: nothing is sent, the job says why and waits.
    t0 = Date.now();
    const queue = `creds-${id}`;
    const ch = await conn.createChannel();
    await ch.assertQueue(`${queue}.dlq`, { durable: true });
    await ch.assertQueue(queue, { durable: true, arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": `${queue}.dlq` } });
    await ch.close();
    const ids = await rabbitDeadLetters(env.store.prisma, { conn, cluster: CLUSTER, vhost: VHOST, queue, dlq: `${queue}.dlq`, n: 5, tag: `creds-${id}` });
    const runner = new JobRunner({ prisma: env.store.prisma, maxInFlight: 10, publisherFor: async () => new RabbitPublisher(wrong, 5000) });
    try {
      const job = await startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate: 100 }, TEST_OPERATOR, null);
      await runner.claim();
      const waiting = await until(() => getJob(job.id), (j) => (j.error ?? "") !== "", 20_000, 100);
      expect(waiting.error).toMatch(/^Waiting for the broker: cannot reach RabbitMQ .*ACCESS_REFUSED/);
      await controlJob(job.id, "cancel", TEST_OPERATOR, null);
      const end = await until(() => getJob(job.id), (j) => j.state === "cancelled", 30_000, 200);
      expect(end.counts.cancelled).toBe(5);
      const acc = await account({ scenario: "requeue with the wrong RabbitMQ password", shows: "A job whose RabbitMQ credentials are wrong sends nothing, says why while it waits, and is cancelled: the letters are back in the inbox.", prisma: env.store.prisma, letterIds: ids, copies: await drainQueue(conn, queue), startedAt: t0, notes: [`the job said: ${waiting.error}`] });
      expectAccountedFor(acc);
      recordHostile("requeue job with the wrong RabbitMQ password", "the job waits and says why; cancel releases the letters", waiting.error!, t0);
    } finally {
      await runner.stop();
    }
  });

  it("a broker that answers slowly or with garbage: unreachable within the timeout, with a reason", async () => {
    const silent = await silentServer();
    const garbage = await garbageServer();
    const slowHttp = await httpServer({ status: 200, body: "{}", contentType: "application/json", delayMs: 10_000 });
    const htmlHttp = await httpServer({ status: 200, body: "<html><body>Welcome to nginx!</body></html>", contentType: "text/html" });
    const cases = [
      { input: "AMQP port that accepts and never answers; management API that answers after 10 s", rabbit: { amqpUrl: silent.url("amqp"), managementUrl: slowHttp.url("http") }, expect: /RabbitMQ at .* did not answer within|Cannot reach RabbitMQ/, mgmt: /did not answer within 2 s/ },
      { input: "AMQP port that answers with random bytes; management URL serving an HTML page", rabbit: { amqpUrl: garbage.url("amqp"), managementUrl: htmlHttp.url("http") }, expect: /Cannot reach RabbitMQ/, mgmt: /not JSON; is this the management port\?/ },
      { input: "NATS port that accepts and never answers", nats: silent.url("nats"), expect: /Cannot reach NATS|did not answer/ },
      { input: "NATS port that answers with random bytes", nats: garbage.url("nats"), expect: /Cannot reach NATS/ },
    ] as const;
    try {
      for (const c of cases) {
        const t0 = Date.now();
        let error: string | null;
        let extra = "";
        if ("rabbit" in c) {
          const b = new RabbitBroker({ ...rabbitCluster, ...c.rabbit }, 2000);
          const p = await b.probe();
          await b.close();
          expect(p.reachable, c.input).toBe(false);
          error = p.error;
          expect(p.management?.error ?? "", c.input).toMatch(c.mgmt);
          extra = `; management: ${p.management?.error ?? ""}`;
        } else {
          const b = new NatsBroker({ name: "hostile-nats", kind: "nats", servers: [c.nats] }, 2000);
          const p = await b.probe();
          await b.close();
          expect(p.reachable, c.input).toBe(false);
          error = p.error;
        }
        const took = Date.now() - t0;
        expect(error ?? "", c.input).toMatch(c.expect);
        expect(took, c.input).toBeLessThan(8000);
        recordHostile(c.input, "reported unreachable within the connect timeout (2 s here), nothing hangs", `${error ?? ""}${extra} (${(took / 1000).toFixed(1)} s)`, t0);
      }
    } finally {
      await Promise.all([silent.close(), garbage.close(), slowHttp.close(), htmlHttp.close()]);
    }
  });
});
