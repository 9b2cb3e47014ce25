import { jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";
import amqp from "amqplib";
import pg from "pg";
import { principalFor } from "@/lib/auth/permissions";
import { getConfig, type RabbitClusterConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import { letterFromAmqp } from "@/lib/brokers/rabbitmq/letter-from-amqp";
import { RabbitCollector } from "@/lib/brokers/rabbitmq/rabbit-collector";
import { queueId } from "@/lib/brokers/rabbitmq/queue-id";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import { NatsPublisher } from "@/lib/brokers/nats/nats-publisher";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import type { LetterPublisher } from "@/lib/brokers/publisher";
import { startJob } from "@/lib/redrive/start-job";
import type { Cleanup } from "./cleanup";
import { AMQP_URL, GUEST, mgmt, sleep } from "./local";
import { connectNats } from "./nats-load";
import { measureEmbeddedInbox, measureInbox, type InboxFigures } from "./inbox";

// Issues 4 and 5 under load: collecting a burst from a RabbitMQ DLQ, the inbox at scale, and requeue
// throughput on RabbitMQ and JetStream — each against a bare baseline measured in the same run.

/** The bench's own Redrive configuration (process.env.REDRIVE_CONFIG), set before anything reads it. */
export const BENCH_REDRIVE = { maxRate: 1_000_000, maxInFlight: 500, confirmTimeoutSeconds: 60 };
const PREFETCH = 200;

export type DeadLetterSizes = { collect: number; inbox: number; requeue: number; requeueNats: number };

export const dlClusterNames = (id: string) => ({ rabbit: `bench-dl-rabbitmq-${id}`, nats: `bench-dl-nats-${id}` });
export const dlVhost = (vhost: string) => `${vhost}-dl`;

export type Throughput = { n: number; ms: number; perSecond: number };
const rate = (n: number, ms: number): Throughput => ({ n, ms, perSecond: ms > 0 ? n / (ms / 1000) : Number.NaN });


export type DeadLetterFigures = {
  sizes: DeadLetterSizes;
  maxInFlight: number;
  jobRate: number;
  prefetch: number;
  collect: {
    /** Letters made by RabbitMQ itself (a consumer nacks them out of a queue with a dead-letter exchange). */
    redrive: Throughput;
    bareAck: Throughput;
    plainInsert: Throughput;
    stored: number;
    left: number;
    payloadBytes: number;
    setupMs: number;
  };
  inbox: InboxFigures;
  /** The same inbox on the embedded store (PGlite); null with --no-embedded. */
  inboxEmbedded: InboxFigures | null;
  requeue: {
    rabbit: { startMs: number; run: Throughput; total: Throughput; destination: number; requeued: number; failed: number; shovel: Throughput; shovelMoved: number; bare: Throughput };
    nats: { startMs: number; run: Throughput; total: Throughput; destination: number; requeued: number; failed: number; bare: Throughput; bareStored: number };
    insertMs: number;
  };
};

type Ctx = { embedded: boolean; migrationsDir: string; id: string; vhost: string; natsPrefix: string; store: Store; sizes: DeadLetterSizes; signal: AbortSignal; cleanup: Cleanup; log: (line: string) => void; warnings: string[] };

/** Polls until ok or the deadline (bounded in count and time). */
async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms: number, signal: AbortSignal, every = 50): Promise<T> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < Math.ceil(ms / every) + 2; i++) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) break;
    await sleep(every, signal);
  }
  throw new Error(`${what}: not reached within ${ms / 1000} s`);
}

const body = (i: number) =>
  Buffer.from(
    JSON.stringify({ orderId: i, customer: `cust-${i % 9973}`, sku: `sku-${(i * 7919) % 100_000}`, lines: [{ item: `item-${i % 97}`, qty: (i % 9) + 1, price: ((i % 1000) / 10).toFixed(2) }], note: "x".repeat(150) }),
  );

/** Publishes with confirms, at most `window` unconfirmed at a time. */
async function confirmedPublish(ch: amqp.ConfirmChannel, n: number, window: number, send: (i: number, cb: (err: unknown) => void) => void): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(window, n) }, async () => {
      while (next < n) {
        const i = next++;
        await new Promise<void>((resolve, reject) => send(i, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())));
      }
    }),
  );
}

