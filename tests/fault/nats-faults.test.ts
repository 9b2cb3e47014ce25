import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, nanos, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJob } from "@/lib/redrive/get-job";
import { openStore, type Store } from "@/lib/db/open-store";
import { JobRunner } from "@/lib/redrive/job-runner";
import { NatsPublisher } from "@/lib/brokers/nats/nats-publisher";
import type { LetterPublisher } from "@/lib/brokers/publisher";
import { startJob } from "@/lib/redrive/start-job";
import { account, expectAccountedFor } from "../support/accounting";
import { natsLetters, streamCopies } from "../support/letters";
import { startNatsServer } from "../support/nats-server";
import { TEST_OPERATOR } from "../support/principals";
import { until } from "../support/rabbit-admin";
import { createRedriveEnv, uniqueId, type RedriveEnv } from "../support/redrive-env";
import { TcpProxy } from "../support/tcp-proxy";

// JetStream under faults, on a private nats-server (so it can be restarted without disturbing
// anyone): requeue jobs pinned to their stream, with Nats-Msg-Id per (job, letter).

const id = uniqueId();
const CLUSTER = `fault-nats-${id}`;

describe("requeue to JetStream under faults", () => {
  let env: RedriveEnv;
  let server: Awaited<ReturnType<typeof startNatsServer>>;
  let storeDir: string;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let seq = 0;

  const serverArgs = () => ["-js", "-sd", storeDir];
  const connect = (port = server.port) => natsConnect({ servers: `nats://127.0.0.1:${port}`, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });

  /** A stream of its own (duplicate window `windowMs`) and `n` letters to requeue into it. */
  async function setup(n: number, tag: string, windowMs = 120_000): Promise<{ ids: string[]; stream: string; subject: string }> {
    const stream = `FAULT_${id.toUpperCase()}_${++seq}`;
    const subject = `fault.${id}.${seq}.${tag}`;
    await jsm.streams.add({ name: stream, subjects: [subject], duplicate_window: nanos(windowMs), max_age: nanos(Math.max(windowMs, 60_000)) });
    const ids = await natsLetters(env.store.prisma, { cluster: CLUSTER, stream, subject, n, tag: `${tag}-${id}` });
    return { ids, stream, subject };
  }

  const runnerWith = (publisher: () => Promise<LetterPublisher>, leaseMs = 1500, prisma = env.store.prisma) =>
    new JobRunner({ prisma, maxInFlight: 20, leaseMs, publisherFor: publisher, log: (level, message, context) => console.error(`runner ${level}: ${message} ${JSON.stringify(context ?? {})}`) });
  const requeue = (ids: string[], rate: number) => startJob({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false, rate }, TEST_OPERATOR, null);
  const settled = (jobId: string, ms = 60_000) => until(() => getJob(jobId), (j) => ["completed", "cancelled", "failed"].includes(j.state), ms, 200);

  beforeAll(async () => {
    storeDir = mkdtempSync(path.join(tmpdir(), "redrive-fault-nats-"));
    server = await startNatsServer(["-js", "-sd", storeDir]);
    env = await createRedriveEnv({ clusters: [{ name: CLUSTER, kind: "nats", servers: [server.url], capture: { enabled: false } }], redrive: { maxRate: 100_000, confirmTimeoutSeconds: 5 } }, id);
    nc = await connect();
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await server?.stop();
    await env?.close();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });

  it("NATS restarted during a bulk requeue: the job waits, then finishes, nothing doubled", async () => {
    const t0 = Date.now();
    const { ids, stream } = await setup(60, "restart");
    const jobNc = await connect();
    const runner = runnerWith(async () => new NatsPublisher(jobNc, 5000));
    const seen = new Set<string>();
    const job = await requeue(ids, 30);
    const watch = setInterval(() => void getJob(job.id).then((j) => j.error && seen.add(j.error), () => undefined), 200);
    try {
      await runner.claim();
      await until(() => getJob(job.id), (j) => j.counts.done >= 10, 30_000, 100);
      await server.stop();
      await new Promise((r) => setTimeout(r, 3000));
      server = await startNatsServer(serverArgs(), server.port);
      const end = await settled(job.id, 120_000);
      expect(end.state).toBe("completed");
      await until(async () => !nc.isClosed() && (await jsm.streams.info(stream).then(() => true, () => false)), Boolean, 20_000, 200);
      const copies = await streamCopies(jsm, stream);
      const acc = await account({ scenario: "NATS restarted during a bulk requeue", shows: "A private nats-server (JetStream on disk) is stopped for 3 s under a 60-letter job at 30/s and started again on the same port and store: publishes without a PubAck go again under the same Nats-Msg-Id once it is back; every letter is done and stored once.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0, notes: [...seen].map((e) => `the job said: ${e}`) });
      expectAccountedFor(acc);
      expect(acc.outcomes).toEqual({ done: 60 });
      expect(acc.onBroker).toBe(60);
    } finally {
      clearInterval(watch);
      await runner.stop();
      await jobNc.close().catch(() => undefined);
    }
  });

  /**
   * A runner that publishes `after` letters, then hangs on the next publish (after it reached the
   * broker): what a process killed between the broker's PubAck and its outcome write leaves behind.
   */
  function freezingRunner(after: number, prisma: Store["prisma"]) {
    let sent = 0;
    let frozen = false;
    let published = 0;
    const runner = runnerWith(async () => {
      const real = new NatsPublisher(nc, 5000);
      return {
        publish: async (l) => {
          if (frozen) return new Promise(() => undefined);
          const r = await real.publish(l);
          published++;
          if (++sent > after) {
            frozen = true;
            return new Promise(() => undefined);
          }
          return r;
        },
        close: () => real.close(),
      };
    }, 1500, prisma);
    return { runner, frozen: () => frozen, published: () => published };
  }

  for (const inside of [true, false]) {
    it(`a requeue retried ${inside ? "inside" : "outside"} the stream's duplicate window ${inside ? "is deduplicated by JetStream" : "is not sent again: outcome unknown"}`, async () => {
      const t0 = Date.now();
      const windowMs = inside ? 60_000 : 1000;
      const { ids, stream } = await setup(10, inside ? "inside" : "outside", windowMs);
      // The dying runner reaches the store through a proxy of its own: cutting it after the freeze
      // leaves what a killed process leaves (no outcome written, no lease renewed, nothing handed back).
      const dbProxy = new TcpProxy(5432);
      const dyingStore = await openStore({ kind: "postgres", url: env.directUrl.replace("127.0.0.1:5432", `127.0.0.1:${await dbProxy.start()}`) });
      const { runner: dying, frozen, published } = freezingRunner(3, dyingStore.prisma);
      const job = await requeue(ids, 1000);
      await dying.claim();
      await until(async () => frozen(), Boolean, 20_000, 20);
      await dbProxy.cut();
      if (!inside) await new Promise((r) => setTimeout(r, windowMs + 1500));
      const heir = runnerWith(async () => new NatsPublisher(nc, 5000));
      try {
        await until(() => heir.claim(), (claimed) => claimed.includes(job.id), 20_000, 200);
        const end = await settled(job.id);
        expect(end.state).toBe("completed");
        const copies = await streamCopies(jsm, stream);
        const acc = await account({
          scenario: `NATS requeue retried ${inside ? "inside" : "outside"} the duplicate window`,
          shows: inside
            ? "A runner dies after JetStream stored a letter and before the outcome was written; the next runner sends the letters it left in flight again under the same Nats-Msg-Id within the 60 s duplicate window: JetStream drops the second copy, the outcome is done."
            : "The same, with a 1 s duplicate window that has passed when the next runner takes over: it does not send those letters again (that could double them) and records them as outcome unknown.",
          prisma: env.store.prisma,
          letterIds: ids,
          copies,
          startedAt: t0,
        });
        expectAccountedFor(acc);
        if (inside) expect(acc.outcomes).toEqual({ done: 10 });
        else expect(acc.outcomes).toEqual({ unknown: 10 });
        expect(acc.onBroker).toBe(inside ? 10 : published());
      } finally {
        await heir.stop();
        // The dead runner's publish never returns and its store is gone: let it go without waiting.
        void dying.stop(0).catch(() => undefined);
        void dyingStore.close().catch(() => undefined);
      }
    });
  }

  it("PubAcks delayed by several seconds: every letter done once", async () => {
    const t0 = Date.now();
    const { ids, stream } = await setup(20, "slow");
    const proxy = new TcpProxy(server.port);
    const port = await proxy.start();
    const jobNc = await connect(port);
    await jobNc.flush();
    const runner = runnerWith(async () => new NatsPublisher(jobNc, 10_000));
    try {
      proxy.delay(3000);
      const job = await requeue(ids, 100);
      await runner.claim();
      const end = await settled(job.id);
      expect(end.counts).toMatchObject({ done: 20, unknown: 0, failed: 0 });
      expect(Date.now() - t0).toBeGreaterThan(3000);
      const acc = await account({ scenario: "JetStream PubAcks delayed 3 s", shows: "Everything the NATS server sends is delayed 3 s (PubAck timeout 10 s): the job is slower, every letter is done and stored once.", prisma: env.store.prisma, letterIds: ids, copies: await streamCopies(jsm, stream), startedAt: t0 });
      expectAccountedFor(acc);
      expect(acc.onBroker).toBe(20);
    } finally {
      await runner.stop();
      await jobNc.close().catch(() => undefined);
      await proxy.cut();
    }
  });

  it("connection cut after the publish but before the PubAck: nothing doubled, nothing lost", async () => {
    const t0 = Date.now();
    const { ids, stream } = await setup(30, "cut");
    const proxy = new TcpProxy(server.port);
    const port = await proxy.start();
    const jobNc = await connect(port);
    const runner = runnerWith(async () => new NatsPublisher(jobNc, 3000));
    try {
      const job = await requeue(ids, 20);
      await runner.claim();
      await until(() => getJob(job.id), (j) => j.counts.done >= 5, 30_000, 50);
      proxy.stall();
      await until(async () => proxy.heldBytes, (b) => b > 0, 10_000, 20);
      await new Promise((r) => setTimeout(r, 300));
      await proxy.cut();
      await new Promise((r) => setTimeout(r, 1000));
      await proxy.restore();
      const end = await settled(job.id);
      expect(end.state).toBe("completed");
      const copies = await streamCopies(jsm, stream);
      const acc = await account({ scenario: "NATS connection cut after publish, before the PubAck", shows: "A proxy passes publishes to JetStream and holds back its PubAcks, then drops the connection: the letters go again under the same Nats-Msg-Id, JetStream drops the copies it already had, and the stream holds each letter once.", prisma: env.store.prisma, letterIds: ids, copies, startedAt: t0 });
      expectAccountedFor(acc);
      expect(acc.outcomes).toEqual({ done: 30 });
      expect(acc.onBroker).toBe(30);
    } finally {
      await runner.stop();
      await jobNc.close().catch(() => undefined);
      await proxy.cut();
    }
  });
});
