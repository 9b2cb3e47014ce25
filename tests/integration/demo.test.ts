import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsClusterConfig, RabbitClusterConfig } from "../../lib/config";
import { natsNames, rabbitNames } from "../../scripts/demo/names";
import { startNatsDemo, type NatsDemo } from "../../scripts/demo/nats";
import { startRabbitDemo, type RabbitDemo } from "../../scripts/demo/rabbitmq";

// Runs the demo against the real local brokers (RabbitMQ 127.0.0.1:5672 + management :15672,
// NATS with JetStream 127.0.0.1:4222) under a unique prefix, and checks what the brokers report.

const MGMT = "http://127.0.0.1:15672";
const AUTH = `Basic ${Buffer.from("guest:guest").toString("base64")}`;
const rabbitCluster: RabbitClusterConfig = {
  name: "test-rabbitmq",
  kind: "rabbitmq",
  amqpUrl: "amqp://127.0.0.1:5672",
  managementUrl: MGMT,
  user: "guest",
  password: "guest",
  vhosts: [],
};
const natsCluster: NatsClusterConfig = { name: "test-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"] };
const ROOT = path.resolve(import.meta.dirname, "../..");

const prefix = `t${Date.now().toString(36)}-`;
const conflictPrefix = `${prefix}x-`;
const usedPrefixes = [prefix, conflictPrefix];
const rq = rabbitNames(prefix);
const nn = natsNames(prefix);

type QueueInfo = { messages?: number; consumers?: number; arguments?: Record<string, unknown> };
type PeekedMessage = { properties: { headers?: { "x-death"?: { reason: string; queue: string }[] } } };

