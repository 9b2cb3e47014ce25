import { jetstreamManager, StorageType } from "@nats-io/jetstream";
import amqp from "amqplib";
import pg from "pg";
import { getConfig, type RabbitClusterConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { describeError } from "@/lib/errors";
import { openStore, type Store } from "@/lib/db/open-store";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import { createJobGate } from "@/lib/redrive/job-gate";
import { JobRunner } from "@/lib/redrive/job-runner";
import { NatsPublisher } from "@/lib/brokers/nats/nats-publisher";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import type { LetterPublisher } from "@/lib/brokers/publisher";
import {
  body,
  storedTemplateLetter,
  deleteBenchDurables,
  measureNatsCollection,
  measureNatsRequeue,
  measureRabbitCollection,
  measureRabbitRequeue,
  rate,
  until,
  type NatsCollection,
  type NatsRequeue,
  type RabbitCollection,
  type RabbitRequeue,
  type Throughput,
} from "./bulk-paths";
import type { Cleanup } from "./cleanup";
import { AMQP_URL, GUEST, mgmt } from "./local";
import { connectNats } from "./nats-load";
import { createDatabase, dropDatabase } from "./temp-database";
import { measureEmbeddedInbox, measureInbox, type InboxFigures } from "./inbox";

// Issues 4 and 5 under load: collecting a burst from a RabbitMQ DLQ, the inbox at scale, and requeue
// throughput on RabbitMQ and JetStream — each against a bare baseline measured in the same run.

/** The bench's own Redrive configuration (process.env.REDRIVE_CONFIG), set before anything reads it. */
export const BENCH_REDRIVE = { maxRate: 1_000_000, maxInFlight: 500, confirmTimeoutSeconds: 60 };
const PREFETCH = 200;

/** `inbox: 0` leaves the inbox section out; `rounds`: rounds of each collection and requeue comparison (order rotating). */
export type DeadLetterSizes = { collect: number; collectNats: number; inbox: number; requeue: number; requeueNats: number; rounds: number };

export const dlClusterNames = (id: string) => ({ rabbit: `bench-dl-rabbitmq-${id}`, nats: `bench-dl-nats-${id}` });
export const dlVhost = (vhost: string) => `${vhost}-dl`;

export type { Throughput };


export type DeadLetterFigures = {
  sizes: DeadLetterSizes;
  maxInFlight: number;
  jobRate: number;
  prefetch: number;
  collect: { rabbit: RabbitCollection; nats: NatsCollection; plainInsert: Throughput; inboxInsert: Throughput };
  /** null with --bulk-only (no inbox section). */
  inbox: InboxFigures | null;
  /** The same inbox on the embedded store (PGlite); null with --no-embedded or --bulk-only. */
  inboxEmbedded: InboxFigures | null;
  requeue: { rabbit: RabbitRequeue; nats: NatsRequeue; insertMs: number };
};

type Ctx = { embedded: boolean; migrationsDir: string; id: string; vhost: string; natsPrefix: string; store: Store; sizes: DeadLetterSizes; signal: AbortSignal; cleanup: Cleanup; log: (line: string) => void; warnings: string[] };

const INSERT_COLUMNS = `"id", "cluster_id", "kind", "dedupe_key", "source", "destination", "collected_from", "reason", "error_text", "payload_shape", "fingerprint", "state",
  "message_id", "content_type", "payload", "payload_size", "payload_missing", "payload_text", "properties", "headers", "deaths", "death_count",
  "first_death_at", "last_death_at", "captured_at", "raw_headers", "redrive_count", "job_id", "state_changed_at"`;

/** ~290 bytes of JSON per row, different for every g. */
const SQL_BODY = `'{"orderId":' || g || ',"customer":"cust-' || (g % 9973) || '","sku":"' || md5(g::text) || '","lines":[{"item":"' || md5((g + 1)::text) || '","qty":' || (g % 9 + 1) || '}],"note":"' || md5((g + 2)::text) || md5((g + 3)::text) || md5((g + 4)::text) || md5((g + 5)::text) || '"}'`;

/**
 * Copies a real stored letter `n - 1` times by SQL, each copy with its own payload, message id and
 * dedupe key, captured a millisecond apart before the template (never in the future: a job takes
 * the letters captured up to its start).
 */
export async function cloneLetter(store: Store, templateId: string, n: number, tag: string, batch = 50_000, source?: string): Promise<void> {
  for (let from = 1; from < n; from += batch) {
    const to = Math.min(n - 1, from + batch - 1);
    await store.prisma.$executeRawUnsafe(
      `INSERT INTO "dead_letters" (${INSERT_COLUMNS})
       SELECT gen_random_uuid(), t."cluster_id", t."kind", t."dedupe_key" || ':${tag}:' || g, coalesce($5::text, t."source"), t."destination", t."collected_from", t."reason", t."error_text", t."payload_shape", t."fingerprint", 'dead',
         '${tag}-' || g, t."content_type", convert_to(b.text, 'UTF8'), octet_length(b.text), NULL, b.text, t."properties" || jsonb_build_object('messageId', '${tag}-' || g), t."headers", t."deaths", t."death_count",
         t."first_death_at", t."last_death_at", LEAST(t."captured_at", now()) - make_interval(secs => ($4::int - g) / 1000.0), t."raw_headers", 0, NULL, NULL
       FROM "dead_letters" t, generate_series($2::int, $3::int) g, LATERAL (SELECT ${SQL_BODY} AS text) b WHERE t."id" = $1::uuid`,
      templateId,
      from,
      to,
      n,
      source ?? null,
    );
  }
}

/** The same bytes as a collected letter (payload + headers JSON) into a plain table with only a primary key, in batches as big as the collector's. */
async function plainInsert(dbUrl: string, n: number, batch: number): Promise<Throughput> {
  const bytes = Array.from({ length: n }, (_, i) => body(i));
  const headers = bytes.map((_, i) => JSON.stringify({ "x-tenant": `tenant-${i % 50}`, "x-error": `timeout after ${(i % 7) * 100} ms` }));
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE "bench_plain_letters" ("id" bigserial PRIMARY KEY, "payload" bytea NOT NULL, "headers" jsonb NOT NULL)`);
    const t = performance.now();
    for (let i = 0; i < n; i += batch) {
      await client.query(`INSERT INTO "bench_plain_letters" ("payload", "headers") SELECT * FROM unnest($1::bytea[], $2::jsonb[])`, [bytes.slice(i, i + batch), headers.slice(i, i + batch)]);
    }
    const r = rate(n, performance.now() - t);
    await client.query(`DROP TABLE "bench_plain_letters"`);
    return r;
  } finally {
    await client.end();
  }
}

/**
 * The inbox's own write alone: copies of a letter the collector stored, INSERTed by SQL into
 * dead_letters in batches as big as the collector's (every index, the search table and the group
 * counts kept, as a collected batch keeps them), no broker and no per-letter work in Node; then removed.
 */
async function inboxInsertCeiling(store: Store, clusterId: string, n: number, batch: number): Promise<Throughput> {
  const [template] = await store.prisma.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT "id"::text AS id FROM "dead_letters" WHERE "cluster_id" = $1::uuid ORDER BY "captured_at" LIMIT 1`,
    clusterId,
  );
  if (!template) throw new Error("no collected letter to copy for the inbox INSERT ceiling");
  const t = performance.now();
  await cloneLetter(store, template.id, n + 1, "ceiling", batch);
  const r = rate(n, performance.now() - t);
  await store.prisma.$executeRawUnsafe(`DELETE FROM "dead_letters" WHERE "cluster_id" = $1::uuid AND "message_id" LIKE 'ceiling-%'`, clusterId);
  return r;
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
 * Runs `insert` with the inbox's GIN indexes (text search, headers) dropped, then builds them again
 * from their own definitions (same end state, minutes sooner than growing them a row at a time) and
 * VACUUM ANALYZEs: the settled table autovacuum leaves behind a burst (visibility map set: index-only
 * scans stay index-only).
 */
async function withGinRebuilt(p: Store["prisma"], log: (line: string) => void, insert: () => Promise<void>): Promise<void> {
  const gin = await p.$queryRawUnsafe<Array<{ name: string; def: string }>>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('dead_letters', 'dead_letter_search') AND indexdef LIKE '% USING gin %'`,
  );
  for (const i of gin) await p.$executeRawUnsafe(`DROP INDEX "${i.name}"`);
  await insert();
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
  await p.$executeRawUnsafe(`VACUUM ANALYZE "dead_letter_search"`);
}

/** Runs one INSERT … SELECT over generate_series(from, to) per chunk of 200,000 of 1..m ($3, $4). */
async function inChunks(m: number, signal: AbortSignal, insertRange: (from: number, to: number) => Promise<unknown>, done: (to: number) => void): Promise<void> {
  const chunk = 200_000;
  for (let from = 1; from <= m; from += chunk) {
    signal.throwIfAborted();
    const to = Math.min(m, from + chunk - 1);
    await insertRange(from, to);
    done(to);
  }
}

/**
 * Inserts `m` letters by SQL for two clusters (1 in 5 NATS): 1,000 cause groups over 40 sources and
 * 4 reasons, 50 tenants in a header, 30 days of arrivals, 1 in 10 already requeued (see withGinRebuilt).
 */
export async function fillInbox(p: Store["prisma"], ids: [string, string], m: number, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  // 1,000 cause groups over 40 sources and 4 reasons; 50 tenants in a header; 30 days of arrivals, newest first.
  await withGinRebuilt(p, log, () =>
    inChunks(
      m,
      signal,
      (from, to) =>
        p.$executeRawUnsafe(
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
        ),
      (to) => log(`  inbox: ${to.toLocaleString("en-US")} letters inserted`),
    ),
  );
}

/** The cause groups of a burst (an outage: one broker, one cluster, a few causes). */
export const BURST_GROUPS = 4;

/**
 * Inserts a burst of `n` letters by SQL, captured over the last hour (newer than fillInbox's month,
 * which it lands on top of): one RabbitMQ cluster, 4 sources, 4 cause groups, all dead, none with
 * an `x-tenant` header (the header filter's values are all older than the burst).
 */
export async function fillBurst(p: Store["prisma"], clusterId: string, n: number, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  await withGinRebuilt(p, log, () =>
    inChunks(
      n,
      signal,
      (from, to) =>
        p.$executeRawUnsafe(
          `INSERT INTO "dead_letters" (${INSERT_COLUMNS})
       SELECT gen_random_uuid(), $1::uuid, 'rabbitmq'::"BrokerKind", 'inbox-burst:' || g,
         'inbox/payments-' || (g % ${BURST_GROUPS}), 'inbox/payments-' || (g % ${BURST_GROUPS}), 'inbox/payments.dlq', 'rejected',
         'connection refused', 'json:{customer,lines,note,orderId,sku}', left(md5('burst' || (g % ${BURST_GROUPS})), 16), 'dead',
         'burst-msg-' || g, 'application/json', convert_to(b.text, 'UTF8'), octet_length(b.text), NULL, b.text,
         jsonb_build_object('messageId', 'burst-msg-' || g, 'contentType', 'application/json', 'deliveryMode', 2),
         jsonb_build_object('x-error', 'connection refused', 'x-first-death-queue', 'payments-' || (g % ${BURST_GROUPS})),
         '[]'::jsonb, 1, now() - make_interval(secs => g * $4::double precision + 2), now() - make_interval(secs => g * $4::double precision + 1), now() - make_interval(secs => g * $4::double precision), NULL, 0, NULL, NULL
       FROM generate_series($2::int, $3::int) g, LATERAL (SELECT ${SQL_BODY} AS text) b`,
          clusterId,
          from,
          to,
          3600 / n,
        ),
      (to) => log(`  inbox: ${to.toLocaleString("en-US")} burst letters inserted`),
    ),
  );
}

/**
 * The inbox in a database of its own: the month of letters alone (not on top of the letters the
 * collection and requeue sections left in the last hour), then the burst, each on purpose.
 * Dropped as soon as it is measured; the cleanup drops it too if the run stops before.
 */
async function inboxOf(c: Ctx, clusters: { rabbit: string; nats: string }, benchDatabaseUrl: string): Promise<InboxFigures> {
  const name = inboxDatabase(decodeURIComponent(new URL(benchDatabaseUrl).pathname.slice(1)));
  const db = await createDatabase(name);
  let open: Store | null = null;
  const drop = async () => {
    const s = open;
    open = null;
    await s?.close();
    await dropDatabase(name);
  };
  c.cleanup.add(`PostgreSQL database "${name}"`, drop, true);
  open = await openStore({ kind: "postgres", url: db.url }, c.migrationsDir);
  const p = open.prisma;
  const ids = await Promise.all([clusters.rabbit, clusters.nats].map(async (n, i) => (await p.cluster.create({ data: { name: n, kind: i ? "nats" : "rabbitmq" } })).id));
  const figures = await measureInbox(open, [ids[0]!, ids[1]!], c.sizes.inbox, c.signal, c.log);
  await drop();
  return figures;
}

/** The database the PostgreSQL inbox figures are made in, beside the bench's own (see inboxOf). */
export function inboxDatabase(benchDatabase: string): string {
  return `${benchDatabase}_inbox`;
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

    const nc = await connectNats("redrive-bench-dead-letters");
    cleanup.add("NATS connection of the dead-letter bench", () => nc.close());
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    cleanup.add("the bench's durables on the capture stream", () => deleteBenchDurables(jsm, c.natsPrefix));
    const natsRow = await store.prisma.cluster.findUniqueOrThrow({ where: { name: names.nats } });

    // 1. Collection: RabbitMQ DLQ against a bare consumer, JetStream advisories against a bare fetch + MSG.GET loop.
    const rounds = c.sizes.rounds;
    log(`dead letters: collection of ${c.sizes.collect.toLocaleString("en-US")} RabbitMQ and ${c.sizes.collectNats.toLocaleString("en-US")} JetStream letters, ${rounds} rounds, order rotating`);
    const rabbitCollect = await measureRabbitCollection({ conn, ch, store, cluster, clusterId: rabbitRow.id, vhost, n: c.sizes.collect, rounds, prefetch: PREFETCH, signal, log });
    const plain = await plainInsert(opts.databaseUrl, c.sizes.collect, Math.min(PREFETCH, 100));
    const inboxInsert = await inboxInsertCeiling(store, rabbitRow.id, c.sizes.collect, Math.min(PREFETCH, 100));
    const natsCollect = await measureNatsCollection({ nc, store, clusterId: natsRow.id, clusterName: names.nats, prefix: c.natsPrefix, n: c.sizes.collectNats, rounds, signal, log });

    // 2. Requeue throughput (before the inbox fills the table with a million rows).
    log(`dead letters: requeue ${c.sizes.requeue.toLocaleString("en-US")} (RabbitMQ) and ${c.sizes.requeueNats.toLocaleString("en-US")} (JetStream) letters, ${rounds} rounds, order rotating`);
    const t = performance.now();
    // A real dead letter as the template: published to rq-orders, nacked, collected from rq-orders.dlq.
    const rabbitTemplate = await storedTemplateLetter(conn, ch, store, { clusterId: rabbitRow.id, clusterName: names.rabbit, vhost, queue: "rq-orders", dlq: "rq-orders.dlq" }, signal);

    const natsSubject = `bench.${c.natsPrefix.toLowerCase()}.rq.orders`;
    const natsStream = `${c.natsPrefix}_RQ`;
    const bareStream = `${c.natsPrefix}_RQBARE`;
    const natsLetter: NewLetter = {
      clusterId: natsRow.id, clusterName: names.nats, kind: "nats", dedupeKey: `nats:bench:${c.id}`, source: natsSubject, destination: natsSubject, collectedFrom: "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES",
      reason: "max deliveries", messageId: null, contentType: "application/json", payload: body(0), payloadMissing: null, properties: { stream: natsStream, streamSequence: 1, retention: "limits", consumer: "worker" },
      headers: { "x-tenant": "acme" }, rawHeaders: null, redriveCount: 0, deaths: [], deathCount: 1, firstDeathAt: new Date(), lastDeathAt: new Date(),
    };
    await storeLetters(store.prisma, [natsLetter]);
    const natsTemplate = await store.prisma.deadLetter.findFirstOrThrow({ where: { dedupeKey: natsLetter.dedupeKey } });
    const insertMs = performance.now() - t;
    await jsm.streams.add({ name: natsStream, subjects: [natsSubject], storage: StorageType.File, num_replicas: 1 });
    await jsm.streams.add({ name: bareStream, subjects: [`${natsSubject}.bare`], storage: StorageType.File, num_replicas: 1 });
    // Removed here too: with --bulk-only no NATS load (whose cleanup removes every stream of the prefix) was made.
    cleanup.add(`JetStream streams ${natsStream} and ${bareStream}`, async () => {
      for (const name of [natsStream, bareStream]) await jsm.streams.delete(name).catch((e: unknown) => (/not found/i.test(describeError(e)) ? false : Promise.reject(e)));
    }, true);

    const confirmMs = config.redrive.confirmTimeoutMs;
    const warn = (level: "info" | "warn", message: string, context?: Record<string, unknown>) => level === "warn" && c.warnings.push(`job runner: ${message} ${JSON.stringify(context ?? {})}`);
    const runner = new JobRunner({
      prisma: store.prisma,
      maxInFlight,
      // The server's health gate too (lib/redrive/get-job-runner.ts): asked before each chunk, it judges a running requeue once a second.
      gate: createJobGate({ prisma: store.prisma, redrive: config.redrive, log: warn }),
      publisherFor: async (name): Promise<LetterPublisher> => (name === names.nats ? new NatsPublisher(nc, confirmMs) : new RabbitPublisher(cluster, confirmMs)),
      log: warn,
    });
    cleanup.add("the bench's job runner", () => runner.stop());
    const common = { store, runner, jobRate, maxInFlight, rounds, signal, log, databaseUrl: opts.databaseUrl };
    const rabbitRequeue = await measureRabbitRequeue({
      ...common,
      n: c.sizes.requeue,
      conn,
      ch,
      source: rabbitTemplate.source,
      destinationQueue: "rq-orders",
      headers: rabbitTemplate.headers as Record<string, unknown>,
      clone: (count, tag, source) => cloneLetter(store, rabbitTemplate.id, count, tag, undefined, source),
      shovel: (src, dest, n) => shovelMove(vhost, src, dest, n, signal),
    });
    const natsRequeue = await measureNatsRequeue({
      ...common,
      n: c.sizes.requeueNats,
      nc,
      source: natsSubject,
      stream: natsStream,
      subject: natsSubject,
      bareStream,
      confirmMs,
      clone: (count, tag, source) => cloneLetter(store, natsTemplate.id, count, tag, undefined, source),
    });
    await runner.stop();

    // 3. Inbox at scale, on PostgreSQL and on the embedded store.
    let inbox: DeadLetterFigures["inbox"] = null;
    let inboxEmbedded: DeadLetterFigures["inboxEmbedded"] = null;
    if (c.sizes.inbox > 0) {
      log(`dead letters: inbox of ${c.sizes.inbox.toLocaleString("en-US")} letters`);
      inbox = await inboxOf(c, names, opts.databaseUrl);
      inboxEmbedded = c.embedded ? await measureEmbeddedInbox(c.sizes.inbox, signal, cleanup, log, c.migrationsDir) : null;
    }

    return {
      figures: {
        sizes: c.sizes,
        maxInFlight,
        jobRate,
        prefetch: PREFETCH,
        collect: { rabbit: rabbitCollect, nats: natsCollect, plainInsert: plain, inboxInsert },
        inbox,
        inboxEmbedded,
        requeue: { insertMs, rabbit: rabbitRequeue, nats: natsRequeue },
      },
      warnings: c.warnings,
    };
  } finally {
    if (previous) holder.__redriveStore = previous;
    else delete holder.__redriveStore;
  }
}