async function messageCount(ch: amqp.Channel, queue: string): Promise<number> {
  return (await ch.checkQueue(queue)).messageCount;
}

/** Fills `dlq` with `n` real dead letters: published to `source` (dead-lettering into `dlq`), then nacked by a consumer. */
async function deadLetterInto(conn: amqp.ChannelModel, ch: amqp.Channel, source: string, dlq: string, n: number, signal: AbortSignal): Promise<void> {
  await ch.assertQueue(dlq, { durable: true });
  await ch.assertQueue(source, { durable: true, arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": dlq } });
  const pub = await conn.createConfirmChannel();
  await confirmedPublish(pub, n, 500, (i, cb) =>
    pub.sendToQueue(source, body(i), { persistent: true, messageId: `${source}-${i}`, contentType: "application/json", timestamp: Math.floor(Date.now() / 1000), headers: { "x-tenant": `tenant-${i % 50}`, "x-error": `timeout after ${(i % 7) * 100} ms` } }, cb),
  );
  await pub.close();
  const rejecter = await conn.createChannel();
  await rejecter.prefetch(500);
  await rejecter.consume(source, (m) => m && rejecter.nack(m, false, false));
  await until(`${n} dead letters in ${dlq}`, () => messageCount(ch, dlq), (c) => c >= n, 120_000, signal, 200);
  await rejecter.close();
}

async function collectBurst(c: Ctx, conn: amqp.ChannelModel, ch: amqp.Channel, cluster: RabbitClusterConfig, clusterId: string, dbUrl: string): Promise<DeadLetterFigures["collect"]> {
  const n = c.sizes.collect;
  const vhost = dlVhost(c.vhost);
  let t = performance.now();
  await deadLetterInto(conn, ch, "burst-a", "burst-a.dlq", n, c.signal);
  await deadLetterInto(conn, ch, "burst-b", "burst-b.dlq", n, c.signal);
  const setupMs = performance.now() - t;
  c.log(`  collection: ${n} dead letters in each of two DLQs (${Math.round(setupMs)} ms)`);

  // Baseline 1: a bare consumer, same prefetch, acking every message, storing nothing.
  const bareCh = await conn.createChannel();
  await bareCh.prefetch(PREFETCH);
  const bytes: Buffer[] = [];
  const headers: string[] = [];
  let got = 0;
  let bareDone!: () => void;
  const bareFinished = new Promise<void>((r) => (bareDone = r));
  t = performance.now();
  await bareCh.consume("burst-b.dlq", (m) => {
    if (!m) return;
    bytes.push(m.content);
    headers.push(JSON.stringify(m.properties.headers ?? {}));
    bareCh.ack(m);
    if (++got === n) bareDone();
  });
  await Promise.race([bareFinished, sleep(300_000, c.signal).then(() => Promise.reject(new Error(`bare consumer: ${got} of ${n} within 300 s`)))]);
  const bareAck = rate(n, performance.now() - t);
  await bareCh.close();

  // Baseline 2: the same bytes (payload + headers) into a plain table, in batches as big as the collector's.
  const batch = Math.min(PREFETCH, 100);
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  let plainInsert: Throughput;
  try {
    await client.query(`CREATE TABLE "bench_plain_letters" ("id" bigserial PRIMARY KEY, "payload" bytea NOT NULL, "headers" jsonb NOT NULL)`);
    t = performance.now();
    for (let i = 0; i < bytes.length; i += batch) {
      await client.query(`INSERT INTO "bench_plain_letters" ("payload", "headers") SELECT * FROM unnest($1::bytea[], $2::jsonb[])`, [bytes.slice(i, i + batch), headers.slice(i, i + batch)]);
    }
    plainInsert = rate(bytes.length, performance.now() - t);
    await client.query(`DROP TABLE "bench_plain_letters"`);
  } finally {
    await client.end();
  }

  // Redrive: a RabbitCollector with the DLQ adopted, into the store, until all are stored and acked.
  const errors: string[] = [];
  const collector = new RabbitCollector((letters) => storeLetters(c.store.prisma, letters), cluster, clusterId, { timeoutMs: 5000, onError: (m) => errors.push(m) });
  const qid = queueId(vhost, "burst-a.dlq");
  let redrive: Throughput;
  try {
    t = performance.now();
    const failures = await collector.reconcile([{ vhost, queue: "burst-a.dlq" }]);
    if (failures.size) throw new Error(`collector: ${[...failures.values()].join("; ")}`);
    await until("the collector to store the burst", async () => (errors.length ? -1 : collector.collected(qid)), (x) => x < 0 || x >= n, 600_000, c.signal, 20);
    redrive = rate(n, performance.now() - t);
    if (errors.length) throw new Error(`collector: ${errors.join("; ")}`);
  } finally {
    await collector.close();
  }
  const stored = await c.store.prisma.deadLetter.count({ where: { collectedFrom: qid } });
  const left = await messageCount(ch, "burst-a.dlq");
  return { redrive, bareAck, plainInsert, stored, left, payloadBytes: bytes[0]?.length ?? 0, setupMs };
}

const INSERT_COLUMNS = `"id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "error_text", "payload_shape", "fingerprint", "state",
  "message_id", "content_type", "payload", "payload_size", "payload_missing", "payload_text", "properties", "headers", "deaths", "death_count",
  "first_death_at", "last_death_at", "captured_at", "raw_headers", "redrive_count", "job_id", "state_changed_at"`;

/** ~290 bytes of JSON per row, different for every g. */
const SQL_BODY = `'{"orderId":' || g || ',"customer":"cust-' || (g % 9973) || '","sku":"' || md5(g::text) || '","lines":[{"item":"' || md5((g + 1)::text) || '","qty":' || (g % 9 + 1) || '}],"note":"' || md5((g + 2)::text) || md5((g + 3)::text) || md5((g + 4)::text) || md5((g + 5)::text) || '"}'`;

/** Copies a real stored letter `n - 1` times by SQL, each copy with its own payload, message id and dedupe key. */
export async function cloneLetter(store: Store, templateId: string, n: number, tag: string): Promise<void> {
  for (let from = 1; from < n; from += 50_000) {
    const to = Math.min(n - 1, from + 49_999);
    await store.prisma.$executeRawUnsafe(
      `INSERT INTO "dead_letters" (${INSERT_COLUMNS})
       SELECT gen_random_uuid(), t."cluster_id", t."kind", t."dedupe_key" || ':${tag}:' || g, t."source", t."destination", t."collected_from", t."reason", t."error_text", t."payload_shape", t."fingerprint", 'dead',
         '${tag}-' || g, t."content_type", convert_to(b.text, 'UTF8'), octet_length(b.text), NULL, b.text, t."properties" || jsonb_build_object('messageId', '${tag}-' || g), t."headers", t."deaths", t."death_count",
         t."first_death_at", t."last_death_at", t."captured_at" + make_interval(secs => g / 1000.0), t."raw_headers", 0, NULL, NULL
       FROM "dead_letters" t, generate_series($2::int, $3::int) g, LATERAL (SELECT ${SQL_BODY} AS text) b WHERE t."id" = $1::uuid`,
      templateId,
      from,
      to,
    );
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ v: T; ms: number }> {
  const t = performance.now();
  const v = await fn();
  return { v, ms: performance.now() - t };
}

/** One requeue job through startJob and a JobRunner, bounded in time. */
async function requeueJob(runner: JobRunner, source: string, jobRate: number, n: number, timeoutMs: number, signal: AbortSignal) {
  const started = await timed(() => startJob({ action: "requeue", scope: { kind: "filter", filters: { source } }, includePoison: false, rate: jobRate }, principalFor("system", "bench", "bench", "operator"), null));
  const t = performance.now();
  await runner.claim();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      runner.idle(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`requeue job of ${n} letters did not finish within ${timeoutMs / 1000} s`)), timeoutMs))),
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true })),
    ]);
  } finally {
    clearTimeout(timer);
  }
  const runMs = performance.now() - t;
  const job = await getJob(started.v.id);
  if (job.total !== n) throw new Error(`the requeue job took ${job.total} letters, not ${n}`);
  if (job.state !== "completed") throw new Error(`the requeue job ended ${job.state}: ${job.error ?? ""}`);
  return { startMs: started.ms, run: rate(n, runMs), total: rate(n, started.ms + runMs), done: job.counts.done, failed: n - job.counts.done };
}

