import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { DEFAULT_CAPTURE, type NatsClusterConfig } from "@/lib/config";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { openStore, type Store } from "@/lib/db/open-store";
import { Collector } from "@/lib/dead-letters/collector/collector";
import { ensureCaptureStream } from "@/lib/brokers/nats/capture-collector";
import { captureDurable } from "@/lib/brokers/nats/capture-durable";
import { createLeaderLock } from "@/lib/db/leader-lock";
import { account, expectAccountedFor } from "../support/accounting";
import { startNatsServer } from "../support/nats-server";
import { createTestDatabase, queryRows } from "../support/postgres";
import { until } from "../support/rabbit-admin";
import { uniqueId } from "../support/redrive-env";

// JetStream dead-letter capture across the ordinary life of a NATS system, on a private nats-server
// (its capture stream and durables are this file's alone): streams and durables made again under
// their old names, a second Redrive installation on the same NATS, and something else pulling from
// an installation's durable. Each installation is a store of its own, as in production.

const id = uniqueId();
const CLUSTER = `lc-nats-${id}`;

type Installation = { store: Store; drop(): Promise<void>; collector: Collector; broker: NatsBroker; warnings: string[] };

describe("JetStream dead letters through the life of streams, durables and installations", () => {
  let server: Awaited<ReturnType<typeof startNatsServer>>;
  let storeDir: string;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let cluster: NatsClusterConfig;
  const installations: Installation[] = [];

  /** One Redrive installation: its own store (so its own installation id), collecting from the private NATS. */
  async function install(): Promise<Installation> {
    const db = await createTestDatabase("redrive_lc");
    const store = await openStore({ kind: "postgres", url: db.url });
    const broker = new NatsBroker(cluster, 5000);
    const warnings: string[] = [];
    const collector = new Collector(store.prisma, [{ cluster, broker }], createLeaderLock({ kind: "embedded", dataDir: "" }, () => undefined), {
      intervalMs: 500,
      discoveryMs: 0,
      timeoutMs: 5000,
      log: (_l, m) => warnings.push(m),
    });
    const i: Installation = {
      store,
      broker,
      collector,
      warnings,
      async drop() {
        await collector.stop();
        await broker.close();
        await store.close();
        await db.drop();
      },
    };
    installations.push(i);
    return i;
  }

  /** Delivers every message waiting for `durable` on `stream`, terminating each: one advisory per message. */
  async function terminateAll(stream: string, durable: string, expected: number): Promise<void> {
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    let done = 0;
    const deadline = Date.now() + 20_000;
    while (done < expected && Date.now() < deadline) {
      const batch = await consumer.fetch({ max_messages: expected - done, expires: 1000 });
      for await (const m of batch) {
        m.term();
        done++;
      }
    }
    expect(done).toBe(expected);
  }

  /** Started, with its durable on the capture stream made: deaths from now on are captured. */
  async function capturing(i: Installation): Promise<string> {
    i.collector.start();
    const durable = captureDurable(DEFAULT_CAPTURE, await getInstallationId(i.store.prisma));
    await until(() => jsm.consumers.info(DEFAULT_CAPTURE.stream, durable).catch(() => null), (c) => c !== null, 20_000, 100);
    return durable;
  }

  const addWorker = (stream: string) => jsm.consumers.add(stream, { durable_name: "worker", ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: 5_000_000_000 });
  const lettersOf = (i: Installation, stream: string) => i.store.prisma.deadLetter.findMany({ where: { source: `${stream}/worker` }, orderBy: { capturedAt: "asc" } });

  /** The shared accounting over the deaths a scenario caused: each one found in the store, or counted lost. */
  async function accountDeaths(i: Installation, scenario: string, shows: string, expected: number, stream: string, startedAt: number, notes: string[] = []) {
    const stored = await lettersOf(i, stream);
    const ids = stored.slice(0, expected).map((l) => l.id);
    while (ids.length < expected) ids.push(randomUUID()); // a death with no letter: lost
    const a = await account({ scenario, shows, prisma: i.store.prisma, letterIds: ids, copies: new Map(), startedAt, notes: [`${stored.length} letters stored for ${expected} deaths`, ...notes] });
    return { a, stored };
  }

  beforeAll(async () => {
    storeDir = mkdtempSync(path.join(tmpdir(), "redrive-lc-nats-"));
    server = await startNatsServer(["-js", "-sd", storeDir]);
    // The default capture settings, as two installations configured alike would have them.
    cluster = { name: CLUSTER, kind: "nats", servers: [server.url], capture: { ...DEFAULT_CAPTURE } };
    nc = await natsConnect({ servers: server.url });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    for (const i of installations) await i.drop().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await server?.stop();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });

  it("a stream deleted and made again, then its durable made again: three deaths at sequence 1, three letters", async () => {
    const t0 = Date.now();
    const a = await install();
    await capturing(a);
    const stream = `LC_RECREATE_${id.toUpperCase()}`;
    const js = jetstream(nc);

    await jsm.streams.add({ name: stream, subjects: [`lc.${id}.recreate`], retention: RetentionPolicy.Limits });
    await addWorker(stream);
    await js.publish(`lc.${id}.recreate`, "first incarnation");
    await terminateAll(stream, "worker", 1);
    await until(() => lettersOf(a, stream), (l) => l.length === 1, 20_000, 200);

    // The stream made again under its old name: sequences restart at 1.
    await jsm.streams.delete(stream);
    await jsm.streams.add({ name: stream, subjects: [`lc.${id}.recreate`], retention: RetentionPolicy.Limits });
    await addWorker(stream);
    const pa = await js.publish(`lc.${id}.recreate`, "second incarnation");
    expect(pa.seq).toBe(1);
    await terminateAll(stream, "worker", 1);
    await until(() => lettersOf(a, stream), (l) => l.length >= 2, 20_000, 200).catch(() => undefined);

    // The durable made again: it delivers sequence 1 again, and it dies again.
    await jsm.consumers.delete(stream, "worker");
    await addWorker(stream);
    await terminateAll(stream, "worker", 1);
    await until(() => lettersOf(a, stream), (l) => l.length >= 3, 20_000, 200).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives late

    const { a: result, stored } = await accountDeaths(a, "NATS stream and durable made again under their old names", "Three deaths at stream sequence 1 (first stream, stream made again, durable made again) are three letters", 3, stream, t0);
    expectAccountedFor(result);
    expect(stored).toHaveLength(3);
    expect(stored.map((l) => (l.payload ? Buffer.from(l.payload).toString() : null))).toEqual(["first incarnation", "second incarnation", "second incarnation"]);
    expect(new Set(stored.map((l) => (l.properties as { advisoryId: string }).advisoryId)).size).toBe(3);
    await a.collector.stop();
  });

  it("a durable made again alone: the second death of sequence 1 is its own letter", async () => {
    const t0 = Date.now();
    const a = installations[0]!;
    await capturing(a);
    const stream = `LC_DURABLE_${id.toUpperCase()}`;
    await jsm.streams.add({ name: stream, subjects: [`lc.${id}.durable`], retention: RetentionPolicy.Limits });
    await addWorker(stream);
    await jetstream(nc).publish(`lc.${id}.durable`, "dies twice");
    await terminateAll(stream, "worker", 1);
    await until(() => lettersOf(a, stream), (l) => l.length === 1, 20_000, 200);
    await jsm.consumers.delete(stream, "worker");
    await addWorker(stream);
    await terminateAll(stream, "worker", 1);
    await until(() => lettersOf(a, stream), (l) => l.length >= 2, 20_000, 200).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500));
    const { a: result, stored } = await accountDeaths(a, "NATS durable made again under its old name", "A message terminated through a durable, and again through the durable made again, is two letters", 2, stream, t0);
    expectAccountedFor(result);
    expect(stored).toHaveLength(2);
    await a.collector.stop();
  });

  it("advisories delivered again (the installation's durable removed and made again) are each stored once", async () => {
    const t0 = Date.now();
    const a = installations[0]!;
    const durable = captureDurable(DEFAULT_CAPTURE, await getInstallationId(a.store.prisma));
    const before = await a.store.prisma.deadLetter.count();
    expect(before).toBeGreaterThanOrEqual(5);
    const first = await jsm.consumers.info(DEFAULT_CAPTURE.stream, durable);
    // Removed while Redrive runs (by hand, or by its inactive threshold while Redrive was away):
    // Redrive makes it again and reads every advisory the stream still holds, once more.
    await capturing(a);
    await new Promise((r) => setTimeout(r, 1000));
    await jsm.consumers.delete(DEFAULT_CAPTURE.stream, durable);
    const again = await until(() => jsm.consumers.info(DEFAULT_CAPTURE.stream, durable).catch(() => null), (c) => c !== null && c.delivered.stream_seq >= first.delivered.stream_seq && c.num_ack_pending === 0, 30_000, 200);
    expect(again!.created).not.toBe(first.created);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await a.store.prisma.deadLetter.count()).toBe(before);
    expect(a.warnings.filter((w) => w.includes(`capture durable ${durable} on ${DEFAULT_CAPTURE.stream} was removed; making it again`)), a.warnings.join("\n")).toHaveLength(1);
    const all = await a.store.prisma.deadLetter.findMany({ select: { id: true } });
    const result = await account({ scenario: "NATS advisories delivered again", shows: "Every advisory read a second time (durable made again from the start of the stream) is recognised by its id: nothing doubled", prisma: a.store.prisma, letterIds: all.map((l) => l.id), copies: new Map(), startedAt: t0, notes: [`${again!.delivered.stream_seq} advisories read again, ${before} letters before and after`] });
    expectAccountedFor(result);
    await a.collector.stop();
  });

  it("two installations on one NATS: each holds every dead letter of the same burst", async () => {
    const t0 = Date.now();
    const [a, b] = [installations[0]!, await install()];
    // Both installations running (their durables made) before the burst.
    await capturing(a);
    await capturing(b);
    expect(await getInstallationId(a.store.prisma)).not.toBe(await getInstallationId(b.store.prisma));
    const stream = `LC_TWO_${id.toUpperCase()}`;
    await jsm.streams.add({ name: stream, subjects: [`lc.${id}.two.>`], retention: RetentionPolicy.Limits });
    await addWorker(stream);
    const js = jetstream(nc);
    for (let n = 0; n < 50; n++) await js.publish(`lc.${id}.two.${n}`, `burst ${n}`);
    await terminateAll(stream, "worker", 50);
    for (const i of [a, b]) await until(() => lettersOf(i, stream), (l) => l.length >= 50, 30_000, 250).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500));
    for (const [name, i] of [["A", a], ["B", b]] as const) {
      const { a: result, stored } = await accountDeaths(i, `NATS two installations, installation ${name}`, "Two Redrive installations on one NATS, 50 letters dying in a burst: each installation holds all 50", 50, stream, t0);
      expectAccountedFor(result);
      expect(stored).toHaveLength(50);
      expect(new Set(stored.map((l) => Buffer.from(l.payload!).toString())).size).toBe(50);
    }
    await a.collector.stop();
    await b.collector.stop();
  });

  it("something else pulling from the installation's durable is shown as a problem with the capture stream", async () => {
    const a = installations[0]!;
    const durable = captureDurable(DEFAULT_CAPTURE, await getInstallationId(a.store.prisma));
    const problemOf = async () => {
      const c = await a.store.prisma.cluster.findUniqueOrThrow({ where: { name: CLUSTER } });
      return (c.deadLetterProblems as Array<{ source: string; problem: string }>).find((p) => p.source === DEFAULT_CAPTURE.stream)?.problem ?? null;
    };
    await capturing(a);
    const stream = `LC_FOREIGN_${id.toUpperCase()}`;
    await jsm.streams.add({ name: stream, subjects: [`lc.${id}.foreign.>`], retention: RetentionPolicy.Limits });
    await addWorker(stream);
    const js = jetstream(nc);
    // Alone on its durable, with dead letters flowing: no problem.
    for (let n = 0; n < 5; n++) await js.publish(`lc.${id}.foreign.${n}`, `alone ${n}`);
    await terminateAll(stream, "worker", 5);
    await until(() => lettersOf(a, stream), (l) => l.length === 5, 20_000, 200);
    await new Promise((r) => setTimeout(r, 8000));
    expect(await problemOf()).toBeNull();

    // A copy of this installation (its store restored elsewhere) pulls from the same durable.
    const other = await natsConnect({ servers: server.url });
    let stolen = 0;
    let pulling = true;
    const thief = (async () => {
      const c = await jetstream(other).consumers.get(DEFAULT_CAPTURE.stream, durable);
      while (pulling) {
        const batch = await c.fetch({ max_messages: 10, expires: 2000 }).catch(() => null);
        if (!batch) continue;
        for await (const m of batch) {
          m.ack();
          stolen++;
        }
      }
    })();
    try {
      for (let n = 5; n < 45; n++) await js.publish(`lc.${id}.foreign.${n}`, `split ${n}`);
      await terminateAll(stream, "worker", 40);
      const problem = await until(problemOf, (p) => p !== null, 30_000, 250);
      expect(problem).toMatch(new RegExp(`^another process is pulling from Redrive's capture durable ${durable} on ${DEFAULT_CAPTURE.stream}; dead letters are being split`));
      console.log(`foreign puller: took ${stolen} advisories; problem shown: ${problem}`);
    } finally {
      pulling = false;
      await thief;
      await other.close();
      await a.collector.stop();
    }
  });

  it("an idle puller on the installation's durable (no dead letters flowing) is shown too", async () => {
    const a = installations[0]!;
    const durable = await capturing(a);
    const problemOf = async () => {
      const c = await a.store.prisma.cluster.findUniqueOrThrow({ where: { name: CLUSTER } });
      return (c.deadLetterProblems as Array<{ source: string; problem: string }>).find((p) => p.source === DEFAULT_CAPTURE.stream)?.problem ?? null;
    };
    await new Promise((r) => setTimeout(r, 7000));
    expect(await problemOf()).toBeNull();
    const other = await natsConnect({ servers: server.url });
    let pulling = true;
    const idle = (async () => {
      const c = await jetstream(other).consumers.get(DEFAULT_CAPTURE.stream, durable);
      while (pulling) {
        const batch = await c.fetch({ max_messages: 10, expires: 5000 }).catch(() => null);
        if (batch) for await (const m of batch) m.nak();
      }
    })();
    try {
      const problem = await until(problemOf, (p) => p !== null, 30_000, 250);
      expect(problem).toMatch(/^another process is pulling from Redrive's capture durable .*\(1 pull request waiting that is not Redrive's\)/);
    } finally {
      pulling = false;
      await idle;
      await other.close();
      await a.collector.stop();
    }
  });

  it("a capture stream with work-queue retention is refused with a sentence, not split", async () => {
    const a = installations[0]!;
    const capture = { ...DEFAULT_CAPTURE, stream: `LC_WQ_CAPTURE_${id.toUpperCase()}` };
    await jsm.streams.add({ name: capture.stream, subjects: [`lc.${id}.wq-capture`], retention: RetentionPolicy.Workqueue });
    await expect(ensureCaptureStream(jsm, capture, captureDurable(capture, await getInstallationId(a.store.prisma)), async () => false)).rejects.toThrow(
      `capture stream ${capture.stream} has work-queue retention: an advisory acknowledged by one installation would be gone for the others.`,
    );
  });

  it("upgrade: a letter stored under the old key, its advisory still in flight, is not stored twice", async () => {
    const t0 = Date.now();
    // The store as the previous version left it: every migration but this change's.
    const db = await createTestDatabase("redrive_lc");
    const oldMigrations = mkdtempSync(path.join(tmpdir(), "redrive-lc-migrations-"));
    cpSync(path.join(process.cwd(), "prisma", "migrations"), oldMigrations, { recursive: true, filter: (src) => !src.includes("20261206040000_") });
    await (await openStore({ kind: "postgres", url: db.url }, oldMigrations)).close();
    rmSync(oldMigrations, { recursive: true, force: true });

    // The previous version pulled from the shared durable: it acked every advisory so far...
    const legacy = DEFAULT_CAPTURE.consumer;
    await jsm.consumers.add(DEFAULT_CAPTURE.stream, { durable_name: legacy, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: 60_000_000_000 });
    const shared = await jetstream(nc).consumers.get(DEFAULT_CAPTURE.stream, legacy);
    for (;;) {
      const batch = await shared.fetch({ max_messages: 100, expires: 1000 });
      let n = 0;
      for await (const m of batch) (m.ack(), n++);
      if (n === 0) break;
    }
    // ...then one more death: stored under the old key, and the process stopped before its ack.
    const stream = `LC_UPGRADE_${id.toUpperCase()}`;
    await jsm.streams.add({ name: stream, subjects: [`lc.${id}.upgrade`], retention: RetentionPolicy.Limits });
    await addWorker(stream);
    await jetstream(nc).publish(`lc.${id}.upgrade`, "in flight across the upgrade");
    await terminateAll(stream, "worker", 1);
    const inFlight = await until(async () => {
      const batch = await shared.fetch({ max_messages: 1, expires: 1000 });
      for await (const m of batch) return m; // not acked
      return null;
    }, (m) => m !== null, 10_000, 0);
    const advisory = JSON.parse(new TextDecoder().decode(inFlight!.data)) as { id: string; stream: string; consumer: string; stream_seq: number };
    const clusterId = randomUUID();
    await queryRows(db.url, `INSERT INTO clusters (id, name, kind) VALUES ($1, $2, 'nats')`, [clusterId, CLUSTER]);
    await queryRows(
      db.url,
      `INSERT INTO dead_letters (id, cluster_id, kind, dedupe_key, source, destination, collected_from, reason, payload_shape, fingerprint, payload_size, properties)
       VALUES ($1, $2, 'nats', $3, $4, $5, $6, 'terminated', 'text', 'f', 28, $7::jsonb)`,
      [randomUUID(), clusterId, `nats:${stream}:worker:${advisory.stream_seq}:terminated`, `${stream}/worker`, `lc.${id}.upgrade`, DEFAULT_CAPTURE.stream, JSON.stringify({ stream, consumer: "worker", streamSequence: advisory.stream_seq, advisoryId: advisory.id })],
    );
    const floor = (await jsm.consumers.info(DEFAULT_CAPTURE.stream, legacy)).ack_floor.stream_seq;

    // The new version starts on that store: its migration rewrites the key, its own durable starts
    // where the shared one had acknowledged, and reads the advisory in flight again.
    const store = await openStore({ kind: "postgres", url: db.url });
    const broker = new NatsBroker(cluster, 5000);
    const collector = new Collector(store.prisma, [{ cluster, broker }], createLeaderLock({ kind: "embedded", dataDir: "" }, () => undefined), { intervalMs: 500, discoveryMs: 0, timeoutMs: 5000 });
    const i: Installation = { store, broker, collector, warnings: [], drop: async () => (await collector.stop(), await broker.close(), await store.close(), await db.drop()) };
    installations.push(i);
    const durable = await capturing(i);
    const info = await jsm.consumers.info(DEFAULT_CAPTURE.stream, durable);
    expect(info.config.opt_start_seq).toBe(floor + 1);
    await until(() => jsm.consumers.info(DEFAULT_CAPTURE.stream, durable), (c) => c.delivered.stream_seq >= floor + 1 && c.num_ack_pending === 0, 20_000, 200);
    await new Promise((r) => setTimeout(r, 1000));
    const { a: result, stored } = await accountDeaths(i, "NATS upgrade with an advisory in flight", "A letter stored under the old stream:consumer:seq key, its advisory unacknowledged across the upgrade, is still one letter", 1, stream, t0);
    expectAccountedFor(result);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.dedupeKey).toBe(`nats:adv:${stream}:worker:${advisory.id}`);
    // Nothing before the shared durable's ack floor was read again.
    expect(await store.prisma.deadLetter.count()).toBe(1);
    await collector.stop();
  });
});
