import { randomBytes } from "node:crypto";
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, nanos, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeadLetterSink, NewLetter } from "@/lib/brokers/dead-letter-source";
import { CaptureCollector, ensureCaptureStream } from "@/lib/brokers/nats/capture-collector";
import { DEFAULT_CAPTURE } from "@/lib/config";
import { openStore, type Store } from "@/lib/db/open-store";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { createTestDatabase } from "../support/postgres";
import { until } from "../support/rabbit-admin";

// The capture collector stores one batch while it fetches the next and reads its originals; each
// batch is acked only after its own commit. A crash between the commit and the ack of a batch, or an
// INSERT that fails, leaves its advisories unacked: JetStream delivers them again, and each death is
// one letter in the end — none lost, none doubled.

const id = randomBytes(3).toString("hex");
const STREAM = `IT_CAPPIPE_${id.toUpperCase()}`;
const SUBJ = `it-cappipe-${id}`;
const DURABLE = `it-cappipe-${id}`;
const N = 250; // three fetches of 100 (more when other work's advisories fall in between)

describe("capture collection, pipelined", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let clusterId: string;
  const capture = { ...DEFAULT_CAPTURE, consumer: DURABLE, startFrom: "new" as const };

  const ours = (letters: NewLetter[]) => letters.filter((l) => l.source.startsWith(`${STREAM}/`));
  const stored = () => store.prisma.deadLetter.findMany({ where: { source: { startsWith: `${STREAM}/` } }, select: { properties: true } });
  const sink = (store: (letters: NewLetter[]) => Promise<number>, warnings: string[]): DeadLetterSink => ({
    clusterId,
    clusterName: "cap",
    store,
    collectedBefore: async () => false,
    installationId: async () => "it",
    recordDiscovery: async () => undefined,
    adopted: async () => [],
    setSourceProblem: async () => undefined,
    setClusterProblems: async () => undefined,
    warn: (m) => warnings.push(m),
  });

  /** `n` messages terminated by a worker: `n` MSG_TERMINATED advisories in the capture stream. */
  async function terminate(n: number, tag: string): Promise<void> {
    const js = jetstream(nc);
    for (let i = 0; i < n; i++) await js.publish(`${SUBJ}.${tag}`, `${tag} ${i}`);
    const worker = await js.consumers.get(STREAM, "worker");
    let done = 0;
    while (done < n) {
      const batch = await worker.fetch({ max_messages: 500, expires: 1000 });
      for await (const m of batch) (m.term(), done++);
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openStore({ kind: "postgres", url: db.url });
    clusterId = (await store.prisma.cluster.create({ data: { name: "cap", kind: "nats" } })).id;
    nc = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJ}.>`], retention: RetentionPolicy.Limits });
    await jsm.consumers.add(STREAM, { durable_name: "worker", ack_policy: AckPolicy.Explicit, max_ack_pending: 10_000 });
    // Our durable, as the collector makes it, but redelivering after 2 s instead of a minute.
    await ensureCaptureStream(jsm, capture, DURABLE, async () => false);
    const info = await jsm.consumers.info(capture.stream, DURABLE);
    await jsm.consumers.update(capture.stream, DURABLE, { ...info.config, ack_wait: nanos(2000) });
  });

  afterAll(async () => {
    await jsm?.consumers.delete(capture.stream, DURABLE).catch(() => undefined);
    await jsm?.streams.delete(STREAM).catch(() => undefined);
    await nc?.close();
    await store?.close();
    await db?.drop();
  });

  it("fetches the next batch while one commits, and a crash between the second batch's commit and its ack loses and doubles nothing", async () => {
    await terminate(N, "crash");
    // The first process: its second store of our letters commits, then the process "dies" before acking (its connection is gone).
    const crashed = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    let calls = 0;
    let pendingWhileSecondStored = 0;
    let thirdStoredBeforeSecondDone = false;
    let secondDone = false;
    const warnings: string[] = [];
    const first = new CaptureCollector(
      sink(async (letters) => {
        const mine = ours(letters).length > 0;
        const call = mine ? ++calls : 0;
        if (call === 3 && !secondDone) thirdStoredBeforeSecondDone = true;
        if (call !== 2) return storeLetters(store.prisma, letters);
        // While the second batch is in its INSERT the collector goes on fetching: more than this batch is delivered and unacked.
        const info = await until(() => jsm.consumers.info(capture.stream, DURABLE), (i) => i.num_ack_pending > letters.length, 10_000, 20);
        pendingWhileSecondStored = info.num_ack_pending;
        const n = await storeLetters(store.prisma, letters);
        secondDone = true;
        await crashed.close();
        return n;
      }, warnings),
      crashed,
      capture,
      DURABLE,
    );
    await first.start();
    await until(async () => secondDone, Boolean, 30_000, 50);
    await first.stop();
    expect(thirdStoredBeforeSecondDone).toBe(false);
    expect(pendingWhileSecondStored).toBeGreaterThan(100);
    const afterCrash = await stored();
    expect(afterCrash.length).toBeGreaterThan(0);
    expect(afterCrash.length).toBeLessThan(N);

    // The next process on the same durable: the second batch's advisories come again (committed, not acked), and the rest.
    const second = new CaptureCollector(sink((letters) => storeLetters(store.prisma, letters), []), nc, capture, DURABLE);
    await second.start();
    try {
      const all = await until(stored, (l) => l.length >= N, 30_000, 200);
      // Redeliveries of committed letters are settled by their advisory id: give them time to come, then count again.
      await new Promise((r) => setTimeout(r, 3000));
      const again = await stored();
      expect(again).toHaveLength(N);
      const advisories = new Set(all.map((l) => (l.properties as { advisoryId?: string }).advisoryId));
      expect(advisories.size).toBe(N);
      await until(() => jsm.consumers.info(capture.stream, DURABLE), (i) => i.num_ack_pending === 0, 15_000, 200);
    } finally {
      await second.stop();
    }
  });

  it("leaves a batch whose INSERT fails unacked, and stores it once when JetStream delivers it again", async () => {
    const before = (await stored()).length;
    let failing = true;
    const warnings: string[] = [];
    const collector = new CaptureCollector(
      sink(async (letters) => {
        if (failing && ours(letters).length > 0) throw new Error("the store is away (test)");
        return storeLetters(store.prisma, letters);
      }, warnings),
      nc,
      capture,
      DURABLE,
    );
    await terminate(150, "fail");
    await collector.start();
    try {
      await until(async () => warnings, (w) => w.some((x) => x.includes("the store is away (test)")), 20_000, 100);
      expect((await stored()).length).toBe(before);
      const info = await jsm.consumers.info(capture.stream, DURABLE);
      expect(info.num_ack_pending + info.num_pending).toBeGreaterThan(0);
      failing = false;
      await until(stored, (l) => l.length >= before + 150, 30_000, 200);
      await until(() => jsm.consumers.info(capture.stream, DURABLE), (i) => i.num_ack_pending === 0 && i.num_pending === 0, 20_000, 200);
      expect(await stored()).toHaveLength(before + 150);
    } finally {
      await collector.stop();
    }
  });
});