async function mgmt(method: string, apiPath: string, body?: unknown): Promise<Response> {
  return fetch(`${MGMT}/api${apiPath}`, {
    method,
    headers: { authorization: AUTH, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function queueInfo(name: string): Promise<QueueInfo> {
  const res = await mgmt("GET", `/queues/%2F/${encodeURIComponent(name)}`);
  if (!res.ok) throw new Error(`GET queue ${name}: HTTP ${res.status}`);
  return (await res.json()) as QueueInfo;
}

async function peek(name: string): Promise<PeekedMessage[]> {
  const res = await mgmt("POST", `/queues/%2F/${encodeURIComponent(name)}/get`, { count: 5, ackmode: "ack_requeue_true", encoding: "auto" });
  if (!res.ok) throw new Error(`peek ${name}: HTTP ${res.status}`);
  return (await res.json()) as PeekedMessage[];
}

/** Polls `read` until `ok` holds; fails with the last reading after `timeoutMs`. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last reading: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function runCli(args: string[], config: unknown): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-demo-test-"));
  const file = path.join(dir, "redrive.config.json");
  writeFileSync(file, JSON.stringify(config));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/demo/index.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, REDRIVE_CONFIG: file },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run demo against the local brokers", () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const seen = { maxDeliveries: 0, msgTerminated: 0 };
  const subs: Subscription[] = [];
  const running: { rabbit?: RabbitDemo; nats?: NatsDemo } = {};

  beforeAll(async () => {
    nc = await connect({ servers: natsCluster.servers, name: "redrive-demo-test" });
    jsm = await jetstreamManager(nc);
    // Our own subscriptions, so the assertions do not rest on the demo's counters only.
    for (const [kind, key] of [["MAX_DELIVERIES", "maxDeliveries"], ["MSG_TERMINATED", "msgTerminated"]] as const) {
      subs.push(nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.${kind}.${nn.orders.stream}.*`, { callback: () => void seen[key]++ }));
    }
    await nc.flush();
  });

  afterAll(async () => {
    const errors: unknown[] = [];
    await Promise.allSettled([running.rabbit?.stop(), running.nats?.stop()]);
    for (const p of usedPrefixes) {
      const r = rabbitNames(p);
      for (const q of r.queues) {
        const res = await mgmt("DELETE", `/queues/%2F/${encodeURIComponent(q)}`);
        if (!res.ok && res.status !== 404) errors.push(new Error(`delete queue ${q}: HTTP ${res.status}`));
      }
      for (const x of r.exchanges) {
        const res = await mgmt("DELETE", `/exchanges/%2F/${encodeURIComponent(x)}`);
        if (!res.ok && res.status !== 404) errors.push(new Error(`delete exchange ${x}: HTTP ${res.status}`));
      }
      for (const s of natsNames(p).streams) {
        await jsm.streams.delete(s).catch((e: unknown) => {
          if (!(e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound)) errors.push(e);
        });
      }
    }
    for (const s of subs) s.unsubscribe();
    await nc?.close();
    if (errors.length) throw new AggregateError(errors, "cleanup failed");
  }, 60_000);

  it("builds the topology and keeps every consumer state busy", async () => {
    const startedAt = Date.now();
    running.rabbit = await startRabbitDemo({ cluster: rabbitCluster, prefix, rateScale: 10, log: () => undefined });
    running.nats = await startNatsDemo({ cluster: natsCluster, prefix, rateScale: 10, log: () => undefined });
    expect(running.rabbit.declared).toContain(rq.orders);
    expect(running.nats.declared).toContain(`stream ${nn.orders.stream} created`);

    // While running: orders is consumed, shipments is not; the archiver lags behind analytics.
    await until("orders to show a consumer", () => queueInfo(rq.orders), (q) => (q.consumers ?? 0) > 0);
    await until("shipments to fill up with no consumer", () => queueInfo(rq.shipments), (q) => q.consumers === 0 && (q.messages ?? 0) > 0);
    const pending = () =>
      Promise.all([jsm.consumers.info(nn.events.stream, "analytics"), jsm.consumers.info(nn.events.stream, "archiver")]).then(([a, b]) => ({
        analytics: a.num_pending,
        archiver: b.num_pending,
      }));
    await until("archiver to lag behind analytics", pending, (p) => p.archiver > p.analytics);
    await until("MAX_DELIVERIES and MSG_TERMINATED advisories for ORDERS", async () => ({ ...seen }), (s) => s.maxDeliveries > 0 && s.msgTerminated > 0);

    const elapsed = Date.now() - startedAt;
    if (elapsed < 8000) await new Promise((r) => setTimeout(r, 8000 - elapsed));
    const failed = await Promise.race([running.rabbit.failed, running.nats.failed, Promise.resolve(undefined)]);
    expect(failed).toBeUndefined();
    const rabbitStats = await running.rabbit.stop();
    const natsStats = await running.nats.stop();
    expect(rabbitStats.published).toBeGreaterThan(0);
    expect(rabbitStats.rejected).toBeGreaterThan(0);
    expect(natsStats.published).toBeGreaterThan(0);
    expect(natsStats.naked).toBeGreaterThan(0);
    expect(natsStats.terminated).toBeGreaterThan(0);
    expect(natsStats.advisories.maxDeliveries).toBeGreaterThan(0);
    expect(natsStats.advisories.msgTerminated).toBeGreaterThan(0);
  }, 90_000);

  it("dead-letters with the expected x-death reasons", async () => {
    for (const [queue, source, reason] of [
      [rq.ordersDlq, rq.orders, "rejected"],
      [rq.remindersDlq, rq.reminders, "expired"],
      [rq.paymentsDlq, rq.payments, "delivery_limit"],
    ] as const) {
      await until(`${queue} to hold messages`, () => queueInfo(queue), (q) => (q.messages ?? 0) > 0);
      const messages = await peek(queue);
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) {
        const deaths = m.properties.headers?.["x-death"] ?? [];
        expect(deaths).toContainEqual(expect.objectContaining({ reason, queue: source }));
      }
    }
    const payments = await queueInfo(rq.payments);
    expect(payments.arguments).toMatchObject({ "x-queue-type": "quorum", "x-delivery-limit": 3 });
  }, 60_000);

  it("runs again with the same prefix, reusing what exists", async () => {
    const rabbit = await startRabbitDemo({ cluster: rabbitCluster, prefix, rateScale: 10, log: () => undefined });
    running.rabbit = rabbit;
    const nats = await startNatsDemo({ cluster: natsCluster, prefix, rateScale: 10, log: () => undefined });
    running.nats = nats;
    expect(nats.declared).toContain(`stream ${nn.orders.stream} exists`);
    expect(nats.declared).toContain("archiver exists");
    await new Promise((r) => setTimeout(r, 1500));
    expect((await rabbit.stop()).published).toBeGreaterThan(0);
    expect((await nats.stop()).published).toBeGreaterThan(0);
  }, 60_000);

  it("the CLI runs for --seconds, prints what it declared and a summary, and exits 0", async () => {
    const config = { clusters: [{ ...natsCluster }, { name: rabbitCluster.name, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: MGMT }] };
    const out = await runCli(["--prefix", prefix, "--seconds", "3", "--rate-scale", "5"], config);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).not.toContain("redrive demo:");
    expect(out.stdout).toContain(`nats: NATS "test-nats" at nats://127.0.0.1:4222: stream ${nn.orders.stream} exists`);
    expect(out.stdout).toMatch(/redrive demo stopped after \d+s \(3s elapsed\)/);
    expect(out.stdout).toMatch(/rabbitmq: published [1-9]\d*/);
  }, 60_000);

  it("names a queue that already exists with other arguments", async () => {
    const q = rabbitNames(conflictPrefix).reminders;
    const res = await mgmt("PUT", `/queues/%2F/${encodeURIComponent(q)}`, { durable: true, arguments: { "x-message-ttl": 1000 } });
    expect(res.ok).toBe(true);
    const err: unknown = await startRabbitDemo({ cluster: rabbitCluster, prefix: conflictPrefix, rateScale: 1, log: () => undefined }).then(
      (d) => d.stop().then(() => undefined),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`queue "${q}"`);
    expect((err as Error).message).toContain("already exists with different arguments");
  }, 30_000);
});