async function shovelMove(vhost: string, src: string, dest: string, n: number, signal: AbortSignal): Promise<Throughput> {
  const v = encodeURIComponent(vhost);
  const name = "bench-move";
  const t = performance.now();
  // What the management UI's "Move messages" sends.
  await mgmt("PUT", `/api/parameters/shovel/${v}/${name}`, {
    body: {
      component: "shovel",
      vhost,
      name,
      value: { "src-uri": `amqp:///${v}`, "src-queue": src, "src-protocol": "amqp091", "src-prefetch-count": 1000, "src-delete-after": "queue-length", "dest-protocol": "amqp091", "dest-uri": `amqp:///${v}`, "dest-add-forward-headers": false, "ack-mode": "on-confirm", "dest-queue": dest },
    },
  });
  await until("the shovel to finish and remove itself", async () => (await fetchStatus(`/api/parameters/shovel/${v}/${name}`)) === 404, (x) => x, 600_000, signal, 50);
  return rate(n, performance.now() - t);
}

async function fetchStatus(path: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:15672${path}`, { headers: { authorization: "Basic " + Buffer.from(`${GUEST.user}:${GUEST.password}`).toString("base64") }, signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Inserts `m` letters by SQL for two clusters (1 in 5 NATS): 1,000 cause groups over 40 sources and
 * 4 reasons, 50 tenants in a header, 30 days of arrivals, 1 in 10 already requeued. Then VACUUM ANALYZE,
 * the settled table autovacuum leaves behind a burst (visibility map set: index-only scans stay index-only).
 * The inbox's GIN indexes (text search, headers) are dropped for the fill and built again from their
 * own definitions: same end state, minutes sooner than growing them a row at a time.
 */
export async function fillInbox(p: Store["prisma"], ids: [string, string], m: number, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const gin = await p.$queryRawUnsafe<Array<{ name: string; def: string }>>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'dead_letters' AND indexdef LIKE '% USING gin %'`,
  );
  for (const i of gin) await p.$executeRawUnsafe(`DROP INDEX "${i.name}"`);
  // 1,000 cause groups over 40 sources and 4 reasons; 50 tenants in a header; 30 days of arrivals, newest first.
  const chunk = 200_000;
  for (let from = 1; from <= m; from += chunk) {
    signal.throwIfAborted();
    const to = Math.min(m, from + chunk - 1);
    await p.$executeRawUnsafe(
      `INSERT INTO "dead_letters" (${INSERT_COLUMNS})
       SELECT gen_random_uuid(), CASE WHEN g % 5 = 0 THEN $2::uuid ELSE $1::uuid END, (CASE WHEN g % 5 = 0 THEN 'nats' ELSE 'rabbitmq' END)::"BrokerKind", 'inbox:' || g,
         'inbox/orders-' || (g % 1000 % 40), 'inbox/orders-' || (g % 1000 % 40), 'inbox/orders.dlq', (ARRAY['rejected','expired','maxlen','delivery_limit'])[1 + g % 1000 % 4],
         'timeout after ' || (g % 1000 % 7) * 100 || ' ms', 'json:{customer,lines,note,orderId,sku}', left(md5('fp' || (g % 1000)), 16), CASE WHEN g % 10 = 0 THEN 'requeued' ELSE 'dead' END,
         'msg-' || g, 'application/json', convert_to(b.text, 'UTF8'), octet_length(b.text), NULL, b.text,
         jsonb_build_object('messageId', 'msg-' || g, 'contentType', 'application/json', 'deliveryMode', 2),
         jsonb_build_object('x-tenant', 'tenant-' || (g % 50), 'x-error', 'timeout after ' || (g % 1000 % 7) * 100 || ' ms', 'x-first-death-queue', 'orders-' || (g % 1000 % 40)),
         '[]'::jsonb, 1 + g % 3, now() - make_interval(secs => g * 2.6 + 5), now() - make_interval(secs => g * 2.6 + 1), now() - make_interval(secs => g * 2.6), NULL, g % 4, NULL, NULL
       FROM generate_series($3::int, $4::int) g, LATERAL (SELECT ${SQL_BODY} AS text) b`,
      ids[0],
      ids[1],
      from,
      to,
    );
    log(`  inbox: ${to.toLocaleString("en-US")} letters inserted`);
  }
  for (const i of gin) {
    await p.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL maintenance_work_mem = '256MB'`);
        await tx.$executeRawUnsafe(i.def);
      },
      { maxWait: 60_000, timeout: 3_600_000 },
    );
    log(`  inbox: index ${i.name} built`);
  }
  await p.$executeRawUnsafe(`VACUUM ANALYZE "dead_letters"`);
}

async function inboxOf(c: Ctx, clusters: { rabbit: string; nats: string }): Promise<InboxFigures> {
  const p = c.store.prisma;
  const ids = await Promise.all([clusters.rabbit, clusters.nats].map(async (name) => (await p.cluster.findUniqueOrThrow({ where: { name } })).id));
  return measureInbox(c.store, [ids[0]!, ids[1]!], c.sizes.inbox, c.signal, c.log);
}

/**
 * Runs the three dead-letter sections. Expects process.env.REDRIVE_CONFIG to name the bench's own
 * configuration (see run-bench.ts) and hands getStore() the bench's store for the duration.
 */
export async function measureDeadLetters(opts: Omit<Ctx, "warnings"> & { databaseUrl: string }): Promise<{ figures: DeadLetterFigures; warnings: string[] }> {
  const c: Ctx = { ...opts, warnings: [] };
  const { store, signal, cleanup, log } = c;
  const names = dlClusterNames(c.id);
  const vhost = dlVhost(c.vhost);
  const v = encodeURIComponent(vhost);
  const config = getConfig();
  const jobRate = config.redrive.maxRate;
  const maxInFlight = config.redrive.maxInFlight;
  if (jobRate !== BENCH_REDRIVE.maxRate || maxInFlight !== BENCH_REDRIVE.maxInFlight) {
    c.warnings.push(`the process configuration was read before the bench set its own: requeue jobs ran at rate ${jobRate} with ${maxInFlight} in flight`);
  }

  const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store> };
  const previous = holder.__redriveStore;
  holder.__redriveStore = Promise.resolve(store);
  try {
    if ((await getStore()) !== store) throw new Error("getStore() no longer reads globalThis.__redriveStore; the dead-letter sections need the bench's store");
    await mgmt("PUT", `/api/vhosts/${v}`, { body: {} });
    cleanup.add(`RabbitMQ vhost "${vhost}"`, () => mgmt("DELETE", `/api/vhosts/${v}`, { timeoutMs: 300_000 }), true);
    await mgmt("PUT", `/api/permissions/${v}/guest`, { body: { configure: ".*", write: ".*", read: ".*" } });
    const conn = await amqp.connect(`${AMQP_URL}/${v}`, { credentials: amqp.credentials.plain(GUEST.user, GUEST.password), clientProperties: { connection_name: "redrive-bench-dead-letters" } });
    conn.on("error", () => undefined);
    cleanup.add("AMQP connection of the dead-letter bench", () => conn.close().catch(() => undefined));
    const ch = await conn.createChannel();
    ch.on("error", () => undefined);

    const cluster: RabbitClusterConfig = { name: names.rabbit, kind: "rabbitmq", amqpUrl: AMQP_URL, managementUrl: "http://127.0.0.1:15672", user: GUEST.user, password: GUEST.password, vhosts: [vhost], deadLetters: { adopt: [], queues: [], prefetch: PREFETCH } };
    const rabbitRow = await store.prisma.cluster.upsert({ where: { name: names.rabbit }, create: { name: names.rabbit, kind: "rabbitmq" }, update: {} });
    await store.prisma.cluster.upsert({ where: { name: names.nats }, create: { name: names.nats, kind: "nats" }, update: {} });

    // 1. Collection burst.
    log(`dead letters: collection burst of ${c.sizes.collect.toLocaleString("en-US")} letters`);
    const collect = await collectBurst(c, conn, ch, cluster, rabbitRow.id, opts.databaseUrl);
    log(`  collection: Redrive ${Math.round(collect.redrive.perSecond)} letters/s, bare ack ${Math.round(collect.bareAck.perSecond)}/s, plain INSERT ${Math.round(collect.plainInsert.perSecond)} rows/s`);

    // 3. Requeue throughput (before the inbox fills the table with a million rows).
    log(`dead letters: requeue ${c.sizes.requeue.toLocaleString("en-US")} (RabbitMQ) and ${c.sizes.requeueNats.toLocaleString("en-US")} (JetStream) letters`);
    let t = performance.now();
    // A real dead letter as the template: published to rq-orders, nacked, collected from rq-orders.dlq.
    await deadLetterInto(conn, ch, "rq-orders", "rq-orders.dlq", 1, signal);
    const m = await ch.get("rq-orders.dlq", { noAck: false });
    if (m === false) throw new Error("the template dead letter is not in rq-orders.dlq");
    await storeLetters(store.prisma, [letterFromAmqp({ content: m.content, properties: m.properties as unknown as Record<string, unknown> }, { clusterId: rabbitRow.id, clusterName: names.rabbit, vhost, dlq: "rq-orders.dlq" })]);
    ch.ack(m);
    const rabbitTemplate = await store.prisma.deadLetter.findFirstOrThrow({ where: { collectedFrom: queueId(vhost, "rq-orders.dlq") } });
    await cloneLetter(store, rabbitTemplate.id, c.sizes.requeue, "rq");

    const natsSubject = `bench.${c.natsPrefix.toLowerCase()}.rq.orders`;
    const natsStream = `${c.natsPrefix}_RQ`;
    const bareStream = `${c.natsPrefix}_RQBARE`;
    const natsRow = await store.prisma.cluster.findUniqueOrThrow({ where: { name: names.nats } });
    const natsLetter: NewLetter = {
      clusterId: natsRow.id, clusterName: names.nats, kind: "nats", dedupeKey: `nats:bench:${c.id}`, source: natsSubject, destination: natsSubject, collectedFrom: "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES",
      reason: "max deliveries", messageId: null, contentType: "application/json", payload: body(0), payloadMissing: null, properties: { stream: natsStream, streamSequence: 1, retention: "limits", consumer: "worker" },
      headers: { "x-tenant": "acme" }, rawHeaders: null, redriveCount: 0, deaths: [], deathCount: 1, firstDeathAt: new Date(), lastDeathAt: new Date(),
    };
    await storeLetters(store.prisma, [natsLetter]);
    const natsTemplate = await store.prisma.deadLetter.findFirstOrThrow({ where: { dedupeKey: natsLetter.dedupeKey } });
    await cloneLetter(store, natsTemplate.id, c.sizes.requeueNats, "nq");
    await store.prisma.$executeRawUnsafe(`ANALYZE "dead_letters"`);
    const insertMs = performance.now() - t;
    log(`  requeue: ${(c.sizes.requeue + c.sizes.requeueNats).toLocaleString("en-US")} letters in the inbox (${Math.round(insertMs)} ms)`);

    await ch.assertQueue("shovel-src", { durable: true });
    await ch.assertQueue("shovel-dst", { durable: true });
    await ch.assertQueue("bare-dst", { durable: true });
    const nc = await connectNats("redrive-bench-requeue");
    cleanup.add("NATS connection of the requeue bench", () => nc.close());
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    await jsm.streams.add({ name: natsStream, subjects: [natsSubject], storage: StorageType.File, num_replicas: 1 });
    await jsm.streams.add({ name: bareStream, subjects: [`${natsSubject}.bare`], storage: StorageType.File, num_replicas: 1 });

    const confirmMs = config.redrive.confirmTimeoutMs;
    const runner = new JobRunner({
      prisma: store.prisma,
      maxInFlight,
      publisherFor: async (name): Promise<LetterPublisher> => (name === names.nats ? new NatsPublisher(nc, confirmMs) : new RabbitPublisher(cluster, confirmMs)),
      log: (level, message, context) => level === "warn" && c.warnings.push(`job runner: ${message} ${JSON.stringify(context ?? {})}`),
    });
    cleanup.add("the bench's job runner", () => runner.stop());
    const timeoutFor = (n: number) => Math.max(120_000, n * 10);

    const rabbitJob = await requeueJob(runner, rabbitTemplate.source, jobRate, c.sizes.requeue, timeoutFor(c.sizes.requeue), signal);
    const destination = await until("requeued letters in rq-orders", () => messageCount(ch, "rq-orders"), (x) => x >= c.sizes.requeue, 10_000, signal, 100).catch(() => messageCount(ch, "rq-orders"));
    const rabbitRequeued = await store.prisma.deadLetter.count({ where: { source: rabbitTemplate.source, state: "requeued" } });
    log(`  requeue: RabbitMQ job ${Math.round(rabbitJob.run.perSecond)} letters/s (start ${Math.round(rabbitJob.startMs)} ms)`);

    // Baseline (a): the shovel's "move messages" of K messages.
    const fill = await conn.createConfirmChannel();
    await confirmedPublish(fill, c.sizes.requeue, maxInFlight, (i, cb) => fill.sendToQueue("shovel-src", body(i), { persistent: true, messageId: `sh-${i}`, contentType: "application/json", headers: rabbitTemplate.headers as Record<string, unknown> }, cb));
    await fill.close();
    const shovel = await shovelMove(vhost, "shovel-src", "shovel-dst", c.sizes.requeue, signal);
    const shovelMoved = await messageCount(ch, "shovel-dst");
    log(`  requeue: shovel move ${Math.round(shovel.perSecond)} messages/s`);

    // Baseline (b): a bare ConfirmChannel, as many confirms in flight as the job.
    const bareCh = await conn.createConfirmChannel();
    t = performance.now();
    await confirmedPublish(bareCh, c.sizes.requeue, maxInFlight, (i, cb) => bareCh.publish("", "bare-dst", body(i), { persistent: true, mandatory: true, messageId: `bare-${i}`, contentType: "application/json" }, cb));
    const bare = rate(c.sizes.requeue, performance.now() - t);
    await bareCh.close();
    log(`  requeue: bare confirmed publish ${Math.round(bare.perSecond)} messages/s`);

    // JetStream: a requeue job vs bare js.publish with the same concurrency.
    const natsJob = await requeueJob(runner, natsSubject, jobRate, c.sizes.requeueNats, timeoutFor(c.sizes.requeueNats), signal);
    const natsDestination = Number((await jsm.streams.info(natsStream)).state.messages);
    const natsRequeued = await store.prisma.deadLetter.count({ where: { source: natsSubject, state: "requeued" } });
    log(`  requeue: JetStream job ${Math.round(natsJob.run.perSecond)} letters/s`);
    const js = jetstream(nc);
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(maxInFlight, c.sizes.requeueNats) }, async () => {
        while (next < c.sizes.requeueNats) {
          const i = next++;
          await js.publish(`${natsSubject}.bare`, body(i), { timeout: confirmMs });
        }
      }),
    );
    const natsBare = rate(c.sizes.requeueNats, performance.now() - t);
    const bareStored = Number((await jsm.streams.info(bareStream)).state.messages);
    log(`  requeue: bare js.publish ${Math.round(natsBare.perSecond)} messages/s`);
    await runner.stop();

    // 2. Inbox at scale.
    log(`dead letters: inbox of ${c.sizes.inbox.toLocaleString("en-US")} letters`);
    const inbox = await inboxOf(c, names);
    const inboxEmbedded = c.embedded ? await measureEmbeddedInbox(c.sizes.inbox, signal, cleanup, log, c.migrationsDir) : null;

    return {
      figures: {
        sizes: c.sizes,
        maxInFlight,
        jobRate,
        prefetch: PREFETCH,
        collect,
        inbox,
        inboxEmbedded,
        requeue: {
          insertMs,
          rabbit: { startMs: rabbitJob.startMs, run: rabbitJob.run, total: rabbitJob.total, destination, requeued: rabbitRequeued, failed: rabbitJob.failed, shovel, shovelMoved, bare },
          nats: { startMs: natsJob.startMs, run: natsJob.run, total: natsJob.total, destination: natsDestination, requeued: natsRequeued, failed: natsJob.failed, bare: natsBare, bareStored },
        },
      },
      warnings: c.warnings,
    };
  } finally {
    if (previous) holder.__redriveStore = previous;
    else delete holder.__redriveStore;
  }
}
