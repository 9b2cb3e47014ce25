import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalFor, type Principal } from "@/lib/auth/permissions";
import { rolePermissions } from "@/lib/auth/role-permissions";
import { loadConfig, type RabbitClusterConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { isAppError, type AppError } from "@/lib/errors";
import { getJob } from "@/lib/redrive/get-job";
import { JobRunner } from "@/lib/redrive/job-runner";
import type { JobRequestInput } from "@/lib/redrive/job-scope";
import { planJob } from "@/lib/redrive/plan-job";
import { NatsPublisher } from "@/lib/brokers/nats/nats-publisher";
import { RabbitPublisher } from "@/lib/brokers/rabbitmq/rabbit-publisher";
import { startJob } from "@/lib/redrive/start-job";
import { natsLetters, rabbitDeadLetters } from "../support/letters";
import { createTestDatabase } from "../support/postgres";
import { TEST_ADMIN, TEST_OPERATOR } from "../support/principals";
import { createVhost, until } from "../support/rabbit-admin";
import { FREE } from "../support/holds";

// Where a requeue may go. A NATS publish is a request to whatever listens on its subject: a requeue to
// "$JS.API.STREAM.DELETE.<name>" once deleted the stream. These tests ask for such requeues against the
// real brokers and check they are refused at start, audited, and that nothing changed anywhere.

const id = randomBytes(3).toString("hex");
const ID = id.toUpperCase();
const NATS = `nats-dest-${id}`;
const RABBIT = `rmq-dest-${id}`;
/** The same broker, watching every vhost its user can see. */
const RABBIT_ALL = `rmq-all-${id}`;
/** A NATS cluster whose server is away (nothing listens on its port). */
const AWAY = `nats-away-${id}`;
const STREAM = `IT_DEST_${ID}`;
const SUBJ = `it-dest-${id}`;
/** Configured as the NATS cluster's capture stream (no collector runs here, so it holds plain subjects). */
const CAPTURE = `IT_CAP_${ID}`;
const CAPTURE_SUBJ = `it-cap-${id}`;
const VHOST = `it-dest-${id}`;
const rabbitCluster: RabbitClusterConfig = { name: RABBIT, kind: "rabbitmq", amqpUrl: "amqp://127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", user: "guest", password: "guest", vhosts: [VHOST] };

describe("requeue destinations", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let ch: amqp.Channel;
  let runner: JobRunner;
  let configDir: string;

  const natsLetter = async (tag: string, subject = `${SUBJ}.orders`, stream = STREAM) => (await natsLetters(store.prisma, { cluster: NATS, stream, subject, n: 1, tag: `${tag}-${id}` }))[0]!;
  const rabbitLetter = async (tag: string, cluster = RABBIT) => (await rabbitDeadLetters(store.prisma, { conn, cluster, vhost: VHOST, queue: "orders", dlq: "orders.dlq", n: 1, tag: `${tag}-${id}` }))[0]!;
  const one = (letterId: string, extra: Partial<JobRequestInput> = {}): JobRequestInput => ({ action: "requeue", scope: { kind: "letters", ids: [letterId] }, includePoison: false, rate: 100, ...extra });
  const run = async (jobId: string) => {
    await runner.claim();
    await runner.idle();
    return getJob(jobId);
  };

  /**
   * Starts `request` as `actor` and expects it refused with `code` and a sentence matching `why`:
   * no job made, the letter still dead and free, and the audit log holding the intent and a
   * "refused" outcome with the same sentence.
   */
  async function expectRefused(request: JobRequestInput, actor: Principal, code: string, why: RegExp): Promise<AppError> {
    const before = (await store.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const jobs = await store.prisma.redriveJob.count();
    const err: unknown = await startJob(request, actor, "203.0.113.9").then(
      (job) => new Error(`started job ${job.number} (${job.description})`),
      (e: unknown) => e,
    );
    if (!isAppError(err)) throw err;
    expect({ code: err.code, status: err.status }).toEqual({ code, status: code === "FORBIDDEN" ? 403 : code === "CONFLICT" ? 409 : 400 });
    expect(err.message).toMatch(why);
    expect(err.message).toContain("Nothing was started");
    expect(await store.prisma.redriveJob.count()).toBe(jobs);
    const ids = request.scope.kind === "letters" ? request.scope.ids : [];
    expect(await store.prisma.deadLetter.count({ where: { id: { in: ids }, state: "dead", ...FREE } })).toBe(ids.length);
    const rows = await store.prisma.auditEvent.findMany({ where: { id: { gt: before } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.action, r.phase, r.actor, r.address, r.result])).toEqual([
      ["job.requeue", "intent", actor.name, "203.0.113.9", null],
      ["job.requeue", "outcome", actor.name, "203.0.113.9", "refused"],
    ]);
    expect(rows[1]!.intentId).toBe(rows[0]!.id);
    expect(rows[1]!.detail).toEqual({ reason: err.message });
    expect(rows[0]!.request).toMatchObject(request.destination === undefined ? { action: "requeue" } : { destination: request.destination });
    return err;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    configDir = mkdtempSync(path.join(tmpdir(), "redrive-dest-"));
    const clusters = [
      { name: NATS, kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { stream: CAPTURE, consumer: `it-dest-capture-${id}`, startFrom: "new" } },
      { name: RABBIT, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] },
      { name: RABBIT_ALL, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" },
      { name: AWAY, kind: "nats", servers: ["nats://127.0.0.1:9"], capture: { enabled: false } },
    ];
    writeFileSync(path.join(configDir, "redrive.config.json"), JSON.stringify({ clusters }));
    // The same installation, with operators granted the permission (read apart, for the principal below).
    writeFileSync(path.join(configDir, "granted.config.json"), JSON.stringify({ clusters, auth: { permissions: { operator: ["dead-letters:redirect"] } } }));
    process.env.REDRIVE_CONFIG = path.join(configDir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJ}.>`] });
    await jsm.streams.add({ name: CAPTURE, subjects: [`${CAPTURE_SUBJ}.>`] });
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    ch = await conn.createChannel();
    await ch.assertExchange("dlx", "direct");
    await ch.assertQueue("orders.dlq");
    await ch.bindQueue("orders.dlq", "dlx", "orders");
    await ch.assertQueue("orders", { arguments: { "x-dead-letter-exchange": "dlx" } });
    await ch.assertQueue("orders.retry");
    runner = new JobRunner({
      prisma: store.prisma,
      maxInFlight: 10,
      publisherFor: async (name) => (name === NATS ? new NatsPublisher(nc, 5000, new Set([CAPTURE])) : new RabbitPublisher({ ...rabbitCluster, name, vhosts: name === RABBIT ? [VHOST] : [] }, 5000)),
    });
  });

  afterAll(async () => {
    await runner?.stop();
    await jsm?.streams.delete(STREAM).catch(() => undefined);
    await jsm?.streams.delete(CAPTURE).catch(() => undefined);
    await nc?.close();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await store?.close();
    await db?.drop();
  });

  it("refuses a requeue to $JS.API.STREAM.DELETE.<stream> with an emptied payload — to an operator and to an admin — and the stream stays", async () => {
    const letter = await natsLetter("js-delete");
    const attack = one(letter, { destination: `$JS.API.STREAM.DELETE.${STREAM}`, edit: { payloadBase64: "" } });
    await expectRefused(attack, TEST_OPERATOR, "FORBIDDEN", /needs the "dead-letters:redirect" permission/);
    await expectRefused(attack, TEST_ADMIN, "INVALID_INPUT", new RegExp(`Redrive never requeues there — subject "\\$JS\\.API\\.STREAM\\.DELETE\\.${STREAM}" is reserved`));
    // The dry run says the same, and refuses the operator outright.
    expect((await planJob(attack, TEST_ADMIN)).refusal).toMatch(/is reserved/);
    await expect(planJob(attack, TEST_OPERATOR)).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Nothing is left for a runner to pick up, and the stream is there.
    await runner.claim();
    await runner.idle();
    expect((await jsm.streams.info(STREAM)).config.name).toBe(STREAM);
  });

  it("refuses every other reserved subject, reply inboxes and wildcards, whoever asks", async () => {
    const letter = await natsLetter("reserved");
    for (const destination of [`$JS.API.STREAM.PURGE.${STREAM}`, `$JS.API.CONSUMER.CREATE.${STREAM}`, "$SYS.REQ.SERVER.PING", "$KV.config.key", "$O.files.x", "_INBOX.x.y", `${SUBJ}.*`, `${SUBJ}.>`, `${SUBJ}..x`, `${SUBJ}.a b`]) {
      await expectRefused(one(letter, { destination }), TEST_ADMIN, "INVALID_INPUT", /Redrive never requeues there/);
    }
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(0);
  });

  it("refuses at start a subject no stream captures, and Redrive's own capture stream", async () => {
    const letter = await natsLetter("nostream");
    const nowhere = one(letter, { destination: `it-nowhere-${id}.orders` });
    expect((await planJob(nowhere, TEST_ADMIN)).destinations[0]).toMatchObject({ exists: false, problem: `no stream captures subject it-nowhere-${id}.orders` });
    await expectRefused(nowhere, TEST_ADMIN, "CONFLICT", new RegExp(`no stream captures subject it-nowhere-${id}\\.orders on cluster ${NATS}`));
    await expectRefused(one(letter, { destination: `${CAPTURE_SUBJ}.orders` }), TEST_ADMIN, "INVALID_INPUT", new RegExp(`goes to stream ${CAPTURE}, Redrive's own capture stream`));
    await expectRefused(one(letter, { destination: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${STREAM}.worker` }), TEST_ADMIN, "INVALID_INPUT", /is reserved/);
    expect((await jsm.streams.info(CAPTURE)).state.messages).toBe(0);
  });

  it("refuses at start letters whose own subject no stream captures any more", async () => {
    const letter = await natsLetter("gone", `it-gone-${id}.orders`, `IT_GONE_${ID}`);
    await expectRefused(one(letter), TEST_OPERATOR, "CONFLICT", /no stream captures subject .* create it again first, or requeue these letters elsewhere/);
  });

  it("lets an admin requeue an edited letter to another subject a stream captures, pinned to that stream", async () => {
    const letter = await natsLetter("elsewhere");
    const job = await startJob(one(letter, { destination: `${SUBJ}.retry`, edit: { payloadBase64: Buffer.from("edited").toString("base64") } }), TEST_ADMIN, null);
    expect((await run(job.id)).counts.done).toBe(1);
    const info = await jsm.streams.info(STREAM);
    const copy = (await jsm.streams.getMessage(STREAM, { seq: info.state.last_seq }))!;
    expect(copy.subject).toBe(`${SUBJ}.retry`);
    expect(Buffer.from(copy.data).toString()).toBe("edited");
  });

  it("lets an operator send letters elsewhere or edited once the configuration grants the permission", async () => {
    expect(rolePermissions("operator").has("dead-letters:redirect")).toBe(false);
    expect(rolePermissions("admin").has("dead-letters:redirect")).toBe(true);
    const granted = loadConfig({ ...process.env, REDRIVE_CONFIG: path.join(configDir, "granted.config.json") }, configDir);
    const operator = principalFor("user", "00000000-0000-4000-8000-000000000009", "granted-operator", "operator", rolePermissions("operator", granted));
    expect(operator.permissions.has("dead-letters:redirect")).toBe(true);
    expect(operator.permissions.has("users:manage")).toBe(false);
    const letter = await natsLetter("granted");
    const job = await startJob(one(letter, { destination: `${SUBJ}.granted`, edit: { headers: { "x-fixed": "yes" } } }), operator, null);
    expect((await run(job.id)).counts.done).toBe(1);
    // The grant does not lift the destination rules.
    const other = await natsLetter("granted-2");
    await expectRefused(one(other, { destination: `$JS.API.STREAM.DELETE.${STREAM}` }), operator, "INVALID_INPUT", /is reserved/);
  });

  it("does not publish to a reserved subject a job recorded before these rules (the publisher checks again)", async () => {
    const letter = await natsLetter("legacy");
    // A job as an older Redrive would have stored it, claimed and running.
    const job = await store.prisma.redriveJob.create({
      data: { action: "requeue", state: "running", description: "legacy", scope: { kind: "letters", ids: [letter] }, createdBy: "old-operator", startedAt: new Date(), rate: 100, total: 1, destination: `$JS.API.STREAM.DELETE.${STREAM}`, edit: { payloadBase64: "" } },
    });
    await store.prisma.redriveJobLetter.create({ data: { jobId: job.id, letterId: letter, seq: 1 } });
    const after = await run(job.id);
    expect(after.counts).toMatchObject({ failed: 1, done: 0 });
    const outcome = await store.prisma.redriveJobLetter.findFirstOrThrow({ where: { jobId: job.id } });
    expect(outcome.detail).toMatch(/^not sent: subject "\$JS\.API\.STREAM\.DELETE\..*" is reserved/);
    expect((await jsm.streams.info(STREAM)).config.name).toBe(STREAM);
  });

  it("refuses at start a RabbitMQ vhost that does not exist, or that the cluster does not watch — at once, not waiting forever", async () => {
    const letter = await rabbitLetter("novhost", RABBIT_ALL);
    const t0 = Date.now();
    await expectRefused(one(letter, { destination: `it-no-vhost-${id}/orders` }), TEST_ADMIN, "CONFLICT", new RegExp(`vhost it-no-vhost-${id} does not exist on cluster ${RABBIT_ALL}`));
    expect(Date.now() - t0).toBeLessThan(10_000);
    const watched = await rabbitLetter("unwatched");
    await expectRefused(one(watched, { destination: "//orders" }), TEST_ADMIN, "INVALID_INPUT", new RegExp(`vhost "/" is not one this cluster watches \\("${VHOST}"\\)`));
  });

  it("refuses at start a RabbitMQ queue that does not exist, and RabbitMQ's own amq. queues", async () => {
    const letter = await rabbitLetter("noqueue");
    const missing = one(letter, { destination: `${VHOST}/no-such-queue` });
    const plan = await planJob(missing, TEST_ADMIN);
    expect(plan.destinations[0]).toMatchObject({ exists: false, problem: `no queue "no-such-queue" in vhost ${VHOST}` });
    expect(plan.refusal).toMatch(/^Refused: no queue "no-such-queue"/);
    await expectRefused(missing, TEST_ADMIN, "CONFLICT", new RegExp(`no queue "no-such-queue" in vhost ${VHOST} on cluster ${RABBIT}`));
    await expectRefused(one(letter, { destination: `${VHOST}/amq.rabbitmq.reply-to` }), TEST_ADMIN, "INVALID_INPUT", /"amq\." belong to RabbitMQ/);
  });

  it("refuses an operator a RabbitMQ requeue elsewhere or edited, and lets an admin do it", async () => {
    const letter = await rabbitLetter("redirect");
    await expectRefused(one(letter, { destination: `${VHOST}/orders.retry` }), TEST_OPERATOR, "FORBIDDEN", /a requeue to another destination needs the "dead-letters:redirect" permission/);
    await expectRefused(one(letter, { edit: { payloadBase64: Buffer.from("x").toString("base64") } }), TEST_OPERATOR, "FORBIDDEN", /a requeue with an edited payload or headers needs/);
    await expect(planJob(one(letter, { destination: `${VHOST}/orders.retry` }), TEST_OPERATOR)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const job = await startJob(one(letter, { destination: `${VHOST}/orders.retry`, edit: { payloadBase64: Buffer.from("fixed").toString("base64") } }), TEST_ADMIN, null);
    expect((await run(job.id)).counts.done).toBe(1);
    const got = await until(() => ch.get("orders.retry", { noAck: true }), (m) => m !== false, 10_000);
    expect(got && got.content.toString()).toBe("fixed");
  });

  it("with the broker away: starts a requeue to the letters' own subjects (the job waits), refuses one to a chosen subject, and still refuses reserved ones", async () => {
    const [first, second] = await natsLetters(store.prisma, { cluster: AWAY, stream: STREAM, subject: `${SUBJ}.away`, n: 2, tag: `away-${id}` });
    await expectRefused(one(first!, { destination: `${SUBJ}.elsewhere` }), TEST_ADMIN, "CONFLICT", new RegExp(`could not confirm that ${SUBJ}\\.elsewhere exists on cluster ${AWAY}`));
    await expectRefused(one(first!, { destination: "$SYS.REQ.SERVER.PING" }), TEST_ADMIN, "INVALID_INPUT", /is reserved/);
    const job = await startJob({ action: "requeue", scope: { kind: "letters", ids: [first!, second!] }, includePoison: false, rate: 100 }, TEST_OPERATOR, null);
    expect(job).toMatchObject({ state: "running", total: 2 });
    // Not run here: the runner of this file publishes through the local server, not the one away.
    await store.prisma.redriveJob.update({ where: { id: job.id }, data: { state: "cancelled" } });
  });
});