describe("an unreachable broker", () => {
  const secret = "Sup3r-secret-pw";

  it("RabbitMQ: the error names the URL but not the password", async () => {
    const cluster = { ...rabbitCluster, amqpUrl: `amqp://guest:${secret}@127.0.0.1:1`, password: secret };
    const err: unknown = await startRabbitDemo({ cluster, prefix, rateScale: 1, connectTimeoutMs: 3000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^Cannot connect to RabbitMQ "test-rabbitmq" at amqp:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/);
    expect(`${(err as Error).message} ${String((err as Error).cause)}`).not.toContain(secret);
  }, 15_000);

  it("NATS: the error names the URL but not the password", async () => {
    const cluster: NatsClusterConfig = { ...natsCluster, servers: ["nats://127.0.0.1:1"], user: "demo", password: secret };
    const err: unknown = await startNatsDemo({ cluster, prefix, rateScale: 1, connectTimeoutMs: 3000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^Cannot connect to NATS "test-nats" at nats:\/\/127\.0\.0\.1:1: .*refused/);
    expect(`${(err as Error).message} ${String((err as Error).cause)}`).not.toContain(secret);
  }, 15_000);

  it("the CLI prints one line per broker and exits non-zero", async () => {
    const config = {
      clusters: [
        { name: "n1", kind: "nats", servers: ["nats://127.0.0.1:1"] },
        { name: "r1", kind: "rabbitmq", amqpUrl: `amqp://guest:${secret}@127.0.0.1:1`, managementUrl: "http://127.0.0.1:1" },
      ],
    };
    const out = await runCli([], config);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('Cannot connect to RabbitMQ "r1" at amqp://127.0.0.1:1');
    expect(out.stderr).toContain('Cannot connect to NATS "n1" at nats://127.0.0.1:1');
    expect(out.stdout + out.stderr).not.toContain(secret);
  }, 30_000);
});
